import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AllocationManager, type AllocationManagerOptions, type FairnessPolicyName, fairnessPolicyNames } from 'fairpack';
import { EVENT_NAMES } from '../../src/manager/deferred-events.js';
import { managerInternals } from '../../src/manager/internals.js';
import { propertyRuns } from '../support.js';

/*
 * Differential test of the direct start (AllocationManager#startedDirectly) and of the release that
 * skips its closing cycle when nothing waits: two managers, the second built from the first's
 * snapshot (same job-id sequence) with both shortcuts off, get the same random calls. After every
 * call the answers (or error codes), the events, the metrics, the costs and the snapshots must be
 * equal. The sequences alternate an idle cluster (where the shortcuts run) with a congested one
 * (where they must step aside), with quotas, caps, classes that preempt, TTLs, the starvation bound,
 * gangs, jobs given their own ids, nodes going offline and time passing.
 */

const CLASSES = [
  { name: 'high', value: 100, canPreempt: true, preemptionGraceMs: 10 },
  { name: 'default', value: 0, preemptionGraceMs: 5, minRuntimeMs: 2 },
  { name: 'low', value: -100, preemptionGraceMs: 0 },
];

type Op =
  | { readonly kind: 'submit'; readonly tenant: string; readonly cpu: number; readonly memory: number; readonly priority: string; readonly replicas: number; readonly ttlMs: number | undefined; readonly heavy: boolean; readonly ownId: number | undefined }
  | { readonly kind: 'release'; readonly pick: number; readonly outcome: 'completed' | 'failed' | 'preempted' }
  | { readonly kind: 'cancel'; readonly pick: number }
  | { readonly kind: 'advance'; readonly ms: number }
  | { readonly kind: 'tick' }
  | { readonly kind: 'node'; readonly node: number; readonly status: 'offline' | 'ready' | 'draining' }
  | { readonly kind: 'quota'; readonly tenant: string; readonly cpu: number | null }
  | { readonly kind: 'cap'; readonly limit: number | undefined };

const tenant = fc.constantFrom('a', 'b', 'c', 'd');
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('submit' as const),
      tenant,
      cpu: fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 1, max: 9 }) }, { weight: 1, arbitrary: fc.constant(17) }),
      memory: fc.integer({ min: 1, max: 20 }),
      priority: fc.constantFrom('default', 'default', 'low', 'high'),
      replicas: fc.constantFrom(1, 1, 1, 2),
      ttlMs: fc.option(fc.integer({ min: 1, max: 40 }), { nil: undefined }),
      heavy: fc.boolean(),
      ownId: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined, freq: 4 }),
    }),
  },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('release' as const), pick: fc.nat(), outcome: fc.constantFrom('completed' as const, 'completed' as const, 'failed' as const, 'preempted' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 30 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'tick' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('node' as const), node: fc.nat({ max: 3 }), status: fc.constantFrom('offline' as const, 'ready' as const, 'ready' as const, 'draining' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('quota' as const), tenant, cpu: fc.option(fc.integer({ min: 2, max: 20 }), { nil: null }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cap' as const), limit: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }) }) },
);

interface Side {
  readonly manager: AllocationManager;
  readonly events: unknown[];
}

function listen(manager: AllocationManager): Side {
  const events: unknown[] = [];
  for (const name of EVENT_NAMES) manager.on(name, (...args: unknown[]) => events.push([name, ...args]));
  return { manager, events };
}

/** What one call did: its answer or its error code. */
function attempt(call: () => unknown): unknown {
  try {
    return { ok: call() };
  } catch (error) {
    return { error: (error as { code?: string }).code ?? String(error) };
  }
}

function apply(side: Side, step: Op): unknown {
  const { manager } = side;
  switch (step.kind) {
    case 'submit':
      return attempt(() =>
        manager.submit({
          ...(step.ownId === undefined ? {} : { id: `own-${step.ownId}` }),
          tenant: step.tenant,
          priority: step.priority,
          resources: { cpu: step.cpu, memory: step.memory },
          ...(step.replicas === 1 ? {} : { replicas: step.replicas }),
          ...(step.ttlMs === undefined ? {} : { ttlMs: step.ttlMs }),
          ...(step.heavy ? { category: 'heavy' } : {}),
        }),
      );
    case 'release': {
      const live = manager.allocations().sort((x, y) => (x.jobId < y.jobId ? -1 : 1));
      const allocation = live[step.pick % Math.max(1, live.length)];
      return allocation === undefined ? undefined : attempt(() => manager.release(allocation.id, { outcome: step.outcome }));
    }
    case 'cancel': {
      const jobs = manager.jobs().filter((j) => j.status === 'queued' || j.status === 'running');
      const job = jobs[step.pick % Math.max(1, jobs.length)];
      return job === undefined ? undefined : attempt(() => manager.cancel(job.id));
    }
    case 'tick':
      return attempt(() => manager.tick());
    case 'node':
      return attempt(() => manager.setNodeStatus(`n${step.node}`, step.status));
    case 'quota':
      return attempt(() => manager.setQuota(step.tenant, step.cpu === null ? null : { cpu: step.cpu }));
    case 'cap':
      return attempt(() => manager.setConcurrency('heavy', step.limit));
    case 'advance':
      return undefined;
  }
}

/** Everything a caller can read of a manager, as plain data. */
function state(side: Side): unknown {
  const { manager } = side;
  return JSON.parse(JSON.stringify({ snapshot: manager.snapshot(), metrics: manager.metrics(), costs: manager.costs(), jobs: manager.jobs(), queues: manager.queues(), events: side.events.splice(0) }));
}

function options(fairness: FairnessPolicyName, clock: { time: number }, starvation: boolean): AllocationManagerOptions {
  return {
    nodes: [0, 1, 2, 3].map((i) => ({ id: `n${i}`, capacity: { cpu: 16, memory: 32 }, costPerHour: i + 1 })),
    fairness,
    priorityClasses: CLASSES,
    preemption: { backoffMs: 7 },
    starvation: starvation ? { afterMs: 15 } : false,
    concurrency: { heavy: 2 },
    tenants: { b: { quota: { cpu: 12 }, onExceed: 'reject' } },
    history: 6,
    now: () => clock.time,
    timers: false,
  };
}

/** Runs `steps` on a manager with the shortcuts and on one without; every answer and state must agree. */
function agree(fairness: FairnessPolicyName, starvation: boolean, steps: readonly Op[]): void {
  const clock = { time: 0 };
  const fast = new AllocationManager(options(fairness, clock, starvation));
  // the same id sequence (a restore keeps it), then only the cycle
  const slow = AllocationManager.restore(fast.snapshot(), { now: () => clock.time, timers: false });
  managerInternals(slow).withoutDirectStarts();
  const sides = [listen(fast), listen(slow)] as const;
  for (const step of steps) {
    if (step.kind === 'advance') clock.time += step.ms;
    const [a, b] = sides.map((side) => JSON.parse(JSON.stringify(apply(side, step) ?? null)));
    expect(b, JSON.stringify(step)).toEqual(a);
    expect(state(sides[1])).toEqual(state(sides[0]));
  }
}

const submit = (cpu: number, priority = 'default', extra: Partial<Extract<Op, { kind: 'submit' }>> = {}): Op => ({ kind: 'submit', tenant: 'a', cpu, memory: 1, priority, replicas: 1, ttlMs: undefined, heavy: false, ownId: undefined, ...extra });

describe('the direct start and the release without a cycle', () => {
  it('change nothing a caller can see: random calls with the shortcuts on and off agree', () => {
    fc.assert(
      fc.property(fc.constantFrom(...fairnessPolicyNames), fc.boolean(), fc.array(op, { minLength: 1, maxLength: 60 }), (fairness, starvation, steps) => agree(fairness, starvation, steps)),
      { numRuns: propertyRuns(120) },
    );
  });

  it('wait for a grace period that ended to be timed out by the cycle, even with nothing queued', () => {
    // four victims fill the nodes; past their minimum runtime a high job nominates one (grace 5 ms) and is cancelled: the
    // victim is reprieved, its grace timer is left behind. With nothing queued, a submit past that
    // time must let the cycle drop the timer (a snapshot lists the timers)
    const fill = [0, 1, 2, 3].map(() => submit(16));
    agree('drf', false, [...fill, { kind: 'advance', ms: 3 }, submit(16, 'high'), { kind: 'cancel', pick: 4 }, { kind: 'release', pick: 0, outcome: 'completed' }, { kind: 'advance', ms: 10 }, submit(1), { kind: 'release', pick: 0, outcome: 'completed' }, submit(2)]);
  });

  it('starts a job on an idle cluster without a queue, and steps aside when one waits', () => {
    const clock = { time: 0 };
    const manager = new AllocationManager({ nodes: [{ id: 'n0', capacity: { cpu: 4 } }], now: () => clock.time, timers: false });
    const queued: string[] = [];
    manager.on('queued', (job) => queued.push(job.id));
    const first = manager.submit({ tenant: 'a', resources: { cpu: 3 } });
    expect(first.status).toBe('allocated');
    const second = manager.submit({ tenant: 'b', resources: { cpu: 3 } });
    expect(second.status).toBe('queued');
    // something waits: the small job goes through the cycle (backfill places it past the waiting one)
    const third = manager.submit({ tenant: 'c', resources: { cpu: 1 } });
    expect(third.status).toBe('allocated');
    expect(queued).toEqual([second.jobId]);
    if (first.status !== 'allocated') throw new Error('unreachable');
    clock.time = 5;
    manager.release(first.allocation.id);
    expect(manager.job(second.jobId)?.status).toBe('running');
  });
});
