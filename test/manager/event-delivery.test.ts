import { describe, expect, it } from 'vitest';
import { AllocationManager, type AllocationManagerOptions } from 'fairpack';
import { DeferredEvents } from '../../src/manager/deferred-events.js';
import { managerInternals } from '../../src/manager/internals.js';

/** A manager on a hand-driven clock. */
function setup(options: Partial<AllocationManagerOptions> = {}) {
  const clock = { time: 0 };
  const manager = new AllocationManager({ nodes: [{ id: 'n1', capacity: { cpu: 4 } }], placement: 'first-fit', now: () => clock.time, timers: false, ...options });
  return { manager, clock };
}

/** V runs, W waits, H (high) preempts V: after V's grace period V is queued again with a back-off. */
function preemptionOptions(): Partial<AllocationManagerOptions> {
  return {
    fairness: 'priority',
    priorityClasses: [
      { name: 'high', value: 100, canPreempt: true },
      { name: 'default', value: 0, preemptionGraceMs: 1_000 },
    ],
    preemption: { backoffMs: 500 },
  };
}

describe('event delivery (queued in parallel arrays, no arrays per event)', () => {
  it('a listener gets exactly the arguments of its event: one for queued, two for allocated and released', () => {
    const { manager } = setup();
    const counts: [string, number][] = [];
    manager.on('allocated', function (this: unknown) {
      counts.push(['allocated', arguments.length]);
    });
    manager.on('queued', function (this: unknown) {
      counts.push(['queued', arguments.length]);
    });
    manager.on('released', function (this: unknown) {
      counts.push(['released', arguments.length]);
    });
    const a = manager.submit({ id: 'a', resources: { cpu: 4 } });
    manager.submit({ id: 'b', resources: { cpu: 4 } });
    manager.release((a as { allocation: { id: string } }).allocation.id);
    expect(counts).toEqual([
      ['allocated', 2],
      ['queued', 1],
      ['released', 2],
      ['allocated', 2],
    ]);
  });

  it('a listener that calls back into the manager: the rest of the first call’s events come first, then its own, in order', () => {
    const { manager } = setup({ nodes: [{ id: 'n1', capacity: { cpu: 2 } }] });
    const seen: string[] = [];
    manager.on('allocated', (_, job) => {
      seen.push(`allocated ${job.id}`);
      if (job.id === 'a') manager.submit({ id: 'c', resources: { cpu: 1 } });
    });
    manager.on('queued', (job) => seen.push(`queued ${job.id}`));
    manager.on('released', (_, job) => seen.push(`released ${job.id}`));
    manager.submit({ id: 'a', resources: { cpu: 1 } });
    expect(seen).toEqual(['allocated a', 'allocated c']);
    manager.submit({ id: 'b', resources: { cpu: 1 } });
    manager.release(manager.job('a')?.allocationId as string);
    manager.release(manager.job('c')?.allocationId as string);
    expect(seen).toEqual(['allocated a', 'allocated c', 'queued b', 'released a', 'allocated b', 'released c']);
  });

  it('a listener that throws: the others still get every event, then its error is rethrown once (or emitted as error)', () => {
    const { manager } = setup();
    const seen: string[] = [];
    manager.on('allocated', () => {
      throw new Error('boom');
    });
    manager.on('allocated', (_, job) => seen.push(job.id));
    expect(() => manager.submit({ id: 'a', resources: { cpu: 1 } })).toThrow('boom');
    expect(seen).toEqual(['a']);
    const errors: unknown[] = [];
    manager.on('error', (error) => errors.push(error));
    manager.submit({ id: 'b', resources: { cpu: 1 } });
    expect(seen).toEqual(['a', 'b']);
    expect(errors).toHaveLength(1);
  });
});

describe('the queue of events to deliver', () => {
  it('is reused from call to call: it holds no more than one call’s events, and nothing once they are delivered', () => {
    const events = new DeferredEvents();
    const heard: unknown[] = [];
    events.on('cancelled', (job) => heard.push(job));
    const internal = events as unknown as { pendingEvent: unknown[]; pendingFirst: unknown[] };
    for (let call = 0; call < 100; call++) {
      events.enter();
      for (let k = 0; k < 3; k++) events.defer('cancelled', { id: `${call}-${k}` } as never);
      events.leave(() => {});
    }
    expect(heard).toHaveLength(300);
    expect(internal.pendingEvent.length).toBe(3);
    // delivered events are not kept alive by the queue
    expect(internal.pendingFirst.every((slot) => slot === undefined)).toBe(true);
  });
});

describe('event taps (the simulator’s listeners, without job views)', () => {
  it('taps hear every start and wait, in order with the public events, with the facts of the job at that moment', () => {
    const { manager, clock } = setup(preemptionOptions());
    const heard: string[] = [];
    manager.on('allocated', (allocation, job) => heard.push(`public allocated ${job.id} ${allocation.id}`));
    manager.on('queued', (job) => heard.push(`public queued ${job.id} ${job.backoffUntil}`));
    manager.on('released', (_, job) => heard.push(`public released ${job.id}`));
    const internals = managerInternals(manager);
    internals.tap('allocated', (allocation) => heard.push(`tap allocated ${allocation.jobId} ${allocation.id}`));
    internals.tap('queued', (jobId, backoffUntil) => heard.push(`tap queued ${jobId} ${backoffUntil}`));
    internals.tap('ended', (allocation) => heard.push(`tap ended ${allocation.jobId} ${allocation.id}`));
    manager.submit({ id: 'V', resources: { cpu: 4 } });
    manager.submit({ id: 'W', resources: { cpu: 4 } });
    manager.submit({ id: 'H', priority: 'high', resources: { cpu: 4 } });
    clock.time = 1_000;
    manager.tick(); // V's grace period ends: it waits again, backing off until 1500; H starts
    manager.release(manager.job('H')?.allocationId as string); // W starts (V still backs off)
    const V = manager.job('V');
    expect(V).toMatchObject({ status: 'queued', backoffUntil: 1_500 });
    const [v, h, w] = ['V', 'H', 'W'].map((id) => heard.find((line) => line.startsWith(`public allocated ${id}`))?.split(' ')[3]);
    expect(heard).toEqual([
      `public allocated V ${v}`,
      `tap allocated V ${v}`,
      'public queued W undefined',
      'tap queued W undefined',
      'public queued H undefined',
      'tap queued H undefined',
      'public queued V 1500',
      'tap queued V 1500',
      `public allocated H ${h}`,
      `tap allocated H ${h}`,
      'public released H',
      `tap ended H ${h}`,
      `public allocated W ${w}`,
      `tap allocated W ${w}`,
    ]);
  });

  it('the ended tap hears an allocation that expired and one released with nobody listening, after the public event', () => {
    const { manager, clock } = setup();
    const heard: string[] = [];
    manager.on('expired', (allocation, job) => heard.push(`public expired ${job.id} ${allocation.id}`));
    managerInternals(manager).tap('ended', (allocation) => heard.push(`tap ended ${allocation.jobId} ${allocation.id}`));
    const a = manager.submit({ id: 'a', resources: { cpu: 1 }, ttlMs: 500 });
    const b = manager.submit({ id: 'b', resources: { cpu: 1 } });
    if (a.status !== 'allocated' || b.status !== 'allocated') throw new Error('expected both to start');
    clock.time = 500; // a's TTL has passed
    manager.tick();
    manager.release(b.allocation.id); // no released listener: the tap alone
    expect(heard).toEqual([`public expired a ${a.allocation.id}`, `tap ended a ${a.allocation.id}`, `tap ended b ${b.allocation.id}`]);
  });

  it('a tap alone: no job view is built for nobody, and taps run in the order they were added', () => {
    const { manager } = setup();
    const heard: string[] = [];
    const internals = managerInternals(manager);
    internals.tap('allocated', (allocation) => heard.push(`first ${allocation.jobId}`));
    internals.tap('allocated', (allocation) => heard.push(`second ${allocation.jobId}`));
    manager.submit({ id: 'a', resources: { cpu: 1 } });
    expect(heard).toEqual(['first a', 'second a']);
  });

  it('a tap that throws does not stop the others; its error is rethrown when the call’s events are delivered', () => {
    const { manager } = setup();
    const heard: string[] = [];
    const internals = managerInternals(manager);
    internals.tap('allocated', () => {
      throw new Error('tap broke');
    });
    internals.tap('allocated', (allocation) => heard.push(allocation.jobId));
    expect(() => manager.submit({ id: 'a', resources: { cpu: 1 } })).toThrow('tap broke');
    expect(heard).toEqual(['a']);
    expect(manager.job('a')?.status).toBe('running');
  });
});

describe('the release without an answer (the simulator’s, through the internals)', () => {
  /** Two managers given the same calls: `release` on the first, the internals' release on the second. */
  function twins() {
    const journals: unknown[][] = [[], []];
    const pair = [0, 1].map((k) => setup({ ...preemptionOptions(), journal: (entry) => journals[k]?.push(entry) }));
    return { pair, journals };
  }

  it.each([
    ['with a `released` listener (the view is made for it)', true],
    ['without one (no view is made)', false],
  ])('changes what `release` changes, returns nothing, and writes the same journal entries: %s', (_, listening) => {
    const { pair, journals } = twins();
    const heard: string[][] = [[], []];
    for (const [k, { manager }] of pair.entries()) {
      if (listening) manager.on('released', (allocation, job) => heard[k]?.push(`${job.id} ${job.status} ${allocation.id}`));
      else managerInternals(manager).tap('ended', (allocation) => heard[k]?.push(`${allocation.jobId} ended ${allocation.id}`));
    }
    for (const [k, { manager, clock }] of pair.entries()) {
      const internals = managerInternals(manager);
      const release = (id: string, outcome?: 'preempted') => (k === 0 ? manager.release(id, outcome && { outcome }) : internals.release(id, outcome && { outcome }));
      manager.submit({ id: 'V', resources: { cpu: 4 } });
      manager.submit({ id: 'W', resources: { cpu: 4 } });
      manager.submit({ id: 'H', priority: 'high', resources: { cpu: 4 } }); // V is told to stop within 1000 ms
      clock.time = 200;
      const answer = release(manager.job('V')?.allocationId as string, 'preempted'); // V stops early: H starts
      expect(answer === undefined).toBe(k === 1);
      clock.time = 900;
      release(manager.job('H')?.allocationId as string); // V's back-off ended at 700: it starts again, before W (submitted after it)
      expect(manager.job('V')?.status).toBe('running');
      clock.time = 1_000;
      release(manager.job('V')?.allocationId as string); // W starts
      expect(manager.job('W')?.status).toBe('running');
    }
    const [first, second] = pair.map(({ manager }) => manager);
    // V preempted, started again and completed, H completed, W running, in both: the same books,
    // events and journal (allocation ids begin with a prefix drawn per manager)
    const same = (value: unknown) => JSON.parse(JSON.stringify(value).replace(/[\w-]{11}(\d{10}_\d+)/g, 'P$1')) as unknown;
    expect(same(second?.jobs())).toEqual(same(first?.jobs()));
    expect(same(second?.metrics())).toEqual(same(first?.metrics()));
    expect(same(second?.costs())).toEqual(same(first?.costs()));
    expect(same(heard[1])).toEqual(same(heard[0]));
    expect(same(journals[1])).toEqual(same(journals[0]));
    expect(heard[0]?.map((line) => line.split(' ').slice(0, 2).join(' '))).toEqual(listening ? ['V queued', 'H completed', 'V completed'] : ['V ended', 'H ended', 'V ended']);
    expect(journals[0]?.filter((entry) => (entry as { type: string }).type === 'release')).toHaveLength(3);
  });

  it('refuses what `release` refuses, with its error, and changes nothing', () => {
    const { manager } = setup();
    const internals = managerInternals(manager);
    const a = manager.submit({ id: 'a', resources: { cpu: 1 } });
    if (a.status !== 'allocated') throw new Error('expected a to start');
    internals.release(a.allocation.id);
    const before = manager.jobs();
    expect(() => internals.release(a.allocation.id)).toThrow(expect.objectContaining({ code: 'ALREADY_RELEASED' }));
    expect(() => internals.release('nope')).toThrow(expect.objectContaining({ code: 'UNKNOWN_ALLOCATION' }));
    expect(() => internals.release(a.allocation.id, { outcome: 'lost' as 'failed' })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(manager.jobs()).toEqual(before);
    expect(manager.job('a')?.status).toBe('completed');
  });
});
