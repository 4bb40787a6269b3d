import { describe, expect, it } from 'vitest';
import { type AllocationRequest, ResourcePool } from 'fairpack';
import { layout, sameNodes } from './helpers.js';

// Capacities are powers of two so every ratio in the comments is exact in binary floating point:
// the ties in the comments are real ties, broken by node order or input order as documented.

function batch(amounts: readonly (readonly number[])[]): AllocationRequest[] {
  return amounts.map(([cpu = 0, memory], i) => ({ id: `r${i}`, resources: memory === undefined ? { cpu } : { cpu, memory } }));
}
const ids = (requests: readonly AllocationRequest[]) => requests.map((r) => r.id as string);

describe('ffd (first-fit decreasing)', () => {
  it('1-D: decreasing order packs into 2 nodes where input order needs 3', () => {
    // three nodes of cpu 8; requests 3, 3, 5, 5 (sum 16: two full nodes is optimal)
    // first-fit in input order, one allocate() at a time:
    //   3 → n1 (5 left)   3 → n1 (2 left)   5 → n2 (3 left)   5 → n3 (3 left)        3 nodes
    const oneByOne = new ResourcePool({ nodes: sameNodes(3, { cpu: 8 }), placement: 'first-fit' });
    for (const cpu of [3, 3, 5, 5]) oneByOne.allocate({ resources: { cpu } });
    expect(oneByOne.nodes().filter((n) => n.allocationCount > 0)).toHaveLength(3);
    // ffd sorts by size first (cpu / 8): 5, 5, 3, 3
    //   5 → n1 (3 left)   5 → n2 (3 left)   3 → n1 (0 left)   3 → n2 (0 left)        2 nodes
    const requests = batch([[3], [3], [5], [5]]);
    const plan = new ResourcePool({ nodes: sameNodes(3, { cpu: 8 }) }).planBatch(requests, { algorithm: 'ffd' });
    expect(layout(plan, ids(requests))).toEqual({ n1: [0, 2], n2: [1, 3] });
    expect(plan).toMatchObject({ algorithm: 'ffd', sizeKey: 'sum', placedCount: 4, nodesUsed: 2, stranded: 0, committed: true });
  });

  it('1-D: equal sizes keep input order; stranded counts room left on used nodes', () => {
    // three nodes of cpu 8; requests r0..r4 = 2, 5, 1, 4, 3 → sorted 5 (r1), 4 (r3), 3 (r4), 2 (r0), 1 (r2)
    //   5 → n1 (3)   4 → n2 (4)   3 → n1 (0)   2 → n2 (2)   1 → n2 (1)
    const requests = batch([[2], [5], [1], [4], [3]]);
    const plan = new ResourcePool({ nodes: sameNodes(3, { cpu: 8 }) }).planBatch(requests, { algorithm: 'ffd' });
    expect(layout(plan, ids(requests))).toEqual({ n1: [1, 4], n2: [0, 2, 3] });
    // stranded: n1 0/8 + n2 1/8 = 0.125 (n3 is unused, so its room is not stranded)
    expect(plan).toMatchObject({ placedCount: 5, nodesUsed: 2, stranded: 0.125 });
    // placed comes back in input order
    expect(plan.placed.map((a) => a.id)).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
  });

  it('2-D: the size key decides the order, and the order decides how much fits', () => {
    // two nodes { cpu: 8, memory: 8 }; requests r0..r4 = (3,5) (4,4) (1,5) (5,3) (5,3)
    const requests = batch([[3, 5], [4, 4], [1, 5], [5, 3], [5, 3]]);
    const nodes = sameNodes(2, { cpu: 8, memory: 8 });

    // sum key (cpu/8 + memory/8): r0 8/8, r1 8/8, r2 6/8, r3 8/8, r4 8/8 → r0 r1 r3 r4 r2
    //   r0 (3,5) → n1, free (5,3)     r1 (4,4) → n1? memory 4 > 3, → n2, free (4,4)
    //   r3 (5,3) → n1, free (0,0)     r4 (5,3) → n2? cpu 5 > 4: nowhere
    //   r2 (1,5) → n2? memory 5 > 4: nowhere                          3 placed
    const bySum = new ResourcePool({ nodes }).planBatch(requests, { algorithm: 'ffd', sizeKey: 'sum' });
    expect(layout(bySum, ids(requests))).toEqual({ n1: [0, 3], n2: [1] });
    expect(bySum.unplaced.map((u) => u.index)).toEqual([2, 4]);

    // max key (max of cpu/8, memory/8): r0 5/8, r1 4/8, r2 5/8, r3 5/8, r4 5/8 → r0 r2 r3 r4 r1
    //   r0 (3,5) → n1, free (5,3)     r2 (1,5) → n1? memory 5 > 3, → n2, free (7,3)
    //   r3 (5,3) → n1, free (0,0)     r4 (5,3) → n2, free (2,0)
    //   r1 (4,4) → nowhere                                             4 placed
    const byMax = new ResourcePool({ nodes }).planBatch(requests, { algorithm: 'ffd', sizeKey: 'max' });
    expect(layout(byMax, ids(requests))).toEqual({ n1: [0, 3], n2: [2, 4] });
    expect(byMax.unplaced.map((u) => u.index)).toEqual([1]);

    // l2 key: r0 √34/8, r1 √32/8, r2 √26/8, r3 √34/8, r4 √34/8 → r0 r3 r4 r1 r2
    //   r0 → n1 (5,3)   r3 → n1 (0,0)   r4 → n2 (3,5)   r1 (4,4): cpu 4 > 3   r2 (1,5) → n2 (2,0)
    const byL2 = new ResourcePool({ nodes }).planBatch(requests, { algorithm: 'ffd', sizeKey: 'l2' });
    expect(layout(byL2, ids(requests))).toEqual({ n1: [0, 3], n2: [2, 4] });
    expect(byL2.placedCount).toBe(4);
  });

  it('explains what is left out from the plan’s final state', () => {
    // one node of cpu 8; requests 5 and 4: 5 → n1 (3 left); 4 does not fit
    const plan = new ResourcePool({ nodes: sameNodes(1, { cpu: 8 }) }).planBatch(batch([[4], [5]]), { algorithm: 'ffd' });
    expect(plan.unplaced).toEqual([
      { index: 0, request: { id: 'r0', resources: { cpu: 4 } }, reason: 'insufficient-resources', message: 'Insufficient resources on the closest node "n1": cpu needs 4, 3 free.' },
    ]);
  });
});

describe('bfd (best-fit decreasing)', () => {
  it('puts each request where it leaves the least normalised room, and fits what first-fit strands', () => {
    // n1 { cpu: 8 }, n2 { cpu: 6 }; requests 4, 6, 4 (sum 14 = total capacity)
    const tight = batch([[4], [6], [4]]);
    const unequal = [
      { id: 'n1', capacity: { cpu: 8 } },
      { id: 'n2', capacity: { cpu: 6 } },
    ];
    // FFD, order 6, 4, 4:  6 → n1 (2 left)   4 → n2 (2 left)   4 → nowhere
    const ffd = new ResourcePool({ nodes: unequal }).planBatch(tight, { algorithm: 'ffd' });
    expect(ffd.placedCount).toBe(2);
    // BFD:  6: n1 (8 − 6)/8 = 0.25, n2 (6 − 6)/6 = 0 → n2
    //       4: only n1 → n1 (4 left)      4: n1 (4 − 4)/8 = 0 → n1: everything fits
    const best = new ResourcePool({ nodes: unequal }).planBatch(tight, { algorithm: 'bfd' });
    expect(layout(best, ids(tight))).toEqual({ n1: [0, 2], n2: [1] });
    expect(best).toMatchObject({ placedCount: 3, nodesUsed: 2, stranded: 0 });
  });

  it('prefers the node that already holds work when it leaves less room', () => {
    // n1 and n2 { cpu: 8, memory: 8 }; n2 already holds (4, 4). Request (4, 4):
    //   n1 leftover (8−4)/8 + (8−4)/8 = 1     n2 leftover (4−4)/8 + (4−4)/8 = 0 → n2
    const pool = new ResourcePool({ nodes: sameNodes(2, { cpu: 8, memory: 8 }).map((n) => ({ ...n, labels: { name: n.id } })) });
    pool.allocate({ resources: { cpu: 4, memory: 4 }, nodeSelector: { name: 'n2' } });
    const plan = pool.planBatch([{ resources: { cpu: 4, memory: 4 } }], { algorithm: 'bfd' });
    expect(plan.placed[0]?.placements[0]?.nodeId).toBe('n2');
    expect(plan).toMatchObject({ nodesUsed: 1, stranded: 0 });
  });
});
