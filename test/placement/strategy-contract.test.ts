import { describe, it } from 'vitest';
import { bestFit, dotProduct, firstFit, placementStrategies, placementStrategyNames, worstFit } from 'fairpack';
import { placementStrategyContract } from 'fairpack/testing';
import { propertyRuns } from '../support.js';

// Every built-in passes the same contract a user's strategy runs: feasible choices only, books
// straight after every step (allocate, release, node changes, bad input), exactness after
// releasing everything, determinism, no mutation of inputs, and — the differential test — the
// indexed choice equals a brute-force scan by the strategy's own score.
describe.each(placementStrategyNames)('built-in strategy %s', (name) => {
  for (const check of placementStrategyContract(placementStrategies[name], { numRuns: propertyRuns(60) })) {
    it(check.name, check.run);
  }
});

describe('weighted strategies', () => {
  const weights = { gpu: 4, memory: 0.5 };
  for (const factory of [() => bestFit({ weights }), () => worstFit({ weights }), () => dotProduct({ weights })]) {
    const check = placementStrategyContract(factory, { numRuns: propertyRuns(40) }).find((c) => c.name.includes('own score'));
    it(`${factory().name} with weights: ${check?.name}`, () => check?.run());
  }
});

describe('larger pools (deeper index structures)', () => {
  for (const factory of [firstFit, bestFit, worstFit, dotProduct]) {
    for (const check of placementStrategyContract(() => factory(), { numRuns: propertyRuns(15), nodes: { minNodes: 20, maxNodes: 60, fractional: false } })) {
      if (check.name.includes('own score') || check.name.includes('books')) it(`${check.name} (20–60 nodes)`, check.run);
    }
  }
});
