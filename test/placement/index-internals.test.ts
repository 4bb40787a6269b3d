import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CapacityGroup, DenseRequest, IndexedNode } from 'fairpack';
import { SEARCH_RATIOS } from '../../src/placement/index/coupled-bounds.js';
import { GroupValues } from '../../src/placement/index/group-values.js';
import { KeyedBlocks } from '../../src/placement/index/keyed-blocks.js';
import { KeyedTreap } from '../../src/placement/index/keyed-treap.js';
import { PositionalTree } from '../../src/placement/index/positional-tree.js';
import { nextUp } from '../../src/placement/score-math.js';
import { propertyRuns } from '../support.js';

// The index structures on their own, against brute force: the strategies' differential tests
// (strategies.test.ts, fairpack/testing) cover them through the pool; these reach the corners
// (many equal keys, the first member leaving, bounds) directly and quickly.

const group: CapacityGroup = { id: 0, dims: [0, 1], capacity: [8, 32], capacityDense: Float64Array.from([8000, 32000]) };

interface FakeNode extends IndexedNode {
  free: Float64Array;
}

const makeNodes = (count: number): FakeNode[] =>
  Array.from({ length: count }, (_, i) => ({ id: `n${i}`, order: i, slot: i, group, free: Float64Array.from([8000, 32000]) }));

const request = (cpu: number, memory: number): DenseRequest => ({
  amounts: [cpu * 1000, memory * 1000],
  unscaled: [cpu, memory],
  nonZero: [cpu > 0 ? 0 : -1, memory > 0 ? 1 : -1].filter((d) => d >= 0),
});

const fits = (node: FakeNode, q: DenseRequest) => q.nonZero.every((d) => (node.free[d] as number) >= (q.amounts[d] as number));

/** Operations: set a node's free amounts (in whole units), or take it out / put it back. */
const operation = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), node: fc.nat(29), cpu: fc.integer({ min: 0, max: 8 }), memory: fc.integer({ min: 0, max: 32 }) }),
  fc.record({ kind: fc.constant('toggle' as const), node: fc.nat(29) }),
);
/**
 * Applies the operations to the nodes, to `inTree` (the reference membership) and to the
 * structure under test; `check` runs after each.
 */
function replay(
  ops: readonly (typeof operation extends fc.Arbitrary<infer T> ? T : never)[],
  nodes: readonly FakeNode[],
  inTree: Set<FakeNode>,
  structure: { add(node: FakeNode): void; remove(node: FakeNode): void; changed(node: FakeNode): void },
  check: () => void,
): void {
  for (const op of ops) {
    const node = nodes[op.node] as FakeNode;
    if (op.kind === 'toggle') {
      if (inTree.delete(node)) structure.remove(node);
      else {
        inTree.add(node);
        structure.add(node);
      }
    } else {
      node.free[0] = op.cpu * 1000;
      node.free[1] = op.memory * 1000;
      if (inTree.has(node)) structure.changed(node);
    }
    check();
  }
}

const query = fc.record({ cpu: fc.integer({ min: 0, max: 8 }), memory: fc.integer({ min: 0, max: 32 }), low: fc.integer({ min: -1, max: 40 }), high: fc.integer({ min: 0, max: 40 }) });

// Blocks of 2 to 5 members and groups of at least 1 to 4 blocks: 30 nodes make up to 15 blocks
// in several groups, so that splits, merges, the first block emptying, a group's maximum falling
// and the group size changing with the number of blocks all happen within a run. Blocks merge
// only below an eighth of their capacity (at least 1: an empty block), so blocks of 16 to 20 are
// drawn too: there a block of one member merges into its neighbour, which gains that member's
// values — across a group boundary too (a merge that once left the group's maxima short).
const blockSizes = fc.record({ capacity: fc.oneof(fc.integer({ min: 2, max: 5 }), fc.integer({ min: 16, max: 20 })), groupShift: fc.integer({ min: 0, max: 2 }) });
type BlockSizes = typeof blockSizes extends fc.Arbitrary<infer T> ? T : never;
const structures = [
  { name: 'KeyedTreap', make: (values: GroupValues) => new KeyedTreap(values), sizes: fc.constant({ capacity: 0, groupShift: 0 }) },
  { name: 'KeyedBlocks', make: (values: GroupValues, sizes: BlockSizes) => new KeyedBlocks(values, sizes.capacity, sizes.groupShift), sizes: blockSizes },
] as const;

describe.each(structures)('$name', ({ make, sizes }) => {
  it('finds the first fitting member in (key, order) between the key bounds, from the root or from the front', () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 120 }), fc.array(query, { minLength: 1, maxLength: 10 }), sizes, (ops, queries, size) => {
        const values = new GroupValues(group, { ratios: SEARCH_RATIOS });
        const tree = make(values, size);
        const nodes = makeNodes(30);
        // keys in whole units of free cpu: many members share a key, so node order decides
        const keyOf = (node: FakeNode) => (node.free[0] as number) / 1000;
        const inTree = new Set<FakeNode>(nodes);
        for (const node of nodes) tree.insert(node, keyOf(node));
        const structure = {
          add: (node: FakeNode) => tree.insert(node, keyOf(node)),
          remove: (node: FakeNode) => tree.remove(node),
          // a key change: out and in again under the new key
          changed: (node: FakeNode) => {
            tree.remove(node);
            tree.insert(node, keyOf(node));
          },
        };
        replay(ops, nodes, inTree, structure, () => {
          expect(tree.check()).toBe(true);
          expect(tree.size).toBe(inTree.size);
        });
        const ordered = [...inTree].sort((a, b) => keyOf(a) - keyOf(b) || a.order - b.order);
        expect(tree.first()).toBe(ordered[0]);
        for (const q of queries) {
          const dense = request(q.cpu, q.memory);
          values.tests(dense);
          const expected = ordered.find((node) => keyOf(node) >= q.low && keyOf(node) <= q.high && fits(node, dense));
          // the maxima are only bounds: a fitting member means they must pass
          if (ordered.some((node) => fits(node, dense))) expect(tree.mayFit()).toBe(true);
          const found = tree.findFirst(undefined, q.low, false, q.high);
          expect(found < 0 ? undefined : tree.node(found)).toBe(expected);
          const strictly = ordered.find((node) => keyOf(node) > q.low && keyOf(node) <= q.high && fits(node, dense));
          const foundStrictly = tree.findFirst(undefined, q.low, true, q.high);
          expect(foundStrictly < 0 ? undefined : tree.node(foundStrictly)).toBe(strictly);
          const fromStart = ordered.find((node) => keyOf(node) <= q.high && fits(node, dense));
          const walked = tree.findFirstFromStart(undefined, q.high);
          expect(walked < 0 ? undefined : tree.node(walked)).toBe(fromStart);
          const above = ordered.map(keyOf).find((key) => key > q.low);
          expect(tree.successorKey(q.low)).toBe(above ?? Number.NaN);
        }
      }),
      { numRuns: propertyRuns(200) },
    );
  });
});

describe('KeyedBlocks merges', () => {
  it('keep the maxima of blocks and groups exact when a nearly empty block merges into its neighbour', () => {
    // blocks of 16 merge below 2 members, so a block's last member moves into the block before
    // it — at a group boundary too; node i has key i and free cpu 8i/300, memory 32i/300, so
    // the member that moves has the block's highest values
    for (const order of ['from the top', 'from the bottom'] as const) {
      const values = new GroupValues(group, { ratios: SEARCH_RATIOS });
      const blocks = new KeyedBlocks(values, 16, 0);
      const nodes = makeNodes(300).map((node, i) => ({ ...node, free: Float64Array.from([Math.floor((i * 8000) / 300), Math.floor((i * 32000) / 300)]) }));
      for (const node of nodes) blocks.insert(node, node.order);
      expect(blocks.check()).toBe(true);
      for (const node of order === 'from the top' ? [...nodes].reverse() : nodes) {
        blocks.remove(node);
        expect(blocks.check(), `after removing ${node.id} ${order}`).toBe(true);
        // and the first fitting member is the brute-force one: 4 cpu fits only nodes 150 and up
        values.tests(request(4, 0));
        const found = blocks.findFirst(undefined, -Infinity, false, Infinity);
        const expected = nodes.find((n) => n.order > (order === 'from the top' ? -1 : node.order) && n.order < (order === 'from the top' ? node.order : Infinity) && (n.free[0] as number) >= 4000);
        expect(found < 0 ? undefined : blocks.node(found)).toBe(expected);
      }
    }
  });
});

describe('PositionalTree', () => {
  it('keeps maxima and counts current, and finds the leftmost fitting member', () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 120 }), fc.array(query, { minLength: 1, maxLength: 10 }), (ops, queries) => {
        const tree = new PositionalTree(new GroupValues(group, { ratios: SEARCH_RATIOS }));
        const nodes = makeNodes(30);
        const inTree = new Set<FakeNode>(nodes);
        for (const node of nodes) tree.add(node);
        const structure = { add: (node: FakeNode) => tree.add(node), remove: (node: FakeNode) => tree.remove(node), changed: (node: FakeNode) => tree.update(node) };
        replay(ops, nodes, inTree, structure, () => expect(tree.check(inTree)).toBeUndefined());
        for (const q of queries) {
          const dense = request(q.cpu, q.memory);
          const expected = [...inTree].sort((a, b) => a.order - b.order).find((node) => fits(node, dense));
          expect(tree.findFirst(dense, undefined)).toBe(expected);
        }
      }),
      { numRuns: propertyRuns(200) },
    );
  });
});

describe('nextUp', () => {
  it('is the least double above x', () => {
    for (const x of [0, -0, 1, -1, 0.1, -0.1, 1e300, -1e-300, Number.MIN_VALUE, -Number.MIN_VALUE, 2 ** 52, 1 / 3]) {
      const up = nextUp(x);
      expect(up).toBeGreaterThan(x);
      // nothing lies between: their midpoint rounds to one of them
      expect([x, up]).toContain(x + (up - x) / 2);
    }
  });
});
