import { describe, expect, it } from 'vitest';
import { AllocationManager, ResourcePool, isFairpackError, placementStrategyNames } from 'fairpack';

/*
 * Spot nodes (issue 15 §2): `spot: true` on a node; a request's `spot` says `avoid` (spot nodes
 * only when no other node has room, like an untolerated PreferNoSchedule taint), `allow` (the
 * default: like any node) or `require` (only spot nodes). A priority class may set the preference
 * of its jobs, so critical work stays on on-demand capacity.
 */

const nodes = [
  { id: 'spot-1', capacity: { cpu: 4 }, spot: true, costPerHour: 0.3 },
  { id: 'od-1', capacity: { cpu: 4 }, costPerHour: 1 },
];

describe.each(placementStrategyNames)('spot preferences with %s placement', (placement) => {
  it('avoid: on-demand first, spot only when nothing else has room', () => {
    const pool = new ResourcePool({ nodes, placement });
    const first = pool.allocate({ resources: { cpu: 3 }, spot: 'avoid' });
    expect(first.ok && first.allocation.placements[0]?.nodeId).toBe('od-1');
    // od-1 has 1 cpu left: a 2-cpu avoider goes to spot after all
    const second = pool.allocate({ resources: { cpu: 2 }, spot: 'avoid' });
    expect(second.ok && second.allocation.placements[0]?.nodeId).toBe('spot-1');
  });

  it('require: spot nodes only, and a clear reason when none has room', () => {
    const pool = new ResourcePool({ nodes, placement });
    const placed = pool.allocate({ resources: { cpu: 4 }, spot: 'require' });
    expect(placed.ok && placed.allocation.placements[0]?.nodeId).toBe('spot-1');
    const refused = pool.allocate({ resources: { cpu: 1 }, spot: 'require' });
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.reason).toBe('insufficient-resources');
    const none = new ResourcePool({ nodes: [{ id: 'od', capacity: { cpu: 4 } }], placement }).allocate({ resources: { cpu: 1 }, spot: 'require' });
    expect(!none.ok && none.reason).toBe('no-eligible-node');
  });

  it('allow (the default) treats spot nodes like any other: the strategy decides', () => {
    const pool = new ResourcePool({ nodes, placement });
    const plain = new ResourcePool({ nodes: nodes.map(({ spot: _spot, ...node }) => node), placement });
    for (const cpu of [1, 2, 1, 3]) {
      const a = pool.allocate({ resources: { cpu }, spot: 'allow' });
      const b = plain.allocate({ resources: { cpu } });
      expect(a.ok && a.allocation.placements[0]?.nodeId).toBe(b.ok && b.allocation.placements[0]?.nodeId);
    }
  });
});

describe('spot nodes', () => {
  it('show in views and survive a snapshot; batch plans honour the preference', () => {
    const pool = new ResourcePool({ nodes });
    expect(pool.nodes().map((n) => n.spot)).toEqual([true, undefined]);
    const restored = ResourcePool.restore(JSON.parse(JSON.stringify(pool.snapshot())));
    expect(restored.nodes()).toEqual(pool.nodes());
    const plan = pool.planBatch([{ resources: { cpu: 2 }, spot: 'require' }, { resources: { cpu: 2 }, spot: 'avoid' }], { dryRun: true });
    expect(plan.placed.map((a) => a.placements[0]?.nodeId)).toEqual(['spot-1', 'od-1']);
  });

  it('refuses a bad spot field with a typed error', () => {
    for (const run of [() => new ResourcePool({ nodes: [{ id: 'x', capacity: { cpu: 1 }, spot: 'yes' as never }] }), () => new ResourcePool({ nodes }).allocate({ resources: { cpu: 1 }, spot: 'never' as never })]) {
      let code: string | undefined;
      try {
        run();
      } catch (error) {
        code = isFairpackError(error) ? error.code : 'other';
      }
      expect(code).toMatch(/^INVALID_(NODE|REQUEST)$/);
    }
  });

  it("a priority class's preference applies to its jobs unless a job says its own", () => {
    const manager = new AllocationManager({
      nodes,
      placement: 'first-fit', // spot-1 comes first in node order
      priorityClasses: [
        { name: 'critical', value: 100, spot: 'avoid' },
        { name: 'default', value: 0 },
      ],
      now: () => 0,
    });
    const critical = manager.submit({ id: 'c', priority: 'critical', resources: { cpu: 1 } });
    const batch = manager.submit({ id: 'b', resources: { cpu: 1 } });
    const brave = manager.submit({ id: 'x', priority: 'critical', spot: 'allow', resources: { cpu: 1 } });
    const nodeOf = (r: typeof critical): string | undefined => (r.status === 'allocated' ? r.allocation.placements[0]?.nodeId : undefined);
    expect([nodeOf(critical), nodeOf(batch), nodeOf(brave)]).toEqual(['od-1', 'spot-1', 'spot-1']);
    // the pool reads the job request itself: the job id is the allocation's jobId, the class its priority
    expect(critical.status === 'allocated' && { jobId: critical.allocation.jobId, priority: critical.allocation.priority }).toEqual({ jobId: 'c', priority: 'critical' });
    // a preference given as null is a bad preference, not a missing one (the class's does not stand in)
    expect(() => manager.submit({ id: 'n', priority: 'critical', spot: null as never, resources: { cpu: 1 } })).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST' }));
    expect(manager.job('n')).toBeUndefined();
    expect(manager.snapshot().config.priorityClasses[0]).toMatchObject({ name: 'critical', spot: 'avoid' });
    expect(() => new AllocationManager({ priorityClasses: [{ name: 'default', value: 0, spot: 'sometimes' as never }] })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });
});
