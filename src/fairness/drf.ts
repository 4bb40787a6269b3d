import { type FairnessPolicy, type TenantCandidate, byArrival, minimumBy } from './policy.js';

/**
 * Weighted Dominant Resource Fairness (Ghodsi et al., NSDI 2011): serve the tenant with the
 * lowest dominant share ÷ weight, where a tenant's dominant share is max_d usage_d / total_d.
 * The manager skips tenants whose head does not fit, so this is the paper's progressive filling.
 *
 * Example (the paper's §4.1): 9 cpu, 18 GB; A runs ⟨1 cpu, 4 GB⟩ tasks, B ⟨3 cpu, 1 GB⟩.
 * A's dominant share per task is 4/18 = 2/9 (memory), B's 3/9 = 1/3 (cpu). Filling from zero:
 * A (0) → 2/9, B (0) → 1/3, A (2/9) → 4/9, B (1/3) → 2/3, A (4/9) → 2/3; now A needs a 10th cpu
 * and B 12 cpu: nothing fits. A runs 3 tasks, B 2 — cpu 9/9, memory 14/18.
 */
export function drf(): FairnessPolicy {
  return {
    name: 'drf',
    pick: (candidates) => minimumBy(candidates, byWeightedShare),
  } satisfies FairnessPolicy;
}

/** Lower dominant share ÷ weight first, then by arrival (one function, not a closure per pick). */
function byWeightedShare(a: TenantCandidate, b: TenantCandidate): number {
  return a.dominantShare / a.weight - b.dominantShare / b.weight || byArrival(a, b);
}
