import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AllocationManager, type JobView, ResourcePool, fairnessPolicyNames, isFairpackError, placementStrategyNames } from 'fairpack';
import { checkInvariants, checkReleaseAllRestoresCapacity } from 'fairpack/testing';
import { propertyRuns } from '../support.js';

const HOLD_TENANT = '\u0000reservation';

/*
 * Model-based test: random command sequences against the manager and a tiny reference model
 * that knows which jobs were submitted and which the test itself ended. After every command:
 * the pool's books balance (invariants 1, 6), every job is in exactly one state and none is lost
 * (3), concurrency caps hold (4), and no queued job fits right now (5: the queue is never stuck
 * with a fitting job and room to run it).
 */

interface Model {
  submitted: Set<string>;
  ended: Map<string, string>;
  time: number;
}

interface Real {
  manager: AllocationManager;
  pool: ResourcePool;
  clock: { time: number };
}

const CAPS = { heavy: 2 };

function check(model: Model, real: Real): void {
  const { manager, pool } = real;
  checkInvariants(pool);
  const jobs = manager.jobs();
  const byId = new Map<string, JobView>();
  for (const job of jobs) {
    expect(byId.has(job.id), `job ${job.id} listed twice`).toBe(false);
    byId.set(job.id, job);
  }
  for (const id of model.submitted) expect(byId.has(id), `job ${id} was lost`).toBe(true);
  for (const [id, status] of model.ended) expect(byId.get(id)?.status).toBe(status);
  const running = jobs.filter((j) => j.status === 'running');
  expect(new Set(manager.allocations().map((a) => a.jobId))).toEqual(new Set(running.map((j) => j.id)));
  // the rest of the pool's allocations are holds for starving jobs' reservations
  expect(pool.allocations().filter((a) => a.tenant !== HOLD_TENANT).length).toBe(running.length);
  expect(running.filter((j) => j.category === 'heavy').length).toBeLessThanOrEqual(CAPS.heavy);
  const heavyRunning = running.filter((j) => j.category === 'heavy').length;
  for (const job of jobs.filter((j) => j.status === 'queued')) {
    if (job.category === 'heavy' && heavyRunning >= CAPS.heavy) continue;
    const plan = pool.planBatch([{ resources: job.resources, replicas: job.replicas }], { dryRun: true, algorithm: 'ffd' });
    expect(plan.placed.length, `queued job ${job.id} ${JSON.stringify(job.resources)} fits now`).toBe(0);
  }
  expect(manager.metrics().queued).toBe(jobs.filter((j) => j.status === 'queued').length);
}

type Cmd = fc.Command<Model, Real>;

class Submit implements Cmd {
  constructor(readonly id: string, readonly tenant: string, readonly cpu: number, readonly memory: number, readonly priority: string, readonly heavy: boolean, readonly ttlMs: number | undefined) {}
  check = () => true;
  run(model: Model, real: Real): void {
    const result = real.manager.submit({
      id: this.id,
      tenant: this.tenant,
      priority: this.priority,
      resources: { cpu: this.cpu, memory: this.memory },
      ...(this.heavy ? { category: 'heavy' } : {}),
      ...(this.ttlMs === undefined ? {} : { ttlMs: this.ttlMs }),
    });
    model.submitted.add(this.id);
    if (result.status === 'rejected') model.ended.set(this.id, 'rejected');
    check(model, real);
  }
  toString = () => `submit(${this.id} ${this.tenant} cpu ${this.cpu} mem ${this.memory} ${this.priority}${this.heavy ? ' heavy' : ''}${this.ttlMs ? ` ttl ${this.ttlMs}` : ''})`;
}

class Release implements Cmd {
  constructor(readonly pick: number, readonly failed: boolean) {}
  check = () => true;
  run(model: Model, real: Real): void {
    const running = real.manager.allocations();
    const target = running[this.pick % Math.max(1, running.length)];
    if (target !== undefined) {
      real.manager.release(target.id, { outcome: this.failed ? 'failed' : 'completed' });
      model.ended.set(target.jobId, this.failed ? 'failed' : 'completed');
    }
    check(model, real);
  }
  toString = () => `release(${this.pick}${this.failed ? ' failed' : ''})`;
}

class Cancel implements Cmd {
  constructor(readonly pick: number) {}
  check = () => true;
  run(model: Model, real: Real): void {
    const live = real.manager.jobs().filter((j) => j.status === 'queued' || j.status === 'running');
    const target = live[this.pick % Math.max(1, live.length)];
    if (target !== undefined) {
      real.manager.cancel(target.id);
      model.ended.set(target.id, 'cancelled');
    }
    check(model, real);
  }
  toString = () => `cancel(${this.pick})`;
}

class Advance implements Cmd {
  constructor(readonly ms: number) {}
  check = () => true;
  run(model: Model, real: Real): void {
    real.clock.time += this.ms;
    model.time += this.ms;
    for (const id of real.manager.tick().expired) model.ended.set(id, 'expired');
    check(model, real);
  }
  toString = () => `advance(${this.ms})`;
}

class NodeStatus implements Cmd {
  constructor(readonly pick: number, readonly status: 'ready' | 'draining' | 'offline') {}
  check = () => true;
  run(model: Model, real: Real): void {
    const nodes = real.manager.nodes();
    const node = nodes[this.pick % nodes.length];
    if (node !== undefined) real.manager.setNodeStatus(node.id, this.status);
    check(model, real);
  }
  toString = () => `status(${this.pick}, ${this.status})`;
}

class BadSubmit implements Cmd {
  constructor(readonly request: unknown) {}
  check = () => true;
  run(model: Model, real: Real): void {
    const before = JSON.stringify([real.manager.jobs(), real.manager.capacity(), real.manager.queues()]);
    try {
      real.manager.submit(this.request as never);
      throw new Error('bad input was accepted');
    } catch (error) {
      if (!isFairpackError(error)) throw error;
    }
    expect(JSON.stringify([real.manager.jobs(), real.manager.capacity(), real.manager.queues()])).toBe(before);
    check(model, real);
  }
  toString = () => `bad(${JSON.stringify(this.request)})`;
}

let counter = 0;
const commands = [
  fc
    .tuple(fc.constantFrom('a', 'b', 'c'), fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 12 }), fc.constantFrom('high', 'default', 'low'), fc.boolean(), fc.option(fc.integer({ min: 1, max: 50 }), { nil: undefined }))
    .map(([tenant, cpu, memory, priority, heavy, ttl]) => new Submit(`j${counter++}`, tenant, cpu, memory, priority, heavy, ttl)),
  fc.tuple(fc.nat(), fc.boolean()).map(([pick, failed]) => new Release(pick, failed)),
  fc.nat().map((pick) => new Cancel(pick)),
  fc.integer({ min: 1, max: 30 }).map((ms) => new Advance(ms)),
  fc.tuple(fc.nat(), fc.constantFrom('ready' as const, 'ready' as const, 'draining' as const, 'offline' as const)).map(([pick, status]) => new NodeStatus(pick, status)),
  fc.constantFrom<unknown>({ resources: { cpu: -1 } }, { resources: { cpu: 1 }, priority: 'nope' }, { resources: 'x' }, { resources: { cpu: 1 }, ttlMs: -5 }).map((request) => new BadSubmit(request)),
];

describe.each(fairnessPolicyNames)('model-based: %s', (fairness) => {
  it.each(placementStrategyNames)('with %s placement', (placement) => {
    fc.assert(
      fc.property(fc.commands(commands, { maxCommands: 40 }), (cmds) => {
        const clock = { time: 0 };
        const pool = new ResourcePool({ placement, nodes: [{ id: 'n1', capacity: { cpu: 8, memory: 16 } }, { id: 'n2', capacity: { cpu: 4, memory: 8 } }, { id: 'n3', capacity: { cpu: 8, memory: 32 } }], now: () => clock.time });
        // a short starvation bound, so that reservations and their holds take part
        const manager = new AllocationManager({ pool, fairness, concurrency: CAPS, now: () => clock.time, timers: false, starvation: { afterMs: 40 } });
        const real: Real = { manager, pool, clock };
        fc.modelRun(() => ({ model: { submitted: new Set<string>(), ended: new Map<string, string>(), time: 0 }, real }), cmds);
        // progress: with every node ready, releasing everything repeatedly leaves no fitting job queued
        for (const node of manager.nodes()) manager.setNodeStatus(node.id, 'ready');
        for (let round = 0; round < 200 && manager.allocations().length > 0; round++) {
          for (const allocation of manager.allocations()) manager.release(allocation.id);
        }
        expect(manager.jobs({ status: 'queued' })).toEqual([]);
        checkReleaseAllRestoresCapacity(pool);
      }),
      { numRuns: propertyRuns(25) },
    );
  });
});
