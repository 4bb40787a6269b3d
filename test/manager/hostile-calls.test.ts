import { describe, expect, it } from 'vitest';
import { AllocationManager, type FairpackError, ResourcePool, isFairpackError } from 'fairpack';
import { BAD_CLOCK_READINGS, refused } from '../support.js';

/** Everything observable about a manager, as one string: equal before and after a refused call. */
function views(manager: AllocationManager): string {
  return JSON.stringify([manager.jobs(), manager.allocations(), manager.capacity(), manager.nodes(), manager.queues(), manager.reservations(), manager.metrics(), manager.quota('t'), manager.concurrency()]);
}

/** A manager with a job running on n1, one queued, a second node, and a clock the test controls. */
function cluster() {
  const clock: { reading: () => unknown } = { reading: () => 1000 };
  const manager = new AllocationManager({ nodes: [{ id: 'n1', capacity: { cpu: 2 } }, { id: 'n2', capacity: { cpu: 1 } }], placement: 'first-fit', now: () => clock.reading() as number, timers: false });
  const running = manager.submit({ id: 'run', tenant: 't', resources: { cpu: 2 }, ttlMs: 10 });
  manager.submit({ id: 'wait', tenant: 't', resources: { cpu: 2 } });
  return { manager, clock, allocationId: (running as { allocation: { id: string } }).allocation.id };
}


const CALLS: [string, (m: AllocationManager, allocationId: string) => unknown][] = [
  ['submit', (m) => m.submit({ tenant: 't', resources: { cpu: 1 } })],
  ['submitMany', (m) => m.submitMany([{ tenant: 't', resources: { cpu: 1 } }])],
  ['release', (m, id) => m.release(id)],
  ['release as failed', (m, id) => m.release(id, { outcome: 'failed' })],
  ['cancel running', (m) => m.cancel('run')],
  ['cancel queued', (m) => m.cancel('wait')],
  ['addNode', (m) => m.addNode({ id: 'n3', capacity: { cpu: 4 } })],
  ['removeNode force', (m) => m.removeNode('n1', { force: true })],
  ['removeNode empty', (m) => m.removeNode('n2')],
  ['setNodeStatus offline', (m) => m.setNodeStatus('n1', 'offline')],
  ['setNodeStatus draining', (m) => m.setNodeStatus('n1', 'draining')],
  ['tick', (m) => m.tick()],
  ['cleanupExpired', (m) => m.cleanupExpired()],
  ['setQuota', (m) => m.setQuota('t', { cpu: 1 })],
  ['setTenant', (m) => m.setTenant('t', { weight: 2 })],
  ['setConcurrency', (m) => m.setConcurrency('x', 1)],
];

describe('a bad clock reading changes nothing (issue 12 §2)', () => {
  // before: release, cancel, addNode, removeNode({ force }) and setNodeStatus('offline') made their
  // change and then threw (a job ended `completed` without `endedAt`; a second release said
  // ALREADY_RELEASED)
  it.each(CALLS)('%s: every bad reading → INVALID_CLOCK, state unchanged, and it works once the clock is fixed', (_name, call) => {
    for (const [what, reading] of BAD_CLOCK_READINGS) {
      const { manager, clock, allocationId } = cluster();
      const before = views(manager);
      clock.reading = reading;
      const error = refused(() => call(manager, allocationId));
      expect(error.code, what).toBe('INVALID_CLOCK');
      if (what === 'a throw') expect((error as FairpackError & { cause: Error }).cause.message).toBe('clock broke');
      clock.reading = () => 1000;
      expect(views(manager), `${what}: the refused call changed something`).toBe(before);
      call(manager, allocationId); // the same call now succeeds
    }
  });

  it('a clock that goes backwards is clamped to the last reading: no negative interval', () => {
    let time = 5000;
    const manager = new AllocationManager({ capacity: { cpu: 1 }, now: () => time, timers: false });
    const first = manager.submit({ id: 'a', resources: { cpu: 1 } }) as { allocation: { id: string } };
    manager.submit({ id: 'b', resources: { cpu: 1 } });
    time = 1000; // 4 s back
    manager.release(first.allocation.id);
    // a ended at 5000 (clamped), not 1000; b waited 0 ms, not −4000
    expect(manager.job('a')).toMatchObject({ startedAt: 5000, endedAt: 5000 });
    expect(manager.job('b')).toMatchObject({ status: 'running', startedAt: 5000 });
    expect(manager.metrics().schedulingLatency['default']).toMatchObject({ p50: 0, p99: 0 });
    time = 6000; // forward again: normal
    manager.release(manager.job('b')?.allocationId as string);
    expect(manager.job('b')).toMatchObject({ endedAt: 6000 });
  });
});

describe('every options argument is checked (issue 12 §5)', () => {
  it('release, jobs, allocations and acquire refuse malformed options with INVALID_OPTION, changing nothing', async () => {
    const { manager, allocationId } = cluster();
    const before = views(manager);
    // before: release(id, null) and jobs(null) threw a TypeError; the rest were accepted
    for (const call of [
      () => manager.release(allocationId, null as never),
      () => manager.release(allocationId, [] as never),
      () => manager.release(allocationId, { outcome: 'done' as never }),
      () => manager.release(allocationId, { outcom: 'failed' } as never),
      () => manager.jobs(null as never),
      () => manager.jobs({ status: 'weird' as never }),
      () => manager.jobs({ tenant: 5 as never }),
      () => manager.allocations({ tenant: 5 as never }),
      () => manager.allocations('t' as never),
    ]) {
      expect(refused(call).code).toBe('INVALID_OPTION');
    }
    for (const options of [null, { timeoutMs: -1 }, { signal: 'stop' }, { signal: {} }, { timeout: 5 }]) {
      const error = await manager.acquire({ tenant: 't', resources: { cpu: 1 } }, options as never).catch((e: unknown) => e);
      expect(isFairpackError(error) && error.code, JSON.stringify(options)).toBe('INVALID_OPTION');
    }
    expect(views(manager)).toBe(before);
    // the left-out forms still work
    expect(manager.jobs().length).toBe(2);
    expect(manager.allocations(undefined).length).toBe(1);
  });

  it('acquire keeps an abort signal\'s reason as the error\'s cause', async () => {
    const manager = new AllocationManager({ capacity: { cpu: 1 }, now: () => 0, timers: false });
    manager.submit({ resources: { cpu: 1 } });
    const controller = new AbortController();
    const pending = manager.acquire({ resources: { cpu: 1 } }, { signal: controller.signal });
    const reason = new Error('user left');
    controller.abort(reason);
    const error = (await pending.catch((e: unknown) => e)) as FairpackError;
    expect(error.code).toBe('ACQUIRE_ABORTED');
    expect(error.cause).toBe(reason);
    // already aborted: refused at once, with the reason too
    const early = (await manager.acquire({ resources: { cpu: 1 } }, { signal: AbortSignal.abort('gone') }).catch((e: unknown) => e)) as FairpackError;
    expect([early.code, early.cause]).toEqual(['ACQUIRE_ABORTED', 'gone']);
  });
});

describe('listeners that call back into the manager (issue 12 §5)', () => {
  it('a chain deeper than the limit is cut with REENTRANCY_LIMIT, not a stack overflow', () => {
    const manager = new AllocationManager({ capacity: { cpu: 1 }, now: () => 0, timers: false });
    manager.submit({ resources: { cpu: 1 } }); // the rest queue
    const errors: unknown[] = [];
    manager.on('error', (error) => errors.push(error));
    let submitted = 0;
    // every queued job submits another: before, this overflowed the stack at ~1,400 calls
    manager.on('queued', () => {
      submitted++;
      manager.submit({ resources: { cpu: 1 } });
    });
    manager.submit({ resources: { cpu: 1 } });
    expect(errors.length).toBe(1);
    expect((errors[0] as FairpackError).code).toBe('REENTRANCY_LIMIT');
    // the refused call changed nothing: the first job and the 63 nested calls that were allowed are
    // queued (the 64th listener, 64 deliveries deep, was refused)
    expect(submitted).toBe(64);
    expect(manager.metrics().queued).toBe(64);
  });
});

describe('tenants that come and go (issue 12 §3)', () => {
  it('a tenant with no jobs, quota or weight is forgotten; the structures the cycle walks hold only waiting work', () => {
    const manager = new AllocationManager({ capacity: { cpu: 2 }, tenants: { kept: { weight: 3 } }, now: () => 0, timers: false });
    const resident = manager.submit({ tenant: 'resident', resources: { cpu: 1 } });
    for (let i = 0; i < 1000; i++) {
      const tenant = `passing-${i}`;
      const waits = manager.submit({ tenant, resources: { cpu: 2 } });
      const runs = manager.submit({ tenant, resources: { cpu: 1 } }) as { allocation: { id: string } };
      manager.cancel(waits.jobId);
      manager.release(runs.allocation.id);
    }
    // before: 1,000 empty queues stayed in the cycle's structures and 1,000 accounts in the ledger,
    // and metrics() listed every tenant ever seen
    expect(Object.keys(manager.metrics().tenants).sort()).toEqual(['kept', 'resident']);
    expect(manager.queues()).toEqual([]);
    expect(manager.metrics().queueDepth).toEqual({});
    // a forgotten tenant reads like a new one
    expect(manager.quota('passing-7')).toMatchObject({ used: {}, onExceed: 'reject', burst: 1 });
    expect(resident.status).toBe('allocated');
  });
});

describe('idle tenants are forgotten in sweeps', () => {
  it('the books stay bounded, an idle tenant reads like a new one, and a restored manager sweeps the same', () => {
    let time = 0;
    const manager = new AllocationManager({ capacity: { cpu: 4 }, now: () => time, timers: false });
    manager.submit({ tenant: 'resident', resources: { cpu: 1 } });
    const pass = (from: number, count: number, target: AllocationManager) => {
      for (let i = from; i < from + count; i++) {
        time++;
        const runs = target.submit({ tenant: `passing-${i}`, resources: { cpu: 1 } }) as { allocation: { id: string } };
        target.release(runs.allocation.id);
      }
    };
    pass(0, 3000, manager);
    // 3,000 tenants came and went; a sweep runs once more than 1,024 are idle (and more than busy
    // ones): the ledger keeps at most 1,024 + 1 of them, none of which shows
    const tenants = manager.snapshot().tenants.length;
    expect(tenants).toBeGreaterThan(1);
    expect(tenants).toBeLessThanOrEqual(1_026);
    expect(Object.keys(manager.metrics().tenants)).toEqual(['resident']);
    expect(manager.quota('passing-2999')).toMatchObject({ used: {}, onExceed: 'reject', burst: 1 });
    // the same tenant going idle and coming back with every job stays put (no delete, no re-add)
    for (let i = 0; i < 2000; i++) pass(5, 1, manager);
    expect(Object.keys(manager.metrics().tenants)).toEqual(['resident']);
    // a restored manager holds the same idle accounts and sweeps at the same moments
    const restored = AllocationManager.restore(JSON.parse(JSON.stringify(manager.snapshot())), { now: () => time, timers: false });
    expect(restored.snapshot()).toEqual(manager.snapshot());
    pass(10_000, 1500, manager);
    time -= 1500;
    pass(10_000, 1500, restored);
    expect(restored.snapshot()).toEqual(manager.snapshot());
    expect(restored.snapshot().tenants.length).toBeLessThanOrEqual(1_026);
  });
});

describe('arguments that run code or hide holes (fuzz findings FUZZ-1 to FUZZ-4)', () => {
  it('a getter or Proxy that throws is a typed refusal with the error as cause, changing nothing', () => {
    const pool = new ResourcePool({ capacity: { cpu: 4 } });
    const boom = new Error('boom');
    const getter = refused(() => pool.allocate({ resources: { cpu: 1 }, get tenant(): string { throw boom; } } as never));
    expect([getter.code, getter.cause]).toEqual(['INVALID_REQUEST', boom]);
    expect(refused(() => pool.allocate(new Proxy({}, { getPrototypeOf() { throw boom; } }) as never)).code).toBe('INVALID_REQUEST');
    expect(refused(() => new AllocationManager(new Proxy({}, { ownKeys() { throw boom; } }) as never)).code).toBe('INVALID_OPTION');
    const manager = new AllocationManager({ capacity: { cpu: 4 }, now: () => 0, timers: false });
    expect(refused(() => manager.setQuota('a', { get cpu(): number { throw boom; } } as never)).code).toBe('INVALID_OPTION');
    expect(refused(() => manager.jobs({ get status(): string { throw boom; } } as never)).code).toBe('INVALID_OPTION');
    expect(pool.allocations()).toEqual([]);
  });

  it('arrays: an own `constructor` is data, a hole is refused (not skipped)', () => {
    const pool = new ResourcePool({ capacity: { cpu: 4 } });
    expect(pool.allocate({ resources: { cpu: 1 }, tolerations: Object.assign([], { constructor: 0 }) } as never).ok).toBe(true);
    expect(refused(() => new ResourcePool({ nodes: [, ] as never })).code).toBe('INVALID_NODE');
    // before: accepted, and then every placement that looked at the node threw a TypeError
    expect(refused(() => pool.addNode({ id: 'x', capacity: { cpu: 1 }, taints: [, ] as never })).code).toBe('INVALID_NODE');
    expect(refused(() => pool.allocate({ resources: { cpu: 1 }, tolerations: [, ] as never })).code).toBe('INVALID_REQUEST');
    const manager = new AllocationManager({ capacity: { cpu: 1 }, now: () => 0, timers: false });
    // before: returned two holes, submitting and refusing nothing
    expect(refused(() => manager.submitMany(new Array(2) as never)).code).toBe('INVALID_REQUEST');
    expect(manager.jobs()).toEqual([]);
  });

  it('on/once/off check the event name (closest suggested) and the listener', () => {
    const manager = new AllocationManager({ capacity: { cpu: 1 }, now: () => 0, timers: false });
    const typo = refused(() => manager.on('alocated' as never, () => {}));
    expect([typo.code, typo.message]).toEqual(['INVALID_OPTION', expect.stringContaining('Did you mean `allocated`?')]);
    expect(refused(() => manager.once('queued', 5 as never)).code).toBe('INVALID_OPTION');
    expect(refused(() => manager.off(Symbol('x') as never, () => {})).code).toBe('INVALID_OPTION');
    // a class is a function that cannot be called (found by the fuzz suite: it made submit throw a TypeError)
    class Listener {}
    const klass = refused(() => manager.on('allocated', Listener as never));
    expect([klass.code, klass.message]).toEqual(['INVALID_OPTION', expect.stringContaining('got the class Listener')]);
    expect(refused(() => manager.once('error', class {} as never)).code).toBe('INVALID_OPTION');
    // before: a listener that was not a function made every later submit throw after its change
    manager.submit({ resources: { cpu: 1 } });
    expect(manager.submit({ resources: { cpu: 1 } }).status).toBe('queued');
  });
});
