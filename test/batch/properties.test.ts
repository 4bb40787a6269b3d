import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { type AllocationRequest, type NodeSpec, ResourcePool, isFairpackError, placementStrategyNames } from 'fairpack';
import { badResourcesArbitrary, checkInvariants, checkReleaseAllRestoresCapacity, nodesArbitrary, poolSnapshot, requestArbitrary } from 'fairpack/testing';
import { propertyRuns } from '../support.js';
import { ALL_ALGORITHMS, FIXED_CLOCK, expectReplicasAllowed } from './helpers.js';

const algorithm = fc.constantFrom(...ALL_ALGORITHMS);
const sizeKey = fc.constantFrom('sum' as const, 'max' as const, 'l2' as const);
const placement = fc.constantFrom(...placementStrategyNames);
/** Requests with ids r0, r1, … so that allocations can be traced back to their input index. */
const requests = fc.array(requestArbitrary(), { maxLength: 30 }).map((list) => list.map((request, i): AllocationRequest => ({ ...request, id: `r${i}` })));
const existing = fc.array(requestArbitrary({ gangs: false }), { maxLength: 5 });

function setUp(nodes: NodeSpec[], before: readonly AllocationRequest[]): ResourcePool {
  const pool = new ResourcePool({ nodes });
  for (const request of before) pool.allocate(request);
  return pool;
}

describe('planBatch properties', () => {
  it('conservation: the books balance after a commit, and releasing everything restores capacity exactly', () => {
    fc.assert(
      fc.property(nodesArbitrary({ maxNodes: 10 }), existing, requests, algorithm, sizeKey, placement, (nodes, before, batch, alg, key, strategy) => {
        const pool = setUp(nodes, before);
        const views = new Map(pool.nodes().map((node) => [node.id, node]));
        const plan = pool.planBatch(batch, { algorithm: alg, sizeKey: key, placement: strategy });
        checkInvariants(pool);

        // every request is either placed or unplaced, once; both lists in input order
        const placedIndexes = plan.placed.map((a) => Number(a.id.slice(1)));
        const unplacedIndexes = plan.unplaced.map((u) => u.index);
        expect([...placedIndexes, ...unplacedIndexes].sort((a, b) => a - b)).toEqual(batch.map((_, i) => i));
        expect(placedIndexes).toEqual([...placedIndexes].sort((a, b) => a - b));
        expect(unplacedIndexes).toEqual([...unplacedIndexes].sort((a, b) => a - b));
        expect(plan.placedCount).toBe(plan.placed.length);
        expect(plan.nodesUsed).toBe(pool.nodes().filter((n) => n.allocationCount > 0).length);

        expectReplicasAllowed(plan, batch, views);
        for (const allocation of plan.placed) expect(pool.allocation(allocation.id)).toBe(allocation);
        checkReleaseAllRestoresCapacity(pool);
      }),
      { numRuns: propertyRuns(80) },
    );
  });

  it('maximal: nothing the plan left out would fit afterwards', () => {
    fc.assert(
      fc.property(nodesArbitrary({ maxNodes: 8 }), existing, requests, algorithm, placement, (nodes, before, batch, alg, strategy) => {
        const pool = setUp(nodes, before);
        const plan = pool.planBatch(batch, { algorithm: alg, placement: strategy });
        for (const { request, reason } of plan.unplaced) {
          const result = pool.allocate(request);
          expect(result.ok).toBe(false);
          if (!result.ok) expect(result.reason).toBe(reason);
        }
      }),
      { numRuns: propertyRuns(80) },
    );
  });

  it('a dry run changes nothing and plans what the commit then does', () => {
    fc.assert(
      fc.property(nodesArbitrary({ maxNodes: 8 }), existing, requests, algorithm, (nodes, before, batch, alg) => {
        const pool = setUp(nodes, before);
        const snapshot = poolSnapshot(pool);
        const dry = pool.planBatch(batch, { algorithm: alg, dryRun: true, clock: FIXED_CLOCK });
        expect(poolSnapshot(pool)).toEqual(snapshot);
        const real = pool.planBatch(batch, { algorithm: alg, clock: FIXED_CLOCK });
        expect(real.placed.map((a) => [a.id, a.placements])).toEqual(dry.placed.map((a) => [a.id, a.placements]));
        expect(real.unplaced).toEqual(dry.unplaced);
      }),
      { numRuns: propertyRuns(60) },
    );
  });

  it('one bad request anywhere in the batch throws and changes nothing', () => {
    fc.assert(
      fc.property(nodesArbitrary({ maxNodes: 6 }), existing, requests, badResourcesArbitrary(), fc.nat(), algorithm, (nodes, before, batch, bad, at, alg) => {
        const pool = setUp(nodes, before);
        const snapshot = poolSnapshot(pool);
        const index = at % (batch.length + 1);
        const poisoned = [...batch.slice(0, index), { resources: bad } as AllocationRequest, ...batch.slice(index)];
        let caught: unknown;
        try {
          pool.planBatch(poisoned, { algorithm: alg });
        } catch (error) {
          caught = error;
        }
        expect(isFairpackError(caught) && caught.details['index'] === index).toBe(true);
        expect(poolSnapshot(pool)).toEqual(snapshot);
      }),
      { numRuns: propertyRuns(60) },
    );
  });
});

describe('planBatch at scale', () => {
  it('plans 2,000 requests on 500 nodes with auto and keeps the books straight', () => {
    const nodes = Array.from({ length: 500 }, (_, i) => ({
      id: `n${i}`,
      capacity: i % 5 === 0 ? { cpu: 32, memory: 128, gpu: 4 } : { cpu: 32, memory: 128 },
      labels: { zone: i % 2 === 0 ? 'a' : 'b' },
    }));
    const pool = new ResourcePool({ nodes });
    // a fixed, varied batch (no randomness): sizes cycle through co-prime periods
    const batch: AllocationRequest[] = Array.from({ length: 2_000 }, (_, i) => ({
      resources: { cpu: 1 + (i % 7) * 2, memory: 2 + (i % 11) * 6, ...(i % 13 === 0 ? { gpu: 1 } : {}) },
      ...(i % 17 === 0 ? { replicas: 3, spread: i % 2 === 0 } : {}),
      ...(i % 19 === 0 ? { nodeSelector: { zone: 'b' } } : {}),
    }));
    const plan = pool.planBatch(batch);
    expect(plan.placedCount + plan.unplaced.length).toBe(2_000);
    // it does not all fit, so both stages ran; placing the most comes first
    expect(plan.candidates).toHaveLength(15);
    expect(plan.placedCount).toBe(Math.max(...plan.candidates.map((c) => c.placedCount)));
    checkInvariants(pool);
    checkReleaseAllRestoresCapacity(pool);
  });
});
