import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type PlacementStrategy, type PlacementStrategyName, ResourcePool, placementStrategies, placementStrategyNames } from 'fairpack';
import { checkInvariants } from 'fairpack/testing';
import { poolInternals } from '../../src/pool/internals.js';
import type { NodeState } from '../../src/pool/node-state.js';

/*
 * Held room (pool internals' `hold`) and every other change of a node's free room reach the
 * placement index only when it is next read, and not at all when the node's free room is back to
 * what the index has filed (src/pool/deferred-index.ts). These tests prove that every read — a
 * placement, the index's self-check — sees the books as they are, and count the re-files.
 */

/** A built-in strategy whose index counts its `update` calls. */
function counting(name: PlacementStrategyName): { strategy: PlacementStrategy; updates: () => number } {
  const inner = placementStrategies[name]();
  let updates = 0;
  const strategy: PlacementStrategy = {
    ...inner,
    createIndex: (space) => {
      const index = (inner.createIndex as NonNullable<PlacementStrategy['createIndex']>)(space);
      return {
        add: (node) => index.add(node),
        remove: (node) => index.remove(node),
        update: (node) => {
          updates++;
          index.update(node);
        },
        select: (request, accept) => index.select(request, accept),
        check: (expected) => index.check?.(expected),
      };
    },
  };
  return { strategy, updates: () => updates };
}

/** Holds (sign 1) or gives back (−1) `cpu` on a node, as the manager's reservations do. */
function hold(pool: ResourcePool, nodeId: string, cpu: number, sign: 1 | -1 = 1): void {
  const books = poolInternals(pool);
  const scaled = cpu * books.space.scale.factor;
  books.hold(books.nodes.get(nodeId) as NodeState, [books.space.indexOf('cpu')], [scaled], sign);
}

const twoNodes = [
  { id: 'a', capacity: { cpu: 8 } },
  { id: 'b', capacity: { cpu: 6 } },
];

describe('deferred re-filing of held room', () => {
  it('a hold given back before any read is skipped: the index is not touched', () => {
    const { strategy, updates } = counting('worst-fit');
    const pool = new ResourcePool({ nodes: twoNodes, placement: strategy });
    hold(pool, 'a', 3);
    hold(pool, 'a', 3, -1);
    // a: free 8 − 3 + 3 = 8, as filed; worst-fit takes the emptier node, a (8 > 6)
    expect(pool.allocate({ resources: { cpu: 1 } })).toMatchObject({ ok: true, allocation: { placements: [{ nodeId: 'a' }] } });
    expect(updates()).toBe(0);
    expect(poolInternals(pool).indexFiling).toEqual({ refiled: 0, skipped: 1 });
  });

  it('a hold still in place is re-filed once at the next read, however many steps it took', () => {
    const { strategy, updates } = counting('worst-fit');
    const pool = new ResourcePool({ nodes: twoNodes, placement: strategy });
    hold(pool, 'a', 3);
    hold(pool, 'a', 1);
    hold(pool, 'a', 2, -1);
    expect(updates()).toBe(0);
    // a: free 8 − 3 − 1 + 2 = 6, filed under 8: re-filed once. Worst-fit, Σ (free − req)/cap:
    // a (6 − 1)/8 = 0.625 < b (6 − 1)/6 ≈ 0.83 → b (as filed before, a's 7/8 would have won)
    expect(pool.allocate({ resources: { cpu: 1 } })).toMatchObject({ ok: true, allocation: { placements: [{ nodeId: 'b' }] } });
    expect(updates()).toBe(1);
    expect(poolInternals(pool).indexFiling).toEqual({ refiled: 1, skipped: 0 });
  });

  it('allocations and releases are filed at the next read too, and skipped when they cancel out', () => {
    const { strategy, updates } = counting('best-fit');
    const pool = new ResourcePool({ nodes: twoNodes, placement: strategy });
    const first = pool.allocate({ resources: { cpu: 2 } }); // best-fit: b (6 − 2 = 4 left, tighter than a's 6)
    expect(first).toMatchObject({ ok: true, allocation: { placements: [{ nodeId: 'b' }] } });
    expect(updates()).toBe(0); // b's take waits for the next read
    if (!first.ok) return;
    pool.release(first.allocation.id);
    // b: free 6 − 2 + 2 = 6, as filed: skipped; best-fit again b
    expect(pool.allocate({ resources: { cpu: 2 } })).toMatchObject({ ok: true, allocation: { placements: [{ nodeId: 'b' }] } });
    expect(updates()).toBe(0);
    // the second allocation's take is filed by this read: b free 4, best-fit for 4 → b (0 left)
    expect(pool.allocate({ resources: { cpu: 4 } })).toMatchObject({ ok: true, allocation: { placements: [{ nodeId: 'b' }] } });
    expect(updates()).toBe(1);
  });

  it.each(placementStrategyNames)('%s: a placement right after a hold sees the room the hold took', (name) => {
    const pool = new ResourcePool({ nodes: [{ id: 'a', capacity: { cpu: 8 } }, { id: 'b', capacity: { cpu: 8 } }], placement: name });
    // with both nodes equal every strategy picks a (node order); after holding 6 of a's 8,
    // a has 2 free and a request for 4 fits only b (a stale index would answer a, and the pool
    // would refuse that answer as a broken strategy contract)
    hold(pool, 'a', 6);
    expect(pool.allocate({ resources: { cpu: 4 } })).toMatchObject({ ok: true, allocation: { placements: [{ nodeId: 'b' }] } });
    hold(pool, 'a', 6, -1);
    // given back: a has 8, b 4; first-fit a, best-fit b (4 − 4 = 0 left), worst-fit a, dot-product:
    // (4/8)·(8/8) = 0.5 on a against (4/8)·(4/8) = 0.25 on b → a
    const expected = name === 'best-fit' ? 'b' : 'a';
    expect(pool.allocate({ resources: { cpu: 4 } })).toMatchObject({ ok: true, allocation: { placements: [{ nodeId: expected }] } });
    checkInvariants(pool);
  });

  it('reading the index (checkInvariants uses it) files what waited first', () => {
    const pool = new ResourcePool({ nodes: twoNodes, placement: 'worst-fit' });
    hold(pool, 'a', 5);
    expect(poolInternals(pool).indexFiling).toEqual({ refiled: 0, skipped: 0 });
    const books = poolInternals(pool);
    const index = books.index;
    expect(books.indexFiling).toEqual({ refiled: 1, skipped: 0 });
    expect(index?.check?.(new Set(books.nodes.values()))).toBeUndefined();
    checkInvariants(pool);
  });

  it('a marked node leaving the index is filed first: the index removes it under the amounts it last saw', () => {
    const inner = placementStrategies['first-fit']();
    const seen = new Map<string, string>(); // node id → its free amounts as the index last saw them
    const stale: string[] = [];
    const watching: PlacementStrategy = {
      ...inner,
      createIndex: (space) => {
        const index = (inner.createIndex as NonNullable<PlacementStrategy['createIndex']>)(space);
        return {
          add: (node) => {
            seen.set(node.id, node.free.join());
            index.add(node);
          },
          update: (node) => {
            seen.set(node.id, node.free.join());
            index.update(node);
          },
          remove: (node) => {
            if (seen.get(node.id) !== node.free.join()) stale.push(node.id);
            index.remove(node);
          },
          select: (request, accept) => index.select(request, accept),
        };
      },
    };
    const pool = new ResourcePool({ nodes: twoNodes, placement: watching });
    hold(pool, 'a', 5); // a: 3 free, filed at 8
    pool.setNodeStatus('a', 'draining');
    expect(pool.allocate({ resources: { cpu: 2 } })).toMatchObject({ ok: true, allocation: { placements: [{ nodeId: 'b' }] } }); // b: 4 free, marked
    pool.setNodeStatus('b', 'offline');
    expect(stale).toEqual([]);
    expect(poolInternals(pool).indexFiling.refiled).toBe(2); // a before it left the index, b before it did
  });

  it('a marked node that leaves the index and comes back, or whose slot a new node takes, is filed right', () => {
    const pool = new ResourcePool({ nodes: twoNodes, placement: 'worst-fit' });
    hold(pool, 'a', 5); // a: 3 free, marked
    pool.setNodeStatus('a', 'draining');
    pool.setNodeStatus('a', 'ready'); // filed again whole, with 3 free
    // worst-fit: b (6 − 1)/6 ≈ 0.83 over a (3 − 1)/8 = 0.25
    expect(pool.allocate({ resources: { cpu: 1 } })).toMatchObject({ ok: true, allocation: { placements: [{ nodeId: 'b' }] } });
    hold(pool, 'a', 5, -1);
    hold(pool, 'b', 1); // b: 6 − 1 − 1 = 4 free, marked
    pool.removeNode('b', { force: true }); // its mark stays in the list; its slot goes to c
    pool.addNode({ id: 'c', capacity: { cpu: 10 } });
    hold(pool, 'c', 9); // c: 1 free, marked under the slot b had
    // a has 8, c 1: a request for 2 fits only a (a stale c, filed at 10, would be chosen)
    expect(pool.allocate({ resources: { cpu: 2 } })).toMatchObject({ ok: true, allocation: { placements: [{ nodeId: 'a' }] } });
    hold(pool, 'c', 9, -1);
    // c 10 free, a 6: worst-fit c (10 − 2)/10 = 0.8 over a (6 − 2)/8 = 0.5
    expect(pool.allocate({ resources: { cpu: 2 } })).toMatchObject({ ok: true, allocation: { placements: [{ nodeId: 'c' }] } });
    checkInvariants(pool);
  });
});

type Op =
  | { readonly kind: 'allocate'; readonly cpu: number; readonly memory: number }
  | { readonly kind: 'release'; readonly pick: number }
  | { readonly kind: 'hold'; readonly node: number; readonly cpu: number; readonly memory: number }
  | { readonly kind: 'give-back'; readonly pick: number }
  | { readonly kind: 'status'; readonly node: number; readonly status: 'ready' | 'draining' | 'offline' };

const ops: fc.Arbitrary<Op[]> = fc.array(
  fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('allocate' as const), cpu: fc.integer({ min: 0, max: 6 }), memory: fc.integer({ min: 0, max: 12 }) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('release' as const), pick: fc.nat() }) },
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('hold' as const), node: fc.nat({ max: 4 }), cpu: fc.integer({ min: 0, max: 6 }), memory: fc.integer({ min: 0, max: 12 }) }) },
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('give-back' as const), pick: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('status' as const), node: fc.nat({ max: 4 }), status: fc.constantFrom('ready' as const, 'draining' as const, 'offline' as const) }) },
  ),
  { maxLength: 60 },
);

const nodes = [
  { id: 'n0', capacity: { cpu: 8, memory: 16 } },
  { id: 'n1', capacity: { cpu: 8, memory: 16 } },
  { id: 'n2', capacity: { cpu: 16, memory: 32 } },
  { id: 'n3', capacity: { cpu: 4, memory: 32 } },
  { id: 'n4', capacity: { cpu: 8, memory: 16 } },
];

describe('deferred re-filing: properties', () => {
  it.each(placementStrategyNames)('%s: every placement is the one a scan of every node makes, whatever was held and given back between reads', (name) => {
    fc.assert(
      fc.property(ops, (steps) => {
        const builtIn = placementStrategies[name]();
        // the same strategy without its index: the pool scores every ready node, ties to node order
        const scan: PlacementStrategy = { name: `${name}-scan`, score: builtIn.score as NonNullable<PlacementStrategy['score']> };
        const indexed = new ResourcePool({ nodes, placement: builtIn });
        const scanned = new ResourcePool({ nodes, placement: scan });
        const live: [string, string][] = [];
        const held: { node: string; dims: number[]; amounts: number[] }[] = [];
        const books = poolInternals(indexed);
        const cpu = books.space.indexOf('cpu');
        const memory = books.space.indexOf('memory');
        for (const step of steps) {
          if (step.kind === 'allocate') {
            const request = { resources: { cpu: step.cpu, memory: step.memory } };
            const a = indexed.allocate(request);
            const b = scanned.allocate(request);
            expect(a.ok).toBe(b.ok);
            if (a.ok && b.ok) {
              expect(a.allocation.placements[0]?.nodeId).toBe(b.allocation.placements[0]?.nodeId);
              live.push([a.allocation.id, b.allocation.id]);
            }
          } else if (step.kind === 'release' && live.length > 0) {
            const [a, b] = live.splice(step.pick % live.length, 1)[0] as [string, string];
            indexed.release(a);
            scanned.release(b);
          } else if (step.kind === 'hold') {
            const id = nodes[step.node]?.id as string;
            const node = books.nodes.get(id) as NodeState;
            // as the reservations do: at most what is free, nothing for a dimension with none
            const dims: number[] = [];
            const amounts: number[] = [];
            for (const [d, want] of [[cpu, step.cpu * 1000], [memory, step.memory * 1000]] as const) {
              const amount = Math.min(want, node.free[d] as number);
              if (amount > 0) {
                dims.push(d);
                amounts.push(amount);
              }
            }
            if (dims.length === 0) continue;
            for (const pool of [indexed, scanned]) poolInternals(pool).hold(poolInternals(pool).nodes.get(id) as NodeState, dims, amounts, 1);
            held.push({ node: id, dims, amounts });
          } else if (step.kind === 'give-back' && held.length > 0) {
            const { node, dims, amounts } = held.splice(step.pick % held.length, 1)[0] as (typeof held)[number];
            for (const pool of [indexed, scanned]) poolInternals(pool).hold(poolInternals(pool).nodes.get(node) as NodeState, dims, amounts, -1);
          } else if (step.kind === 'status') {
            const id = nodes[step.node]?.id as string;
            indexed.setNodeStatus(id, step.status);
            scanned.setNodeStatus(id, step.status);
          }
        }
        // last: the check reads (and so files) the index; placements above did not rely on it
        checkInvariants(indexed);
        expect(indexed.nodes()).toEqual(scanned.nodes());
      }),
    );
  });
});
