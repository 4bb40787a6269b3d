import type { NodeState } from '../../pool/node-state.js';
import { isEligible } from '../../pool/eligibility.js';
import type { ParsedRequest } from '../../pool/request.js';
import type { JobRecord } from '../job-record.js';
import { type Migration, type PlanningCluster, emptyNodes, isMovable, placeElsewhere } from './migration.js';
import { RoomModel } from './room-model.js';

/**
 * `mgr.planDefragmentation()`'s answer. `fits`: the request's plan — after the moves, the
 * request fits on that node (`null` with a `reason` when no plan of at most `maxMoves` moves
 * makes room). `frees`: the plan without a request — the nodes the moves empty.
 */
export type DefragmentationPlan =
  | { readonly moves: readonly Migration[]; readonly fits: string; readonly frees?: never; readonly reason?: never }
  | { readonly moves: readonly Migration[]; readonly fits: null; readonly reason: string; readonly frees?: never }
  | { readonly moves: readonly Migration[]; readonly frees: readonly string[]; readonly fits?: never; readonly reason?: never };

/** `mgr.planDefragmentation(options)`. */
export interface DefragmentationOptions {
  /** Make room for this request (one replica; a job request's resources, selector, tolerations, spot, priority). Left out: empty whole nodes. */
  readonly for?: import('../types.js').JobRequest;
  /** Most moves (restarts) the plan may make. @default 10 */
  readonly maxMoves?: number;
  /** Move only jobs of this priority class or lower-valued ones. @default every preemptible class */
  readonly priorityAtMost?: string;
}

/** Subsets of one node's jobs tried per size before the search of that node gives up (bounds the work). */
const SUBSETS_PER_NODE = 5_000;
/** Subsets tried in all, whatever the cluster's size and `maxMoves`: a plan's cost is bounded. */
const SUBSETS_IN_ALL = 50_000;

/**
 * The fewest moves that make room for `request` (one replica) on one node: if it fits somewhere
 * now, no move. Else for k = 1, 2, … up to `maxMoves`: on each eligible node, in node order, each
 * set of k movable jobs there whose leaving frees enough, if they all fit on other nodes (best-fit
 * decreasing): the first such set at the smallest k wins. Exact in the number of moves for the
 * sets it tries (all of them while a node has few jobs; `SUBSETS_PER_NODE` per size and node, and
 * `SUBSETS_IN_ALL` in all, beyond).
 */
export function planRoomFor(cluster: PlanningCluster, request: ParsedRequest, maxMoves: number, priorityAtMost: number | undefined, subsets = SUBSETS_IN_ALL): DefragmentationPlan {
  const room = new RoomModel(cluster.nodes);
  const now = room.bestFit(request, cluster.nodes);
  if (now !== undefined) return Object.freeze({ moves: Object.freeze([]), fits: now.id });
  const hosts = cluster.nodes
    .filter((node) => isEligible(node, request) && roomIfEmptied(node, request))
    .map((node) => ({ node, movable: cluster.jobsOn(node.id).filter((job) => isMovable(job, cluster.now, priorityAtMost)) }));
  let budget = subsets;
  for (let k = 1; k <= maxMoves && budget > 0; k++) {
    for (const { node, movable } of hosts) {
      if (movable.length < k) continue;
      const others = cluster.nodes.filter((other) => other !== node);
      let tried = 0;
      for (const subset of combinations(movable, k)) {
        if (tried++ >= SUBSETS_PER_NODE || budget-- <= 0) break;
        if (!freesEnough(node, subset, request)) continue;
        const moves = placeElsewhere(subset, node, others, room);
        if (moves !== undefined) return Object.freeze({ moves: Object.freeze(moves), fits: node.id });
      }
    }
  }
  const reason = hosts.length === 0
    ? 'no node could hold the request even with every movable job gone (too large, held room, or no node matches its selector, taints and spot preference)'
    : `no set of at most ${maxMoves} movable jobs (running, one replica, preemptible, past their minRuntimeMs) frees enough room on one node and fits elsewhere`;
  return Object.freeze({ moves: Object.freeze([]), fits: null, reason });
}

/** Empties whole nodes with the fewest moves it can find (see `emptyNodes`). */
export function planFreeNodes(cluster: PlanningCluster, maxMoves: number, priorityAtMost: number | undefined): DefragmentationPlan {
  const { moves, frees } = emptyNodes(cluster, new RoomModel(cluster.nodes), { maxMoves, priorityAtMost, candidate: () => true });
  return Object.freeze({ moves: Object.freeze(moves), frees: Object.freeze(frees.map((node) => node.id)) });
}

/** Would the request fit on the node if nothing ran there (held room stays held)? */
function roomIfEmptied(node: NodeState, request: ParsedRequest): boolean {
  for (const d of request.dense.nonZero) if ((request.dense.amounts[d] as number) > (node.capacity[d] as number) - (node.reserved[d] as number)) return false;
  return true;
}

/** Does the node's free room plus what `leaving` holds cover the request? */
function freesEnough(node: NodeState, leaving: readonly JobRecord[], request: ParsedRequest): boolean {
  for (const d of request.dense.nonZero) {
    let free = node.free[d] as number;
    for (const job of leaving) free += (job.parsed.dense.amounts[d] as number) ?? 0;
    if ((request.dense.amounts[d] as number) > free) return false;
  }
  return true;
}

/** The k-element subsets of `items`, in lexicographic order of positions. */
function* combinations<T>(items: readonly T[], k: number): Generator<T[]> {
  const at = Array.from({ length: k }, (_, i) => i);
  for (;;) {
    yield at.map((i) => items[i] as T);
    let i = k - 1;
    while (i >= 0 && at[i] === items.length - k + i) i--;
    if (i < 0) return;
    at[i]!++;
    for (let j = i + 1; j < k; j++) at[j] = (at[j - 1] as number) + 1;
  }
}
