import { type FairnessPolicy, byArrival, minimumBy } from './policy.js';

/**
 * FIFO: global arrival order. Ignores tenants and priority classes — the job that was submitted
 * first is tried first (smaller jobs behind it may still backfill when it does not fit).
 */
export function fifo(): FairnessPolicy {
  return {
    name: 'fifo',
    ignoresPriority: true,
    pick: (candidates) => minimumBy(candidates, byArrival),
  } satisfies FairnessPolicy;
}
