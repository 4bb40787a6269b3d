import { type FairnessPolicy, type TenantCandidate, byArrival, minimumBy } from './policy.js';

/**
 * Round-robin: tenants take turns, in tenant-id order, starting after the tenant served last.
 * A tenant whose head does not fit loses its turn for this pass (the manager skips it).
 */
export function roundRobin(): FairnessPolicy {
  let last: string | undefined;
  return {
    name: 'round-robin',
    pick(candidates) {
      // the first tenant id after `last` in cyclic order; with none after it, wrap to the smallest
      const after = last === undefined ? [] : candidates.filter((c) => c.tenant > (last as string));
      const pool: readonly TenantCandidate[] = after.length > 0 ? after : candidates;
      return minimumBy(pool, (a, b) => (a.tenant < b.tenant ? -1 : a.tenant > b.tenant ? 1 : byArrival(a, b)));
    },
    placed(tenant) {
      last = tenant;
    },
    snapshot() {
      return last === undefined ? null : last;
    },
    restore(state) {
      last = typeof state === 'string' ? state : undefined;
    },
  } satisfies FairnessPolicy;
}
