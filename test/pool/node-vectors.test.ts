import { describe, expect, it } from 'vitest';
import { ResourcePool } from 'fairpack';
import { checkInvariants } from 'fairpack/testing';
import type { IndexedNode, PlacementIndex } from '../../src/placement/index.js';
import { DeferredIndex } from '../../src/pool/deferred-index.js';
import { poolInternals } from '../../src/pool/internals.js';
import type { NodeState } from '../../src/pool/node-state.js';

/*
 * A node's dense vectors (src/pool/node-state.ts): `capacity` is its capacity group's, `reserved`
 * the group's zeros until the node first holds room, and the deferred index keeps its copies of
 * the free amounts in one array for all nodes. Sharing must never let one node's books show
 * through another's.
 */

/** Amounts are kept scaled by 10^precision (3 by default). */
const scaled = (amount: number): number => amount * 1000;

function nodeOf(pool: ResourcePool, id: string): NodeState {
  return poolInternals(pool).nodes.get(id) as NodeState;
}

/** Holds (sign 1) or gives back (−1) `amount` of one dimension on a node, as the manager's reservations do. */
function hold(pool: ResourcePool, nodeId: string, dimension: string, amount: number, sign: 1 | -1 = 1): void {
  const books = poolInternals(pool);
  books.hold(nodeOf(pool, nodeId), [books.space.indexOf(dimension)], [amount * books.space.scale.factor], sign);
}

const sameShape = [
  { id: 'a', capacity: { cpu: 8, memory: 16 } },
  { id: 'b', capacity: { cpu: 8, memory: 16 } },
  { id: 'c', capacity: { cpu: 4, memory: 16 } },
];

describe('node vectors shared within a capacity group', () => {
  it('nodes of one group share its capacity vector and, until they hold room, its zeros as reserved', () => {
    const pool = new ResourcePool({ nodes: sameShape });
    const [a, b, c] = ['a', 'b', 'c'].map((id) => nodeOf(pool, id)) as [NodeState, NodeState, NodeState];
    expect(a.capacity).toBe(b.capacity);
    expect(a.capacity).toBe(a.group.capacityDense);
    expect(a.reserved).toBe(b.reserved);
    expect(c.capacity).not.toBe(a.capacity); // another group
    expect([...c.capacity]).toEqual([4, 16].map(scaled));
    expect(a.free).not.toBe(b.free);
  });

  it("a hold gives the node its own reserved vector: the group's other members still hold nothing", () => {
    const pool = new ResourcePool({ nodes: sameShape });
    hold(pool, 'a', 'cpu', 3);
    const a = nodeOf(pool, 'a');
    const b = nodeOf(pool, 'b');
    expect(a.reserved).not.toBe(b.reserved);
    expect([...b.reserved]).toEqual([0, 0]);
    // a: 3 of 8 cpu held; b untouched
    expect(pool.node('a')).toMatchObject({ reserved: { cpu: 3, memory: 0 }, available: { cpu: 5, memory: 16 } });
    expect(pool.node('b')).toMatchObject({ reserved: { cpu: 0, memory: 0 }, available: { cpu: 8, memory: 16 } });
    expect(pool.capacity().reserved).toEqual({ cpu: 3, memory: 0 });
    hold(pool, 'a', 'cpu', 3, -1);
    expect(pool.node('a')).toMatchObject({ reserved: { cpu: 0, memory: 0 }, available: { cpu: 8, memory: 16 } });
    checkInvariants(pool);
  });

  it('a new dimension widens the shared vectors, and keeps what a node holds', () => {
    const pool = new ResourcePool({ nodes: sameShape });
    hold(pool, 'a', 'cpu', 2);
    const placed = pool.allocate({ resources: { cpu: 1, memory: 2 } });
    expect(placed.ok).toBe(true);
    pool.addNode({ id: 'g', capacity: { cpu: 8, memory: 16, gpu: 2 } });
    const [a, b] = ['a', 'b'].map((id) => nodeOf(pool, id)) as [NodeState, NodeState];
    expect(a.capacity).toBe(a.group.capacityDense);
    expect(a.capacity).toBe(b.capacity);
    expect([...a.capacity]).toEqual([8, 16, 0].map(scaled));
    expect([...a.reserved]).toEqual([2, 0, 0].map(scaled));
    expect(b.reserved).toBe(b.group.zeros);
    expect(b.reserved).toHaveLength(3);
    expect(pool.node('a')).toMatchObject({ capacity: { cpu: 8, memory: 16 }, reserved: { cpu: 2, memory: 0 } });
    // only g has a gpu
    expect(pool.allocate({ resources: { gpu: 1 } })).toMatchObject({ ok: true, allocation: { placements: [{ nodeId: 'g' }] } });
    hold(pool, 'b', 'cpu', 8);
    expect(pool.node('b')).toMatchObject({ reserved: { cpu: 8, memory: 0 }, available: { cpu: 0, memory: 16 } });
    expect(pool.node('a')).toMatchObject({ reserved: { cpu: 2, memory: 0 } });
    checkInvariants(pool);
  });

  it('a node added in the slot of a removed one is filed under its own amounts', () => {
    const pool = new ResourcePool({ nodes: sameShape, placement: 'best-fit' });
    const first = pool.allocate({ resources: { cpu: 3 } }); // best-fit: c (4 − 3 = 1 cpu left)
    expect(first).toMatchObject({ ok: true, allocation: { placements: [{ nodeId: 'c' }] } });
    const slot = nodeOf(pool, 'c').slot;
    pool.removeNode('c', { force: true });
    pool.addNode({ id: 'd', capacity: { cpu: 2, memory: 16 } });
    expect(nodeOf(pool, 'd').slot).toBe(slot);
    // d (2 cpu) is the tightest fit for 2 cpu; a stale copy of c's amounts (1 cpu free) would
    // make a hold given back look unchanged or changed wrongly, and the index answer stale
    hold(pool, 'd', 'cpu', 1);
    hold(pool, 'd', 'cpu', 1, -1);
    expect(pool.allocate({ resources: { cpu: 2 } })).toMatchObject({ ok: true, allocation: { placements: [{ nodeId: 'd' }] } });
    hold(pool, 'a', 'cpu', 7);
    // a: 1 cpu free, the tightest for 1 cpu
    expect(pool.allocate({ resources: { cpu: 1 } })).toMatchObject({ ok: true, allocation: { placements: [{ nodeId: 'a' }] } });
    checkInvariants(pool);
  });

  it("a hold on a removed node's record changes nothing, even once a new node has its id and slot", () => {
    // the manager's reservations may give back room on a node that left: the pool checks that the
    // record is still its own (by slot), not merely that a node of that id exists
    const pool = new ResourcePool({ nodes: sameShape, placement: 'best-fit' });
    const books = poolInternals(pool);
    const removed = nodeOf(pool, 'c');
    pool.removeNode('c', { force: true });
    pool.addNode({ id: 'c', capacity: { cpu: 4, memory: 16 } });
    const added = nodeOf(pool, 'c');
    expect(added).not.toBe(removed);
    expect(added.slot).toBe(removed.slot);
    expect(books.isMember(removed)).toBe(false);
    expect(books.isMember(added)).toBe(true);
    books.hold(removed, [books.space.indexOf('cpu')], [3 * books.space.scale.factor], 1);
    // the new c still has all 4 cpu free and holds nothing; the old record is as it was left
    expect(pool.node('c')).toMatchObject({ reserved: { cpu: 0, memory: 0 }, available: { cpu: 4, memory: 16 } });
    expect([...removed.reserved]).toEqual([0, 0]);
    expect(pool.capacity().reserved).toEqual({ cpu: 0, memory: 0 });
    // and the index still answers for the new c: the tightest fit for 4 cpu (a and b have 8)
    expect(pool.allocate({ resources: { cpu: 4 } })).toMatchObject({ ok: true, allocation: { placements: [{ nodeId: 'c' }] } });
    checkInvariants(pool);
  });
});

describe("the deferred index's copies of free amounts (one array for all nodes)", () => {
  /** A DeferredIndex over a stub that counts updates, with nodes built by hand. */
  function stubbed(): { deferred: DeferredIndex; updates: () => number } {
    let updates = 0;
    const index: PlacementIndex = { add: () => undefined, remove: () => undefined, update: () => void updates++, select: () => undefined };
    return { deferred: new DeferredIndex(index), updates: () => updates };
  }
  const group = { id: 0, dims: [0], capacity: [8], capacityDense: Float64Array.of(8) };
  const node = (slot: number, free: number[]): IndexedNode => ({ id: `n${slot}`, order: slot, slot, group, free: Float64Array.from(free) });

  it('each member is compared with its own row, at any slot', () => {
    const { deferred, updates } = stubbed();
    const nodes = [node(0, [8, 1]), node(1, [8, 2]), node(70, [8, 3])];
    for (const n of nodes) deferred.add(n);
    for (const n of nodes) deferred.changed(n);
    deferred.current();
    expect({ updates: updates(), skipped: deferred.skipped }).toEqual({ updates: 0, skipped: 3 });
    (nodes[1] as { free: Float64Array }).free[1] = 5;
    for (const n of nodes) deferred.changed(n);
    deferred.current();
    expect({ updates: updates(), skipped: deferred.skipped }).toEqual({ updates: 1, skipped: 5 });
  });

  it('a member with a longer free vector widens every row; the others still compare as filed', () => {
    const { deferred, updates } = stubbed();
    const short = node(0, [8]);
    const other = node(1, [6]);
    deferred.add(short);
    deferred.add(other);
    const long = node(2, [4, 2]);
    deferred.add(long);
    for (const n of [short, other, long]) deferred.changed(n);
    deferred.current();
    expect({ updates: updates(), skipped: deferred.skipped }).toEqual({ updates: 0, skipped: 3 });
    (other as { free: Float64Array }).free[0] = 5;
    for (const n of [short, other, long]) deferred.changed(n);
    deferred.current();
    expect({ updates: updates(), skipped: deferred.skipped }).toEqual({ updates: 1, skipped: 5 });
  });
});
