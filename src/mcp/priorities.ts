import type { PriorityClassSpec } from '../manager/index.js';

/** The seed's priorities, lowest first. */
export const SEED_PRIORITIES = ['low', 'normal', 'high', 'critical'] as const;
export type SeedPriority = (typeof SEED_PRIORITIES)[number];

/**
 * The priority classes the seed's tools schedule with. The names are the seed's, but for `normal`:
 * a manager must have a class called `default` (jobs without a priority get it), so `normal` is
 * that class, and answers say `normal` again.
 *
 * - `critical` is served first and may **preempt**: when it does not fit, it evicts `low`
 *   allocations (the fewest, shortest-lived first) rather than fail. It is never evicted itself.
 * - `high` and `normal` are served in that order and are never evicted; they evict nobody.
 * - `low` is **preemptible** ("best-effort, may be preempted"): only `critical` evicts it.
 *
 * Grace periods are 0: nothing runs behind an allocation here (ports are bookkeeping), so an
 * evicted `low` allocation gives its room back at once and the `critical` request is answered
 * `active` in the same call. The evicted allocation goes back to `pending` and becomes `active`
 * again (with new workers) when room frees, after the manager's preemption back-off.
 */
export const SEED_PRIORITY_CLASSES: readonly PriorityClassSpec[] = Object.freeze([
  Object.freeze({ name: 'critical', value: 1000, canPreempt: true, preemptible: false, preemptionGraceMs: 0 }),
  Object.freeze({ name: 'high', value: 100, canPreempt: false, preemptible: false, preemptionGraceMs: 0 }),
  Object.freeze({ name: 'default', value: 0, canPreempt: false, preemptible: false, preemptionGraceMs: 0 }),
  Object.freeze({ name: 'low', value: -100, canPreempt: false, preemptible: true, preemptionGraceMs: 0 }),
]);

/** The manager's class for a seed priority. */
export function priorityClassOf(priority: SeedPriority): string {
  return priority === 'normal' ? 'default' : priority;
}

/** The seed's name for a manager class (a class of a manager given by the caller keeps its name). */
export function seedPriorityOf(priorityClass: string): string {
  return priorityClass === 'default' ? 'normal' : priorityClass;
}
