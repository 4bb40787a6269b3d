import { describe, expect, it } from 'vitest';
import { type PlacementStrategy, ResourcePool } from 'fairpack';
import { checkInvariants, poolSnapshot } from 'fairpack/testing';
import { refused } from '../support.js';


const cluster = () =>
  new ResourcePool({
    nodes: [
      { id: 'a', capacity: { cpu: 8, memory: 16 }, labels: { zone: 'eu' } },
      { id: 'b', capacity: { cpu: 8, memory: 16 }, labels: { zone: 'us' } },
      { id: 'g', capacity: { cpu: 16, memory: 64, gpu: 2 }, taints: [{ key: 'gpu', effect: 'NoSchedule' }] },
    ],
  });

describe('construction', () => {
  it('the flat `capacity` shorthand is one node called default', () => {
    const pool = new ResourcePool({ capacity: { cpu: 8, memory: 16, gpu: 2 } });
    expect(pool.nodes().map((n) => n.id)).toEqual(['default']);
    expect(pool.capacity()).toEqual({ total: { cpu: 8, memory: 16, gpu: 2 }, allocated: { cpu: 0, memory: 0, gpu: 0 }, reserved: { cpu: 0, memory: 0, gpu: 0 }, available: { cpu: 8, memory: 16, gpu: 2 } });
    expect(pool.placement).toBe('best-fit');
    expect(pool.precision).toBe(3);
  });

  it('refuses bad options with INVALID_OPTION / UNKNOWN_STRATEGY / DUPLICATE_NODE / INVALID_NODE', () => {
    expect(refused(() => new ResourcePool({ nodes: [], capacity: { cpu: 1 } })).code).toBe('INVALID_OPTION');
    expect(refused(() => new ResourcePool({ placment: 'best-fit' } as never)).message).toMatch(/Unknown ResourcePool option `placment`/);
    const unknown = refused(() => new ResourcePool({ placement: 'tightest' as never }));
    expect(unknown.code).toBe('UNKNOWN_STRATEGY');
    expect(unknown.message).toContain("'first-fit', 'best-fit', 'worst-fit', 'dot-product'");
    expect(refused(() => new ResourcePool({ nodes: [{ id: 'a', capacity: {} }, { id: 'a', capacity: {} }] })).code).toBe('DUPLICATE_NODE');
    expect(refused(() => new ResourcePool({ nodes: [{ id: '', capacity: {} }] })).code).toBe('INVALID_NODE');
    expect(refused(() => new ResourcePool({ nodes: [{ id: 'a', capacity: {}, status: 'up' as never }] })).code).toBe('INVALID_NODE');
    expect(refused(() => new ResourcePool({ nodes: [{ id: 'a', capacity: {}, taints: [{ key: 'k', effect: 'Never' as never }] }] })).code).toBe('INVALID_NODE');
    expect(refused(() => new ResourcePool({ nodes: [{ id: 'a', capacity: {}, costPerHour: -1 }] })).code).toBe('INVALID_NODE');
    expect(refused(() => new ResourcePool({ now: 5 as never })).code).toBe('INVALID_OPTION');
  });
});

describe('allocate and release', () => {
  it('places, records and releases an allocation (the seed example)', () => {
    const pool = new ResourcePool({ capacity: { cpu: 8, memory: 16, gpu: 2 }, now: () => 1000 });
    const r = pool.allocate({ resources: { cpu: 2, memory: 4 }, tenant: 'ml', metadata: { owner: 'x' } });
    if (!r.ok) throw new Error(r.message);
    expect(r.allocation).toMatchObject({ tenant: 'ml', priority: 'default', resources: { cpu: 2, memory: 4 }, placements: [{ nodeId: 'default', resources: { cpu: 2, memory: 4 } }], createdAt: 1000, metadata: { owner: 'x' } });
    expect(r.allocation.jobId).toBe(r.allocation.id);
    expect(pool.allocation(r.allocation.id)).toBe(r.allocation);
    // 8 − 2 = 6 cpu, 16 − 4 = 12 memory left
    expect(pool.capacity().available).toEqual({ cpu: 6, memory: 12, gpu: 2 });
    expect(pool.release(r.allocation.id)).toEqual({ allocation: r.allocation, freed: { cpu: 2, memory: 4 } });
    expect(pool.capacity().available).toEqual({ cpu: 8, memory: 16, gpu: 2 });
  });

  it('stamps each allocation with its own clock reading, repeated or not, clamped when the clock goes back', () => {
    // the pool hands a repeated reading out again (allocations of one millisecond share it): it must
    // still be each call's own reading, as frozen data in the same place among the keys
    const readings = [1.5e12 + 0.25, 1.5e12 + 0.25, 7, 1.5e12 + 3, 1.5e12 + 3, 1.5e12 + 1, 1.5e12 + 9];
    let call = 0;
    const pool = new ResourcePool({ capacity: { cpu: 100 }, now: () => readings[call++] as number });
    const stamps = readings.map(() => {
      const r = pool.allocate({ resources: { cpu: 1 } });
      if (!r.ok) throw new Error(r.message);
      expect(Object.keys(r.allocation)).toEqual(['id', 'jobId', 'tenant', 'priority', 'resources', 'placements', 'createdAt']);
      expect(Object.isFrozen(r.allocation)).toBe(true);
      return r.allocation.createdAt;
    });
    // 7 and 1.5e12 + 1 are earlier than the reading before them: clamped to it
    expect(stamps).toEqual([1.5e12 + 0.25, 1.5e12 + 0.25, 1.5e12 + 0.25, 1.5e12 + 3, 1.5e12 + 3, 1.5e12 + 3, 1.5e12 + 9]);
    expect(pool.allocations().map((a) => a.createdAt)).toEqual(stamps);
  });

  it('does not fit: names only the dimensions that fall short (the seed example: gpu 4, 2 available)', () => {
    const pool = new ResourcePool({ capacity: { cpu: 8, memory: 16, gpu: 2 } });
    const r = pool.allocate({ resources: { gpu: 4 } });
    expect(r).toEqual({ ok: false, reason: 'insufficient-resources', message: expect.stringContaining('gpu needs 4, 2 free') as unknown, available: { gpu: 2 }, required: { gpu: 4 }, nodeId: 'default' });
  });

  it('explains from the closest node: fewest short dimensions, then smallest shortfall', () => {
    const pool = new ResourcePool({ nodes: [{ id: 'small', capacity: { cpu: 2, memory: 2 } }, { id: 'big', capacity: { cpu: 4, memory: 64 } }] });
    // small falls short in cpu and memory; big only in cpu (6 > 4) → big is closest
    const r = pool.allocate({ resources: { cpu: 6, memory: 8 } });
    expect(r).toMatchObject({ ok: false, nodeId: 'big', available: { cpu: 4 }, required: { cpu: 6 } });
  });

  it('a dimension no node has is a shortfall, not an error, and registers nothing', () => {
    const pool = new ResourcePool({ capacity: { cpu: 8 } });
    expect(pool.allocate({ resources: { cpu: 1, tpu: 1 } })).toMatchObject({ ok: false, available: { tpu: 0 }, required: { tpu: 1 } });
    expect(Object.keys(pool.capacity().total)).toEqual(['cpu']);
  });

  it('ids: request id is the allocation id, jobId separate; duplicate live ids are refused', () => {
    const pool = new ResourcePool({ capacity: { cpu: 8 } });
    const r = pool.allocate({ id: 'job-1', jobId: 'j', resources: { cpu: 1 } });
    expect(r.ok && [r.allocation.id, r.allocation.jobId]).toEqual(['job-1', 'j']);
    const before = poolSnapshot(pool);
    expect(refused(() => pool.allocate({ id: 'job-1', resources: { cpu: 1 } })).code).toBe('DUPLICATE_ALLOCATION');
    expect(poolSnapshot(pool)).toEqual(before);
  });

  it('release: unknown → UNKNOWN_ALLOCATION, second → ALREADY_RELEASED, nothing freed twice', () => {
    const pool = new ResourcePool({ capacity: { cpu: 8 } });
    const r = pool.allocate({ resources: { cpu: 3 } });
    if (!r.ok) throw new Error(r.message);
    expect(refused(() => pool.release('nope')).code).toBe('UNKNOWN_ALLOCATION');
    pool.release(r.allocation.id);
    const second = refused(() => pool.release(r.allocation.id));
    expect(second.code).toBe('ALREADY_RELEASED');
    expect(second.message).toContain('Nothing was freed twice');
    expect(pool.capacity().available).toEqual({ cpu: 8 });
  });

  it('bad requests throw INVALID_REQUEST and change nothing', () => {
    const pool = cluster();
    const before = poolSnapshot(pool);
    for (const request of [null, { resources: { cpu: 1 }, replicas: 0 }, { resources: { cpu: 1 }, replicas: 1.5 }, { resources: { cpu: 1 }, spread: 'yes' }, { resources: { cpu: 1 }, nodeSelector: { zone: 1 } }, { resources: { cpu: 1 }, tolerations: [{ value: 'x' }] }, { resources: { cpu: 1 }, id: '' }]) {
      expect(refused(() => pool.allocate(request as never)).code).toBe('INVALID_REQUEST');
    }
    expect(poolSnapshot(pool)).toEqual(before);
  });
});

describe('selectors, taints, tolerations', () => {
  it('nodeSelector restricts placement to matching labels', () => {
    const pool = cluster();
    const r = pool.allocate({ resources: { cpu: 1 }, nodeSelector: { zone: 'us' } });
    expect(r.ok && r.allocation.placements[0]?.nodeId).toBe('b');
    expect(pool.allocate({ resources: { cpu: 1 }, nodeSelector: { zone: 'mars' } })).toMatchObject({ ok: false, reason: 'no-eligible-node' });
  });

  it('NoSchedule excludes a node unless tolerated', () => {
    const pool = cluster();
    expect(pool.allocate({ resources: { gpu: 1 } })).toMatchObject({ ok: false, reason: 'insufficient-resources', available: { gpu: 0 } });
    const r = pool.allocate({ resources: { gpu: 1 }, tolerations: [{ key: 'gpu', operator: 'Exists' }] });
    expect(r.ok && r.allocation.placements[0]?.nodeId).toBe('g');
  });

  it('PreferNoSchedule ranks a node last: used only when nothing else fits', () => {
    const pool = new ResourcePool({ placement: 'first-fit', nodes: [{ id: 'spot', capacity: { cpu: 4 }, taints: [{ key: 'spot', effect: 'PreferNoSchedule' }] }, { id: 'on-demand', capacity: { cpu: 4 } }] });
    const first = pool.allocate({ resources: { cpu: 4 } });
    const second = pool.allocate({ resources: { cpu: 4 } });
    expect([first, second].map((r) => r.ok && r.allocation.placements[0]?.nodeId)).toEqual(['on-demand', 'spot']);
    pool.release((first as { allocation: { id: string } }).allocation.id);
    // tolerating it makes the spot node an ordinary first-tier node again
    const pool2 = new ResourcePool({ placement: 'first-fit', nodes: [{ id: 'spot', capacity: { cpu: 4 }, taints: [{ key: 'spot', effect: 'PreferNoSchedule' }] }, { id: 'on-demand', capacity: { cpu: 4 } }] });
    const tolerant = pool2.allocate({ resources: { cpu: 1 }, tolerations: [{ key: 'spot', operator: 'Exists' }] });
    expect(tolerant.ok && tolerant.allocation.placements[0]?.nodeId).toBe('spot');
  });
});

describe('gangs', () => {
  it('places all replicas or none', () => {
    const pool = new ResourcePool({ nodes: [{ id: 'a', capacity: { cpu: 4 } }, { id: 'b', capacity: { cpu: 4 } }] });
    const before = poolSnapshot(pool);
    // 3 × 3 cpu = 9 > 8 in total: nothing may remain placed
    expect(pool.allocate({ resources: { cpu: 3 }, replicas: 3 })).toMatchObject({ ok: false });
    expect(poolSnapshot(pool)).toEqual(before);
    const r = pool.allocate({ resources: { cpu: 2 }, replicas: 4 });
    if (!r.ok) throw new Error(r.message);
    expect(r.allocation.placements).toHaveLength(4);
    expect(r.allocation.resources).toEqual({ cpu: 8 });
    checkInvariants(pool);
  });

  it('spread puts every replica on a different node', () => {
    const pool = new ResourcePool({ placement: 'best-fit', nodes: [{ id: 'a', capacity: { cpu: 8 } }, { id: 'b', capacity: { cpu: 8 } }, { id: 'c', capacity: { cpu: 8 } }] });
    const r = pool.allocate({ resources: { cpu: 1 }, replicas: 3, spread: true });
    expect(r.ok && r.allocation.placements.map((p) => p.nodeId).sort()).toEqual(['a', 'b', 'c']);
    expect(pool.allocate({ resources: { cpu: 1 }, replicas: 4, spread: true })).toMatchObject({ ok: false, reason: 'no-eligible-node' });
    expect(pool.nodes().map((n) => n.allocationCount)).toEqual([1, 1, 1]);
  });
});

describe('node lifecycle', () => {
  it('addNode refuses duplicates and registers new dimensions', () => {
    const pool = cluster();
    expect(refused(() => pool.addNode({ id: 'a', capacity: { cpu: 1 } })).code).toBe('DUPLICATE_NODE');
    pool.addNode({ id: 't', capacity: { tpu: 4 } });
    const r = pool.allocate({ resources: { tpu: 2 } });
    expect(r.ok && r.allocation.placements[0]?.nodeId).toBe('t');
    checkInvariants(pool);
  });

  it('removeNode refuses a busy node with NODE_NOT_EMPTY, or evicts with force', () => {
    const pool = new ResourcePool({ placement: 'first-fit', nodes: [{ id: 'a', capacity: { cpu: 4 } }, { id: 'b', capacity: { cpu: 4 } }] });
    const gang = pool.allocate({ resources: { cpu: 1 }, replicas: 2, spread: true });
    if (!gang.ok) throw new Error(gang.message);
    const before = poolSnapshot(pool);
    expect(refused(() => pool.removeNode('a')).code).toBe('NODE_NOT_EMPTY');
    expect(poolSnapshot(pool)).toEqual(before);
    const { node, evicted } = pool.removeNode('a', { force: true });
    expect(node.id).toBe('a');
    expect(evicted).toEqual([gang.allocation]);
    // the whole gang went: its replica on b is free again
    expect(pool.capacity().available).toEqual({ cpu: 4 });
    expect(refused(() => pool.release(gang.allocation.id)).message).toMatch(/evicted when node "a" was removed/);
    expect(refused(() => pool.removeNode('a')).code).toBe('UNKNOWN_NODE');
    checkInvariants(pool);
  });

  it('draining and offline nodes keep their allocations but get no new ones', () => {
    const pool = new ResourcePool({ placement: 'first-fit', nodes: [{ id: 'a', capacity: { cpu: 4 } }, { id: 'b', capacity: { cpu: 4 } }] });
    const r = pool.allocate({ resources: { cpu: 1 } });
    pool.setNodeStatus('a', 'draining');
    const next = pool.allocate({ resources: { cpu: 1 } });
    expect(next.ok && next.allocation.placements[0]?.nodeId).toBe('b');
    expect(pool.node('a')).toMatchObject({ status: 'draining', allocationCount: 1 });
    pool.setNodeStatus('a', 'ready');
    const back = pool.allocate({ resources: { cpu: 1 } });
    expect(back.ok && back.allocation.placements[0]?.nodeId).toBe('a');
    expect(r.ok).toBe(true);
    expect(refused(() => pool.setNodeStatus('a', 'gone' as never)).code).toBe('INVALID_NODE');
    expect(refused(() => pool.setNodeStatus('zz', 'ready')).code).toBe('UNKNOWN_NODE');
    checkInvariants(pool);
  });
});

describe('custom strategies are checked by the runtime', () => {
  const nodes = [{ id: 'a', capacity: { cpu: 4 } }, { id: 'b', capacity: { cpu: 4 } }];

  it('a NaN score → STRATEGY_CONTRACT_VIOLATION naming the strategy, books unchanged', () => {
    const broken: PlacementStrategy = { name: 'broken', score: () => Number.NaN };
    const pool = new ResourcePool({ nodes, placement: broken });
    const before = poolSnapshot(pool);
    const error = refused(() => pool.allocate({ resources: { cpu: 1 }, replicas: 2 }));
    expect(error.code).toBe('STRATEGY_CONTRACT_VIOLATION');
    expect(error.message).toContain('"broken"');
    expect(poolSnapshot(pool)).toEqual(before);
  });

  it('select() returning a node that is not a candidate → STRATEGY_CONTRACT_VIOLATION', () => {
    const pool = new ResourcePool({ nodes, placement: { name: 'liar', select: () => 'zz' } });
    expect(refused(() => pool.allocate({ resources: { cpu: 1 } })).code).toBe('STRATEGY_CONTRACT_VIOLATION');
    checkInvariants(pool);
  });

  it('an index that picks an infeasible node → STRATEGY_CONTRACT_VIOLATION, gang rolled back', () => {
    const everyNode: PlacementStrategy = {
      name: 'bad-index',
      score: () => 0,
      createIndex: () => {
        const members: import('fairpack').IndexedNode[] = [];
        return {
          add: (node) => void members.push(node),
          remove: (node) => void members.splice(members.indexOf(node), 1),
          update: () => undefined,
          select: () => members[0], // ignores room
        };
      },
    };
    const pool = new ResourcePool({ nodes, placement: everyNode });
    expect(pool.allocate({ resources: { cpu: 4 } }).ok).toBe(true);
    const before = poolSnapshot(pool);
    expect(refused(() => pool.allocate({ resources: { cpu: 1 } })).code).toBe('STRATEGY_CONTRACT_VIOLATION');
    expect(poolSnapshot(pool)).toEqual(before);
  });

  it('a strategy object without score or select is refused at construction', () => {
    expect(refused(() => new ResourcePool({ placement: { name: 'empty' } })).code).toBe('INVALID_OPTION');
  });
});

describe('review fixes', () => {
  it('a clock that throws or returns NaN changes nothing', () => {
    const pool = new ResourcePool({ capacity: { cpu: 8 }, now: () => Number.NaN });
    expect(refused(() => pool.allocate({ resources: { cpu: 3 } })).code).toBe('INVALID_CLOCK');
    const throwing = new ResourcePool({
      capacity: { cpu: 8 },
      now: () => {
        throw new Error('clock broke');
      },
    });
    expect(() => throwing.allocate({ resources: { cpu: 3 } })).toThrow('clock broke');
    expect(throwing.capacity().available).toEqual({ cpu: 8 });
    expect(pool.capacity().available).toEqual({ cpu: 8 });
  });

  it('a gang that runs out explains what the next replica meets', () => {
    const pool = new ResourcePool({ capacity: { cpu: 8 } });
    // replicas 1 and 2 take 4 + 4 = 8; replica 3 finds 0 free
    const r = pool.allocate({ resources: { cpu: 4 }, replicas: 3 });
    expect(r).toMatchObject({ ok: false, reason: 'insufficient-resources', available: { cpu: 0 }, required: { cpu: 4 } });
    expect(!r.ok && r.message).toMatch(/^Replica 3 of 3 \(after placing 2\): /);
    expect(pool.capacity().available).toEqual({ cpu: 8 });
  });

  it('a select() that declines every candidate is reported as declined-by-strategy', () => {
    const pool = new ResourcePool({ capacity: { cpu: 8 }, placement: { name: 'picky', select: () => undefined } });
    expect(pool.allocate({ resources: { cpu: 1 } })).toMatchObject({ ok: false, reason: 'declined-by-strategy', message: expect.stringContaining('"picky"') as unknown });
  });

  it('refuses a node that would push a cluster total past the exact range', () => {
    const big = { bytes: 4e15 };
    const pool = new ResourcePool({ precision: 0, nodes: [{ id: 'a', capacity: big }, { id: 'b', capacity: big }] });
    const before = poolSnapshot(pool);
    // 4e15 × 3 = 1.2e16 > 2^53 ≈ 9.007e15
    expect(refused(() => pool.addNode({ id: 'c', capacity: big })).code).toBe('INVALID_RESOURCES');
    expect(poolSnapshot(pool)).toEqual(before);
    pool.removeNode('b');
    expect(pool.addNode({ id: 'c', capacity: big }).capacity).toEqual(big);
    expect(refused(() => new ResourcePool({ precision: 0, nodes: ['a', 'b', 'c'].map((id) => ({ id, capacity: big })) })).code).toBe('INVALID_RESOURCES');
  });

  it('advice fits the mistake', () => {
    const pool = new ResourcePool({ capacity: { cpu: 8 } });
    expect(refused(() => pool.allocate({ resources: { cpu: -1 } })).message).toMatch(/non-negative number/);
    expect(refused(() => pool.allocate({ resources: { cpu: 0.0005 } })).message).toMatch(/Round the amount to 3 decimals/);
  });
});
