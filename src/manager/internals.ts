import type { PoolInternals } from '../pool/internals.js';
import type { NodeState } from '../pool/node-state.js';
import type { JobRecord } from './job-record.js';
import type { QueuedReason } from './types.js';

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
}

// A registry symbol: the ESM and CJS copies of the library (and fairpack/testing's) share it.
const MANAGER_INTERNALS = Symbol.for('fairpack.manager.internals');

/** Attaches a manager's internals to it (non-enumerable, under a registry symbol: not on its type). */
export function attachManagerInternals(manager: object, internals: ManagerInternals): void {
  Object.defineProperty(manager, MANAGER_INTERNALS, { value: internals });
}

/** A manager's internals; throws for anything that is not a fairpack AllocationManager. */
export function managerInternals(manager: object): ManagerInternals {
  const internals = (manager as Record<symbol, ManagerInternals | undefined>)[MANAGER_INTERNALS];
  if (internals === undefined) throw new TypeError('Expected a fairpack AllocationManager.');
  return internals;
}
