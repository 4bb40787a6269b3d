import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AllocationManager, type JobView, type PreemptionEvent, type PriorityClassSpec, ResourcePool, fairnessPolicyNames, isFairpackError, placementStrategyNames } from 'fairpack';
import { checkInvariants, checkPreemptionSettled, checkReleaseAllRestoresCapacity } from 'fairpack/testing';
import { managerInternals } from '../../src/manager/internals.js';
import { propertyRuns } from '../support.js';

/*
 * Model-based test: random command sequences against the manager and a tiny reference model
 * that knows which jobs were submitted and which the test itself ended. After every command:
 * the pool's books balance (invariants 1, 6), every job is in exactly one state and none is lost
 * (3), concurrency caps and quotas hold (4), no queued job fits right now unless it is held back
 * by its back-off or its quota (5), and preemption does not storm: victims are strictly lower
 * (or burst jobs of another tenant), and for every class c the number of preemption waves that
 * evicted class-c jobs for priority is at most the number of submissions of classes above c;
 * no job is chosen as a preemptor while a job of a strictly higher class that could use the same
 * victims waits; and at quiescence (a Settle command) `checkPreemptionSettled` holds.
 */

interface Model {
  submitted: Set<string>;
  ended: Map<string, string>;
  time: number;
  /** Submissions per class. */
  arrivals: Map<string, number>;
  /** Per victim class: the preemptors that evicted jobs of it (one entry per wave). */
  waves: Map<string, Set<string>>;
  /** Node status changes: a failed node ends preemption waves, so the storm bound is for arrivals only. */
  nodeChanges: number;
  /** Commands run so far (a wave is one preemptor's evictions in one command). */
  step: number;
  /** The heavy category's cap now, and its running jobs after the previous command. */
  cap: number;
  heavyRunning: number;
  /** Live cpu per tenant after the previous command: all jobs, and jobs not on burst room. */
  usage: Map<string, readonly [number, number]>;
  /** Nodes set offline by hand or interrupted (a heartbeat does not bring them back). */
  setOffline: Set<string>;
  /** Each keyed submission's request and first answer: a retry must get the same (exactly once). */
  answers: Map<string, { readonly request: unknown; readonly result: unknown }>;
}

interface Real {
  manager: AllocationManager;
  pool: ResourcePool;
  clock: { time: number };
  events: PreemptionEvent[];
}

const CAPS = { heavy: 2 };

/** Short grace periods, an exemption and a back-off, so that all of them happen in 40 commands. */
const CLASSES: PriorityClassSpec[] = [
  { name: 'real-time', value: 1000, canPreempt: true, preemptible: false, preemptionGraceMs: 0 },
  { name: 'high', value: 100, canPreempt: true, preemptionGraceMs: 10 },
  { name: 'default', value: 0, preemptionGraceMs: 20, minRuntimeMs: 5 },
  { name: 'low', value: -100, preemptionGraceMs: 0 },
];
const VALUE = new Map(CLASSES.map((c) => [c.name, c.value]));
/** a: hard 10 cpu, low jobs may burst to 15; queue past it. b: 8 cpu, rejected past it. c: none. */
const TENANTS = { a: { quota: { cpu: 10 }, onExceed: 'queue' as const, burst: 1.5 }, b: { quota: { cpu: 8 } } };

/** A tenant's live cpu: [all its jobs, its jobs not on burst room]. */
function liveUsage(jobs: readonly JobView[], tenant: string): [number, number] {
  let all = 0;
  let hard = 0;
  for (const job of jobs) {
    if (job.tenant !== tenant || (job.status !== 'running' && job.status !== 'preempted')) continue;
    const cpu = (job.resources['cpu'] ?? 0) * job.replicas;
    all += cpu;
    if (job.burst !== true) hard += cpu;
  }
  return [all, hard];
}

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
  // preempted jobs keep their allocation until their grace period ends
  const running = jobs.filter((j) => j.status === 'running' || j.status === 'preempted');
  expect(new Set(manager.allocations().map((a) => a.jobId))).toEqual(new Set(running.map((j) => j.id)));
  // held room is `reserved`, never an allocation: the pool lists exactly the running jobs'
  expect(pool.allocations().length).toBe(running.length);
  // the cap can be lowered below what runs (nothing is stopped): heavy jobs may only start within it
  const heavyRunning = running.filter((j) => j.category === 'heavy').length;
  if (heavyRunning > model.heavyRunning) expect(heavyRunning, `heavy jobs grew to ${heavyRunning} past the cap ${model.cap}`).toBeLessThanOrEqual(model.cap);
  model.heavyRunning = heavyRunning;
  expect(manager.concurrency()['heavy']).toEqual({ limit: model.cap, running: heavyRunning });
  model.step++;
  checkQuotas(model, real, jobs);
  checkPreemptorOrder(real);
  checkPromises(real);
  checkPreemptions(model, real);
  for (const job of jobs.filter((j) => j.status === 'queued')) {
    if (job.category === 'heavy' && heavyRunning >= model.cap) continue;
    if ((job.backoffUntil ?? -Infinity) > real.clock.time || job.reason === 'quota') continue;
    // a preemptor whose victims have begun to leave waits for its node (bounded by their grace)
    if (job.nominatedNode !== undefined) continue;
    const plan = pool.planBatch([{ resources: job.resources, replicas: job.replicas }], { dryRun: true, algorithm: 'ffd' });
    expect(plan.placed.length, `queued job ${job.id} ${JSON.stringify(job.resources)} fits now`).toBe(0);
  }
  expect(manager.metrics().queued).toBe(jobs.filter((j) => j.status === 'queued').length);
  // no job runs on an offline node (failed by hand or silent past the heartbeat timeout)
  const offline = new Set(manager.nodes().filter((n) => n.status === 'offline').map((n) => n.id));
  for (const allocation of manager.allocations()) {
    for (const { nodeId } of allocation.placements) expect(offline.has(nodeId), `${allocation.jobId} runs on offline node ${nodeId}`).toBe(false);
  }
  // a node reported drained is draining with nothing on it
  for (const id of manager.metrics().nodes.drained) {
    const node = manager.nodes().find((n) => n.id === id);
    expect([node?.status, node?.allocationCount], `drained node ${id}`).toEqual(['draining', 0]);
  }
}

/**
 * Exact quotas. Usage only grows by starts, and a start is admitted only if the total stays within
 * the limit (burst jobs: within floor(limit × 1.5)). So if a tenant's usage grew in a command, it
 * is within the burst limit now; and if its non-burst usage grew, that is within the hard limit
 * (burst jobs started after the last non-burst start are not part of it). A quota lowered below
 * current use evicts nothing, so no other bound holds.
 */
function checkQuotas(model: Model, real: Real, jobs: readonly JobView[]): void {
  for (const tenant of ['a', 'b', 'c']) {
    const [all, hard] = liveUsage(jobs, tenant);
    const [allBefore, hardBefore] = model.usage.get(tenant) ?? [0, 0];
    model.usage.set(tenant, [all, hard]);
    const limit = real.manager.quota(tenant).limits?.['cpu'];
    if (limit === undefined) continue;
    const burstLimit = tenant === 'a' ? Math.floor(limit * 1.5) : limit;
    if (all > allBefore) expect(all, `tenant ${tenant} grew to ${all} cpu past its burst limit ${burstLimit}`).toBeLessThanOrEqual(burstLimit);
    if (hard > hardBefore) expect(hard, `tenant ${tenant}'s non-burst jobs grew to ${hard} cpu past its limit ${limit}`).toBeLessThanOrEqual(limit);
  }
}

/**
 * No preemptor was chosen while a job of a strictly higher class waited that could use the same
 * victims: for each wave (a preemptor's victims on one node), no queued job of a higher class that
 * may preempt, is one replica, is not nominated and nothing but room holds back, needs no more
 * than the victims' room alone (one-replica victims only: a conservative sum).
 */
function checkPreemptorOrder(real: Real): void {
  const internals = managerInternals(real.manager);
  const waves = new Map<string, { preemptor: JobView; nodeId: string; cpu: number; memory: number }>();
  for (const { victim, preemptor, nodeId } of real.events) {
    const key = `${preemptor.id}@${nodeId}`;
    const wave = waves.get(key) ?? { preemptor, nodeId, cpu: 0, memory: 0 };
    if (victim.replicas === 1) {
      wave.cpu += victim.resources['cpu'] ?? 0;
      wave.memory += victim.resources['memory'] ?? 0;
    }
    waves.set(key, wave);
  }
  for (const { preemptor, nodeId, cpu, memory } of waves.values()) {
    for (const job of internals.liveJobs()) {
      if (job.status !== 'queued' || !job.klass.canPreempt || job.klass.value <= (VALUE.get(preemptor.priority) as number)) continue;
      if (job.replicas !== 1 || job.nominatedNode !== undefined || internals.holdBack(job) !== undefined) continue;
      if (job.category !== undefined || real.manager.quota(job.tenant).limits !== undefined) continue;
      const fits = (job.resources['cpu'] ?? 0) <= cpu && (job.resources['memory'] ?? 0) <= memory;
      expect(fits, `${preemptor.id} (${preemptor.priority}) evicted jobs on ${nodeId} that ${job.id} (${job.priority}), waiting, could use`).toBe(false);
    }
  }
}

/**
 * The quota books count as promised, per tenant, exactly the demand of the preemptors they are
 * promised to — each once, each queued and nominated (a preemptor that found new victims in the
 * pass its node drained was once promised twice and withdrawn once: its tenant's quota shrank for good).
 */
function checkPromises(real: Real): void {
  const { jobs, promisedOf } = managerInternals(real.manager).promises();
  const expected = new Map<string, Map<string, number>>();
  for (const job of jobs) {
    expect(job.status === 'queued' && job.nominatedNode !== undefined, `${job.id} is promised but ${job.status}${job.nominatedNode === undefined ? ', not nominated' : ''}`).toBe(true);
    let sum = expected.get(job.tenant);
    if (sum === undefined) expected.set(job.tenant, (sum = new Map()));
    for (const [name, amount] of job.demand) sum.set(name, (sum.get(name) ?? 0) + amount);
  }
  for (const tenant of new Set(['a', 'b', 'c', ...expected.keys()])) {
    const books = [...promisedOf(tenant)].filter(([, amount]) => amount !== 0).sort();
    const own = [...(expected.get(tenant) ?? [])].filter(([, amount]) => amount !== 0).sort();
    expect(books, `promised to tenant ${tenant}'s preemptors`).toEqual(own);
  }
}

/** Victims are strictly lower or burst; waves per victim class are bounded by higher arrivals. */
function checkPreemptions(model: Model, real: Real): void {
  for (const { victim, preemptor } of real.events.splice(0)) {
    const [v, p] = [VALUE.get(victim.priority) as number, VALUE.get(preemptor.priority) as number];
    if (v >= p) {
      expect(victim.burst, `${preemptor.id} (${preemptor.priority}) evicted ${victim.id} (${victim.priority}), not burst`).toBe(true);
      expect(victim.tenant).not.toBe(preemptor.tenant);
      continue;
    }
    let preemptors = model.waves.get(victim.priority);
    if (preemptors === undefined) model.waves.set(victim.priority, (preemptors = new Set()));
    preemptors.add(`${preemptor.id}#${model.step}`);
  }
  if (model.nodeChanges > 0) return;
  for (const [victimClass, waves] of model.waves) {
    const higher = [...model.arrivals].filter(([c]) => (VALUE.get(c) as number) > (VALUE.get(victimClass) as number)).reduce((sum, [, n]) => sum + n, 0);
    expect(waves.size, `${waves.size} waves evicted ${victimClass} jobs, ${higher} higher arrivals`).toBeLessThanOrEqual(higher);
  }
}

type Cmd = fc.Command<Model, Real>;

class Submit implements Cmd {
  constructor(readonly id: string, readonly tenant: string, readonly cpu: number, readonly memory: number, readonly priority: string, readonly heavy: boolean, readonly ttlMs: number | undefined) {}
  check = () => true;
  run(model: Model, real: Real): void {
    const request = {
      id: this.id,
      tenant: this.tenant,
      priority: this.priority,
      resources: { cpu: this.cpu, memory: this.memory },
      estimatedRuntimeMs: this.cpu * 7,
      ...(this.heavy ? { category: 'heavy' } : {}),
      ...(this.ttlMs === undefined ? {} : { ttlMs: this.ttlMs }),
    };
    // every other submission carries an idempotency key (its id), for the Retry command
    const keyed = Number(this.id.slice(1)) % 2 === 0;
    const result = real.manager.submit(request, keyed ? { idempotencyKey: this.id } : undefined);
    if (keyed) model.answers.set(this.id, { request, result: structuredClone(result) });
    model.submitted.add(this.id);
    model.arrivals.set(this.priority, (model.arrivals.get(this.priority) ?? 0) + 1);
    if (result.status === 'rejected') model.ended.set(this.id, 'rejected');
    check(model, real);
  }
  toString = () => `submit(${this.id} ${this.tenant} cpu ${this.cpu} mem ${this.memory} ${this.priority}${this.heavy ? ' heavy' : ''}${this.ttlMs ? ` ttl ${this.ttlMs}` : ''})`;
}

/** A keyed submission sent again (its answer was lost): the first answer, and nothing changes. */
class Retry implements Cmd {
  constructor(readonly pick: number) {}
  check = (model: Readonly<Model>) => model.answers.size > 0;
  run(model: Model, real: Real): void {
    const [key, first] = [...model.answers][this.pick % model.answers.size] as [string, { request: unknown; result: unknown }];
    const jobs = real.manager.jobs().length;
    const seq = real.manager.journalSeq();
    expect(real.manager.submit(first.request as never, { idempotencyKey: key }), `retry of ${key}`).toEqual(first.result);
    expect([real.manager.jobs().length, real.manager.journalSeq()]).toEqual([jobs, seq]);
    check(model, real);
  }
  toString = () => `retry(${this.pick})`;
}

class Release implements Cmd {
  constructor(readonly pick: number, readonly outcome: 'completed' | 'failed' | 'preempted') {}
  check = () => true;
  run(model: Model, real: Real): void {
    const running = real.manager.allocations();
    const target = running[this.pick % Math.max(1, running.length)];
    if (target !== undefined) {
      const { job } = real.manager.release(target.id, { outcome: this.outcome });
      // a job released as preempted queues again
      if (this.outcome === 'preempted') expect(job.status).toBe('queued');
      else model.ended.set(target.jobId, this.outcome);
    }
    check(model, real);
  }
  toString = () => `release(${this.pick} ${this.outcome})`;
}

class SetQuota implements Cmd {
  constructor(readonly tenant: string, readonly cpu: number | null) {}
  check = () => true;
  run(model: Model, real: Real): void {
    const settings = this.tenant === 'a' ? { onExceed: 'queue' as const, burst: 1.5 } : {};
    real.manager.setQuota(this.tenant, this.cpu === null ? null : { cpu: this.cpu }, settings);
    // lowering a quota evicts nothing: what runs keeps running (checkQuotas allows no growth past it)
    model.usage.set(this.tenant, liveUsage(real.manager.jobs(), this.tenant));
    check(model, real);
  }
  toString = () => `quota(${this.tenant}, ${this.cpu})`;
}

class SetCap implements Cmd {
  constructor(readonly limit: number) {}
  check = () => true;
  run(model: Model, real: Real): void {
    real.manager.setConcurrency('heavy', this.limit);
    model.cap = this.limit;
    check(model, real);
  }
  toString = () => `cap(heavy, ${this.limit})`;
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

/**
 * Lets time pass with nothing else happening until no victim is in its grace period and no
 * back-off or minRuntimeMs exemption is pending (each round is past all of them: 21 ms), then
 * checks that preemption has settled: no queued job could run by evicting lower classes.
 */
class Settle implements Cmd {
  check = () => true;
  run(model: Model, real: Real): void {
    let rounds = 0;
    do {
      real.clock.time += 21;
      model.time += 21;
      for (const id of real.manager.tick().expired) model.ended.set(id, 'expired');
      check(model, real);
      rounds++;
    } while (rounds < 2 || (rounds < 60 && real.manager.jobs().some((j) => j.status === 'preempted' || (j.backoffUntil ?? -Infinity) > real.clock.time)));
    expect(real.manager.jobs().filter((j) => j.status === 'preempted'), 'preemption has not settled in 60 rounds').toEqual([]);
    checkPreemptionSettled(real.manager);
  }
  toString = () => 'settle()';
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

/** A node is drained (maybe with a deadline) or interrupted (a spot reclaim with a notice). */
class Drain implements Cmd {
  constructor(readonly pick: number, readonly kind: 'drain' | 'interrupt', readonly ms: number | undefined) {}
  check = () => true;
  run(model: Model, real: Real): void {
    const nodes = real.manager.nodes();
    const node = nodes[this.pick % nodes.length] as { id: string };
    if (this.kind === 'interrupt') real.manager.interruptNode(node.id, { noticeMs: this.ms ?? 0 });
    else real.manager.drain(node.id, this.ms === undefined ? {} : { deadlineMs: this.ms });
    check(model, real);
  }
  toString = () => `${this.kind}(${this.pick}, ${this.ms})`;
}

/** A node reports alive: its timeout starts again; one that went offline by silence comes back. */
class Heartbeat implements Cmd {
  /** `mask`: undefined reports nothing; else the node's allocations whose bit is set, and a ghost when bit 31 is. */
  constructor(readonly pick: number, readonly mask: number | undefined) {}
  check = () => true;
  run(model: Model, real: Real): void {
    const nodes = real.manager.nodes();
    const node = nodes[this.pick % nodes.length] as { id: string; status: string };
    const before = real.manager.nodes().find((n) => n.id === node.id)?.status;
    const here = real.manager.allocations().filter((a) => a.placements.some((p) => p.nodeId === node.id));
    const mask = this.mask;
    const running = mask === undefined ? undefined : [...here.filter((_, i) => (mask >> i % 31) & 1).map((a) => a.id), ...(mask < 0 ? ['ghost'] : [])];
    const after = real.manager.heartbeat(node.id, running === undefined ? undefined : { running }).status;
    // an allocation left out twice in a row was released as lost (failed)
    if (running !== undefined) {
      for (const allocation of here) {
        const job = real.manager.job(allocation.jobId);
        if (job?.status === 'failed') {
          expect(running, `${allocation.id} reported, yet lost`).not.toContain(allocation.id);
          model.ended.set(allocation.jobId, 'failed');
        }
      }
    }
    // set offline by hand: stays offline; otherwise it is ready or draining (back from silence as it was)
    if (before === 'offline' && after === 'offline') expect(model.setOffline.has(node.id), `${node.id} stayed offline after a heartbeat`).toBe(true);
    check(model, real);
  }
  toString = () => `heartbeat(${this.pick}, ${this.mask})`;
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
const submit = fc
  .tuple(fc.constantFrom('a', 'b', 'c'), fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 12 }), fc.constantFrom('real-time', 'high', 'default', 'low', 'low'), fc.constantFrom(false, false, false, true), fc.option(fc.integer({ min: 1, max: 50 }), { nil: undefined }))
  .map(([tenant, cpu, memory, priority, heavy, ttl]) => new Submit(`j${counter++}`, tenant, cpu, memory, priority, heavy, ttl));
const commands = [
  // submissions are the most frequent command, so that the cluster fills and preemption happens
  submit,
  submit,
  submit,
  fc.tuple(fc.nat(), fc.constantFrom('completed' as const, 'failed' as const, 'preempted' as const)).map(([pick, outcome]) => new Release(pick, outcome)),
  fc.nat().map((pick) => new Retry(pick)),
  fc.tuple(fc.constantFrom('a', 'b'), fc.option(fc.integer({ min: 0, max: 14 }), { nil: null })).map(([tenant, cpu]) => new SetQuota(tenant, cpu)),
  fc.nat().map((pick) => new Cancel(pick)),
  fc.integer({ min: 0, max: 3 }).map((limit) => new SetCap(limit)),
  fc.integer({ min: 1, max: 30 }).map((ms) => new Advance(ms)),
  fc.constant(new Settle()),
  fc.tuple(fc.nat(), fc.constantFrom('ready' as const, 'ready' as const, 'draining' as const, 'offline' as const)).map(([pick, status]) => new NodeStatus(pick, status)),
  fc.nat().map((pick) => new Heartbeat(pick, undefined)),
  fc.tuple(fc.nat(), fc.integer()).map(([pick, mask]) => new Heartbeat(pick, mask)),
  fc.tuple(fc.nat(), fc.constantFrom('drain' as const, 'interrupt' as const), fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined })).map(([pick, kind, ms]) => new Drain(pick, kind, ms)),
  fc.constantFrom<unknown>({ resources: { cpu: -1 } }, { resources: { cpu: 1 }, priority: 'nope' }, { resources: 'x' }, { resources: { cpu: 1 }, ttlMs: -5 }).map((request) => new BadSubmit(request)),
];

/**
 * A sequence found before, run first for every policy × strategy: a real-time preemptor nominated
 * on n3 (its victim a default job there), then n3 drains — it finds victims on n1 in the same
 * pass. Its old wave must end first: its demand was promised twice against tenant a's quota.
 */
function regression(): Cmd[] {
  return [
    ...['r0', 'r1', 'r2', 'r3'].map((id) => new Submit(id, 'c', 3, 0, 'default', false, undefined)),
    new Advance(5),
    new Submit('r4', 'a', 6, 0, 'real-time', false, undefined),
    new NodeStatus(2, 'draining'),
    new Advance(20),
    new Settle(),
  ];
}

describe.each(fairnessPolicyNames)('model-based: %s', (fairness) => {
  it.each(placementStrategyNames)('with %s placement', (placement) => {
    fc.assert(
      fc.property(fc.commands(commands, { maxCommands: 50, size: '+1' }), (cmds) => {
        const clock = { time: 0 };
        const pool = new ResourcePool({ placement, nodes: [{ id: 'n1', capacity: { cpu: 8, memory: 16 } }, { id: 'n2', capacity: { cpu: 4, memory: 8 } }, { id: 'n3', capacity: { cpu: 8, memory: 32 } }], now: () => clock.time });
        // a short starvation bound, so that reservations and their holds take part
        const manager = new AllocationManager({
          pool,
          fairness,
          concurrency: CAPS,
          priorityClasses: CLASSES,
          tenants: TENANTS,
          preemption: { backoffMs: 15 },
          now: () => clock.time,
          timers: false,
          starvation: { afterMs: 40 },
          // nodes that send no heartbeat for 60 ms go offline at a tick, and come back with one
          heartbeat: { timeoutMs: 60 },
        });
        const events: PreemptionEvent[] = [];
        manager.on('preempted', (event) => events.push(event));
        const real: Real = { manager, pool, clock, events };
        const model: Model = { submitted: new Set(), ended: new Map(), time: 0, arrivals: new Map(), waves: new Map(), step: 0, usage: new Map(), nodeChanges: 0, cap: CAPS.heavy, heavyRunning: 0, setOffline: new Set(), answers: new Map() };
        manager.on('node:status', (node, { previous, reason }) => {
          model.nodeChanges++;
          expect(node.status === previous && reason !== 'set', `${node.id}: a ${reason} change from ${previous} to itself`).toBe(false);
          // offline by hand or by an interruption: no heartbeat brings it back
          if (node.status !== 'offline') model.setOffline.delete(node.id);
          else if (reason === 'set' || reason === 'interrupted') model.setOffline.add(node.id);
          if (reason === 'heartbeat-timeout') expect(node.status).toBe('offline');
        });
        fc.modelRun(() => ({ model, real }), cmds);
        // progress: with every node ready and no quotas, releasing everything repeatedly (time
        // passing, so grace periods and back-offs end) leaves no job queued
        for (const node of manager.nodes()) manager.setNodeStatus(node.id, 'ready');
        for (const tenant of ['a', 'b']) manager.setQuota(tenant, null);
        manager.setConcurrency('heavy', undefined);
        for (let round = 0; round < 200 && (manager.allocations().length > 0 || manager.metrics().queued > 0); round++) {
          clock.time += 50;
          // every node alive: none falls silent while the queue drains
          for (const node of manager.nodes()) manager.heartbeat(node.id);
          manager.tick();
          // one at a time: a release can start a job that evicts another allocation of the list
          for (let next = manager.allocations()[0]; next !== undefined; next = manager.allocations()[0]) manager.release(next.id);
        }
        expect(manager.jobs({ status: 'queued' })).toEqual([]);
        checkPreemptionSettled(manager);
        checkReleaseAllRestoresCapacity(pool);
      }),
      { numRuns: propertyRuns(25), examples: [[regression()]] },
    );
  });
});
