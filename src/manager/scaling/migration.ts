import type { Allocation } from '../../pool/index.js';
import type { NodeState } from '../../pool/node-state.js';
import type { JobRecord } from '../job-record.js';
import { RoomModel, shareOf } from './room-model.js';

/** One planned move: a running job restarts on another node (a new allocation there). */
export interface Migration {
  readonly jobId: string;
  /** The allocation it holds now (the plan is stale once it no longer does). */
  readonly allocationId: string;
  readonly from: string;
  readonly to: string;
}

/** What the planners see of the manager: nodes in node order, and the jobs placed on a node. */
export interface PlanningCluster {
  readonly nodes: readonly NodeState[];
  /** Running and preempted jobs with a placement on the node, in submission order. */
  readonly jobsOn: (nodeId: string) => readonly JobRecord[];
  /** The manager's time for the plan (minRuntimeMs is measured against it). */
  readonly now: number;
}

/**
 * May the planners move this job? A move is a restart, so only what preemption could also take:
 * a running job (not one in a preemption grace period) of one replica (a gang moves whole or not
 * at all, and is left alone), of a preemptible class, that has run at least its class's
 * `minRuntimeMs`, and of a class valued at most `priorityAtMost` when that is given.
 */
export function isMovable(job: JobRecord, now: number, priorityAtMost: number | undefined): boolean {
  return (
    job.status === 'running' &&
    job.replicas === 1 &&
    (job.allocation as Allocation).placements.length === 1 &&
    job.klass.preemptible &&
    now - (job.startedAt as number) >= job.klass.minRuntimeMs &&
    (priorityAtMost === undefined || job.klass.value <= priorityAtMost)
  );
}

/**
 * Tries to move every job of `jobs` to `targets` (best-fit decreasing, in the room model);
 * returns the moves, or undefined (and the model as it was) when one does not fit.
 */
export function placeElsewhere(jobs: readonly JobRecord[], from: NodeState, targets: readonly NodeState[], room: RoomModel): Migration[] | undefined {
  const mark = room.mark();
  const reference = from.capacity as unknown as readonly number[];
  const order = [...jobs].sort((a, b) => shareOf(b.parsed, reference) - shareOf(a.parsed, reference) || a.sequence - b.sequence);
  const moves: Migration[] = [];
  for (const job of order) {
    const to = room.bestFit(job.parsed, targets);
    if (to === undefined) {
      room.rollBack(mark);
      return undefined;
    }
    room.take(to, job.parsed);
    room.take(from, job.parsed, -1);
    moves.push(Object.freeze({ jobId: job.id, allocationId: (job.allocation as Allocation).id, from: from.id, to: to.id }));
  }
  // in submission order: a plan reads the way the jobs arrived
  const sequence = new Map(jobs.map((job) => [job.id, job.sequence]));
  return moves.sort((a, b) => (sequence.get(a.jobId) as number) - (sequence.get(b.jobId) as number));
}

/**
 * Empties whole nodes with as few moves as it can: candidates (nodes where something runs and
 * everything is movable) with the fewest jobs first, then the least used; each candidate's jobs go
 * to nodes where something runs and that are not being emptied (moving onto an empty node frees
 * nothing). Greedy: a node emptied early is never undone. At most `maxMoves` moves in all.
 */
export function emptyNodes(
  cluster: PlanningCluster,
  room: RoomModel,
  options: {
    readonly maxMoves: number;
    readonly priorityAtMost: number | undefined;
    /** Which nodes may be emptied (and in what order of preference among equals). */
    readonly candidate: (node: NodeState, jobs: readonly JobRecord[]) => boolean;
    /** Nodes never used as targets (they are needed for something else). */
    readonly excluded?: ReadonlySet<NodeState>;
    /** Stop after this many nodes. @default Infinity */
    readonly maxNodes?: number;
  },
): { readonly moves: Migration[]; readonly frees: NodeState[] } {
  const jobsByNode = new Map(cluster.nodes.map((node) => [node, cluster.jobsOn(node.id)]));
  const byId = new Map(cluster.nodes.map((node) => [node.id, node]));
  const candidates = cluster.nodes
    .filter((node) => {
      const jobs = jobsByNode.get(node) as readonly JobRecord[];
      return jobs.length > 0 && (node.status === 'ready' || node.status === 'draining') && !heldOn(node) && jobs.every((job) => isMovable(job, cluster.now, options.priorityAtMost)) && options.candidate(node, jobs);
    })
    .map((node) => ({ node, jobs: jobsByNode.get(node) as readonly JobRecord[], used: usedShare(node) }))
    .sort((a, b) => a.jobs.length - b.jobs.length || a.used - b.used || a.node.order - b.node.order);
  const emptied = new Set<NodeState>();
  const receivers = new Set<NodeState>();
  const moves: Migration[] = [];
  for (const { node, jobs } of candidates) {
    if (emptied.size >= (options.maxNodes ?? Infinity)) break;
    if (receivers.has(node) || moves.length + jobs.length > options.maxMoves) continue;
    const targets = cluster.nodes.filter((t) => t !== node && !emptied.has(t) && options.excluded?.has(t) !== true && ((jobsByNode.get(t)?.length ?? 0) > 0 || receivers.has(t)));
    const placed = placeElsewhere(jobs, node, targets, room);
    if (placed === undefined) continue;
    emptied.add(node);
    for (const move of placed) receivers.add(byId.get(move.to) as NodeState);
    moves.push(...placed);
  }
  return { moves, frees: [...emptied] };
}

/** Room held on the node for a waiting job: emptying it would take that job's promised room. */
export function heldOn(node: NodeState): boolean {
  for (const d of node.group.dims) if ((node.reserved[d] as number) > 0) return true;
  return false;
}

/** The node's largest used share over its dimensions (allocated ÷ capacity), 0–1. */
export function usedShare(node: NodeState): number {
  let share = 0;
  for (const d of node.group.dims) {
    const cap = node.capacity[d] as number;
    if (cap > 0) share = Math.max(share, (cap - (node.free[d] as number) - (node.reserved[d] as number)) / cap);
  }
  return share;
}
