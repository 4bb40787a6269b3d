import { describe, expect, it } from 'vitest';
import { type NodeSpec, ResourcePool } from 'fairpack';
import { checkInvariants } from 'fairpack/testing';
import { ALL_ALGORITHMS, nodesOf, sameNodes } from './helpers.js';

// Feasibility in a batch is the same as in allocate(): ready nodes only, nodeSelector, NoSchedule
// taints, gangs all-or-nothing, spread on distinct nodes. Every algorithm must respect it.
describe.each(ALL_ALGORITHMS)('constraints with algorithm %s', (algorithm) => {
  it('places a gang whole or not at all', () => {
    // two nodes of cpu 4: a gang of 3 × cpu 3 needs 3 nodes (one replica each), so it is left out
    // whole, while the gang of 2 × cpu 2 and the single cpu 1 fit.
    const pool = new ResourcePool({ nodes: sameNodes(2, { cpu: 4 }) });
    const plan = pool.planBatch(
      [
        { id: 'big', resources: { cpu: 3 }, replicas: 3 },
        { id: 'pair', resources: { cpu: 2 }, replicas: 2 },
        { id: 'one', resources: { cpu: 1 } },
      ],
      { algorithm },
    );
    expect(plan.placed.map((a) => a.id)).toEqual(['pair', 'one']);
    expect(plan.placed[0]).toMatchObject({ resources: { cpu: 4 }, placements: [{ resources: { cpu: 2 } }, { resources: { cpu: 2 } }] });
    expect(plan.unplaced).toMatchObject([{ index: 0, reason: 'insufficient-resources' }]);
    expect(pool.allocations().map((a) => a.id).sort()).toEqual(['one', 'pair']);
    checkInvariants(pool);
  });

  it('packs a gang onto few nodes unless it must spread (smallest-first spreads it: worst-fit)', () => {
    const pool = new ResourcePool({ nodes: sameNodes(3, { cpu: 8 }) });
    const plan = pool.planBatch(
      [
        { id: 'packed', resources: { cpu: 2 }, replicas: 3 },
        { id: 'spread', resources: { cpu: 1 }, replicas: 3, spread: true },
      ],
      { algorithm },
    );
    const [packed, spread] = nodesOf(plan);
    if (algorithm === 'smallest-first') {
      // the spread gang is smaller (3/8 < 6/8), so it goes first: 7 left on each node; then each
      // replica of 2 goes to the node with the most room: n1 (5 left), n2 (5 > 3), n3
      expect(packed).toEqual(['n1', 'n2', 'n3']);
    } else {
      expect(new Set(packed).size).toBeLessThanOrEqual(2);
    }
    expect(new Set(spread)).toEqual(new Set(['n1', 'n2', 'n3']));
    checkInvariants(pool);
  });

  it('leaves out a spread gang with more replicas than eligible nodes, saying why', () => {
    const pool = new ResourcePool({ nodes: sameNodes(2, { cpu: 8 }) });
    const plan = pool.planBatch([{ resources: { cpu: 1 }, replicas: 3, spread: true }], { algorithm });
    expect(plan.placedCount).toBe(0);
    expect(plan.unplaced[0]?.reason).toBe('no-eligible-node');
    // worded as allocate() words it: the third replica finds no node the gang does not already use
    expect(plan.unplaced[0]?.message).toMatch(/^Replica 3 of 3 \(after placing 2\): No eligible node/);
    expect(plan.unplaced[0]?.message).toContain('the 2 node(s) this spread gang already uses');
    expect(pool.allocate({ resources: { cpu: 1 }, replicas: 3, spread: true })).toMatchObject({ ok: false, message: plan.unplaced[0]?.message });
  });

  it('respects nodeSelector, NoSchedule taints and node status', () => {
    const nodes: NodeSpec[] = [
      { id: 'a1', capacity: { cpu: 8 }, labels: { zone: 'a' } },
      { id: 'gpu', capacity: { cpu: 8 }, labels: { zone: 'b' }, taints: [{ key: 'gpu', effect: 'NoSchedule' }] },
      { id: 'b1', capacity: { cpu: 8 }, labels: { zone: 'b' } },
      { id: 'off', capacity: { cpu: 8 }, labels: { zone: 'b' }, status: 'draining' },
    ];
    const pool = new ResourcePool({ nodes });
    const plan = pool.planBatch(
      [
        { id: 'b-any', resources: { cpu: 6 }, nodeSelector: { zone: 'b' } }, // only b1 (gpu tainted, off draining)
        { id: 'b-more', resources: { cpu: 6 }, nodeSelector: { zone: 'b' } }, // b1 is taken: nowhere
        { id: 'tolerant', resources: { cpu: 6 }, nodeSelector: { zone: 'b' }, tolerations: [{ key: 'gpu', operator: 'Exists' }] },
        { id: 'c', resources: { cpu: 1 }, nodeSelector: { zone: 'c' } }, // no such node
      ],
      { algorithm },
    );
    const where = Object.fromEntries(plan.placed.map((a) => [a.id, a.placements[0]?.nodeId]));
    expect(Object.keys(where).sort()).toEqual(['b-any', 'tolerant']);
    expect(new Set([where['b-any'], where['tolerant']])).toEqual(new Set(['b1', 'gpu']));
    expect(plan.unplaced.map((u) => [u.index, u.reason])).toEqual([
      [1, 'insufficient-resources'],
      [3, 'no-eligible-node'],
    ]);
    expect(pool.node('off')?.allocationCount).toBe(0);
    checkInvariants(pool);
  });

  it('avoids PreferNoSchedule nodes while others fit, and uses them when nothing else does', () => {
    const pool = new ResourcePool({
      nodes: [
        { id: 'spot', capacity: { cpu: 8 }, taints: [{ key: 'spot', effect: 'PreferNoSchedule' }] },
        { id: 'plain', capacity: { cpu: 8 } },
      ],
    });
    // 6 goes to plain (spot is avoided); then 4 fits only on spot, so spot takes it. Smallest first
    // takes 4 first (→ plain, 4 left), then 6 fits only on spot.
    const plan = pool.planBatch([{ resources: { cpu: 6 } }, { resources: { cpu: 4 } }], { algorithm });
    expect(nodesOf(plan)).toEqual(algorithm === 'smallest-first' ? [['spot'], ['plain']] : [['plain'], ['spot']]);
    // a tolerating request may go to spot in the first pass
    const other = new ResourcePool({ nodes: [{ id: 'spot', capacity: { cpu: 8 }, taints: [{ key: 'spot', effect: 'PreferNoSchedule' }] }] });
    expect(nodesOf(other.planBatch([{ resources: { cpu: 1 }, tolerations: [{ key: 'spot', operator: 'Exists' }] }], { algorithm }))).toEqual([['spot']]);
  });

  it('starts from the pool’s current state and counts nodes already in use', () => {
    const pool = new ResourcePool({ nodes: sameNodes(2, { cpu: 8 }).map((n) => ({ ...n, labels: { name: n.id } })) });
    pool.allocate({ resources: { cpu: 7 }, nodeSelector: { name: 'n1' } });
    // n1 has 1 free: a cpu 2 request must go to n2; both nodes are in use afterwards
    const plan = pool.planBatch([{ resources: { cpu: 2 } }, { resources: { cpu: 1 } }], { algorithm });
    expect(plan.placedCount).toBe(2);
    expect(nodesOf(plan)[0]).toEqual(['n2']);
    expect(plan.nodesUsed).toBe(2);
    checkInvariants(pool);
  });

  it('places requests with no resources on an eligible node, and never ones naming an unknown dimension', () => {
    const pool = new ResourcePool({ nodes: sameNodes(1, { cpu: 1 }) });
    const plan = pool.planBatch([{ resources: {} }, { resources: { fpga: 1 } }], { algorithm });
    expect(nodesOf(plan)).toEqual([['n1']]);
    expect(plan.unplaced).toMatchObject([{ index: 1, reason: 'insufficient-resources', message: expect.stringContaining('fpga needs 1, no node has any') }]);
  });
});
