import { describe, expect, it, vi } from 'vitest';
import { AllocationManager, ResourcePool, isFairpackError } from 'fairpack';
import { checkInvariants } from 'fairpack/testing';

describe('manager review fixes', () => {
  it('a reservation never breaks a concurrency cap', () => {
    let time = 0;
    const manager = new AllocationManager({ capacity: { cpu: 4 }, concurrency: { heavy: 1 }, now: () => time, timers: false, starvation: { afterMs: 10 } });
    manager.submit({ id: 'h1', category: 'heavy', resources: { cpu: 1 } });
    manager.submit({ id: 'h2', category: 'heavy', resources: { cpu: 1 } });
    time = 100;
    manager.tick();
    expect(manager.jobs({ status: 'running' }).filter((j) => j.category === 'heavy')).toHaveLength(1);
  });

  it('the timer does not spin for a starving head without a node, nor for huge delays', () => {
    vi.useFakeTimers();
    try {
      const spy = vi.spyOn(globalThis, 'setTimeout');
      const manager = new AllocationManager({ capacity: { cpu: 2 }, timers: true, starvation: { afterMs: 5 } });
      manager.submit({ resources: { cpu: 2 }, ttlMs: 30 * 24 * 3600 * 1000 }); // 30 days, past 2^31 ms
      manager.submit({ id: 'starving', resources: { cpu: 2 } }); // its only node is held by the first
      manager.setNodeStatus('default', 'draining'); // and now it cannot reserve it at all
      vi.advanceTimersByTime(1000);
      expect(spy.mock.calls.length).toBeLessThan(10);
      expect(manager.job('starving')?.status).toBe('queued');
      manager.close();
      spy.mockRestore();
    } finally {
      vi.useRealTimers();
    }
  });

  it('an allocation carries its job id, and expiresAt when the job has a TTL', () => {
    const manager = new AllocationManager({ capacity: { cpu: 2 }, now: () => 100 });
    const r = manager.submit({ resources: { cpu: 1 }, ttlMs: 50 });
    if (r.status !== 'allocated') throw new Error('expected allocated');
    expect(r.allocation.jobId).toBe(r.jobId);
    expect(r.allocation).toMatchObject({ createdAt: 100, expiresAt: 150 });
  });

  it('submitMany checks every request first: one bad request submits nothing', () => {
    const manager = new AllocationManager({ capacity: { cpu: 2 }, now: () => 0 });
    try {
      manager.submitMany([{ id: 'ok', resources: { cpu: 1 } }, { resources: { cpu: -1 } }]);
      throw new Error('accepted');
    } catch (error) {
      expect(isFairpackError(error) && error.code).toBe('INVALID_RESOURCES');
      expect((error as Error).message).toMatch(/^Request 1 of the batch is invalid/);
    }
    expect(manager.jobs()).toEqual([]);
    expect(() => manager.submitMany([{ id: 'x', resources: { cpu: 1 } }, { id: 'x', resources: { cpu: 1 } }])).toThrow(/used twice in this batch/);
    expect(manager.jobs()).toEqual([]);
  });

  it('close() cancels the jobs whose acquire it rejects', async () => {
    const manager = new AllocationManager({ capacity: { cpu: 1 }, now: () => 0 });
    const first = await manager.acquire({ resources: { cpu: 1 } });
    const waiting = manager.acquire({ id: 'w', resources: { cpu: 1 } });
    manager.close();
    await expect(waiting).rejects.toMatchObject({ code: 'MANAGER_CLOSED' });
    manager.release(first.id);
    expect(manager.job('w')?.status).toBe('cancelled');
    expect(manager.allocations()).toEqual([]);
  });

  it('a queued explanation read later still says why it waited at submit', () => {
    const manager = new AllocationManager({ capacity: { cpu: 2 }, now: () => 0 });
    const first = manager.submit({ resources: { cpu: 2 } }) as { allocation: { id: string } };
    const queued = manager.submit({ resources: { cpu: 2 } });
    manager.release(first.allocation.id);
    expect(queued).toMatchObject({ status: 'queued', reason: 'insufficient-resources' });
  });

  it('jobs displaced by a failed node keep their order at the head of the queue', () => {
    const pool = new ResourcePool({ placement: 'first-fit', nodes: [{ id: 'n1', capacity: { cpu: 2 } }, { id: 'n2', capacity: { cpu: 2 } }] });
    const manager = new AllocationManager({ pool, now: () => 0, fairness: 'priority' });
    for (const id of ['a', 'b', 'c', 'd', 'e']) manager.submit({ id, resources: { cpu: 1 } });
    manager.setNodeStatus('n1', 'offline'); // a and b were on n1
    expect(manager.queues()[0]).toMatchObject({ head: 'a', length: 3 });
    manager.release(manager.job('c')?.allocationId as string);
    expect(manager.job('a')?.status).toBe('running');
    expect(manager.job('b')?.status).toBe('queued');
    checkInvariants(pool);
  });

  it('setTenant and tenants options are validated', () => {
    expect(() => new AllocationManager({ capacity: { cpu: 1 }, tenants: { a: { share: 1 } as never } })).toThrow(/Unknown tenant option `share` \(tenant "a"\)/);
    const manager = new AllocationManager({ capacity: { cpu: 1 } });
    expect(() => manager.setTenant('a', undefined as never)).toThrow(/tenant options/);
  });

  it('a reservation holds room on its node and places the job there once the node frees', () => {
    let time = 0;
    const pool = new ResourcePool({ placement: 'first-fit', nodes: [{ id: 'n1', capacity: { cpu: 4 } }, { id: 'n2', capacity: { cpu: 4 } }] });
    const manager = new AllocationManager({ pool, now: () => time, timers: false, starvation: { afterMs: 10 } });
    const a = manager.submit({ resources: { cpu: 3 } }) as { allocation: { id: string } };
    manager.submit({ resources: { cpu: 3 } });
    manager.submit({ id: 'big', resources: { cpu: 4 } });
    time = 20;
    manager.tick(); // big reserves a node and holds its 1 free cpu: reserved, not allocated
    expect(pool.allocations().length).toBe(2);
    expect(manager.nodes().find((n) => n.id === 'n1')).toMatchObject({ allocated: { cpu: 3 }, reserved: { cpu: 1 }, available: { cpu: 0 } });
    expect(manager.reservations()).toEqual([{ jobId: 'big', nodeId: 'n1', resources: { cpu: 1 }, reason: 'starvation', since: 20 }]);
    manager.release(a.allocation.id); // n1 is now all big's: it starts there
    expect(manager.job('big')?.status).toBe('running');
    checkInvariants(pool);
    expect(manager.allocations().length).toBe(2);
  });
});
