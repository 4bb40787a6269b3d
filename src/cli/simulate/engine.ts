import { AllocationManager, type AllocationManagerOptions, type TenantOptions } from '../../index.js';
import { ClusterBooks } from './cluster-books.js';
import { EventQueue, type SimEvent } from './event-queue.js';
import { COMPLETED, JobTable, REJECTED, RUNNING, SUBMITTING, WAITING } from './job-table.js';
import { Recorder } from './recorder.js';
import { type Combination, type SimulationRun, labelOf } from './results.js';
import type { Scenario, SimJob } from './scenario.js';
import { round } from './stats.js';

export interface RunOptions extends Combination {
  /** Passed to the manager as its `tenants` option (weights, quotas). */
  readonly tenants?: Readonly<Record<string, TenantOptions>>;
  /** Chart resolution: the time series keep between this many and twice as many buckets. */
  readonly samples: number;
  /** Wall clock in ms, read only for `timing` (decisions per second); never affects the run. */
  readonly wallClock: () => number;
  /** Called now and then with the share of the work done, 0–1. */
  readonly onProgress?: (fraction: number) => void;
}

/**
 * Runs one combination over the scenario: a discrete-event simulation driving the real
 * AllocationManager with an injected clock. No I/O and no wall-clock waits; given the same
 * scenario and combination it produces the same result, bit for bit (but for `timing`).
 *
 * The model (docs/simulate.md): jobs are submitted at their arrival times; the manager starts
 * them (now or later: `allocated`), and each start schedules a completion `durationMs` later,
 * released with `release()`. Running jobs are tracked by allocation id: a job that loses its
 * allocation — its node failed, or it was preempted — is re-queued by the manager and, when it is
 * allocated again under a new id, runs its full duration again (no checkpoints, as in most real
 * clusters); the old completion is then stale and ignored. Preemption victims stop at once on the
 * `preempted` event rather than using their grace period. Events at the same instant run in the
 * order they were scheduled, then the arrivals of that instant.
 */
export function simulate(scenario: Scenario, options: RunOptions): SimulationRun {
  const wallStart = options.wallClock();
  const tenantIndex = new Map(scenario.tenants.map((name, i) => [name, i] as const));
  const priorityIndex = new Map(scenario.priorities.map((name, i) => [name, i] as const));
  const books = new ClusterBooks(
    scenario.nodes,
    Float64Array.from(scenario.tenants, (name) => options.tenants?.[name]?.weight ?? 1),
  );
  const jobs = new JobTable(scenario.jobCount);

  const iterator = scenario.jobs();
  let next = iterator.next();
  const origin = Math.min(next.done === true ? 0 : next.value.submitAt, scenario.failures[0]?.at ?? Infinity);
  let now = origin;
  const recorder = new Recorder(scenario, books, origin, options.samples);

  const queue = new EventQueue();
  for (const failure of scenario.failures) queue.push(failure.at, { kind: 'node-down', node: books.nodeIds.indexOf(failure.nodeId), downForMs: failure.downForMs });

  const managerOptions: AllocationManagerOptions = {
    nodes: scenario.nodes,
    placement: options.strategy,
    fairness: options.policy,
    now: () => now,
    timers: false,
    // finished jobs are of no use to the simulation: forget them at once (memory stays bounded)
    history: 0,
    ...(options.tenants === undefined ? {} : { tenants: options.tenants }),
    ...(options.preemption ? {} : { preemption: false }),
  };
  const mgr = new AllocationManager(managerOptions);

  let arrived = 0;
  let completed = 0;
  let rejected = 0;
  let preemptions = 0;
  let restarts = 0;
  let lostWorkMs = 0;
  let nodeFailures = 0;
  let missedDeadlines = 0;
  let lastCompletion = origin;
  /** Something in the manager falls due at this instant: tick after its events. */
  let due = false;

  const enqueue = (job: number): void => {
    if (jobs.state[job] !== WAITING) books.enqueue(jobs.tenant[job] as number);
    jobs.state[job] = WAITING;
    jobs.queuedSince[job] = now;
  };
  /** The job lost its allocation without completing: it waits, and will run again from zero. */
  const loseRun = (allocationId: string): void => {
    const run = books.stop(allocationId);
    if (run === undefined) return;
    restarts++;
    lostWorkMs += now - run.startedAt;
    enqueue(run.job);
  };
  const wakeAt = (time: number | undefined): void => {
    if (time !== undefined && time > now) queue.push(time, { kind: 'wake' });
  };

  mgr.on('allocated', (allocation, view) => {
    const job = Number(view.id);
    if (jobs.state[job] === WAITING) books.dequeue(jobs.tenant[job] as number);
    if (jobs.started[job] === 0) {
      jobs.started[job] = 1;
      if (now > (jobs.deadlines.get(job) ?? Infinity)) missedDeadlines++;
    }
    jobs.waited[job] = (jobs.waited[job] as number) + (now - (jobs.queuedSince[job] as number));
    jobs.state[job] = RUNNING;
    books.start(allocation.id, job, jobs.tenant[job] as number, allocation.placements, now);
    queue.push(now + (jobs.durationMs[job] as number), { kind: 'complete', allocationId: allocation.id });
  });
  mgr.on('queued', (view) => {
    const job = Number(view.id);
    const allocationId = books.allocationOf(job);
    // a running job queued again: its node failed (or its preemption grace period ended)
    if (allocationId !== undefined) loseRun(allocationId);
    enqueue(job);
    wakeAt(view.backoffUntil);
  });
  // completions are handled where they are released; these catch allocations the manager ended
  mgr.on('released', (allocation) => void books.stop(allocation.id));
  mgr.on('expired', (allocation) => void books.stop(allocation.id));
  mgr.on('preempted', ({ victim, graceEndsAt }) => {
    preemptions++;
    if (victim.allocationId !== undefined) queue.push(now, { kind: 'stop-victim', allocationId: victim.allocationId });
    wakeAt(graceEndsAt);
  });

  const submit = (job: SimJob): void => {
    const index = arrived++;
    const tenant = tenantIndex.get(job.tenant);
    if (tenant === undefined) throw new Error(`fairpack simulate internal error: tenant "${job.tenant}" is not in the scenario's tenant list`);
    jobs.tenant[index] = tenant;
    jobs.priority[index] = priorityIndex.get(job.priority) ?? 0;
    jobs.durationMs[index] = job.durationMs;
    if (job.deadline !== undefined) jobs.deadlines.set(index, job.deadline);
    jobs.state[index] = SUBMITTING;
    jobs.queuedSince[index] = now;
    const result = mgr.submit({
      id: String(index),
      tenant: job.tenant,
      priority: job.priority,
      resources: job.resources,
      // a perfect estimate: preemption prefers victims with the least work left
      estimatedRuntimeMs: job.durationMs,
      ...(job.deadline === undefined ? {} : { deadline: job.deadline }),
    });
    if (result.status === 'rejected') {
      jobs.state[index] = REJECTED;
      rejected++;
    }
  };

  const handle = (event: SimEvent): void => {
    switch (event.kind) {
      case 'complete': {
        // stale if the job lost this allocation earlier (failure, preemption)
        const run = books.stop(event.allocationId);
        if (run === undefined) return;
        jobs.state[run.job] = COMPLETED;
        completed++;
        lastCompletion = now;
        mgr.release(event.allocationId);
        return;
      }
      case 'stop-victim':
        if (!books.isRunning(event.allocationId)) return;
        loseRun(event.allocationId);
        mgr.release(event.allocationId, { outcome: 'preempted' });
        return;
      case 'node-down': {
        const nodeId = books.nodeIds[event.node] as string;
        nodeFailures++;
        queue.push(now + event.downForMs, { kind: 'node-up', node: event.node });
        if (books.setNodeDown(nodeId, true)) mgr.setNodeStatus(nodeId, 'offline');
        return;
      }
      case 'node-up': {
        const nodeId = books.nodeIds[event.node] as string;
        if (books.setNodeDown(nodeId, false)) mgr.setNodeStatus(nodeId, 'ready');
        return;
      }
      case 'wake':
        due = true;
        return;
    }
  };

  let steps = 0;
  for (;;) {
    const at = Math.min(queue.peekTime(), next.done === true ? Infinity : next.value.submitAt);
    if (at === Infinity) break;
    if (at > now) {
      recorder.record(now, at);
      now = at;
    }
    // everything due now: scheduled events first, then arrivals; handlers may add more for now
    for (;;) {
      if (queue.peekTime() <= now) handle(queue.pop() as SimEvent);
      else if (next.done !== true && next.value.submitAt <= now) {
        submit(next.value);
        next = iterator.next();
      } else break;
    }
    // time-driven work (grace periods, back-offs) only when something is due: every other instant
    // already ran a scheduling cycle inside submit, release or setNodeStatus
    if (due) mgr.tick();
    due = false;
    if (options.onProgress !== undefined && (++steps & 4095) === 0) options.onProgress((arrived + completed + rejected) / (2 * scenario.jobCount));
  }
  const end = Math.max(lastCompletion, now);
  const decisions = mgr.metrics().decisions;
  const wallMs = options.wallClock() - wallStart;

  const { wait, quantilesS } = jobs.waits(arrived, scenario.tenants, scenario.priorities);
  return {
    result: {
      strategy: options.strategy,
      policy: options.policy,
      preemption: options.preemption,
      label: labelOf(options),
      jobs: { submitted: arrived, completed, rejected, unfinished: arrived - completed - rejected },
      makespanS: round((end - origin) / 1000),
      wait,
      ...recorder.figures(end),
      preemptions,
      restarts,
      lostWorkHours: round(lostWorkMs / 3_600_000),
      nodeFailures,
      deadlines: { total: jobs.deadlines.size, missed: missedDeadlines },
      decisions,
      timing: { wallMs: Math.round(wallMs), decisionsPerSecond: wallMs > 0 ? Math.round((decisions / wallMs) * 1000) : 0 },
    },
    series: { ...recorder.series(end), waitQuantilesS: quantilesS },
  };
}
