import { describe, expect, it } from 'vitest';
import { type AllocationRequest, ResourcePool } from 'fairpack';
import { layout, sameNodes } from './helpers.js';

// Nodes { cpu: 8, memory: 8 }: every ratio below is a multiple of 1/64, exact in floating point.
// dot-product scores are written ×64 (Σ req_d · free_d), l2-norm residuals ×64 (Σ (free_d − req_d)²).

function batch(amounts: readonly (readonly [number, number])[]): AllocationRequest[] {
  return amounts.map(([cpu, memory], i) => ({ id: `r${i}`, resources: { cpu, memory } }));
}
const ids = (requests: readonly AllocationRequest[]) => requests.map((r) => r.id as string);

describe('dot-product (bin-centric)', () => {
  it('fills each node with the best-aligned request: 2 nodes where l2-norm needs 3', () => {
    // r0..r4 = (2,3) (6,1) (1,6) (3,1) (2,4)
    const requests = batch([[2, 3], [6, 1], [1, 6], [3, 1], [2, 4]]);
    // open n1, free (8,8): r0 40, r1 56, r2 56, r3 32, r4 48 → tie r1/r2, input order: r1 → (2,7)
    //   free (2,7): r0 4+21=25, r2 2+42=44, r3 cpu 3 > 2, r4 4+28=32 → r2 → free (1,1)
    //   free (1,1): nothing fits → close n1
    // open n2, free (8,8): r0 40, r3 32, r4 48 → r4 → (6,4); r0 12+12=24, r3 18+4=22 → r0 → (4,1)
    //   free (4,1): r3 (3,1) 12+1=13 → r3 → (1,0)                                  2 nodes
    const plan = new ResourcePool({ nodes: sameNodes(3, { cpu: 8, memory: 8 }) }).planBatch(requests, { algorithm: 'dot-product' });
    expect(layout(plan, ids(requests))).toEqual({ n1: [1, 2], n2: [0, 3, 4] });
    // stranded: n1 (1/8 + 1/8) + n2 (1/8 + 0) = 0.375
    expect(plan).toMatchObject({ algorithm: 'dot-product', placedCount: 5, nodesUsed: 2, stranded: 0.375 });
    expect(plan).not.toHaveProperty('sizeKey');

    // l2-norm on the same batch:
    // n1, free (8,8): r0 36+25=61, r1 4+49=53, r2 49+4=53, r3 25+49=74, r4 36+16=52 → r4 → (6,4)
    //   free (6,4): r0 16+1=17, r1 0+9=9, r2 memory 6 > 4, r3 9+9=18 → r1 → (0,3): nothing fits
    // n2, free (8,8): r0 61, r2 53, r3 74 → r2 → (7,2); r0 memory 3 > 2, r3 16+1=17 → r3 → (4,1)
    //   free (4,1): r0 (2,3) does not fit → close n2.  n3: r0.                     3 nodes
    const l2 = new ResourcePool({ nodes: sameNodes(3, { cpu: 8, memory: 8 }) }).planBatch(requests, { algorithm: 'l2-norm' });
    expect(layout(l2, ids(requests))).toEqual({ n1: [1, 4], n2: [2, 3], n3: [0] });
    expect(l2.nodesUsed).toBe(3);
  });
});

describe('l2-norm (bin-centric)', () => {
  it('fills each node with the request leaving the shortest residual: 2 nodes where dot-product needs 3', () => {
    // r0..r4 = (2,1) (3,2) (3,1) (1,6) (4,3)
    const requests = batch([[2, 1], [3, 2], [3, 1], [1, 6], [4, 3]]);
    // n1, free (8,8): r0 36+49=85, r1 25+36=61, r2 25+49=74, r3 49+4=53, r4 16+25=41 → r4 → (4,5)
    //   free (4,5): r0 4+16=20, r1 1+9=10, r2 1+16=17, r3 memory 6 > 5 → r1 → (1,3)
    //   free (1,3): r0 cpu 2 > 1, r2 cpu 3 > 1, r3 memory 6 > 3 → close n1
    // n2, free (8,8): r0 85, r2 74, r3 53 → r3 → (7,2); r0 25+1=26, r2 16+1=17 → r2 → (4,1)
    //   free (4,1): r0 → (2,0)                                                      2 nodes
    const plan = new ResourcePool({ nodes: sameNodes(3, { cpu: 8, memory: 8 }) }).planBatch(requests, { algorithm: 'l2-norm' });
    expect(layout(plan, ids(requests))).toEqual({ n1: [1, 4], n2: [0, 2, 3] });
    // stranded: n1 (1/8 + 3/8) + n2 (2/8 + 0) = 0.75
    expect(plan).toMatchObject({ algorithm: 'l2-norm', placedCount: 5, nodesUsed: 2, stranded: 0.75 });

    // dot-product on the same batch:
    // n1, free (8,8): r0 24, r1 40, r2 32, r3 56, r4 56 → tie r3/r4, input order: r3 → (7,2)
    //   free (7,2): r0 14+2=16, r1 21+4=25, r2 21+2=23, r4 memory 3 > 2 → r1 → (4,0): close
    // n2, free (8,8): r0 24, r2 32, r4 56 → r4 → (4,5); r0 8+5=13, r2 12+5=17 → r2 → (1,4)
    //   free (1,4): r0 cpu 2 > 1 → close n2.  n3: r0.                             3 nodes
    const dot = new ResourcePool({ nodes: sameNodes(3, { cpu: 8, memory: 8 }) }).planBatch(requests, { algorithm: 'dot-product' });
    expect(layout(dot, ids(requests))).toEqual({ n1: [1, 3], n2: [2, 4], n3: [0] });
  });
});

describe('bin-centric opening order', () => {
  for (const algorithm of ['dot-product', 'l2-norm'] as const) {
    it(`${algorithm} fills nodes that already hold allocations first`, () => {
      // n1, n2, n3 { cpu: 8 }; n3 already holds cpu 2. Batch: cpu 4 and cpu 2.
      // n3 is opened first: 4 → n3 (2 left), 2 → n3 (0 left). One node used instead of two.
      const pool = new ResourcePool({ nodes: sameNodes(3, { cpu: 8 }).map((n) => ({ ...n, labels: { name: n.id } })) });
      pool.allocate({ resources: { cpu: 2 }, nodeSelector: { name: 'n3' } });
      const plan = pool.planBatch([{ resources: { cpu: 4 } }, { resources: { cpu: 2 } }], { algorithm });
      expect(plan.placed.map((a) => a.placements[0]?.nodeId)).toEqual(['n3', 'n3']);
      expect(plan).toMatchObject({ nodesUsed: 1, stranded: 0 });
    });
  }

  it('ffd keeps plain node order instead (first-fit), so it opens n1', () => {
    const pool = new ResourcePool({ nodes: sameNodes(3, { cpu: 8 }).map((n) => ({ ...n, labels: { name: n.id } })) });
    pool.allocate({ resources: { cpu: 2 }, nodeSelector: { name: 'n3' } });
    const plan = pool.planBatch([{ resources: { cpu: 4 } }, { resources: { cpu: 2 } }], { algorithm: 'ffd' });
    expect(plan.placed.map((a) => a.placements[0]?.nodeId)).toEqual(['n1', 'n1']);
    // n1 (holding 6 of 8) and n3 (holding 2 of 8): stranded 2/8 + 6/8 = 1
    expect(plan).toMatchObject({ nodesUsed: 2, stranded: 1 });
  });
});
