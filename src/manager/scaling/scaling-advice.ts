import type { NodeState } from '../../pool/node-state.js';
import { isEligibleWhenReady } from '../../pool/eligibility.js';
import type { ParsedRequest } from '../../pool/request.js';
import type { JobRecord } from '../job-record.js';
import { type Migration, type PlanningCluster, emptyNodes, heldOn, usedShare } from './migration.js';
import { RoomModel } from './room-model.js';
import type { ParsedNodeType, ParsedScalingOptions } from './scaling-options.js';
import { type PackItem, fitsIn, packOverTypes } from './type-packing.js';
import { projectWaits } from './wait-projection.js';

/** Most waiting replicas one piece of advice packs (the rest are listed in `unschedulable` as not considered). */
export const MAX_PACKED_REPLICAS = 2_000;
/** Most moves a consolidation proposes in one piece of advice. */
const MAX_CONSOLIDATION_MOVES = 1_000;

/** `mgr.scalingAdvice()`'s answer: what to add, what to remove, and what it does to the price per hour. */
export interface ScalingAdvice {
  /** New nodes by type, cheapest packing first found; `for`: the waiting jobs they are for. */
  readonly add: readonly { readonly type: string; readonly count: number; readonly for: readonly string[] }[];
  /**
   * Nodes to remove, cheapest to lose first: `idle` (nothing has run there for `idleForMs`), or
   * `underutilised` (below `utilisationBelow`; `moves` put its jobs elsewhere first — see
   * `applyDefragmentation`). `saves`: its price, micro-units per hour.
   */
  readonly remove: readonly { readonly nodeId: string; readonly reason: 'idle' | 'underutilised'; readonly saves: number; readonly moves?: readonly Migration[] }[];
  /** The cluster's price now and after the advice, in micro-units per hour (as `costs().perHour`). */
  readonly cost: { readonly before: number; readonly after: number; readonly unit: 'micro' };
  /**
   * With `scaleUp.waitTargetMs`: waiting jobs nothing is bought for because the room running jobs
   * give back (at their estimated ends) is expected to start them within the target, and when
   * (ms on the manager's clock), earliest first. Empty without a target.
   */
  readonly expectedStarts: readonly { readonly jobId: string; readonly at: number }[];
  /** Waiting jobs the advice does not provide for: no type can hold them, or the limits (`max`, `maxNodes`) stop it. */
  readonly unschedulable: readonly { readonly jobId: string; readonly reason: string }[];
  /**
   * The packing search: `optimal` when no cheaper set of new nodes holds the same jobs;
   * `lowerBound` ≤ the cost of any set that does (micro-units per hour of the added nodes).
   */
  readonly search: { readonly optimal: boolean; readonly lowerBound: number; readonly explored: number };
  /** The time idleness was measured against (ms on the manager's clock). */
  readonly at: number;
  /** When removals are held back by `cooldownMs`: the time they may resume. */
  readonly cooldownUntil?: number;
}

/** What the advice reads of the manager beyond the planners' view. */
export interface ScalingCluster extends PlanningCluster {
  /** Queued jobs that only room stands in the way of (not held back by a cap, a quota, a back-off or a preemption under way), in the order they are served. */
  readonly pending: readonly JobRecord[];
  /** Per live node: when it joined and since when it is empty (null: something runs there), as the cost ledger knows it. */
  readonly activity: ReadonlyMap<string, { readonly addedAt: number | null; readonly emptySince: number | null }>;
  /** A node's price, micro-units per hour. */
  readonly price: (node: NodeState) => number;
}

export function scalingAdvice(cluster: ScalingCluster, options: ParsedScalingOptions): ScalingAdvice {
  const now = cluster.now;
  const room = new RoomModel(cluster.nodes);
  // 1. what the existing room holds: those jobs need no new node, and their nodes are needed
  const needed = new Set<NodeState>();
  let waiting: JobRecord[] = [];
  for (const job of cluster.pending) {
    const placed = room.placeGang(job.parsed, cluster.nodes);
    if (placed === undefined) waiting.push(job);
    else for (const node of placed) needed.add(node);
  }
  // with a wait target, only the jobs the nodes there are would leave waiting past it need new ones
  const expectedStarts: { jobId: string; at: number }[] = [];
  if (options.waitTargetMs > 0 && waiting.length > 0) {
    // the projection gives back room that is not free yet: undone after it, as consolidation must see today's room
    const mark = room.mark();
    const { late, onTime } = projectWaits(cluster, room, waiting, options.waitTargetMs);
    room.rollBack(mark);
    for (const { job, at, nodes } of onTime) {
      expectedStarts.push(Object.freeze({ jobId: job.id, at }));
      for (const node of nodes) needed.add(node);
    }
    waiting = late;
  }
  // 2. the cheapest new nodes for the rest
  const unschedulable: { jobId: string; reason: string }[] = [];
  const items: PackItem[] = [];
  const owners: JobRecord[] = [];
  for (const job of waiting) {
    const allowed = allowedTypes(job.parsed, options.types);
    if (!allowed.some((ok) => ok)) {
      unschedulable.push({ jobId: job.id, reason: 'no node type can hold it (too large, or no type matches its selector, taints and spot preference)' });
      continue;
    }
    if (items.length + job.replicas > MAX_PACKED_REPLICAS) {
      unschedulable.push({ jobId: job.id, reason: `not considered: the advice packs at most ${MAX_PACKED_REPLICAS} waiting replicas at once` });
      continue;
    }
    for (let r = 0; r < job.replicas; r++) {
      items.push({ group: job.id, spread: job.parsed.spread, amounts: Array.from(job.parsed.dense.amounts), allowed });
      owners.push(job);
    }
  }
  const headroom = Math.max(0, options.maxNodes - cluster.nodes.length);
  const packing = packOverTypes(items, options.types.map((t) => ({ capacity: t.capacity, cost: t.cost, max: t.max })), { maxBins: headroom, budget: options.budget });
  const byType = new Map<number, { count: number; jobs: Set<string> }>();
  for (const bin of packing.bins) {
    let entry = byType.get(bin.type);
    if (entry === undefined) byType.set(bin.type, (entry = { count: 0, jobs: new Set() }));
    entry.count++;
    for (const i of bin.items) entry.jobs.add((owners[i] as JobRecord).id);
  }
  const short = new Set(packing.unplaced.map((i) => (owners[i] as JobRecord).id));
  for (const jobId of short) unschedulable.push({ jobId, reason: 'the limits (a node type\'s `max`, or `maxNodes`) leave no room for it' });
  const add = [...byType]
    .sort((a, b) => a[0] - b[0])
    .map(([t, { count, jobs }]) => Object.freeze({ type: (options.types[t] as ParsedNodeType).name, count, for: Object.freeze([...jobs].filter((id) => !short.has(id))) }));
  const added = packing.bins.length;

  // 3. what can go: never below minNodes, not while a young node says the last scale-up is recent
  const remove: ScalingAdvice['remove'][number][] = [];
  let cooldownUntil: number | undefined;
  if (options.scaleDown !== false) {
    const { utilisationBelow, idleForMs } = options.scaleDown;
    let youngest = -Infinity;
    for (const { addedAt } of cluster.activity.values()) if (addedAt !== null) youngest = Math.max(youngest, addedAt);
    if (youngest + options.cooldownMs > now) cooldownUntil = youngest + options.cooldownMs;
    let budget = cluster.nodes.length + added - options.minNodes;
    if (cooldownUntil === undefined && budget > 0) {
      const idle = cluster.nodes
        .filter((node) => {
          const emptySince = cluster.activity.get(node.id)?.emptySince;
          return node.status !== 'offline' && node.allocationCount === 0 && !heldOn(node) && !needed.has(node) && emptySince !== null && emptySince !== undefined && now - emptySince >= idleForMs;
        })
        // the most expensive idle node saves the most
        .sort((a, b) => cluster.price(b) - cluster.price(a) || a.order - b.order);
      for (const node of idle.slice(0, budget)) remove.push(Object.freeze({ nodeId: node.id, reason: 'idle' as const, saves: cluster.price(node) }));
      budget -= Math.min(budget, idle.length);
      // consolidation only when nothing waits for room: freed room is better used by waiting jobs
      if (budget > 0 && items.length === 0 && utilisationBelow > 0) {
        const { moves, frees } = emptyNodes(cluster, room, {
          maxMoves: MAX_CONSOLIDATION_MOVES,
          priorityAtMost: undefined,
          maxNodes: budget,
          candidate: (node) => !needed.has(node) && node.status === 'ready' && usedShare(node) < utilisationBelow,
        });
        for (const node of frees) {
          const own = moves.filter((move) => move.from === node.id);
          remove.push(Object.freeze({ nodeId: node.id, reason: 'underutilised' as const, saves: cluster.price(node), moves: Object.freeze(own) }));
        }
      }
    }
  }
  let before = 0;
  for (const node of cluster.nodes) before += cluster.price(node);
  const after = before + packing.cost - remove.reduce((sum, r) => sum + r.saves, 0);
  return Object.freeze({
    add: Object.freeze(add),
    remove: Object.freeze(remove),
    cost: Object.freeze({ before, after, unit: 'micro' as const }),
    unschedulable: Object.freeze(unschedulable.map((u) => Object.freeze(u))),
    expectedStarts: Object.freeze(expectedStarts),
    search: Object.freeze({ optimal: packing.optimal, lowerBound: packing.lowerBound, explored: packing.explored }),
    at: now,
    ...(cooldownUntil === undefined ? {} : { cooldownUntil }),
  });
}

/**
 * The types a replica may go on: it fits an empty one, its selector and NoSchedule taints allow
 * it, and spot is respected — `require` only spot types; `avoid` spot types only when no other
 * type would do (the pool's own second tier).
 */
function allowedTypes(request: ParsedRequest, types: readonly ParsedNodeType[]): boolean[] {
  const amounts = Array.from(request.dense.amounts);
  const ok = types.map((type) => fitsIn(amounts, type.capacity) && isEligibleWhenReady(type as unknown as NodeState, request));
  if (request.spot === 'avoid' && types.some((type, t) => ok[t] === true && !type.spot)) return ok.map((allowed, t) => allowed && !(types[t] as ParsedNodeType).spot);
  return ok;
}
