import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { type AllocationRequest, type BatchPlan, ResourcePool, placementStrategyNames } from 'fairpack';
import { checkInvariants, nodesArbitrary, requestArbitrary } from 'fairpack/testing';
import { SEED, cluster, workload } from '../../examples/demo-workload.js';
import { propertyRuns } from '../support.js';
import { FIXED_CLOCK, nodesOf, sameNodes } from './helpers.js';

/** How many of `requests` `allocate` places one at a time, in the given order, on `pool`. */
function placedOneByOne(pool: ResourcePool, requests: readonly AllocationRequest[]): number {
  let placed = 0;
  for (const request of requests) if (pool.allocate(request).ok) placed++;
  return placed;
}

describe('when the batch does not fit, auto places the most requests', () => {
  it('a small case: one node of cpu 8, requests 3, 4, 1, 5 in that order', () => {
    const requests = [3, 4, 1, 5].map((cpu, i) => ({ id: `r${i}`, resources: { cpu } }));
    // one at a time in the given order: 3 → 5 left, 4 → 1 left, 1 → 0 left, 5 does not fit: 3 placed
    // every decreasing heuristic starts with 5 → 3 left, then 4 does not fit, 3 → 0 left: 2 placed
    const plan = new ResourcePool({ nodes: sameNodes(1, { cpu: 8 }) }).planBatch(requests);
    expect(plan.placedCount).toBe(3);
    expect(plan.placed.map((a) => a.id)).toEqual(['r0', 'r1', 'r2']);
    expect(plan.unplaced.map((u) => u.index)).toEqual([3]);
  });

  it('smallest-first: small requests first, each where the most room is left', () => {
    // one node of cpu 8, requests 5, 3, 2, 2: 2 → 6 left, 2 → 4 left, 3 → 1 left, 5 does not fit
    const one = new ResourcePool({ nodes: sameNodes(1, { cpu: 8 }) }).planBatch(
      [5, 3, 2, 2].map((cpu) => ({ resources: { cpu } })),
      { algorithm: 'smallest-first' },
    );
    expect(one).toMatchObject({ algorithm: 'smallest-first', sizeKey: 'sum', placedCount: 3, unplaced: [{ index: 0 }] });
    // two nodes of cpu 8, requests 1, 2, 3: 1 → n1 (7 left; tie to node order), 2 → n2 (8 − 2 = 6 >
    // 7 − 2 = 5), 3 → n1 (7 − 3 = 4 > 6 − 3 = 3)
    const two = new ResourcePool({ nodes: sameNodes(2, { cpu: 8 }) }).planBatch(
      [1, 2, 3].map((cpu) => ({ resources: { cpu } })),
      { algorithm: 'smallest-first' },
    );
    expect(nodesOf(two)).toEqual([['n1'], ['n2'], ['n1']]);
  });

  it('one-at-a-time: the given order, each replica where allocate() with `placement` would put it', () => {
    // two nodes of cpu 8, requests 3, 3: best-fit (the default) packs both on n1 (5 left is tighter
    // than 8), worst-fit puts the second on n2 (8 − 3 = 5 left beats 5 − 3 = 2)
    const requests = [3, 3].map((cpu) => ({ resources: { cpu } }));
    const packed = new ResourcePool({ nodes: sameNodes(2, { cpu: 8 }) }).planBatch(requests, { algorithm: 'one-at-a-time' });
    expect(packed).toMatchObject({ algorithm: 'one-at-a-time', placement: 'best-fit', nodesUsed: 1 });
    expect(packed).not.toHaveProperty('sizeKey');
    const spread = new ResourcePool({ nodes: sameNodes(2, { cpu: 8 }) }).planBatch(requests, { algorithm: 'one-at-a-time', placement: 'worst-fit' });
    expect(nodesOf(spread)).toEqual([['n1'], ['n2']]);
  });

  it('the demo: never fewer than allocate() one at a time with any built-in strategy (worst-fit places 78)', () => {
    const nodes = cluster();
    const jobs = workload(80, SEED);
    const oneByOne = new Map<string, number>();
    for (const placement of placementStrategyNames) {
      const pool = new ResourcePool({ nodes, placement });
      const plan = pool.planBatch(jobs, { dryRun: true });
      const placed = placedOneByOne(pool, jobs);
      oneByOne.set(placement, placed);
      expect(plan.placedCount).toBeGreaterThanOrEqual(placed);
    }
    expect(oneByOne.get('worst-fit')).toBe(78);

    // committed, the books stay exact
    const pool = new ResourcePool({ nodes });
    const plan = pool.planBatch(jobs);
    expect(plan.placedCount).toBeGreaterThanOrEqual(78);
    expect(pool.allocations()).toHaveLength(plan.placedCount);
    checkInvariants(pool);
  });

  // Never fewer than any single algorithm, by the whole objective: auto.test.ts. Here: never fewer
  // than allocate() itself, one request at a time, with each built-in strategy.
  it('never fewer than allocate() one at a time, which one-at-a-time reproduces; the commit is the dry run (property)', () => {
    const requests = fc.array(requestArbitrary(), { maxLength: 25 }).map((list) => list.map((request, i): AllocationRequest => ({ ...request, id: `r${i}` })));
    fc.assert(
      fc.property(
        nodesArbitrary({ minNodes: 1, maxNodes: 8 }),
        fc.array(requestArbitrary({ gangs: false }), { maxLength: 4 }),
        requests,
        fc.constantFrom(...placementStrategyNames),
        (nodes, existing, batch, placement) => {
          // the pool's own strategy only decides where the earlier allocations went (and what
          // allocate() does below); planBatch does not use it
          const pool = new ResourcePool({ nodes, placement });
          for (const request of existing) pool.allocate(request);
          const dry = pool.planBatch(batch, { dryRun: true, clock: FIXED_CLOCK });
          // the simulation of one at a time is allocate() itself: the same nodes for every request
          const simulated = pool.planBatch(batch, { algorithm: 'one-at-a-time', placement, dryRun: true });

          const real = pool.planBatch(batch, { clock: FIXED_CLOCK });
          expect(withoutCommitted(real)).toEqual(withoutCommitted(dry));
          expect(nodesOf(real)).toEqual(nodesOf(dry));
          checkInvariants(pool);

          // back to the state before the batch, then allocate() one request at a time
          for (const allocation of real.placed) pool.release(allocation.id);
          const oneByOne = batch.map((request) => pool.allocate(request));
          const placedOneByOne = oneByOne.filter((result) => result.ok).length;
          expect(dry.placedCount).toBeGreaterThanOrEqual(placedOneByOne);
          expect(simulated.placed.map((a) => [a.id, a.placements.map((p) => p.nodeId)])).toEqual(
            oneByOne.flatMap((result, i) => (result.ok ? [[`r${i}`, result.allocation.placements.map((p) => p.nodeId)]] : [])),
          );
          checkInvariants(pool);
        },
      ),
      { numRuns: propertyRuns(60) },
    );
  });
});

/** A plan without `committed` and with its allocations reduced to what a dry run can predict. */
function withoutCommitted(plan: BatchPlan): object {
  const { committed: _committed, placed, ...rest } = plan;
  return { ...rest, placed: placed.map((a) => ({ ...a, createdAt: 0 })) };
}
