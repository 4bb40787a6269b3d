import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CapacityGroup, DenseRequest, IndexedNode } from 'fairpack';
import { AlignmentIndex } from '../../src/placement/index/alignment-index.js';
import type { BestNodesCache } from '../../src/placement/index/best-nodes-cache.js';
import { propertyRuns } from '../support.js';
import { applyChange } from './index-changes.js';
import { searchVisits } from './search-visits.js';

// Dot-product keeps, per request shape, its best K nodes and a threshold T (every other fitting
// node ranks at or below T), re-ranking a node for every shape when it changes, so that a
// repeated shape is answered without a search while its list lasts.

const space = { dimensions: ['cpu', 'memory', 'gpu'], factor: 1000 };
// {cpu 8, memory 32}, and the same plus one gpu: a request without gpu scores the same double on both
const small: CapacityGroup = { id: 0, dims: [0, 1], capacity: [8, 32], capacityDense: Float64Array.from([8000, 32_000, 0]) };
const withGpu: CapacityGroup = { id: 1, dims: [0, 1, 2], capacity: [8, 32, 1], capacityDense: Float64Array.from([8000, 32_000, 1000]) };

interface FakeNode extends IndexedNode {
  free: Float64Array;
}
const makeNode = (order: number, group: CapacityGroup, cpu: number, memory: number): FakeNode => ({
  id: `n${order}`,
  order,
  slot: order,
  group,
  free: Float64Array.from([cpu * 1000, memory * 1000, group === withGpu ? 1000 : 0]),
});
const request = (cpu: number, memory: number, gpu = 0): DenseRequest => ({
  amounts: [cpu * 1000, memory * 1000, gpu * 1000],
  unscaled: [cpu, memory, gpu],
  nonZero: [cpu, memory, gpu].flatMap((amount, d) => (amount > 0 ? [d] : [])),
});
const setFree = (index: AlignmentIndex, node: FakeNode, cpu: number, memory: number) => {
  node.free[0] = cpu * 1000;
  node.free[1] = memory * 1000;
  index.update(node);
};
/** The index's list and threshold for a shape (looking it up marks it used, nothing else). */
const entryOf = (index: AlignmentIndex, q: DenseRequest) => {
  const entry = (index as unknown as { cache: BestNodesCache }).cache.find(q);
  return entry === undefined ? undefined : { nodes: entry.nodes.map((n) => n.id), threshold: [entry.thresholdScore, entry.thresholdOrder] };
};

// request 2 cpu + 8 GiB: coefficients (2/8, 8/32) = (0.25, 0.25), so a node with c cpu and m GiB
// free scores 0.25·c/8 + 0.25·m/32: (8, 32) → 0.5, (6, 24) → 0.375, (4, 16) → 0.25, (2, 8) → 0.125
const q = request(2, 8);

describe('AlignmentIndex with the best nodes per shape cached', () => {
  /** K = 2; n0 0.5, n1 0.375, n2 and n3 0.25, n4 0.125, n5 (1 cpu, 4 GiB) does not fit. */
  const setUp = () => {
    const index = new AlignmentIndex(space, {}, 2, 0);
    const nodes = [makeNode(0, small, 8, 32), makeNode(1, small, 6, 24), makeNode(2, small, 4, 16), makeNode(3, small, 4, 16), makeNode(4, small, 2, 8), makeNode(5, small, 1, 4)];
    for (const node of nodes) index.add(node);
    // a new shape: the search finds the best only, n0, which becomes T over an empty list
    expect(searchVisits(() => expect(index.select(q, undefined)).toBe(nodes[0]))).toBeGreaterThan(0);
    expect(entryOf(index, q)).toEqual({ nodes: [], threshold: [0.5, 0] });
    // asked again: the search finds the best K + 1 = 3: n0, n1 are kept, n2 (0.25, order 2) is T
    expect(searchVisits(() => expect(index.select(q, undefined)).toBe(nodes[0]))).toBeGreaterThan(0);
    expect(entryOf(index, q)).toEqual({ nodes: ['n0', 'n1'], threshold: [0.25, 2] });
    return { index, nodes: nodes as [FakeNode, FakeNode, FakeNode, FakeNode, FakeNode, FakeNode] };
  };

  it('answers a repeated shape from its list without searching', () => {
    const { index, nodes } = setUp();
    expect(searchVisits(() => expect(index.select(q, undefined)).toBe(nodes[0]))).toBe(0);
    expect(index.check(new Set(nodes))).toBeUndefined();
  });

  it('keeps a member that still ranks above T, and drops one that falls to or below it', () => {
    const { index, nodes } = setUp();
    // n1 down to (4, 16): 0.25 at order 1 ranks above T = (0.25, order 2) — it stays
    setFree(index, nodes[1], 4, 16);
    expect(entryOf(index, q)).toEqual({ nodes: ['n0', 'n1'], threshold: [0.25, 2] });
    // n0 down to (2, 8): 0.125, below T — it leaves, and n1 is the answer without a search
    setFree(index, nodes[0], 2, 8);
    expect(entryOf(index, q)).toEqual({ nodes: ['n1'], threshold: [0.25, 2] });
    expect(index.check(new Set(nodes))).toBeUndefined();
    expect(searchVisits(() => expect(index.select(q, undefined)).toBe(nodes[1]))).toBe(0);
    // n1 down to (2, 8) as well: the list runs dry, and the next select searches again: n2 and
    // n3 tie at 0.25 (n2 first in node order), n0, n1, n4 at 0.125 — T is n0 (0.125, order 0)
    setFree(index, nodes[1], 2, 8);
    expect(entryOf(index, q)).toEqual({ nodes: [], threshold: [0.25, 2] });
    expect(searchVisits(() => expect(index.select(q, undefined)).toBe(nodes[2]))).toBeGreaterThan(0);
    expect(entryOf(index, q)).toEqual({ nodes: ['n2', 'n3'], threshold: [0.125, 0] });
    expect(index.check(new Set(nodes))).toBeUndefined();
  });

  it('lets a node that rises above T in, capping the list (the last member out becomes T)', () => {
    const { index, nodes } = setUp();
    // n4 up to (8, 32): 0.5 at order 4 — below n0 (0.5 at order 0), above n1
    setFree(index, nodes[4], 8, 32);
    // three above T: the last, n1 (0.375, order 1), leaves and becomes T
    expect(entryOf(index, q)).toEqual({ nodes: ['n0', 'n4'], threshold: [0.375, 1] });
    // n3 up to (6, 24): 0.375 at order 3 ties T at a later node — it ranks below T and stays out
    setFree(index, nodes[3], 6, 24);
    expect(entryOf(index, q)).toEqual({ nodes: ['n0', 'n4'], threshold: [0.375, 1] });
    expect(index.check(new Set(nodes))).toBeUndefined();
    // a node that joins is ranked as well: n6 with the whole node free enters second
    const n6 = makeNode(6, small, 8, 32);
    index.add(n6);
    expect(entryOf(index, q)).toEqual({ nodes: ['n0', 'n4'], threshold: [0.5, 6] });
    // and one that leaves, leaves the list
    index.remove(nodes[0]);
    expect(entryOf(index, q)).toEqual({ nodes: ['n4'], threshold: [0.5, 6] });
    expect(searchVisits(() => expect(index.select(q, undefined)).toBe(nodes[4]))).toBe(0);
    expect(index.check(new Set([...nodes.slice(1), n6]))).toBeUndefined();
  });

  it('answers with the first member `accept` takes, and searches when it takes none', () => {
    const { index, nodes } = setUp();
    // n0 refused: n1 is the best the rest of the cluster has (every other node ranks below it)
    expect(searchVisits(() => expect(index.select(q, (node) => node !== nodes[0])).toBe(nodes[1]))).toBe(0);
    // both members refused: the answer lies beyond the list — n2, by a search that changes nothing
    const refused = new Set<IndexedNode>([nodes[0], nodes[1]]);
    expect(searchVisits(() => expect(index.select(q, (node) => !refused.has(node))).toBe(nodes[2]))).toBeGreaterThan(0);
    expect(entryOf(index, q)).toEqual({ nodes: ['n0', 'n1'], threshold: [0.25, 2] });
    expect(index.check(new Set(nodes))).toBeUndefined();
  });

  it('does not remember a search in which `accept` turned a fitting node down', () => {
    const index = new AlignmentIndex(space, {}, 2, 0);
    const nodes = [makeNode(0, small, 8, 32), makeNode(1, small, 6, 24), makeNode(2, small, 4, 16)];
    for (const node of nodes) index.add(node);
    expect(index.select(q, (node) => node !== nodes[0])).toBe(nodes[1]);
    expect(entryOf(index, q)).toBeUndefined();
    expect(index.select(q, undefined)).toBe(nodes[0]);
  });

  it('keeps a new shape only when its first search was long, or found nothing', () => {
    // 3 nodes: the search visits a handful of tree nodes, fewer than the default 256
    const index = new AlignmentIndex(space, {});
    const nodes = [makeNode(0, small, 8, 32), makeNode(1, small, 6, 24), makeNode(2, small, 4, 16)];
    for (const node of nodes) index.add(node);
    expect(index.select(q, undefined)).toBe(nodes[0]);
    expect(index.select(q, undefined)).toBe(nodes[0]);
    expect(entryOf(index, q)).toBeUndefined();
    expect(index.select(request(8, 33), undefined)).toBeUndefined();
    expect(entryOf(index, request(8, 33))).toEqual({ nodes: [], threshold: [-Infinity, Infinity] });
  });

  it('remembers a shape that fits nowhere, and answers it from the list once a fitting node frees room', () => {
    const { index, nodes } = setUp();
    const big = request(8, 20);
    // n0 (8, 32) fits 8 cpu + 20 GiB; take 16 GiB of it, and nothing does (n1 has 6 cpu, 24 GiB)
    setFree(index, nodes[0], 8, 16);
    expect(index.select(big, undefined)).toBeUndefined();
    expect(entryOf(index, big)).toEqual({ nodes: [], threshold: [-Infinity, Infinity] });
    expect(searchVisits(() => expect(index.select(big, undefined)).toBeUndefined())).toBe(0);
    // n5 frees its whole node: it fits, ranks above T = −∞ and enters; no search needed
    setFree(index, nodes[5], 8, 32);
    expect(entryOf(index, big)?.nodes).toEqual(['n5']);
    expect(searchVisits(() => expect(index.select(big, undefined)).toBe(nodes[5]))).toBe(0);
    expect(index.check(new Set(nodes))).toBeUndefined();
  });
});

describe('AlignmentIndex with cached best nodes answers exactly as a linear scan', () => {
  // weights 1: Σ_g (req_d / cap_g) · (free_d / factor / cap_g) over the group's dimensions, in
  // order — the same operations as the index, so the same doubles (exact ties included)
  const alignment = (node: FakeNode, r: DenseRequest) =>
    node.group.dims.reduce((sum, d, g) => sum + 1 * ((r.unscaled[d] as number) / (node.group.capacity[g] as number)) * ((node.free[d] as number) / 1000 / (node.group.capacity[g] as number)), 0);
  const fits = (node: FakeNode, r: DenseRequest) => r.nonZero.every((d) => (node.free[d] as number) >= (r.amounts[d] as number));

  const run = (shapes: readonly DenseRequest[], cachedSizes: readonly number[]) => {
    // free amounts from a few values: many exact ties
    const operation = fc.oneof(
      { weight: 4, arbitrary: fc.record({ kind: fc.constant('set' as const), node: fc.nat(19), cpu: fc.constantFrom(0, 2, 4, 8), memory: fc.constantFrom(0, 8, 16, 32) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('toggle' as const), node: fc.nat(19) }) },
      { weight: 4, arbitrary: fc.record({ kind: fc.constant('select' as const), shape: fc.nat(shapes.length - 1), refuse: fc.option(fc.nat(19), { nil: undefined }) }) },
    );
    fc.assert(
      // longSearch 0: every shape kept; 6: only those whose first search was long
      fc.property(fc.constantFrom(...cachedSizes), fc.constantFrom(0, 6), fc.array(operation, { maxLength: 200 }), (cached, longSearch, ops) => {
        const index = new AlignmentIndex(space, {}, cached, longSearch);
        // orders 0–19, alternating groups: the trees interleave in node order
        const nodes = Array.from({ length: 20 }, (_, i) => makeNode(i, i % 3 === 0 ? withGpu : small, 4, 16));
        const inIndex = new Set<FakeNode>();
        for (const op of ops) {
          if (op.kind === 'select') {
            const r = shapes[op.shape] as DenseRequest;
            // `refuse`: accept turns down the nodes whose order is `refuse` modulo 7 (up to 3 of the 20)
            const refuse = op.refuse;
            const accept = refuse === undefined ? undefined : (node: IndexedNode) => node.order % 7 !== refuse % 7;
            const candidates = [...inIndex].filter((node) => fits(node, r) && (accept === undefined || accept(node)));
            candidates.sort((a, b) => alignment(b, r) - alignment(a, r) || a.order - b.order);
            expect(index.select(r, accept)).toBe(candidates[0]);
          } else {
            const node = nodes[op.node] as FakeNode;
            applyChange(index, inIndex, node, op);
          }
          expect(index.check(inIndex)).toBeUndefined();
        }
      }),
      { numRuns: propertyRuns(200) },
    );
  };

  it('through changes, joins, departures and selects of a few shapes, with K from 0 to 8', () => {
    run([request(2, 8), request(4, 16), request(8, 4), request(1, 30), request(0, 16), request(2, 8, 1)], [0, 1, 2, 3, 8]);
  });

  it('with more shapes than it remembers (the least recently asked gives way)', () => {
    // 40 shapes: cpu 1–8 × memory 4, 8, 16, 24, 32
    const shapes = [1, 2, 3, 4, 5, 6, 7, 8].flatMap((cpu) => [4, 8, 16, 24, 32].map((memory) => request(cpu, memory)));
    run(shapes, [2, 8]);
  });
});
