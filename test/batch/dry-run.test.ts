import { describe, expect, it } from 'vitest';
import { type AllocationRequest, ResourcePool } from 'fairpack';
import { checkInvariants } from 'fairpack/testing';
import { ALL_ALGORITHMS, FIXED_CLOCK, nodesOf, sameNodes } from './helpers.js';

function setUp(): ResourcePool {
  let clock = 1_000;
  const pool = new ResourcePool({ nodes: sameNodes(3, { cpu: 8, memory: 16 }), now: () => clock++ });
  pool.allocate({ id: 'live', resources: { cpu: 3, memory: 2 } });
  return pool;
}

const requests: AllocationRequest[] = [
  { id: 'a', resources: { cpu: 4, memory: 8 }, tenant: 't1', priority: 'high', metadata: { team: 'x' } },
  { resources: { cpu: 2, memory: 2 }, replicas: 2, jobId: 'job-b' },
  { id: 'c', resources: { cpu: 1, memory: 0.25 }, replicas: 3, spread: true },
  { id: 'too-big', resources: { cpu: 9 } },
];

const observable = (pool: ResourcePool) => ({ capacity: pool.capacity(), nodes: pool.nodes(), allocations: pool.allocations() });

describe.each(ALL_ALGORITHMS)('dry run with algorithm %s', (algorithm) => {
  it('leaves the pool exactly as it was', () => {
    const pool = setUp();
    const before = observable(pool);
    const plan = pool.planBatch(requests, { algorithm, dryRun: true });
    expect(observable(pool)).toEqual(before);
    expect(plan.committed).toBe(false);
    expect(plan.placedCount).toBe(3);
    for (const allocation of plan.placed) expect(pool.allocation(allocation.id)).toBeUndefined();
    checkInvariants(pool);
  });

  it('describes the allocations a commit would make, and the commit makes them', () => {
    const dry = setUp().planBatch(requests, { algorithm, dryRun: true, clock: FIXED_CLOCK });
    const [a, b, c] = dry.placed;
    expect(a).toMatchObject({ id: 'a', jobId: 'a', tenant: 't1', priority: 'high', resources: { cpu: 4, memory: 8 }, metadata: { team: 'x' }, createdAt: expect.any(Number) });
    expect(b).toMatchObject({ jobId: 'job-b', tenant: 'default', priority: 'default', resources: { cpu: 4, memory: 4 } });
    expect(b?.id).toMatch(/^[\w-]{21}$/); // a nanoid
    expect(c).toMatchObject({ id: 'c', resources: { cpu: 3, memory: 0.75 } });
    expect(new Set(c?.placements.map((p) => p.nodeId)).size).toBe(3);
    for (const allocation of dry.placed) {
      expect(Object.isFrozen(allocation)).toBe(true);
      expect(Object.isFrozen(allocation.placements)).toBe(true);
    }
    expect(Object.isFrozen(dry)).toBe(true);

    // committing the same batch on the same state gives the same plan (the planner is deterministic)
    const pool = setUp();
    const real = pool.planBatch(requests, { algorithm, clock: FIXED_CLOCK });
    expect(real.committed).toBe(true);
    expect(nodesOf(real)).toEqual(nodesOf(dry));
    const { placed: _p, committed: _c, ...realSummary } = real;
    const { placed: _q, committed: _d, ...drySummary } = dry;
    expect(realSummary).toEqual(drySummary);
    expect(pool.allocation('a')).toBe(real.placed[0]);
    checkInvariants(pool);
  });
});

describe('timestamps', () => {
  it('come from the pool’s injected clock, read once for the whole batch', () => {
    let clock = 42;
    const pool = new ResourcePool({ capacity: { cpu: 4 }, now: () => clock++ });
    const dry = pool.planBatch([{ resources: { cpu: 1 } }, { resources: { cpu: 1 } }], { dryRun: true });
    expect(dry.placed.map((a) => a.createdAt)).toEqual([42, 42]);
    const real = pool.planBatch([{ resources: { cpu: 1 } }, { resources: { cpu: 1 } }]);
    expect(real.placed.map((a) => a.createdAt)).toEqual([43, 43]);
  });

  it('a clock that returns nonsense throws before anything is committed', () => {
    const pool = new ResourcePool({ capacity: { cpu: 4 }, now: () => Number.NaN });
    expect(() => pool.planBatch([{ resources: { cpu: 1 } }])).toThrow(expect.objectContaining({ code: 'INVALID_CLOCK' }));
    expect(pool.allocations()).toEqual([]);
    expect(pool.capacity().available).toEqual({ cpu: 4 });
  });
});
