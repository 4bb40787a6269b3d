import type { FairnessPolicy, FairnessPolicyName } from '../fairness/index.js';
import type { NodeStatus, NodeView, PlacementStrategy, PlacementStrategyName } from '../placement/index.js';
import type { Allocation, AllocationRequest, NodeSpec, NodeUpdate, PoolCapacity, ResourcePool, SpotPreference } from '../pool/index.js';
import type { Resources } from '../resources/index.js';
import type { NodeStatusReason } from './node-health.js';

export type JobStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled' | 'expired' | 'preempted' | 'rejected';

/** A priority class as configured (`priorityClasses` option). */
export interface PriorityClassSpec {
  readonly name: string;
  /** Higher values are served first, and may preempt lower ones. */
  readonly value: number;
  /** How long a job of this class keeps its resources after it is preempted. @default 30_000 */
  readonly preemptionGraceMs?: number;
  /** Whether jobs of this class may be evicted for higher ones. @default true */
  readonly preemptible?: boolean;
  /** Whether jobs of this class evict lower ones when they do not fit. @default false (the defaults: real-time and high true) */
  readonly canPreempt?: boolean;
  /** A running job of this class younger than this is not evicted (Slurm's PreemptExemptTime). @default 0 */
  readonly minRuntimeMs?: number;
  /** The spot preference of this class's jobs that do not say their own (`'avoid'` keeps critical work on on-demand nodes). @default 'allow' */
  readonly spot?: SpotPreference;
}

/** A priority class with every field resolved. */
export interface PriorityClass {
  readonly name: string;
  readonly value: number;
  readonly preemptionGraceMs: number;
  readonly preemptible: boolean;
  readonly canPreempt: boolean;
  readonly minRuntimeMs: number;
  /** Left out when the class sets none. */
  readonly spot?: SpotPreference;
}

/** What happens to a submission that would take its tenant past its quota. */
export type QuotaExceedAction = 'reject' | 'queue';

export interface TenantOptions {
  /** Share of the cluster relative to other tenants (DRF divides dominant shares by it). @default 1 */
  readonly weight?: number;
  /** Hard limit on the sum of the tenant's live allocations, per dimension (dimensions not named are unlimited). */
  readonly quota?: Resources;
  /** Past the quota: reject the submission (`QUOTA_EXCEEDED`) or queue it until usage falls. @default 'reject' */
  readonly onExceed?: QuotaExceedAction;
  /** Soft quota: jobs of `burstClasses` may use up to `burst` × the limit while the cluster has room. @default 1 */
  readonly burst?: number;
  /** Classes allowed to burst. @default ['low'] */
  readonly burstClasses?: readonly string[];
}

/** Quota settings for `setQuota` (the limits are its second argument). */
export interface QuotaSettings {
  readonly onExceed?: QuotaExceedAction;
  readonly burst?: number;
  readonly burstClasses?: readonly string[];
}

/** A tenant's quota and what it uses now. */
export interface QuotaView {
  readonly tenant: string;
  /** Absent when the tenant has no quota. */
  readonly limits?: Resources;
  /** The sum of the tenant's live allocations (running and preempted jobs still in their grace period). */
  readonly used: Resources;
  readonly onExceed: QuotaExceedAction;
  readonly burst: number;
  readonly burstClasses: readonly string[];
}

/** The first dimension in which a job would take its tenant past the quota. */
export interface QuotaShortfall {
  readonly tenant: string;
  readonly dimension: string;
  readonly used: number;
  readonly limit: number;
  /** The job's demand in that dimension (all replicas). */
  readonly requested: number;
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
  /** Largest job `metadata`, in bytes of JSON (not with `pool`; see ResourcePoolOptions). @default 16384 */
  readonly maxMetadataBytes?: number;
  /** Deepest nesting of job `metadata` (not with `pool`; see ResourcePoolOptions). @default 32 */
  readonly maxMetadataDepth?: number;
  /** Which tenant's queue is tried next within a priority band. @default 'drf' */
  readonly fairness?: FairnessPolicyName | FairnessPolicy;
  /** Per-tenant options; tenants not listed get the defaults. @default {} */
  readonly tenants?: Readonly<Record<string, TenantOptions>>;
  /** At most N running jobs per category: `{ heavy: 2 }`. @default {} */
  readonly concurrency?: Readonly<Record<string, number>>;
  /**
   * Priority classes, any order.
   * @default real-time 1000, high 100, default 0, low -100, best-effort -1000 (see DEFAULT_PRIORITY_CLASSES)
   */
  readonly priorityClasses?: readonly PriorityClassSpec[];
  /**
   * Preemption: jobs of a class with `canPreempt` evict strictly lower, preemptible jobs when they
   * do not fit. Victims are re-queued after their grace period and wait `backoffMs` before they
   * may run again. `false` turns preemption off. @default { backoffMs: 5_000 }
   */
  readonly preemption?: { readonly backoffMs?: number } | false;
  /** Clock in milliseconds. @default () => Date.now() */
  readonly now?: () => number;
  /**
   * Schedule one timer for the next TTL expiry, so expiry happens without calling `tick()`.
   * @default true with the default clock, false with an injected one
   */
  readonly timers?: boolean;
  /** Finished jobs kept for `job(id)`/`jobs()`; the oldest are forgotten first. @default 10_000 */
  readonly history?: number;
  /**
   * Most jobs waiting at once; past it, a submission that would wait is rejected with `QUEUE_FULL`
   * (one that starts at once, or preempts to start, is still taken). @default Infinity
   */
  readonly maxQueued?: number;
  /** Most jobs one tenant may have waiting at once; past it, as `maxQueued`. @default Infinity */
  readonly maxQueuedPerTenant?: number;
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
  /**
   * Receives one plain-JSON entry `{ seq, at, type, … }` per call that changed state, synchronously,
   * before the call returns and before its events are delivered (refused calls write nothing).
   * Keep them with a snapshot to rebuild the manager: `AllocationManager.restore(snapshot,
   * { entries })`. It must not throw: the call's change is made by then. See docs/durability.md.
   */
  readonly journal?: (entry: JournalEntry) => void;
  /**
   * Node liveness: a node that sends no `heartbeat(nodeId)` for `timeoutMs` goes `offline` at the
   * next `tick()` (or the manager's timer), its jobs re-queued at the head of their queues and placed
   * elsewhere in the same cycle; its next heartbeat brings it back. The timeout counts from the
   * later of the node's last heartbeat and the manager's start (or restore, or the node's addition),
   * so a restarted scheduler does not fail every node at once. See docs/nodes.md. @default false
   */
  readonly heartbeat?: { readonly timeoutMs: number } | false;
  /**
   * How long and how many `idempotencyKey`s of `submit` are kept (docs/manager.md#exactly-once-submission).
   * @default { windowMs: 86_400_000, maxKeys: 100_000 }
   */
  readonly idempotency?: { readonly windowMs?: number; readonly maxKeys?: number };
}

/** The options of `submit`. */
export interface SubmitOptions {
  /**
   * Makes a retry safe: a second submit with the same key (and the same request) within the window
   * returns the first answer and creates nothing. A non-empty string of at most 256 characters.
   */
  readonly idempotencyKey?: string;
}

/** What `AllocationManager.restore` takes besides the snapshot: what JSON cannot carry. */
export interface RestoreOptions {
  /** The clock. A restored manager's time continues from it (never before the snapshot's). @default () => Date.now() */
  readonly now?: () => number;
  /** As for a new manager. @default true with the default clock, false with an injected `now` */
  readonly timers?: boolean;
  /** The custom placement strategy the snapshot was taken with (matched by name). */
  readonly placement?: PlacementStrategy;
  /** The custom fairness policy the snapshot was taken with (matched by name; its `restore` gets its state). */
  readonly fairness?: FairnessPolicy;
  /** Where the restored manager's own journal goes from now on. */
  readonly journal?: (entry: JournalEntry) => void;
  /** Journal entries to replay after the snapshot, in order: the first has seq = snapshot.seq + 1. */
  readonly entries?: readonly JournalEntry[];
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
  /** How long the job expects to run; preemption evicts the jobs with the least time remaining first. */
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
  readonly estimatedRuntimeMs?: number;
  /** Preempted (status `preempted`, or queued again afterwards): the job that evicted it. */
  readonly preemptedBy?: string;
  /** Status `preempted`: when it loses its resources and is re-queued. */
  readonly graceEndsAt?: number;
  /** Re-queued after a preemption: it may not start before this time. */
  readonly backoffUntil?: number;
  /** Queued after preempting: the node whose room is being freed for it (it starts only there). */
  readonly nominatedNode?: string;
  /** Running above its tenant's hard quota on burst room: evicted first when room is needed. */
  readonly burst?: boolean;
  /**
   * Times it lost its allocation while running and waited again: its node failed (offline, silent,
   * removed) or it was preempted. Left out while 0.
   */
  readonly restarts?: number;
}

export type QueuedReason =
  | 'insufficient-resources'
  | 'no-eligible-node'
  | 'declined-by-strategy'
  | 'concurrency-limit'
  | 'fairness'
  /** Its tenant's quota is used up (`onExceed: 'queue'`). */
  | 'quota'
  /** It preempted jobs and waits for their grace period to end. */
  | 'preempting'
  /** It was preempted and waits out its back-off. */
  | 'backoff';

export type RejectCode = 'QUEUE_FULL' | 'UNSATISFIABLE' | 'QUOTA_EXCEEDED';

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
  | {
      readonly status: 'rejected';
      readonly jobId: string;
      readonly code: RejectCode;
      readonly reason: string;
      /** With `QUOTA_EXCEEDED`: the dimension, what is used, the limit and what was asked. */
      readonly quota?: QuotaShortfall;
    };

/**
 * How a job's allocation ended. `preempted`: the job stopped because it was evicted (typically a
 * preempted job leaving before its grace period ends); it is re-queued at the head of its queue
 * with the preemption back-off, as when a grace period ends.
 */
export type ReleaseOutcome = 'completed' | 'failed' | 'preempted';

export interface ManagerReleaseResult {
  readonly job: JobView;
  readonly allocation: Allocation;
  readonly freed: Resources;
}

/**
 * What a call that changed state did, as a journal entry keeps it: the call and its arguments
 * (plain JSON), replayed by `AllocationManager.restore(snapshot, { entries })` at the entry's
 * recorded time. The manager is deterministic given its state, the call and the time, so replaying
 * the calls rebuilds the state exactly; `ids` records the job ids a submission got, to check that.
 */
export type JournalCommand =
  | { readonly type: 'submit' | 'submitMany'; readonly requests: readonly JobRequest[]; readonly ids: readonly string[]; readonly idempotencyKey?: string }
  | { readonly type: 'release'; readonly allocationId: string; readonly outcome: ReleaseOutcome }
  | { readonly type: 'cancel'; readonly jobId: string }
  | { readonly type: 'setTenant'; readonly tenant: string; readonly weight: number }
  | { readonly type: 'setQuota'; readonly tenant: string; readonly quota: Resources | null; readonly settings: QuotaSettings }
  | { readonly type: 'setConcurrency'; readonly category: string; readonly limit: number | null }
  | { readonly type: 'addNode'; readonly spec: NodeSpec }
  | { readonly type: 'removeNode'; readonly id: string; readonly force: boolean }
  | { readonly type: 'setNodeStatus'; readonly id: string; readonly status: NodeStatus }
  | { readonly type: 'heartbeat'; readonly id: string; readonly running?: readonly string[] }
  | { readonly type: 'resumeHeartbeats' }
  | { readonly type: 'drain'; readonly id: string; readonly deadlineMs: number | null }
  | { readonly type: 'updateNode'; readonly id: string; readonly update: NodeUpdate }
  | { readonly type: 'interruptNode'; readonly id: string; readonly noticeMs: number }
  | { readonly type: 'tick' };

/** One journal entry: `seq` (+1 per entry, after the snapshot's), `at` (the manager's clock), the command. */
export type JournalEntry = { readonly seq: number; readonly at: number } & JournalCommand;

/** Room the manager holds on a node for one waiting job (`mgr.reservations()`). */
export interface ReservationView {
  readonly jobId: string;
  readonly nodeId: string;
  /** Held now: the part of the job's need that is free on the node (it grows as room frees there). */
  readonly resources: Resources;
  /** `starvation`: the job waited past the starvation bound; `preemption`: room freed by its victims. */
  readonly reason: 'starvation' | 'preemption';
  /** When the reservation was made (the manager's clock). */
  readonly since: number;
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
  /** Mean utilisation (mean over its dimensions) of the nodes that hold at least one allocation, 0–1. */
  readonly packingEfficiency: number;
  /** Jobs evicted, in all and by preemptor class → victim class. */
  readonly preemptions: { readonly total: number; readonly byClass: Readonly<Record<string, Readonly<Record<string, number>>>> };
  /** Submissions rejected with QUOTA_EXCEEDED, per tenant. */
  readonly quotaRejections: Readonly<Record<string, number>>;
  /** Queued jobs per tenant and priority class. */
  readonly queueDepth: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /**
   * Time from entering the queue to allocation, per priority class: `count` allocations since
   * construction; p50 and p99 (ms) over the last `window` of them.
   */
  readonly schedulingLatency: Readonly<Record<string, { readonly count: number; readonly window: number; readonly p50: number; readonly p99: number }>>;
  readonly nodes: NodeMetrics;
}

/** Nodes in `metrics()`: what node alerts look at. */
export interface NodeMetrics {
  readonly byStatus: Readonly<Record<NodeStatus, number>>;
  /** Each offline node and since when it is offline (the manager's clock, ms); known for nodes that went offline while the manager watched. */
  readonly offlineSince: Readonly<Record<string, number>>;
  /** Draining nodes on which nothing runs any more (`node:drained` was emitted): ready to remove. */
  readonly drained: readonly string[];
  /** Running jobs re-queued because their node went offline, fell silent or was removed, since the start. */
  readonly reschedules: number;
  /** Allocations released as lost (a node's heartbeats left them out), since the start. */
  readonly lostAllocations: number;
  /** Allocations nodes reported that the scheduler did not have there, since the start (each report counts). */
  readonly unknownAllocations: number;
  /**
   * With the `heartbeat` option: its timeout, and since when the most silent node that is not
   * offline has been silent (its last heartbeat, or when the manager began to watch it; null when
   * no node is up): the longest silence is now − `silentSince`.
   */
  readonly heartbeat?: { readonly timeoutMs: number; readonly silentSince: number | null };
}

/** The `node:status` event's second argument: the status before, and why it changed. */
export interface NodeStatusChange {
  readonly previous: NodeStatus;
  readonly reason: NodeStatusReason;
}

/** Payload of the `node:drift` event. */
export interface DriftEvent {
  readonly nodeId: string;
  /** Allocations placed on the node that it left out of two heartbeats in a row: released as `failed` (reason `lost: …`). */
  readonly lost: readonly string[];
  /** Allocations the node reported that the scheduler does not have there: reported only, never adopted. */
  readonly unknown: readonly string[];
}

/** Payload of the `interrupted` event. */
export interface InterruptionEvent {
  readonly job: JobView;
  readonly allocation: Allocation;
  readonly nodeId: string;
  /** When the node goes offline and the job, if still running, is re-queued. */
  readonly deadline: number;
}

/** Payload of the `preempted` event. */
export interface PreemptionEvent {
  readonly victim: JobView;
  readonly preemptor: JobView;
  /** The victim keeps its resources until then (or until it is released). */
  readonly graceEndsAt: number;
  /** The node being freed for the preemptor. */
  readonly nodeId: string;
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
  /** A running job was chosen as a preemption victim; it keeps its resources until `graceEndsAt`. */
  preempted: [event: PreemptionEvent];
  /**
   * A preempted job keeps running after all: its preemptor started elsewhere or ended before the
   * job's grace period did, so its room is not needed.
   */
  reprieved: [job: JobView];
  /** A submission was refused (queue full, can never fit, over quota). */
  rejected: [job: JobView];
  'node:added': [node: NodeView];
  'node:removed': [node: NodeView];
  /** A node's status changed: by `setNodeStatus` (`set`), by silence (`heartbeat-timeout`), back by a heartbeat (`heartbeat`). */
  'node:status': [node: NodeView, change: NodeStatusChange];
  /** A node's labels or taints were replaced (`updateNode`). */
  'node:updated': [node: NodeView];
  /** A draining node has nothing running any more: it can be removed. */
  'node:drained': [node: NodeView];
  /** A heartbeat's report of what runs on a node disagreed with the books (see `heartbeat`). */
  'node:drift': [event: DriftEvent];
  /** A job's node is being reclaimed (`interruptNode`): checkpoint before `deadline`, when it is re-queued. */
  interrupted: [event: InterruptionEvent];
  /** A listener threw; the manager's state was already consistent. */
  error: [error: unknown];
}
