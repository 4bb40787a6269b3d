import type { Allocation, AllocationRequest } from '../pool/index.js';
import type { NodeState } from '../pool/node-state.js';
import type { ParsedRequest } from '../pool/request.js';
import type { Resources } from '../resources/index.js';
import type { OpenCosts } from './cost-ledger.js';
import type { JobQueue } from './job-queue.js';
import { poolRequestOf } from './job-request.js';
import type { JobStatus, JobView, PriorityClass } from './types.js';

/** The manager's mutable record of one job. */
export interface JobRecord {
  readonly id: string;
  /** Its key among the live jobs (`JobTable`, `JobIds.keyOf`): worked out once, at submit. */
  readonly key: string | number;
  readonly tenant: string;
  readonly priority: string;
  readonly klass: PriorityClass;
  readonly band: number;
  readonly category: string | undefined;
  readonly resources: Resources;
  readonly replicas: number;
  /** Arrival order, unique and increasing: FIFO and every tie rule use it. */
  readonly sequence: number;
  readonly submittedAt: number;
  readonly deadline: number | undefined;
  readonly ttlMs: number | undefined;
  readonly estimatedRuntimeMs: number | undefined;
  /**
   * The original request for the pool, kept to re-parse it when the pool learns new dimensions and
   * for snapshots; undefined until first read through `jobInput` (made from `parsed`, which until
   * then is the job's first parse).
   */
  input: AllocationRequest | undefined;
  /** Placement-relevant fields as a key: jobs of one shape fit in exactly the same places. */
  readonly shape: string;
  /** All replicas' demand, scaled, by dimension name (what its tenant's usage and quota count). */
  readonly demand: ReadonlyMap<string, number>;
  parsed: ParsedRequest;
  parsedWith: number;
  status: JobStatus;
  /** When it last entered a queue (submit, or a re-queue): the starvation clock starts here. */
  queuedSince: number;
  /** The queue holding it while queued (cleared when it leaves: lazy removal checks this). */
  queue: JobQueue | undefined;
  /** Changes on every enqueue, so a stale entry of an earlier stay in the same queue is skipped. */
  ticket: number;
  allocation: Allocation | undefined;
  /**
   * While it holds an allocation: the pool's nodes of it, one per placement in their order (the
   * pool's own list, `PoolInternals.nodesAt`, set by JobsByAllocation: never written). The books
   * kept per node find their entry by the node's slot, where the placements' node ids had to be
   * hashed. `job.nodes ?? NO_NODES` reads it for any job.
   */
  nodes: readonly NodeState[] | undefined;
  /** While it holds an allocation: that allocation's slot in the pool's live table (JobsByAllocation), else −1. */
  allocationSlot: number;
  /** While it holds an allocation: the cost ledger's entry for it (what `CostLedger.released` takes). */
  costs: OpenCosts | undefined;
  startedAt: number | undefined;
  endedAt: number | undefined;
  expiresAt: number | undefined;
  reason: string | undefined;
  /** Started above its tenant's hard quota (burst room): the first preemption victim. */
  burst: boolean;
  /** The job that evicted it (kept after it is re-queued). */
  preemptedBy: string | undefined;
  /** While `preempted`: when its grace period ends. */
  graceEndsAt: number | undefined;
  /** After a preemption: it may not start before this. */
  backoffUntil: number | undefined;
  /** After it preempted: the node being freed for it; it starts only there. */
  nominatedNode: string | undefined;
  /** The manager's change count when it last looked for victims in vain (not again until it changes). */
  preemptionCheckedAt: number;
  /** Times it lost its allocation while running (its node failed or went, or it was preempted) and waited again. */
  restarts: number;
  /**
   * While it runs with one placement: its position among its node's running jobs (RunningByNode,
   * preemption.ts), so that its stop finds it without a search; -1 otherwise.
   */
  runningSlot: number;
}

/** The nodes of a job that holds no allocation (see `JobRecord.nodes`). */
export const NO_NODES: readonly NodeState[] = Object.freeze([]);

/**
 * The job's pool request (see `input`), made on first use from its first parse: `parsed` is
 * replaced only by a re-parse of this request, which reads it first.
 */
export function jobInput(job: JobRecord): AllocationRequest {
  if (job.input === undefined) job.input = poolRequestOf(job.parsed, job.id);
  return job.input;
}

export function jobView(job: JobRecord): JobView {
  // the usual job (no category, reason, deadline, TTL, preemption or restart; it ran or runs; with
  // or without an estimate): one literal of the fields it has, in the documented key order — an
  // object grown field by field past its first slots also made a store for the rest (one view per
  // start and per end). The estimate is in every simulated job: without it in a literal, each of
  // a simulation's release views was grown field by field (24 MB of 428 in 100k jobs × 1k nodes)
  if (isPlainRun(job)) {
    const allocationId = (job.allocation as Allocation).id;
    const estimate = job.estimatedRuntimeMs;
    const startedAt = job.startedAt as number;
    if (job.endedAt === undefined) {
      return Object.freeze(
        estimate === undefined
          ? { id: job.id, tenant: job.tenant, priority: job.priority, resources: job.resources, replicas: job.replicas, status: job.status, allocationId, submittedAt: job.submittedAt, startedAt }
          : { id: job.id, tenant: job.tenant, priority: job.priority, resources: job.resources, replicas: job.replicas, status: job.status, allocationId, submittedAt: job.submittedAt, startedAt, estimatedRuntimeMs: estimate },
      );
    }
    return Object.freeze(
      estimate === undefined
        ? { id: job.id, tenant: job.tenant, priority: job.priority, resources: job.resources, replicas: job.replicas, status: job.status, allocationId, submittedAt: job.submittedAt, startedAt, endedAt: job.endedAt }
        : { id: job.id, tenant: job.tenant, priority: job.priority, resources: job.resources, replicas: job.replicas, status: job.status, allocationId, submittedAt: job.submittedAt, startedAt, endedAt: job.endedAt, estimatedRuntimeMs: estimate },
    );
  }
  // built field by field, in the documented key order, rather than with spreads of small objects:
  // a view is made for every event and answer, and the spreads were most of its cost
  const view: { -readonly [K in keyof JobView]: JobView[K] } = { id: job.id, tenant: job.tenant, priority: job.priority } as JobView;
  if (job.category !== undefined) view.category = job.category;
  view.resources = job.resources;
  view.replicas = job.replicas;
  view.status = job.status;
  if (job.allocation !== undefined) view.allocationId = job.allocation.id;
  view.submittedAt = job.submittedAt;
  if (job.startedAt !== undefined) view.startedAt = job.startedAt;
  if (job.endedAt !== undefined) view.endedAt = job.endedAt;
  if (job.reason !== undefined) view.reason = job.reason;
  if (job.deadline !== undefined) view.deadline = job.deadline;
  if (job.expiresAt !== undefined) view.expiresAt = job.expiresAt;
  if (job.estimatedRuntimeMs !== undefined) view.estimatedRuntimeMs = job.estimatedRuntimeMs;
  if (job.preemptedBy !== undefined) view.preemptedBy = job.preemptedBy;
  if (job.graceEndsAt !== undefined) view.graceEndsAt = job.graceEndsAt;
  if (job.backoffUntil !== undefined) view.backoffUntil = job.backoffUntil;
  if (job.nominatedNode !== undefined) view.nominatedNode = job.nominatedNode;
  if (job.burst) view.burst = true;
  if (job.restarts !== 0) view.restarts = job.restarts;
  return Object.freeze(view);
}

/** A job whose view has exactly id … startedAt (and endedAt, estimatedRuntimeMs if set): see `jobView`. */
function isPlainRun(job: JobRecord): boolean {
  return (
    job.allocation !== undefined &&
    job.startedAt !== undefined &&
    job.category === undefined &&
    job.reason === undefined &&
    job.deadline === undefined &&
    job.expiresAt === undefined &&
    job.preemptedBy === undefined &&
    job.graceEndsAt === undefined &&
    job.backoffUntil === undefined &&
    job.nominatedNode === undefined &&
    !job.burst &&
    job.restarts === 0
  );
}
