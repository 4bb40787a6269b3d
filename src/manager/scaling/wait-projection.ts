import type { Allocation } from '../../pool/index.js';
import type { NodeState } from '../../pool/node-state.js';
import type { JobRecord } from '../job-record.js';
import { TimeHeap } from '../time-heap.js';
import type { PlanningCluster } from './migration.js';
import type { RoomModel } from './room-model.js';

/** Room that comes back on one node when a job (running now, or started by the projection) ends. */
interface Release {
  readonly node: NodeState;
  readonly job: JobRecord;
  /** Its replicas on that node. */
  readonly replicas: number;
}

/**
 * Most waiting jobs the projection follows (in the order they are served); the rest count as late,
 * as if there were no target — its work stays bounded by this times the jobs that end meanwhile.
 */
export const MAX_PROJECTED_JOBS = 2_000;

/** What the projection says of the jobs that do not fit the room there is now. */
export interface WaitProjection {
  /** Jobs the existing nodes would start only after their wait target (or never): new nodes are for them. */
  readonly late: JobRecord[];
  /** Jobs the existing nodes are expected to start within their wait target, and when. */
  readonly onTime: { readonly job: JobRecord; readonly at: number; readonly nodes: readonly NodeState[] }[];
}

/**
 * Would the nodes there are serve the waiting jobs within the wait target, if nothing were bought?
 * A small list scheduler over the manager's own knowledge of the future: each running job gives
 * its room back at the earliest end the manager can be sure of or was told — its allocation's
 * `expiresAt` (TTL) or `startedAt + estimatedRuntimeMs` — and a preempted one at the end of its
 * grace period; at each such moment the waiting jobs are tried on the room that came back, in
 * `waiting`'s order (the order they are served, smaller ones passing a head that does not fit, as
 * backfill does), and a job started that way gives its room back after its own estimate.
 *
 * A job's deadline is `queuedSince + waitTargetMs`: one the projection cannot start by then is
 * `late`. A job without an estimate is assumed to run on, so its room never comes back; room is
 * never expected from nodes that are not ready or from nodes yet to be bought. A job already past
 * its estimate is expected to run as long again as it has run so far (the median guess from its
 * age alone, Gott's rule): assuming it never ends made every under-estimate a purchase, though
 * most such jobs end soon after. That guess can leave a job waiting past its projected start,
 * never past its target for long: a job whose deadline has passed is late whatever the projection
 * says, so the next advice buys for it (docs/costs-and-scaling.md#a-wait-target).
 *
 * `room` holds the room there is now, with the jobs that fit it now already taken; the projection
 * takes and gives back room in it (the caller rolls that back: room given back later is not free today).
 */
export function projectWaits(cluster: PlanningCluster, room: RoomModel, waiting: readonly JobRecord[], waitTargetMs: number): WaitProjection {
  const late: JobRecord[] = [];
  const onTime: WaitProjection['onTime'][number][] = [];
  let queue: { readonly job: JobRecord; readonly deadline: number }[] = [];
  for (const job of waiting) {
    const deadline = job.queuedSince + waitTargetMs;
    if (deadline <= cluster.now || queue.length >= MAX_PROJECTED_JOBS) late.push(job);
    else queue.push({ job, deadline });
  }
  if (queue.length === 0) return { late, onTime };
  const releases = new TimeHeap<Release>();
  for (const node of cluster.nodes) {
    if (node.status !== 'ready') continue; // a draining or offline node takes no new job
    for (const job of cluster.jobsOn(node.id)) {
      const at = endOf(job, cluster.now);
      if (at !== undefined && at >= cluster.now) releases.push(at, { node, job, replicas: replicasOn(job, node) });
    }
  }
  let lastDeadline = -Infinity;
  for (const { deadline } of queue) lastDeadline = Math.max(lastDeadline, deadline);
  const ready = cluster.nodes.filter((node) => node.status === 'ready');
  for (let at = releases.nextAt(); queue.length > 0 && at <= lastDeadline; at = releases.nextAt()) {
    // everything that comes back at this moment, then the waiting jobs on it
    const grown = new Set<NodeState>();
    for (let release = releases.popDue(at); release !== undefined; release = releases.popDue(at)) {
      for (let r = 0; r < release.replicas; r++) room.take(release.node, release.job.parsed, -1);
      grown.add(release.node);
    }
    // (best fit breaks ties by node order itself: the order of the candidates does not matter)
    const candidates = [...grown];
    const still: typeof queue = [];
    for (const entry of queue) {
      const { job, deadline } = entry;
      if (deadline < at) {
        late.push(job);
        continue;
      }
      // one replica can only newly fit where room came back; a gang may need the other nodes too
      const nodes = room.placeGang(job.parsed, job.replicas === 1 ? candidates : ready);
      if (nodes === undefined) {
        still.push(entry);
        continue;
      }
      onTime.push({ job, at, nodes });
      const end = job.estimatedRuntimeMs === undefined ? undefined : at + job.estimatedRuntimeMs;
      if (end !== undefined) for (const node of new Set(nodes)) releases.push(end, { node, job, replicas: nodes.filter((n) => n === node).length });
    }
    queue = still;
  }
  for (const { job } of queue) late.push(job);
  // in `waiting`'s order, as the packing gets them without a target
  const isLate = new Set(late);
  return { late: waiting.filter((job) => isLate.has(job)), onTime };
}

/** When a job on a node will give its room back, as far as the manager knows (undefined: not known). */
function endOf(job: JobRecord, now: number): number | undefined {
  if (job.status === 'preempted') return job.graceEndsAt;
  if (job.status !== 'running' || job.startedAt === undefined) return undefined;
  let estimated = job.estimatedRuntimeMs === undefined ? Infinity : job.startedAt + job.estimatedRuntimeMs;
  // past its estimate, the estimate says nothing more: the median guess from its age alone (Gott's
  // Copernican rule) is that it runs as long again as it has run so far
  if (estimated < now) estimated = now + (now - job.startedAt);
  const end = Math.min(estimated, job.expiresAt ?? Infinity);
  return end === Infinity ? undefined : end;
}

function replicasOn(job: JobRecord, node: NodeState): number {
  let replicas = 0;
  for (const placement of (job.allocation as Allocation).placements) if (placement.nodeId === node.id) replicas++;
  return replicas;
}
