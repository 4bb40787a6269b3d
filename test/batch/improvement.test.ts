import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { type AllocationRequest, type NodeSpec, ResourcePool } from 'fairpack';
import { checkInvariants, nodesArbitrary, requestArbitrary } from 'fairpack/testing';
import { propertyRuns } from '../support.js';
import { FIXED_CLOCK, expectReplicasAllowed, layout, sameNodes } from './helpers.js';
import { type VbpInstance, loadVbpInstances, vbpBatch, vbpPool } from '../fixtures/vbp-instances.js';

// 1-D, six nodes of cpu 10, requests r0..r5 = 2, 2, 2, 6, 3, 5 (sum 20: two full nodes is optimal)
const tenByTwo = [2, 2, 2, 6, 3, 5].map((cpu, i): AllocationRequest => ({ id: `r${i}`, resources: { cpu } }));
const ids = tenByTwo.map((r) => r.id as string);
const tenNodes = () => new ResourcePool({ nodes: sameNodes(6, { cpu: 10 }) });

describe('the improvement phase of auto', () => {
  it('empties a node the portfolio could not: 3 nodes → 2', () => {
    // ffd, sorted 6, 5, 3, 2, 2, 2: 6 → n1 (4 left), 5 → n2 (5), 3 → n1 (1), 2 → n2 (3), 2 → n2 (1),
    // 2 → n3: 3 nodes, and every other heuristic of the portfolio also uses 3 (ffd by sum wins ties).
    // Lower bound: ⌈20 / 10⌉ = 2.
    // The phase empties n3, the least loaded (2; weights below in tenths of a node):
    //   2 fits nowhere (n1: 6 + 3, 1 free; n2: 5 + 2 + 2, 1 free). Best swap: it takes the place of
    //   the 3 on n1 (1 + 3 ≥ 2; gain 2 − 3 = −1, the least bad: the 6 would cost −4, the 5 −3, and a
    //   2 for a 2 is no move at all). Now n1 = 6 + 2 and the 3 waits.
    //   3 fits nowhere (2 and 1 free). It takes the place of a 2 on n2 (1 + 2 ≥ 3, gain +1), and
    //   that 2 fits on n1 (2 free): n1 = 6 + 2 + 2, n2 = 5 + 2 + 3, n3 empty.
    const plan = tenNodes().planBatch(tenByTwo, { clock: FIXED_CLOCK });
    expect(plan.candidates.every((c) => c.nodesUsed === 3)).toBe(true);
    expect(plan).toMatchObject({ algorithm: 'ffd', sizeKey: 'sum', nodesUsed: 2, stranded: 0 });
    expect(plan.improvement).toMatchObject({ nodesBefore: 3, lowerBound: 2, stoppedBy: 'lower-bound' });
    expect(layout(plan, ids)).toEqual({ n1: [0, 2, 3], n2: [1, 4, 5] });
  });

  it('stops at once when the portfolio already reaches the lower bound', () => {
    // 5 + 5 = 10 fills one node: the portfolio reaches LB = ⌈10 / 10⌉ = 1, so nothing is spent
    const plan = tenNodes().planBatch([{ resources: { cpu: 5 } }, { resources: { cpu: 5 } }], { clock: FIXED_CLOCK });
    expect(plan).toMatchObject({ nodesUsed: 1, improvement: { nodesBefore: 1, lowerBound: 1, work: 0, stoppedBy: 'lower-bound' } });
  });

  it('counts nodes already in use in the lower bound', () => {
    // n1 holds cpu 4 before the batch; requests 6 and 5: n1 takes the 6 (LB: n1 + ⌈(11 − 6) / 10⌉ = 2)
    const pool = new ResourcePool({ nodes: sameNodes(3, { cpu: 10 }) });
    pool.allocate({ resources: { cpu: 4 } });
    const plan = pool.planBatch([{ resources: { cpu: 6 } }, { resources: { cpu: 5 } }], { clock: FIXED_CLOCK });
    expect(plan).toMatchObject({ nodesUsed: 2, improvement: { lowerBound: 2, stoppedBy: 'lower-bound' } });
  });

  it('stops when its work limit is spent, keeping the portfolio’s plan', () => {
    const plan = tenNodes().planBatch(tenByTwo, { clock: FIXED_CLOCK, workLimit: 10 });
    expect(plan).toMatchObject({ nodesUsed: 3, improvement: { nodesBefore: 3, stoppedBy: 'work-limit' } });
    expect(plan.improvement?.work).toBeGreaterThanOrEqual(10);
  });

  it('stops at its time limit, read through the injected clock', () => {
    // vbp-pub-007: the bound is 7 and no 7-node plan is known, so the search runs until stopped.
    // The clock advances 5 ms per reading; it is read at the start (0) and then once per 4,096
    // units of work: 5, 10, 15, 20 ≥ 0 + timeLimitMs 20 → stop after 4 × 4,096 = 16,384 units.
    const instance = loadVbpInstances().find((i) => i.id === 'vbp-pub-007') as VbpInstance;
    let now = 0;
    const clock = () => (now += 5) - 5;
    const plan = vbpPool(instance).planBatch(vbpBatch(instance), { dryRun: true, clock, timeLimitMs: 20 });
    expect(plan.improvement).toMatchObject({ stoppedBy: 'time-limit' });
    expect(plan.improvement?.work).toBeGreaterThanOrEqual(16_384);
    expect(plan.improvement?.work).toBeLessThan(16_384 + 4_096);
  });

  it('does not run with timeLimitMs or workLimit 0, with a single algorithm, or when something is left out', () => {
    expect(tenNodes().planBatch(tenByTwo, { timeLimitMs: 0 })).toMatchObject({ nodesUsed: 3 });
    expect(tenNodes().planBatch(tenByTwo, { timeLimitMs: 0 })).not.toHaveProperty('improvement');
    expect(tenNodes().planBatch(tenByTwo, { workLimit: 0 })).not.toHaveProperty('improvement');
    expect(tenNodes().planBatch(tenByTwo, { algorithm: 'ffd' })).not.toHaveProperty('improvement');
    // a request of 11 fits no node: an emptied node could take an unplaced request, so no phase
    expect(tenNodes().planBatch([...tenByTwo, { resources: { cpu: 11 } }], { clock: FIXED_CLOCK })).not.toHaveProperty('improvement');
  });

  it('does not run when a request had to go to a node it avoids', () => {
    // plain { cpu: 4 } and spot { cpu: 10, PreferNoSchedule }: 6 fits only on spot
    const nodes: NodeSpec[] = [
      { id: 'plain', capacity: { cpu: 4 } },
      { id: 'spot', capacity: { cpu: 10 }, taints: [{ key: 'spot', effect: 'PreferNoSchedule' }] },
    ];
    const plan = new ResourcePool({ nodes }).planBatch([{ resources: { cpu: 6 } }], { clock: FIXED_CLOCK });
    expect(plan.placed[0]?.placements[0]?.nodeId).toBe('spot');
    expect(plan).not.toHaveProperty('improvement');
  });

  it('keeps gangs whole, spread gangs apart and every replica on an eligible node (property)', () => {
    // small whole amounts on many 2-D nodes: complete plans with room to improve (about 1 run in 30
    // saves a node, mostly with gangs, spread gangs and selectors in the batch)
    const dimensions = ['cpu', 'memory'];
    const requests = fc
      .array(requestArbitrary({ max: 3, fractional: false, dimensions }), { maxLength: 24 })
      .map((list) => list.map((request, i): AllocationRequest => ({ ...request, id: `r${i}` })));
    const existing = fc.array(requestArbitrary({ gangs: false, max: 4, dimensions }), { maxLength: 2 });
    fc.assert(
      fc.property(nodesArbitrary({ minNodes: 4, maxNodes: 12, dimensions }), existing, requests, (nodes, before, batch) => {
        const pool = new ResourcePool({ nodes });
        for (const request of before) pool.allocate(request);
        const views = new Map(pool.nodes().map((node) => [node.id, node]));
        const dry = pool.planBatch(batch, { dryRun: true, clock: FIXED_CLOCK });
        const real = pool.planBatch(batch, { clock: FIXED_CLOCK });
        expect(real.placed.map((a) => [a.id, a.placements])).toEqual(dry.placed.map((a) => [a.id, a.placements]));
        checkInvariants(pool);
        const { improvement } = real;
        if (improvement === undefined) return;
        expect(real.placedCount).toBe(batch.length);
        // never worse than the portfolio, never below the bound
        const complete = real.candidates.filter((c) => c.placedCount === batch.length);
        expect(improvement.nodesBefore).toBe(Math.min(...complete.map((c) => c.nodesUsed)));
        expect(real.nodesUsed).toBeLessThanOrEqual(improvement.nodesBefore);
        expect(real.nodesUsed).toBeGreaterThanOrEqual(improvement.lowerBound);
        expect(real.nodesUsed).toBe(pool.nodes().filter((n) => n.allocationCount > 0).length);
        // (the commit re-checks fit of every replica: commitPlacement throws otherwise)
        expectReplicasAllowed(real, batch, views);
      }),
      { numRuns: propertyRuns(200) },
    );
  });
});
