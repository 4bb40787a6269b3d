import type { FairnessPolicy, FairnessPolicyName } from '../fairness/index.js';
import type { NodeView, PlacementStrategy, PlacementStrategyName } from '../placement/index.js';
import type { Allocation, AllocationRequest, NodeSpec, PoolCapacity, ResourcePool } from '../pool/index.js';
import type { Resources } from '../resources/index.js';

export type JobStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled' | 'expired' | 'preempted' | 'rejected';

export interface PriorityClass {
  readonly name: string;
  /** Higher values are served first. */
  readonly value: number;
}

export interface TenantOptions {
  /** Share of the cluster relative to other tenants (DRF divides dominant shares by it). @default 1 */
  readonly weight?: number;
}

export interface AllocationManagerOptions {
  /** The nodes, in node order. Give one of `nodes`, `capacity` or `pool`. */
  readonly nodes?: readonly NodeSpec[];
  /** Shorthand for one flat pool: a single node `default`. */
  readonly capacity?: Resources;
  /** An existing pool to schedule onto. The manager must be its only user from then on. */
  readonly pool?: ResourcePool;
  /** Placement strategy (not with `pool`). @default 'best-fit' */
  readonly placement?: PlacementStrategyName | PlacementStrategy;
  /** Decimal places accepted in amounts (not with `pool`). @default 3 */
  readonly precision?: number;
  /** Which tenant's queue is tried next within a priority band. @default 'drf' */
  readonly fairness?: FairnessPolicyName | FairnessPolicy;
  /** Per-tenant options; tenants not listed get the defaults. @default {} */
  readonly tenants?: Readonly<Record<string, TenantOptions>>;
  /** At most N running jobs per category: `{ heavy: 2 }`. @default {} */
  readonly concurrency?: Readonly<Record<string, number>>;
  /** Priority classes, any order. @default real-time 1000, high 100, default 0, low -100, best-effort -1000 */
  readonly priorityClasses?: readonly PriorityClass[];
  /** Clock in milliseconds. @default () => Date.now() */
  readonly now?: () => number;
  /**
   * Schedule one timer for the next TTL expiry, so expiry happens without calling `tick()`.
   * @default true with the default clock, false with an injected one
   */
  readonly timers?: boolean;
  /** Finished jobs kept for `job(id)`/`jobs()`; the oldest are forgotten first. @default 10_000 */
  readonly history?: number;
  /** Most jobs waiting at once; past it, submissions are rejected with `QUEUE_FULL`. @default Infinity */
  readonly maxQueued?: number;
  /**
   * How many jobs past the head of a tenant's queue may be tried when the head does not fit
   * (backfill), per decision. @default 64
   */
  readonly backfillWindow?: number;
  /**
   * Starvation bound: a queue head that has waited `afterMs` reserves a node, and room that frees
   * there is held for it until it fits (backfill goes on elsewhere). `false` turns it off.
   * @default { afterMs: 60_000 }
   */
  readonly starvation?: { readonly afterMs: number } | false;
}

export interface JobRequest extends Omit<AllocationRequest, 'priority' | 'tenant' | 'jobId'> {
  /** @default 'default' */
  readonly tenant?: string;
  /** Priority class name. @default 'default' */
  readonly priority?: string;
  /** Concurrency category (see the `concurrency` option). */
  readonly category?: string;
  /** Release the allocation this long after it starts (status `expired`). */
  readonly ttlMs?: number;
  /** Absolute time (ms) by which the job should start; earlier deadlines go first in their queue. */
  readonly deadline?: number;
  /** Informational; preemption (planned) prefers victims with the least remaining. */
  readonly estimatedRuntimeMs?: number;
}

/** A job as `job(id)`/`jobs()` show it. */
export interface JobView {
  readonly id: string;
  readonly tenant: string;
  readonly priority: string;
  readonly category?: string;
  /** One replica's resources. */
  readonly resources: Resources;
  readonly replicas: number;
  readonly status: JobStatus;
  readonly allocationId?: string;
  readonly submittedAt: number;
  readonly startedAt?: number;
  readonly endedAt?: number;
  /** Why it waits (queued) or why it ended (rejected, failed …). */
  readonly reason?: string;
  readonly deadline?: number;
  readonly expiresAt?: number;
}

export type QueuedReason = 'insufficient-resources' | 'no-eligible-node' | 'declined-by-strategy' | 'concurrency-limit' | 'fairness';

export type RejectCode = 'QUEUE_FULL' | 'UNSATISFIABLE';

export type SubmitResult =
  | { readonly status: 'allocated'; readonly jobId: string; readonly allocation: Allocation }
  | {
      readonly status: 'queued';
      readonly jobId: string;
      readonly reason: QueuedReason;
      readonly message: string;
      /** As in the pool's does-not-fit result: the short dimensions on the closest node. */
      readonly available: Resources;
      readonly required: Resources;
      /** Jobs ahead of it in its tenant's queue for its priority class (0 = next). */
      readonly position: number;
    }
  | { readonly status: 'rejected'; readonly jobId: string; readonly code: RejectCode; readonly reason: string };

export type ReleaseOutcome = 'completed' | 'failed';

export interface ManagerReleaseResult {
  readonly job: JobView;
  readonly allocation: Allocation;
  readonly freed: Resources;
}

export interface QueueView {
  readonly tenant: string;
  readonly priority: string;
  readonly length: number;
  /** The job tried first. */
  readonly head?: string;
}

export interface ManagerMetrics {
  readonly jobs: Readonly<Record<JobStatus, number>>;
  readonly queued: number;
  readonly running: number;
  readonly capacity: PoolCapacity;
  /** allocated / total per dimension, 0–1. */
  readonly utilisation: Readonly<Record<string, number>>;
  readonly tenants: Readonly<Record<string, { readonly usage: Resources; readonly dominantShare: number; readonly weight: number; readonly queued: number; readonly running: number }>>;
  /** Placements made by the scheduling cycle since construction. */
  readonly decisions: number;
}

/** Events and their payloads. State is consistent before any listener runs. */
export interface AllocationManagerEvents {
  /** A job started: its allocation was made. */
  allocated: [allocation: Allocation, job: JobView];
  /** A job is waiting (at submit, or again after its node failed). */
  queued: [job: JobView];
  /** A running job's allocation was released (completed or failed). */
  released: [allocation: Allocation, job: JobView];
  /** A queued or running job was cancelled. */
  cancelled: [job: JobView];
  /** A running job passed its TTL and was released. */
  expired: [allocation: Allocation, job: JobView];
  /** A submission was refused (queue full, can never fit). */
  rejected: [job: JobView];
  'node:added': [node: NodeView];
  'node:removed': [node: NodeView];
  'node:status': [node: NodeView];
  /** A listener threw; the manager's state was already consistent. */
  error: [error: unknown];
}
