import { internalsSlot } from '../internals-slot.js';
import type { PoolInternals } from '../pool/internals.js';
import type { NodeState } from '../pool/node-state.js';
import type { EventTaps, TapName } from './deferred-events.js';
import type { JobRecord } from './job-record.js';
import type { QueuedReason, ReleaseOutcome } from './types.js';

/** Room held on a node for one waiting job, as the books keep it. */
export interface HeldRoom {
  readonly job: JobRecord;
  readonly node: NodeState;
  readonly reason: 'starvation' | 'preemption';
  /** Dense dimensions and the scaled amounts held of each. */
  readonly dims: readonly number[];
  readonly amounts: readonly number[];
}

/** Read access to a manager's books, for fairpack/testing's checkers. Not public API. */
export interface ManagerInternals {
  readonly books: PoolInternals;
  /** Whether the manager preempts at all, and whether its policy lets priority classes decide. */
  readonly preempts: boolean;
  now(): number;
  /** Queued, running and preempted jobs. */
  liveJobs(): Iterable<JobRecord>;
  /** Why the job may not start now whatever the room, if anything holds it back. */
  holdBack(job: JobRecord): QueuedReason | undefined;
  heldRoom(): readonly HeldRoom[];
  /**
   * The preemptors whose demand is promised against their tenants' quotas, and what the quota books
   * count as promised per tenant (scaled, by dimension name): the two must agree after every call.
   */
  promises(): { readonly jobs: Iterable<JobRecord>; promisedOf(tenant: string): ReadonlyMap<string, number> };
  /** Every submit goes through the scheduling cycle from now on (tests compare it with the direct start). */
  withoutDirectStarts(): void;
  /** Listens to a start, a wait or an ended allocation without the job view the public event carries (the simulator: see `EventTaps`). */
  tap<T extends TapName>(event: T, listener: EventTaps[T]): void;
  /**
   * `release` without its answer (the simulator reads none): the job's view and the result are
   * not made, unless a `released` listener takes the view. Everything else is `release`'s.
   */
  release(allocationId: string, options?: { readonly outcome?: ReleaseOutcome }): void;
}

const slot = internalsSlot<ManagerInternals>('fairpack.manager.internals', 'AllocationManager');

/** Attaches a manager's internals to it (see internalsSlot: on no public type). */
export const attachManagerInternals = slot.attach;

/** A manager's internals; throws for anything that is not a fairpack AllocationManager. */
export const managerInternals = slot.read;
