import { describe, expect, it, vi } from 'vitest';
import { AllocationManager, ResourcePool } from 'fairpack';
import { checkInvariants } from 'fairpack/testing';
import { refused } from '../support.js';


function clock(start = 0) {
  let time = start;
  return { now: () => time, advance: (ms: number) => (time += ms) };
}

describe('submit', () => {
  it('allocates what fits, queues the rest with the pool’s explanation (the seed example)', () => {
    const manager = new AllocationManager({ capacity: { cpu: 8, memory: 16, gpu: 2 }, now: () => 5 });
    const a = manager.submit({ resources: { cpu: 2, memory: 4 } });
    expect(a).toMatchObject({ status: 'allocated', allocation: { resources: { cpu: 2, memory: 4 } } });
    const q = manager.submit({ resources: { gpu: 4 }, id: 'big' });
    // gpu 4 can never fit a 2-gpu node: rejected, not queued forever
    expect(q).toMatchObject({ status: 'rejected', code: 'UNSATISFIABLE', jobId: 'big' });
    const full = manager.submit({ resources: { cpu: 7 }, id: 'wide' });
    expect(full).toEqual({ status: 'queued', jobId: 'wide', reason: 'insufficient-resources', message: expect.stringContaining('cpu needs 7, 6 free') as unknown, available: { cpu: 6 }, required: { cpu: 7 }, position: 0 });
    expect(manager.job('wide')).toMatchObject({ status: 'queued', submittedAt: 5, tenant: 'default', priority: 'default' });
  });

  it('three heavy jobs with a cap of 2: two run, one waits, and it starts when one ends', () => {
    const manager = new AllocationManager({ capacity: { cpu: 8 }, concurrency: { heavy: 2 }, now: () => 0 });
    const results = [1, 2, 3].map(() => manager.submit({ category: 'heavy', resources: { cpu: 1 } }));
    expect(results.map((r) => r.status)).toEqual(['allocated', 'allocated', 'queued']);
    expect(results[2]).toMatchObject({ reason: 'concurrency-limit' });
    const first = results[0] as { allocation: { id: string } };
    manager.release(first.allocation.id);
    expect(manager.job(results[2]?.jobId as string)?.status).toBe('running');
    expect(manager.metrics().running).toBe(2);
  });

  it('setConcurrency: lowering stops nothing, raising starts what may, undefined lifts the cap', () => {
    const manager = new AllocationManager({ capacity: { cpu: 8 }, concurrency: { heavy: 3 }, now: () => 0 });
    const ids = [1, 2, 3, 4, 5].map((i) => manager.submit({ id: `h${i}`, category: 'heavy', resources: { cpu: 1 } }).jobId);
    // 3 run (the cap), 2 wait
    expect(ids.map((id) => manager.job(id)?.status)).toEqual(['running', 'running', 'running', 'queued', 'queued']);
    manager.setConcurrency('heavy', 1);
    // lowering never stops running jobs: still 3 running, over the new cap of 1
    expect(manager.concurrency()['heavy']).toEqual({ limit: 1, running: 3 });
    manager.release(manager.job('h1')?.allocationId as string);
    manager.release(manager.job('h2')?.allocationId as string);
    // 1 running = the cap: h4 still waits
    expect(manager.job('h4')).toMatchObject({ status: 'queued', reason: 'concurrency-limit' });
    manager.setConcurrency('heavy', 2); // raising starts h4 in this call
    expect(manager.job('h4')?.status).toBe('running');
    expect(manager.job('h5')?.status).toBe('queued');
    manager.setConcurrency('heavy', undefined);
    expect(manager.job('h5')?.status).toBe('running');
    expect(manager.concurrency()).toEqual({});
    // a bad limit or category changes nothing
    const before = JSON.stringify([manager.jobs(), manager.concurrency()]);
    for (const [category, limit] of [['heavy', -1], ['heavy', 1.5], ['', 1], [5, 1], ['heavy', '2']] as const) {
      expect(refused(() => manager.setConcurrency(category as string, limit as number)).code).toBe('INVALID_OPTION');
    }
    expect(JSON.stringify([manager.jobs(), manager.concurrency()])).toBe(before);
  });

  it('bad input throws and changes nothing', () => {
    const manager = new AllocationManager({ capacity: { cpu: 8 }, now: () => 0 });
    const before = JSON.stringify([manager.jobs(), manager.capacity(), manager.queues()]);
    expect(refused(() => manager.submit({ resources: { cpu: -1 } })).code).toBe('INVALID_RESOURCES');
    expect(refused(() => manager.submit({ resources: { cpu: 1 }, priority: 'urgent' })).code).toBe('UNKNOWN_PRIORITY_CLASS');
    expect(refused(() => manager.submit({ resources: { cpu: 1 }, ttlMs: 0 })).code).toBe('INVALID_REQUEST');
    expect(refused(() => manager.submit(null as never)).code).toBe('INVALID_REQUEST');
    manager.submit({ id: 'x', resources: { cpu: 1 } });
    expect(refused(() => manager.submit({ id: 'x', resources: { cpu: 1 } })).code).toBe('DUPLICATE_JOB');
    expect(JSON.stringify([manager.jobs().filter((j) => j.id !== 'x'), manager.queues()])).toBe(JSON.stringify([JSON.parse(before)[0], JSON.parse(before)[2]]));
  });

  it('maxQueued rejects past the bound with QUEUE_FULL', () => {
    const manager = new AllocationManager({ capacity: { cpu: 1 }, maxQueued: 1, now: () => 0 });
    manager.submit({ resources: { cpu: 1 } });
    expect(manager.submit({ resources: { cpu: 1 } }).status).toBe('queued');
    expect(manager.submit({ resources: { cpu: 1 } })).toMatchObject({ status: 'rejected', code: 'QUEUE_FULL' });
  });

  it('maxQueuedPerTenant: a tenant that floods gets QUEUE_FULL, the others keep being served', () => {
    const manager = new AllocationManager({ capacity: { cpu: 2 }, maxQueuedPerTenant: 2, now: () => 0, timers: false });
    const big = manager.submit({ tenant: 'a', resources: { cpu: 2 } }) as { allocation: { id: string } };
    const flood = [1, 2, 3, 4].map(() => manager.submit({ tenant: 'a', resources: { cpu: 1 } }).status);
    // a has 2 waiting, its bound: the rest are refused, nothing about them is kept in the queue
    expect(flood).toEqual(['queued', 'queued', 'rejected', 'rejected']);
    expect(manager.jobs({ status: 'rejected' })).toMatchObject([{ tenant: 'a', reason: expect.stringContaining('maxQueuedPerTenant') as unknown }, { tenant: 'a' }]);
    expect(manager.submit({ tenant: 'b', resources: { cpu: 1 } }).status).toBe('queued');
    expect(manager.metrics().queued).toBe(3);
    // once room frees, a job that starts at once is taken even while the queue is full
    manager.release(big.allocation.id); // a's two waiting jobs start (2 cpu)
    expect(manager.metrics().queued).toBe(1); // b waits
    expect(refused(() => new AllocationManager({ capacity: { cpu: 1 }, maxQueuedPerTenant: -1 })).code).toBe('INVALID_OPTION');
  });

  it('maxQueuedPerTenant counts right after many tenants queued and left (their counts are swept, not deleted one by one)', () => {
    const manager = new AllocationManager({ capacity: { cpu: 1 }, maxQueuedPerTenant: 1, now: () => 0, timers: false });
    manager.submit({ tenant: 'holder', resources: { cpu: 1 } }); // the only cpu: everyone else waits
    // 3,000 tenants each queue one job and cancel it: 3,000 counts at 0, past the sweep's 1,024
    for (let i = 0; i < 3_000; i++) manager.cancel(manager.submit({ tenant: `t${i}`, resources: { cpu: 1 } }).jobId);
    // a swept tenant and one left at 0 alike: one job may wait (0 → 1), a second is refused (1 = the bound)
    for (const tenant of ['t5', 't2999']) {
      expect(manager.submit({ tenant, resources: { cpu: 1 } }).status).toBe('queued');
      expect(manager.submit({ tenant, resources: { cpu: 1 } })).toMatchObject({ status: 'rejected', code: 'QUEUE_FULL' });
    }
    expect(manager.metrics().queued).toBe(2);
  });

  it('a full queue refuses only jobs that would wait: one that fits starts', () => {
    const manager = new AllocationManager({ capacity: { cpu: 4 }, maxQueued: 1, now: () => 0, timers: false });
    manager.submit({ resources: { cpu: 3 } });
    expect(manager.submit({ resources: { cpu: 2 } }).status).toBe('queued'); // the queue is full now
    // before: refused with QUEUE_FULL although 1 cpu was free for it
    expect(manager.submit({ resources: { cpu: 1 } }).status).toBe('allocated');
    expect(manager.submit({ resources: { cpu: 1 } })).toMatchObject({ status: 'rejected', code: 'QUEUE_FULL' });
  });

  it('refuses bad options at construction', () => {
    for (const options of [{ fairness: 'lottery' }, { concurrency: { heavy: -1 } }, { tenants: { a: { weight: 0 } } }, { history: 1.5 }, { nodes: [], pool: new ResourcePool() }, { bogus: 1 }, { priorityClasses: [{ name: 'x', value: 1 }] }]) {
      expect(['INVALID_OPTION', 'UNKNOWN_POLICY']).toContain(refused(() => new AllocationManager(options as never)).code);
    }
  });
});

describe('queue order', () => {
  it('higher priority classes go first; FIFO within a class', () => {
    const manager = new AllocationManager({ capacity: { cpu: 1 }, fairness: 'priority', now: () => 0 });
    const running = manager.submit({ resources: { cpu: 1 } }) as { allocation: { id: string } };
    manager.submit({ id: 'low', priority: 'low', resources: { cpu: 1 } });
    manager.submit({ id: 'd1', resources: { cpu: 1 } });
    manager.submit({ id: 'high', priority: 'high', resources: { cpu: 1 } });
    manager.submit({ id: 'd2', resources: { cpu: 1 } });
    const order: string[] = [];
    manager.on('allocated', (_a, job) => order.push(job.id));
    let current = running.allocation.id;
    for (let i = 0; i < 4; i++) {
      manager.release(current);
      current = manager.allocations()[0]?.id as string;
    }
    expect(order).toEqual(['high', 'd1', 'd2', 'low']);
  });

  it('fifo ignores priority classes: global arrival order', () => {
    const manager = new AllocationManager({ capacity: { cpu: 1 }, fairness: 'fifo', now: () => 0 });
    const running = manager.submit({ resources: { cpu: 1 } }) as { allocation: { id: string } };
    manager.submit({ id: 'low', priority: 'low', resources: { cpu: 1 } });
    manager.submit({ id: 'high', priority: 'high', resources: { cpu: 1 } });
    manager.release(running.allocation.id);
    expect(manager.job('low')?.status).toBe('running');
  });

  it('earliest deadline first within a queue; jobs without a deadline after', () => {
    const manager = new AllocationManager({ capacity: { cpu: 1 }, fairness: 'priority', now: () => 0 });
    const running = manager.submit({ resources: { cpu: 1 } }) as { allocation: { id: string } };
    manager.submit({ id: 'none', resources: { cpu: 1 } });
    manager.submit({ id: 'late', resources: { cpu: 1 }, deadline: 500 });
    manager.submit({ id: 'soon', resources: { cpu: 1 }, deadline: 100 });
    expect(manager.queues()[0]).toMatchObject({ head: 'soon', length: 3 });
    manager.release(running.allocation.id);
    expect(manager.job('soon')?.status).toBe('running');
  });

  it('round-robin: tenants take turns', () => {
    const manager = new AllocationManager({ capacity: { cpu: 1 }, fairness: 'round-robin', now: () => 0 });
    const first = manager.submit({ tenant: 'a', resources: { cpu: 1 } }) as { allocation: { id: string } };
    for (const id of ['a1', 'a2', 'a3']) manager.submit({ id, tenant: 'a', resources: { cpu: 1 } });
    for (const id of ['b1', 'b2']) manager.submit({ id, tenant: 'b', resources: { cpu: 1 } });
    const order: string[] = [];
    manager.on('allocated', (_a, job) => order.push(job.id));
    let current = first.allocation.id;
    for (let i = 0; i < 5; i++) {
      manager.release(current);
      current = manager.allocations()[0]?.id as string;
    }
    // a served last → b, a, b, a, a
    expect(order).toEqual(['b1', 'a1', 'b2', 'a2', 'a3']);
  });

  it('backfill: a head that does not fit does not block smaller jobs', () => {
    const manager = new AllocationManager({ capacity: { cpu: 4 }, now: () => 0 });
    manager.submit({ resources: { cpu: 3 } });
    expect(manager.submit({ id: 'big', resources: { cpu: 2 } }).status).toBe('queued');
    expect(manager.submit({ id: 'small', resources: { cpu: 1 } }).status).toBe('allocated');
    expect(manager.queues()).toEqual([{ tenant: 'default', priority: 'default', length: 1, head: 'big' }]);
  });

  it('backfill window: a job behind it waits; cancelling one in front brings it in, and it starts if it fits', () => {
    // cpu 4, 3 taken: 1 free. Window of 2: big1 and big2 (2 cpu each) are tried and miss; small
    // (1 cpu) is third in line, behind the window, so it is not tried
    const manager = new AllocationManager({ capacity: { cpu: 4 }, backfillWindow: 2, now: () => 0 });
    manager.submit({ resources: { cpu: 3 } });
    expect(manager.submit({ id: 'big1', resources: { cpu: 2 } })).toMatchObject({ status: 'queued', reason: 'insufficient-resources', position: 0 });
    expect(manager.submit({ id: 'big2', resources: { cpu: 2 } })).toMatchObject({ status: 'queued', reason: 'insufficient-resources', position: 1 });
    expect(manager.submit({ id: 'small', resources: { cpu: 1 } })).toMatchObject({ status: 'queued', reason: 'fairness', position: 2 });
    // no room freed, but the window moved: window = big2, small → small fits the 1 free cpu
    manager.cancel('big1');
    expect(manager.job('small')?.status).toBe('running');
    expect(manager.queues()).toEqual([{ tenant: 'default', priority: 'default', length: 1, head: 'big2' }]);
    // 4 − 3 − 1 = 0 free
    expect(manager.capacity().available).toEqual({ cpu: 0 });
  });
});

describe('release, cancel, TTL', () => {
  it('release: completed or failed; unknown and double release are refused', () => {
    const manager = new AllocationManager({ capacity: { cpu: 4 }, now: () => 0 });
    const a = manager.submit({ id: 'a', resources: { cpu: 1 } }) as { allocation: { id: string } };
    const r = manager.release(a.allocation.id, { outcome: 'failed' });
    expect(r).toMatchObject({ job: { id: 'a', status: 'failed' }, freed: { cpu: 1 } });
    expect(refused(() => manager.release(a.allocation.id)).code).toBe('ALREADY_RELEASED');
    expect(refused(() => manager.release('nope')).code).toBe('UNKNOWN_ALLOCATION');
    expect(manager.capacity().available).toEqual({ cpu: 4 });
  });

  it('cancel a queued job takes it out of its queue; a running one frees its room', () => {
    const manager = new AllocationManager({ capacity: { cpu: 1 }, now: () => 0 });
    manager.submit({ id: 'r', resources: { cpu: 1 } });
    manager.submit({ id: 'q', resources: { cpu: 1 } });
    manager.submit({ id: 'q2', resources: { cpu: 1 } });
    expect(manager.cancel('q')).toMatchObject({ status: 'cancelled' });
    expect(manager.queues()[0]).toMatchObject({ length: 1, head: 'q2' });
    manager.cancel('r');
    expect(manager.job('q2')?.status).toBe('running');
    expect(manager.cancel('q')).toMatchObject({ status: 'cancelled' });
    expect(refused(() => manager.cancel('zz')).code).toBe('UNKNOWN_JOB');
  });

  it('tick() expires allocations past their TTL and starts waiting jobs', () => {
    const time = clock();
    const manager = new AllocationManager({ capacity: { cpu: 1 }, now: time.now });
    const expired: string[] = [];
    manager.on('expired', (_allocation, job) => expired.push(job.id));
    manager.submit({ id: 'short', resources: { cpu: 1 }, ttlMs: 1000 });
    manager.submit({ id: 'next', resources: { cpu: 1 } });
    time.advance(999);
    expect(manager.tick().expired).toEqual([]);
    time.advance(1);
    expect(manager.cleanupExpired()).toEqual(['short']);
    expect(expired).toEqual(['short']);
    expect(manager.job('short')).toMatchObject({ status: 'expired', startedAt: 0, endedAt: 1000, expiresAt: 1000 });
    expect(manager.job('next')?.status).toBe('running');
  });

  it('a job without a TTL started after one with a TTL never expires (the start times are filled afresh)', () => {
    // both starts, direct and through the cycle, fill one reused times object: an expiry left over
    // from the last job with a TTL would be stamped on the next job's allocation
    const time = clock();
    const manager = new AllocationManager({ capacity: { cpu: 2 }, now: time.now });
    manager.submit({ id: 'ttl', resources: { cpu: 1 }, ttlMs: 10 });
    manager.submit({ id: 'direct', resources: { cpu: 1 } });
    manager.submit({ id: 'queued', resources: { cpu: 1 } });
    time.advance(10);
    expect(manager.cleanupExpired()).toEqual(['ttl']); // 'queued' starts in the cycle, at 10
    time.advance(1000);
    expect(manager.cleanupExpired()).toEqual([]);
    expect(manager.job('direct')).toMatchObject({ status: 'running' });
    expect(manager.job('queued')).toMatchObject({ status: 'running', startedAt: 10 });
    expect([manager.job('direct')?.expiresAt, manager.job('queued')?.expiresAt]).toEqual([undefined, undefined]);
    // the allocations the pool made for them carry no expiry either
    expect(manager.allocations().map((allocation) => [allocation.jobId, allocation.expiresAt])).toEqual([
      ['direct', undefined],
      ['queued', undefined],
    ]);
  });

  it('with timers on, one unref’d timer expires allocations without tick()', () => {
    vi.useFakeTimers();
    try {
      const manager = new AllocationManager({ capacity: { cpu: 1 }, timers: true, now: () => Date.now() });
      manager.submit({ id: 'a', resources: { cpu: 1 }, ttlMs: 50 });
      vi.advanceTimersByTime(60);
      expect(manager.job('a')?.status).toBe('expired');
      manager.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps a bounded history of finished jobs', () => {
    const manager = new AllocationManager({ capacity: { cpu: 1 }, history: 2, now: () => 0 });
    for (const id of ['a', 'b', 'c']) {
      const r = manager.submit({ id, resources: { cpu: 1 } }) as { allocation: { id: string } };
      manager.release(r.allocation.id);
    }
    expect(manager.job('a')).toBeUndefined();
    expect(manager.jobs().map((j) => j.id)).toEqual(['b', 'c']);
    expect(manager.metrics().jobs.completed).toBe(3);
  });
});

describe('nodes', () => {
  it('an offline node’s jobs are re-queued at once, at the head, and placed elsewhere', () => {
    const pool = new ResourcePool({ placement: 'first-fit', nodes: [{ id: 'n1', capacity: { cpu: 2 } }, { id: 'n2', capacity: { cpu: 2 } }] });
    const manager = new AllocationManager({ pool, now: () => 0 });
    manager.submit({ id: 'a', resources: { cpu: 2 } });
    manager.submit({ id: 'b', resources: { cpu: 2 } });
    manager.submit({ id: 'c', resources: { cpu: 2 } });
    const requeued: string[] = [];
    manager.on('queued', (job) => requeued.push(`${job.id}: ${job.reason}`));
    manager.setNodeStatus('n1', 'offline');
    expect(requeued).toEqual(['a: node n1 went offline']);
    expect(manager.job('a')).toMatchObject({ status: 'queued', reason: 'insufficient-resources' });
    expect(manager.queues()[0]).toMatchObject({ head: 'a', length: 2 });
    manager.release(manager.job('b')?.allocationId as string);
    expect(manager.job('a')?.status).toBe('running');
    checkInvariants(pool);
  });

  it('adding a node starts waiting jobs; force-removing one re-queues its jobs', () => {
    const manager = new AllocationManager({ capacity: { cpu: 1 }, now: () => 0 });
    manager.submit({ id: 'a', resources: { cpu: 1 } });
    manager.submit({ id: 'b', resources: { cpu: 1 } });
    manager.addNode({ id: 'extra', capacity: { cpu: 1 } });
    expect(manager.job('b')?.status).toBe('running');
    expect(refused(() => manager.removeNode('extra')).code).toBe('NODE_NOT_EMPTY');
    const requeued: string[] = [];
    manager.on('queued', (job) => requeued.push(`${job.id}: ${job.reason}`));
    manager.removeNode('extra', { force: true });
    expect(requeued).toEqual(['b: node extra was removed']);
    expect(manager.job('b')?.status).toBe('queued');
  });
});

describe('events', () => {
  it('are emitted after the state change, in order, and listeners may call back in', () => {
    const manager = new AllocationManager({ capacity: { cpu: 2 }, now: () => 0 });
    const seen: string[] = [];
    manager.on('allocated', (allocation, job) => {
      seen.push(`allocated ${job.id}`);
      // state is consistent: the allocation is already in the books
      expect(manager.allocations().map((a) => a.id)).toContain(allocation.id);
      if (job.id === 'a') manager.release(allocation.id);
    });
    manager.on('released', (_allocation, job) => seen.push(`released ${job.id}`));
    manager.on('queued', (job) => seen.push(`queued ${job.id}`));
    manager.submit({ id: 'a', resources: { cpu: 2 } });
    manager.submit({ id: 'b', resources: { cpu: 2 } });
    expect(seen).toEqual(['allocated a', 'released a', 'allocated b']);
    expect(manager.capacity().allocated).toEqual({ cpu: 2 });
  });

  it('a throwing listener does not corrupt the books: error event, or rethrown after delivery', () => {
    const pool = new ResourcePool({ capacity: { cpu: 2 } });
    const manager = new AllocationManager({ pool, now: () => 0 });
    const delivered: string[] = [];
    manager.on('allocated', () => {
      throw new Error('listener bug');
    });
    manager.on('allocated', (_a, job) => delivered.push(job.id));
    expect(() => manager.submit({ id: 'a', resources: { cpu: 1 } })).toThrow('listener bug');
    expect(delivered).toEqual(['a']);
    expect(manager.job('a')?.status).toBe('running');
    const errors: unknown[] = [];
    manager.on('error', (error) => errors.push(error));
    expect(manager.submit({ id: 'b', resources: { cpu: 1 } }).status).toBe('allocated');
    expect(errors).toHaveLength(1);
    checkInvariants(pool);
  });
});

describe('acquire', () => {
  it('resolves at once when the job fits, later when room frees', async () => {
    const manager = new AllocationManager({ capacity: { cpu: 1 }, now: () => 0 });
    const first = await manager.acquire({ resources: { cpu: 1 } });
    const second = manager.acquire({ id: 'w', resources: { cpu: 1 } });
    manager.release(first.id);
    await expect(second).resolves.toMatchObject({ jobId: 'w' });
  });

  it('abort and timeout reject with a typed error and take the job out of the queue', async () => {
    vi.useFakeTimers();
    try {
      const manager = new AllocationManager({ capacity: { cpu: 1 }, now: () => 0 });
      await manager.acquire({ resources: { cpu: 1 } });
      const controller = new AbortController();
      const aborted = manager.acquire({ id: 'aborted', resources: { cpu: 1 } }, { signal: controller.signal });
      const timed = manager.acquire({ id: 'timed', resources: { cpu: 1 } }, { timeoutMs: 100 });
      expect(manager.queues()[0]?.length).toBe(2);
      controller.abort();
      await expect(aborted).rejects.toMatchObject({ code: 'ACQUIRE_ABORTED' });
      vi.advanceTimersByTime(100);
      await expect(timed).rejects.toMatchObject({ code: 'ACQUIRE_TIMEOUT' });
      expect(manager.queues()).toEqual([]);
      expect(manager.job('aborted')?.status).toBe('cancelled');
      await expect(manager.acquire({ resources: { cpu: 9 } })).rejects.toMatchObject({ code: 'JOB_REJECTED' });
    } finally {
      vi.useRealTimers();
    }
  });

  it('a cancelled waiting job rejects its acquire with JOB_CANCELLED; close() rejects the rest', async () => {
    const manager = new AllocationManager({ capacity: { cpu: 1 }, now: () => 0 });
    await manager.acquire({ resources: { cpu: 1 } });
    const cancelled = manager.acquire({ id: 'c', resources: { cpu: 1 } });
    const closed = manager.acquire({ id: 'd', resources: { cpu: 1 } });
    manager.cancel('c');
    await expect(cancelled).rejects.toMatchObject({ code: 'JOB_CANCELLED' });
    manager.close();
    await expect(closed).rejects.toMatchObject({ code: 'MANAGER_CLOSED' });
    expect(refused(() => manager.submit({ resources: { cpu: 1 } })).code).toBe('MANAGER_CLOSED');
  });
});
