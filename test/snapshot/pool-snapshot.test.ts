import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { type PlacementStrategy, ResourcePool, placementStrategyNames } from 'fairpack';
import { applyPoolOperation, checkInvariants, nodesArbitrary, poolOperationsArbitrary, poolSnapshot } from 'fairpack/testing';
import { propertyRuns, refused } from '../support.js';

/** Applies the operations, answering with what each returned (ids included), or the refusal's code. */
function run(pool: ResourcePool, operations: Parameters<typeof applyPoolOperation>[1][]): unknown[] {
  return operations.map((operation) => {
    const outcome = applyPoolOperation(pool, operation);
    return outcome.refused ?? (outcome.result?.ok === true ? outcome.result.allocation : (outcome.result?.ok ?? null));
  });
}

describe('ResourcePool snapshot and restore', () => {
  it.each(placementStrategyNames)('%s: a restored pool is indistinguishable, now and under the same further calls', (placement) => {
    fc.assert(
      fc.property(nodesArbitrary(), poolOperationsArbitrary(), poolOperationsArbitrary(), (nodes, before, after) => {
        let time = 0;
        const now = () => time++;
        const original = new ResourcePool({ nodes, placement, now });
        run(original, before);
        // through JSON, as a file or a database would keep it
        const snapshot: unknown = JSON.parse(JSON.stringify(original.snapshot()));
        const copyTime = time;
        let copyClock = copyTime;
        const restored = ResourcePool.restore(snapshot, { now: () => copyClock++ });
        expect(poolSnapshot(restored)).toEqual(poolSnapshot(original));
        expect(restored.snapshot()).toEqual(original.snapshot());
        checkInvariants(restored);
        // the same calls get the same answers: nodes, statuses, generated ids, refusals
        expect(run(restored, after)).toEqual(run(original, after));
        expect(poolSnapshot(restored)).toEqual(poolSnapshot(original));
      }),
      { numRuns: propertyRuns(60) },
    );
  });

  it('a custom strategy is given again by name; without it the snapshot is refused', () => {
    const lastNode: PlacementStrategy = { name: 'last-node', select: (candidates) => candidates.at(-1)?.id };
    const pool = new ResourcePool({ nodes: [{ id: 'a', capacity: { cpu: 2 } }, { id: 'b', capacity: { cpu: 2 } }], placement: lastNode });
    pool.allocate({ resources: { cpu: 1 } });
    const snapshot = pool.snapshot();
    expect(refused(() => ResourcePool.restore(snapshot)).code).toBe('INVALID_SNAPSHOT');
    const restored = ResourcePool.restore(snapshot, { placement: lastNode });
    expect(restored.allocate({ resources: { cpu: 1 } })).toMatchObject({ ok: true, allocation: { placements: [{ nodeId: 'b' }] } });
  });

  it('refuses what is not a snapshot, naming the first problem', () => {
    const pool = new ResourcePool({ nodes: [{ id: 'a', capacity: { cpu: 2, memory: 4 } }] });
    pool.allocate({ resources: { cpu: 1.5, memory: 1 } });
    const good = JSON.parse(JSON.stringify(pool.snapshot())) as Record<string, unknown>;
    const tamper = (change: (s: any) => void) => {
      const copy = JSON.parse(JSON.stringify(good));
      change(copy);
      return refused(() => ResourcePool.restore(copy));
    };
    expect(tamper((s) => (s.format = 'x')).message).toMatch(/format/);
    expect(tamper((s) => (s.version = 2)).message).toMatch(/version/);
    expect(tamper((s) => delete s.nodes).message).toMatch(/missing field `nodes`/);
    expect(tamper((s) => (s.extra = 1)).message).toMatch(/unknown field `extra`/);
    expect(tamper((s) => (s.allocations[0].allocation.placements[0].nodeId = 'zz')).message).toMatch(/no node "zz"/);
    expect(tamper((s) => (s.allocations[0].allocation.resources.cpu = 1.0001)).message).toMatch(/allocations\[0\]/);
    expect(tamper((s) => (s.allocations[0].allocation.placements[0].resources.cpu = 3)).message).toMatch(/no room|sum/);
    expect(tamper((s) => (s.nodes[0].capacity.cpu = -1)).message).toMatch(/nodes\[0\]/);
    for (const code of [tamper((s) => (s.slots = 0)).code, tamper((s) => (s.ids.count = -1)).code]) expect(code).toBe('INVALID_SNAPSHOT');
  });
});
