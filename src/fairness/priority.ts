import { type FairnessPolicy, byArrival, minimumBy } from './policy.js';

/**
 * Priority: higher priority classes first (the manager serves bands from the top), and within a
 * class, arrival order across tenants.
 */
export function priority(): FairnessPolicy {
  return {
    name: 'priority',
    pick: (candidates) => minimumBy(candidates, byArrival),
  } satisfies FairnessPolicy;
}
