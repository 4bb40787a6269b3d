import { AllocationManager, type AllocationManagerOptions, type TenantOptions } from '../index.js';
import { ClusterBooks } from './cluster-books.js';
import { EventQueue, type SimEvent } from './event-queue.js';
import { COMPLETED, JobTable, REJECTED, RUNNING, SUBMITTING, WAITING } from './job-table.js';
import { Recorder } from './recorder.js';
import { Random } from './random.js';
import { type Combination, type InterruptionFigures, type NodeSnapshot, type RunResult, type SimulationRun, labelOf } from './results.js';
import type { Scenario, SimJob } from './scenario.js';
import { afterLoss } from './spot.js';
import { round } from './stats.js';

export interface RunOptions extends Combination {
  /** Passed to the manager as its `tenants` option (weights, quotas). */
  readonly tenants?: Readonly<Record<string, TenantOptions>>;
  /** Chart resolution: the time series keep between this many and twice as many buckets. */
  readonly samples: number;
  /** Wall clock in ms, read only for `timing` (decisions per second); never affects the run. */
  readonly wallClock: () => number;
  /**
   * When to take the node heatmap's snapshot, ms after the first submission; by default the
   * instant half of the jobs have been submitted (the same instant in every run).
   */
  readonly snapshotAfterMs?: number;
  /** Called now and then with the share of the work done, 0–1 (`runScenario` only). */
  readonly onProgress?: (fraction: number) => void;
}

/** How many event-loop steps pass between two progress points (a power of two, less one). */
const PROGRESS_MASK = 4095;

/** Runs one combination to the end at once; see `runScenarioSteps`. */
export function runScenario(scenario: Scenario, options: RunOptions): SimulationRun {
  const steps = runScenarioSteps(scenario, options);
  for (;;) {
    const step = steps.next();
    if (step.done === true) return step.value;
    options.onProgress?.(step.value);
  }
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
 * clusters) or, with `scenario.checkpointEveryMs`, its duration less the work its checkpoints
 * saved; the old completion is then stale and ignored. Preemption victims stop at once on the
 * `preempted` event rather than using their grace period. Events at the same instant run in the
 * order they were scheduled, then the arrivals of that instant.
 *
 * With `scenario.spot`, the spot market reclaims spot nodes at the times of a seeded Poisson
 * process (`interruptNode` with the notice): jobs that end within the notice end normally, the
 * others are re-queued by the manager when it runs out, and the node is ready again
 * `returnAfterMs` later. Without `spot` and `checkpointEveryMs` none of this code runs.
 *
 * A generator, so that a caller can pause between steps (repaint a page, check an abort signal)
 * without the engine knowing about timers: it yields the share of the work done, 0–1, every few
 * thousand steps, and returns the run.
 */
export function* runScenarioSteps(scenario: Scenario, options: RunOptions): Generator<number, SimulationRun, void> {
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

  // checkpoints: per job, the work its last checkpoint saved (ms)
  const checkpointEveryMs = scenario.checkpointEveryMs;
  const kept = checkpointEveryMs === undefined ? undefined : new Float64Array(scenario.jobCount);
  let lostWithoutCheckpointsMs = 0;
  // the spot model
  const spot = scenario.spot;
  const spotNodes = spot === undefined ? [] : scenario.nodes.flatMap((node, n) => (node.spot === true ? [n] : []));
  const reclaimTimes = spot?.reclaimTimes;
  const reclaimRatePerMs = spot === undefined || reclaimTimes !== undefined ? 0 : spot.interruptionsPerHour / 3_600_000;
  const reclaims = new Random(scenario.description.seed, 'interruptions');
  /** Allocations warned by an interruption and not yet ended. */
  const warned = new Set<string>();
  /** Per node, when its interruption notice runs out (0: none). */
  const noticeEnds = new Float64Array(spot === undefined ? 0 : scenario.nodes.length);
  const interruptions = { count: 0, jobsHit: 0, finishedInNotice: 0, restarts: 0, lostMs: 0, lostWithoutCheckpointsMs: 0 };
  /** An `interrupt` event is in the queue. */
  let reclaimPending = false;
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
    const ranMs = now - run.startedAt;
    let lostMs = ranMs;
    if (kept !== undefined) {
      const after = afterLoss(kept[run.job] as number, ranMs, jobs.durationMs[run.job] as number, checkpointEveryMs as number);
      kept[run.job] = after.keptMs;
      lostMs = after.lostMs;
      lostWithoutCheckpointsMs += ranMs;
    }
    lostWorkMs += lostMs;
    if (spot !== undefined && warned.delete(allocationId)) {
      interruptions.restarts++;
      interruptions.lostMs += lostMs;
      interruptions.lostWithoutCheckpointsMs += ranMs;
    }
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
    const remainingMs = kept === undefined ? (jobs.durationMs[job] as number) : (jobs.durationMs[job] as number) - (kept[job] as number);
    queue.push(now + remainingMs, { kind: 'complete', allocationId: allocation.id });
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
  /** The next reclaim, an exponential gap from now (the process is memoryless, so it may pause and resume). */
  const scheduleReclaim = (): void => {
    reclaimPending = true;
    queue.push(now + reclaims.exponential(reclaimRatePerMs), { kind: 'interrupt' });
  };
  if (spot !== undefined) {
    mgr.on('interrupted', ({ allocation }) => {
      interruptions.jobsHit++;
      warned.add(allocation.id);
    });
    // a job that ends within its notice; a lost one was taken out of `warned` by loseRun
    mgr.on('released', (allocation) => {
      if (warned.delete(allocation.id)) interruptions.finishedInNotice++;
    });
    if (reclaimRatePerMs > 0) {
      // the reclaims pause while nothing runs and nothing is left to arrive; a start resumes them
      mgr.on('allocated', () => {
        if (!reclaimPending) scheduleReclaim();
      });
    }
  }
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
        // a victim that was also warned by an interruption counts as preempted
        if (spot !== undefined) warned.delete(event.allocationId);
        loseRun(event.allocationId);
        mgr.release(event.allocationId, { outcome: 'preempted' });
        return;
      case 'node-down': {
        const nodeId = books.nodeIds[event.node] as string;
        nodeFailures++;
        queue.push(now + event.downForMs, { kind: 'node-up', node: event.node });
        if (books.setNodeDown(nodeId, true)) mgr.setNodeStatus(nodeId, 'offline');
        // a node failing during its interruption notice: its jobs are lost now, not at the deadline
        else if (spot !== undefined && (noticeEnds[event.node] as number) > now) mgr.setNodeStatus(nodeId, 'offline');
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
      case 'interrupt':
        reclaim(spot as NonNullable<typeof spot>);
        return;
      case 'spot-back': {
        const nodeId = books.nodeIds[event.node] as string;
        if (books.setNodeDown(nodeId, false)) mgr.setNodeStatus(nodeId, 'ready');
        return;
      }
    }
  };

  /** The spot market reclaims one of the spot nodes that are up, drawn uniformly. */
  const reclaim = (settings: NonNullable<typeof spot>): void => {
    if (reclaimTimes === undefined) {
      reclaimPending = false;
      if (next.done === true && books.runningCount === 0) return; // paused: a reclaim now would cost nothing
      scheduleReclaim();
    }
    const up = spotNodes.filter((n) => !books.isDown(n));
    if (up.length === 0) return;
    const node = up[reclaims.int(up.length)] as number;
    const nodeId = books.nodeIds[node] as string;
    interruptions.count++;
    books.setNodeDown(nodeId, true);
    noticeEnds[node] = now + settings.noticeMs;
    mgr.interruptNode(nodeId, { noticeMs: settings.noticeMs });
    // the manager re-queues what still runs there when the notice runs out: tick then
    if (settings.noticeMs > 0) queue.push(now + settings.noticeMs, { kind: 'wake' });
    queue.push(now + settings.noticeMs + settings.returnAfterMs, { kind: 'spot-back', node });
  };
  if (reclaimRatePerMs > 0 && spotNodes.length > 0) scheduleReclaim();
  for (const at of reclaimTimes ?? []) queue.push(at, { kind: 'interrupt' });

  // the heatmap's moment: the cluster as it stands between events
  const snapshotAt = options.snapshotAfterMs === undefined ? undefined : origin + options.snapshotAfterMs;
  const halfOfTheJobs = Math.ceil(scenario.jobCount / 2);
  let snapshot: NodeSnapshot | undefined;
  const takeSnapshot = (at: number): NodeSnapshot => ({ atS: round((at - origin) / 1000), dimensions: books.dims, nodes: books.nodeFills(), waiting: books.waiting });

  let steps = 0;
  for (;;) {
    // with the spot model, reclaims and returns go on after the last job: stop when all is done
    if (spot !== undefined && next.done === true && completed + rejected === arrived) break;
    const at = Math.min(queue.peekTime(), next.done === true ? Infinity : next.value.submitAt);
    if (at === Infinity) break;
    if (at > now) {
      if (snapshot === undefined && snapshotAt !== undefined && at > snapshotAt) snapshot = takeSnapshot(snapshotAt);
      recorder.record(now, at, preemptions, lostWorkMs);
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
    if (snapshot === undefined && snapshotAt === undefined && arrived >= halfOfTheJobs) snapshot = takeSnapshot(now);
    if ((++steps & PROGRESS_MASK) === 0) yield (arrived + completed + rejected) / (2 * scenario.jobCount);
  }
  const end = Math.max(lastCompletion, now);
  const decisions = mgr.metrics().decisions;
  const priced = scenario.nodes.some((node) => node.costPerHour !== undefined && node.costPerHour > 0);
  const wallMs = options.wallClock() - wallStart;

  const { wait, quantilesS, boxes } = jobs.waits(arrived, scenario.tenants, scenario.priorities);
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
      ...(kept === undefined ? {} : { lostWorkHoursWithoutCheckpoints: round(lostWithoutCheckpointsMs / 3_600_000) }),
      nodeFailures,
      ...(spot === undefined ? {} : { interruptions: interruptionFigures(interruptions) }),
      deadlines: { total: jobs.deadlines.size, missed: missedDeadlines },
      ...(priced ? { cost: costOf(mgr) } : {}),
      decisions,
      timing: { wallMs: Math.round(wallMs), decisionsPerSecond: wallMs > 0 ? Math.round((decisions / wallMs) * 1000) : 0 },
    },
    series: { ...recorder.series(end), waitQuantilesS: quantilesS, waitBoxes: boxes, ...(snapshot === undefined ? {} : { nodeSnapshot: snapshot }) },
  };
}

/** The cluster's cost from its start to now (the run's end), exact micro-units. */
function costOf(mgr: AllocationManager): NonNullable<RunResult['cost']> {
  const costs = mgr.costs();
  return { unit: 'micro', total: costs.total, used: costs.used, idle: costs.idle };
}

function interruptionFigures(counts: { count: number; jobsHit: number; finishedInNotice: number; restarts: number; lostMs: number; lostWithoutCheckpointsMs: number }): InterruptionFigures {
  return {
    count: counts.count,
    jobsHit: counts.jobsHit,
    finishedInNotice: counts.finishedInNotice,
    restarts: counts.restarts,
    lostWorkHours: round(counts.lostMs / 3_600_000),
    lostWorkHoursWithoutCheckpoints: round(counts.lostWithoutCheckpointsMs / 3_600_000),
  };
}
