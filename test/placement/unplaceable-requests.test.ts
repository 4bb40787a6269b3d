import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CapacityGroup, DenseRequest, IndexedNode } from 'fairpack';
import { AlignmentIndex } from '../../src/placement/index/alignment-index.js';
import { propertyRuns } from '../support.js';
import { applyChange } from './index-changes.js';
import { searchVisits } from './search-visits.js';

// Dot-product remembers request shapes that fit no node, until a node that fits one changes or
// joins: under congestion the same large shapes are asked for again and again, and each search
// had to visit every subtree whose maxima pass to prove that none fits.

const space = { dimensions: ['cpu', 'memory'], factor: 1000 };
const group: CapacityGroup = { id: 0, dims: [0, 1], capacity: [8, 32], capacityDense: Float64Array.from([8000, 32_000]) };

interface FakeNode extends IndexedNode {
  free: Float64Array;
}
const makeNodes = (count: number): FakeNode[] => Array.from({ length: count }, (_, i) => ({ id: `n${i}`, order: i, slot: i, group, free: Float64Array.from([0, 0]) }));
const request = (cpu: number, memory: number): DenseRequest => ({
  amounts: [cpu * 1000, memory * 1000],
  unscaled: [cpu, memory],
  nonZero: [cpu > 0 ? 0 : -1, memory > 0 ? 1 : -1].filter((d) => d >= 0),
});


describe('AlignmentIndex remembers requests that fit nowhere', () => {
  it('answers a repeated request that fits nowhere without searching, until a node that fits it changes', () => {
    const index = new AlignmentIndex(space, {});
    const nodes = makeNodes(32);
    // fragmented: the even nodes have 8 cpu and 2 GiB free, the odd ones 3 cpu and 32 GiB;
    // 4 cpu + 4 GiB (normalised 0.5, 0.125) fits none, but every subtree of two or more passes
    // every test: maxima 8 cpu and 32 GiB, coupled min(3/8, 32/32) = 0.375 ≥ min(0.5, 0.125)
    nodes.forEach((node, i) => node.free.set(i % 2 === 0 ? [8000, 2000] : [3000, 32_000]));
    for (const node of nodes) index.add(node);
    const big = request(4, 4);
    expect(searchVisits(() => expect(index.select(big, undefined)).toBeUndefined())).toBeGreaterThan(0);
    expect(searchVisits(() => expect(index.select(big, undefined)).toBeUndefined())).toBe(0);
    expect(index.check(new Set(nodes))).toBeUndefined();
    // node 5 loses room: still nothing fits, still remembered
    (nodes[5] as FakeNode).free.set([0, 0]);
    index.update(nodes[5] as FakeNode);
    expect(searchVisits(() => expect(index.select(big, undefined)).toBeUndefined())).toBe(0);
    // node 7 gains room, 4 cpu + 20 GiB: it fits now, the shape is forgotten and the search finds it
    (nodes[7] as FakeNode).free.set([4000, 20_000]);
    index.update(nodes[7] as FakeNode);
    expect(index.check(new Set(nodes))).toBeUndefined();
    expect(index.select(big, undefined)).toBe(nodes[7]);
    // another shape (1 cpu + 1 GiB) was never affected: it fits nearly everywhere
    expect(index.select(request(1, 1), undefined)).toBeDefined();
  });

  it('forgets a shape when a node that fits it joins, and not when `accept` turned the fitting node down', () => {
    const index = new AlignmentIndex(space, {});
    const nodes = makeNodes(4);
    nodes.forEach((node) => node.free.set([2000, 2000]));
    for (const node of nodes.slice(0, 3)) index.add(node);
    const q = request(2, 8);
    expect(index.select(q, undefined)).toBeUndefined();
    // node 3 joins with 2 cpu + 8 GiB free: it fits, so the answer is node 3, not a remembered "none"
    (nodes[3] as FakeNode).free.set([2000, 8000]);
    index.add(nodes[3] as FakeNode);
    expect(index.select(q, undefined)).toBe(nodes[3]);
    // refused by `accept`: no answer, but node 3 still fits, so the shape is not remembered
    expect(index.select(q, () => false)).toBeUndefined();
    expect(index.select(q, undefined)).toBe(nodes[3]);
  });

  it('answers exactly as a brute-force scan through changes, joins and departures', () => {
    // dot-product with weights 1: Σ_d (req_d / cap_d) · (free_d / factor / cap_d), ties to node order
    const alignment = (node: FakeNode, q: DenseRequest) =>
      group.dims.reduce((sum, d, i) => sum + 1 * ((q.unscaled[d] as number) / (group.capacity[i] as number)) * ((node.free[d] as number) / 1000 / (group.capacity[i] as number)), 0);
    differential(() => new AlignmentIndex(space, {}), alignment);
  });
});

/** Random changes, joins, departures and selects of a few shapes, each answer against brute force. */
function differential(make: () => AlignmentIndex, score: (node: FakeNode, q: DenseRequest) => number): void {
  const shapes = [request(2, 8), request(4, 16), request(6, 4), request(1, 30), request(8, 32)];
  const operation = fc.oneof(
    fc.record({ kind: fc.constant('set' as const), node: fc.nat(23), cpu: fc.integer({ min: 0, max: 8 }), memory: fc.integer({ min: 0, max: 32 }) }),
    fc.record({ kind: fc.constant('toggle' as const), node: fc.nat(23) }),
    fc.record({ kind: fc.constant('select' as const), shape: fc.nat(shapes.length - 1) }),
  );
  fc.assert(
    fc.property(fc.array(operation, { maxLength: 150 }), (ops) => {
      const index = make();
      const nodes = makeNodes(24);
      const inIndex = new Set<FakeNode>();
      for (const op of ops) {
        if (op.kind === 'select') {
          const q = shapes[op.shape] as DenseRequest;
          const fitting = [...inIndex].filter((node) => q.nonZero.every((d) => (node.free[d] as number) >= (q.amounts[d] as number)));
          fitting.sort((a, b) => score(b, q) - score(a, q) || a.order - b.order);
          expect(index.select(q, undefined)).toBe(fitting[0]);
        } else {
          const node = nodes[op.node] as FakeNode;
          applyChange(index, inIndex, node, op);
        }
        expect(index.check(inIndex)).toBeUndefined();
      }
    }),
    { numRuns: propertyRuns(200) },
  );
}
