import { describe, expect, it } from 'vitest';
import { loadVbpInstances, vbpBatch, vbpPool } from '../fixtures/vbp-instances.js';
import { FIXED_CLOCK } from './helpers.js';

// Every second instance of test/fixtures/vbp-optimal.json: 75 of the 150, all five classes, 2 and
// 3 dimensions, 20, 30 and 40 items. A fixed clock leaves only the work limit (the default), so
// the figures below are the same on any machine. (The full set and the timings: npm run bench -- batch.)
const sample = loadVbpInstances().filter((_, i) => i % 2 === 0);

describe('auto against the optimum (CP-SAT) on small vector-bin-packing instances', () => {
  const results = sample.map((instance) => ({ instance, plan: vbpPool(instance).planBatch(vbpBatch(instance), { dryRun: true, clock: FIXED_CLOCK }) }));

  it('never uses fewer bins than the proven bound — that would be a bug — and places everything', () => {
    for (const { instance, plan } of results) {
      expect(plan.placedCount, instance.id).toBe(instance.items.length);
      expect(plan.nodesUsed, instance.id).toBeGreaterThanOrEqual(instance.bound);
      if (instance.proven) expect(plan.nodesUsed, instance.id).toBeGreaterThanOrEqual(instance.optimum);
      // its own lower bound is a bound too
      expect(plan.improvement?.lowerBound, instance.id).toBeLessThanOrEqual(instance.bound);
    }
  });

  it('is optimal on ≥ 90 % of the sample, ≤ 0.1 bins above the optimum on average', () => {
    // the gap is measured against the best CP-SAT found (the optimum where proven)
    const gaps = results.map(({ instance, plan }) => Math.max(0, plan.nodesUsed - instance.optimum));
    const optimal = gaps.filter((gap) => gap === 0).length / gaps.length;
    const meanGap = gaps.reduce((sum, gap) => sum + gap, 0) / gaps.length;
    expect(optimal).toBeGreaterThanOrEqual(0.9);
    expect(meanGap).toBeLessThanOrEqual(0.1);
  });
});
