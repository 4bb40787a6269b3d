import { AllocationManager, type AllocationManagerOptions, type CostReport, type JobRequest, type TenantOptions } from '../index.js';
import { ClusterBooks } from './cluster-books.js';
import { EventQueue, type SimEvent } from './event-queue.js';
import { COMPLETED, JobTable, REJECTED, RUNNING, SUBMITTING, WAITING } from './job-table.js';
import { Recorder } from './recorder.js';
import { Random } from './random.js';
import { type Combination, type InterruptionFigures, type NodeSnapshot, type RunResult, type RunSeries, type SimulationRun, labelOf } from './results.js';
import type { Scenario, SimJob } from './scenario.js';
import { resolveFairnessPolicy } from '../fairness/registry.js';
import { queuesUnder } from './snapshot-start.js';
import { afterLoss } from './spot.js';
import { quantile, round } from './stats.js';
import type { NodeTypeSpec } from '../manager/scaling/scaling-options.js';
import { managerInternals } from '../manager/internals.js';
import { EVALUATE_EVERY_MS } from './autoscale-settings.js';
import { Autoscaler } from './autoscaler.js';
import { JobCosts } from './job-costs.js';
import { Timeline } from './timeline.js';

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
  /** The node types the autoscaler may add (with `autoscale` other than `'off'`). */
  readonly nodeTypes?: readonly NodeTypeSpec[];
  /** Between an autoscaler's launch and the node joining, ms. @default 120_000 */
  readonly provisionDelayMs?: number;
  /** The fairpack autoscaler's `scaleUp.waitTargetMs`. @default 0 */
  readonly waitTargetMs?: number;
}

/** How many event-loop steps pass between two progress points (a power of two, less one). */
const PROGRESS_MASK = 4095;
/** The release of a victim that stopped in its grace period (one object for every such release). */
const PREEMPTED = Object.freeze({ outcome: 'preempted' } as const);

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
    scenario.jobCount,
  );
  const jobs = new JobTable(scenario.jobCount);

  const iterator = scenario.jobs();
  let next = iterator.next();
  const start = scenario.snapshot;
  // from a snapshot, the run starts at its clock (the arrivals were shifted to begin there)
  const origin = start !== undefined ? start.at : Math.min(next.done === true ? 0 : next.value.submitAt, scenario.failures[0]?.at ?? Infinity);
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
  const mgr = start === undefined ? new AllocationManager(managerOptions) : restoredForRun(start, options, () => now);
  /**
   * Job ids: the job's index; from a snapshot, its live jobs keep their own ids (looked up) and
   * the arrivals are `sim-<index>`, so that the two never clash.
   */
  const snapshotIds = start === undefined ? undefined : new Map<string, number>();
  const idOf = (index: number): string => (snapshotIds === undefined ? String(index) : `sim-${index}`);
  const indexOf = (id: string): number => (snapshotIds === undefined ? Number(id) : (snapshotIds.get(id) ?? Number(id.slice(4))));

  // costs per job: only when some node (or a type the autoscaler may add) has a price
  const nodeTypes = options.nodeTypes ?? [];
  const priced = scenario.nodes.some((node) => node.costPerHour !== undefined && node.costPerHour > 0) || (options.autoscale !== undefined && options.autoscale !== 'off' && nodeTypes.some((type) => type.costPerHour > 0));
  const jobCosts = priced ? new JobCosts(scenario.jobCount) : undefined;
  const rates = new Map<string, number>();
  for (const node of scenario.nodes) jobCosts?.addNode(node);
  /** The allocation ended (completed, lost, released by the manager): stop its books, charge its job; when it started (undefined: stale). */
  const stopRun = (allocationId: string, job: number): number | undefined => {
    const startedAt = books.stop(allocationId, job, jobs.tenant[job] as number);
    if (startedAt !== undefined && jobCosts !== undefined) {
      // from a snapshot, a job that was running pays from the snapshot on: the run's cost starts there
      jobCosts.charge(job, rates.get(allocationId) ?? 0, Math.floor(now) - Math.floor(Math.max(startedAt, origin)));
      rates.delete(allocationId);
    }
    return startedAt;
  };

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
  const loseRun = (allocationId: string, job: number): void => {
    const startedAt = stopRun(allocationId, job);
    if (startedAt === undefined) return;
    restarts++;
    const ranMs = now - startedAt;
    let lostMs = ranMs;
    if (kept !== undefined) {
      const after = afterLoss(kept[job] as number, ranMs, jobs.durationMs[job] as number, checkpointEveryMs as number);
      kept[job] = after.keptMs;
      lostMs = after.lostMs;
      lostWithoutCheckpointsMs += ranMs;
    }
    lostWorkMs += lostMs;
    if (spot !== undefined && warned.delete(allocationId)) {
      interruptions.restarts++;
      interruptions.lostMs += lostMs;
      interruptions.lostWithoutCheckpointsMs += ranMs;
    }
    enqueue(job);
  };
  const wakeAt = (time: number | undefined): void => {
    if (time !== undefined && time > now) queue.push(time, { kind: 'wake' });
  };

  // starts and waits through the manager's taps: a job view per start and per wait (built for
  // `allocated` and `queued` listeners) was a tenth of what a run allocated, and only its id was
  // read; releases through them too, without the answer (a view and a result per job, unread)
  const taps = managerInternals(mgr);
  taps.tap('allocated', (allocation, nodes) => {
    const job = indexOf(allocation.jobId);
    if (jobs.state[job] === WAITING) books.dequeue(jobs.tenant[job] as number);
    if (jobs.started[job] === 0) {
      jobs.started[job] = 1;
      if (now > (jobs.deadlines.get(job) ?? Infinity)) missedDeadlines++;
    }
    jobs.waited[job] = (jobs.waited[job] as number) + (now - (jobs.queuedSince[job] as number));
    jobs.state[job] = RUNNING;
    books.start(allocation.id, job, jobs.tenant[job] as number, allocation.placements, now, nodes);
    if (jobCosts !== undefined) rates.set(allocation.id, jobCosts.rate(allocation.placements));
    const remainingMs = kept === undefined ? (jobs.durationMs[job] as number) : (jobs.durationMs[job] as number) - (kept[job] as number);
    const run = (jobs.runs[job] = (jobs.runs[job] as number) + 1);
    queue.pushComplete(now + remainingMs, job, run);
  });
  taps.tap('queued', (jobId, backoffUntil) => {
    const job = indexOf(jobId);
    const allocationId = books.allocationOf(job);
    // a running job queued again: its node failed (or its preemption grace period ended)
    if (allocationId !== undefined) loseRun(allocationId, job);
    enqueue(job);
    wakeAt(backoffUntil);
  });
  // completions are handled where they are released; this catches allocations the manager ended
  // (released or expired: a tap, as the two above, with no listener to make the job's view for)
  taps.tap('ended', (allocation) => void stopRun(allocation.id, indexOf(allocation.jobId)));
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
      taps.tap('allocated', () => {
        if (!reclaimPending) scheduleReclaim();
      });
    }
  }
  mgr.on('preempted', ({ victim, graceEndsAt }) => {
    preemptions++;
    if (victim.allocationId !== undefined) queue.push(now, { kind: 'stop-victim', allocationId: victim.allocationId, job: indexOf(victim.id) });
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
    // a perfect estimate unless the scenario says otherwise (estimateError, a trace's estimate_s);
    // preemption prefers victims with the least work left (the request is built field by field: a
    // spread of an empty object per job was garbage for nothing)
    const request: JobRequest = { id: idOf(index), tenant: job.tenant, priority: job.priority, resources: job.resources, estimatedRuntimeMs: job.estimatedRuntimeMs ?? job.durationMs };
    if (job.deadline !== undefined) (request as { deadline?: number }).deadline = job.deadline;
    const result = mgr.submit(request);
    if (result.status === 'rejected') {
      jobs.state[index] = REJECTED;
      rejected++;
    }
  };

  const handle = (event: SimEvent): void => {
    switch (event.kind) {
      case 'complete': {
        // stale if the job lost this run earlier (failure, preemption): it waits, or runs again
        const { job } = event;
        const allocationId = books.allocationOf(job);
        if (allocationId === undefined || jobs.runs[job] !== event.run) return;
        stopRun(allocationId, job);
        jobs.state[job] = COMPLETED;
        completed++;
        lastCompletion = now;
        taps.release(allocationId);
        return;
      }
      case 'stop-victim':
        if (!books.isRunning(event.allocationId, event.job)) return;
        // a victim that was also warned by an interruption counts as preempted
        if (spot !== undefined) warned.delete(event.allocationId);
        loseRun(event.allocationId, event.job);
        taps.release(event.allocationId, PREEMPTED);
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
      case 'autoscale':
        (scaler as Autoscaler).evaluate(now);
        if (workRemains()) queue.push(now + EVALUATE_EVERY_MS, { kind: 'autoscale' });
        return;
      case 'node-join':
        join(event.type);
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

  /** From a snapshot: its cost books up to the snapshot, taken off the run's (every figure is a cumulative count). */
  let costsBefore: CostReport | undefined;
  if (start !== undefined) {
    // the snapshot's live jobs become the run's first jobs: running ones complete when their
    // estimate (or `runtimeMs` from now) says, queued ones wait from their submission on
    const allocations = new Map(mgr.allocations().map((allocation) => [allocation.jobId, allocation] as const));
    for (const view of mgr.jobs()) {
      const index = arrived++;
      snapshotIds?.set(view.id, index);
      const tenant = tenantIndex.get(view.tenant) as number;
      jobs.tenant[index] = tenant;
      jobs.priority[index] = priorityIndex.get(view.priority) ?? 0;
      const startedAt = view.startedAt ?? now;
      jobs.durationMs[index] = view.estimatedRuntimeMs ?? now - startedAt + start.runtimeMs;
      jobs.queuedSince[index] = view.submittedAt;
      jobs.state[index] = SUBMITTING;
      const allocation = allocations.get(view.id);
      if (view.status === 'queued' || allocation === undefined) {
        enqueue(index);
        jobs.queuedSince[index] = view.submittedAt;
        continue;
      }
      jobs.started[index] = 1;
      jobs.waited[index] = startedAt - view.submittedAt;
      jobs.state[index] = RUNNING;
      books.start(allocation.id, index, tenant, allocation.placements, startedAt);
      if (jobCosts !== undefined) rates.set(allocation.id, jobCosts.rate(allocation.placements));
      // a preemption victim in its grace period stops now, as victims do in the simulation
      if (view.status === 'preempted') queue.push(now, { kind: 'stop-victim', allocationId: allocation.id, job: index });
      else queue.pushComplete(now + Math.max(0, (jobs.durationMs[index] as number) - (now - startedAt)), index, jobs.runs[index] as number);
    }
    for (const node of start.addedNodes) {
      jobCosts?.addNode(node);
      mgr.addNode(node);
    }
    // grace periods, back-offs and TTLs the snapshot holds: a tick at the start
    due = true;
    costsBefore = mgr.costs();
  }

  // autoscaling: the scaler looks every EVALUATE_EVERY_MS while work remains; a launched node joins
  // after the provisioning delay (unless the run is over by then)
  const autoscaleOn = options.autoscale !== undefined && options.autoscale !== 'off';
  const provisionDelayMs = options.provisionDelayMs ?? 120_000;
  /** Nodes in the cluster over time: the starting ones, then one channel per node type. */
  const nodeCounts = new Float64Array(autoscaleOn ? nodeTypes.length + 1 : 0);
  nodeCounts[0] = scenario.nodes.length;
  const nodeTimeline = autoscaleOn ? new Timeline(origin, nodeCounts.length, options.samples) : undefined;
  const typeOfNode = new Map<string, number>();
  let launched = 0;
  let nodesAdded = 0;
  let nodesRemoved = 0;
  let peakNodes = scenario.nodes.length;
  const scaler = !autoscaleOn
    ? undefined
    : new Autoscaler(options.autoscale as 'fairpack' | 'threshold', nodeTypes, mgr, books, options.waitTargetMs ?? 0, {
        launch: (type) => queue.push(now + provisionDelayMs, { kind: 'node-join', type }),
        terminate: (nodeId) => {
          mgr.removeNode(nodeId);
          books.removeNode(nodeId);
          nodesRemoved++;
          const type = typeOfNode.get(nodeId) as number;
          nodeCounts[type + 1] = (nodeCounts[type + 1] as number) - 1;
        },
      });
  /** Whether anything can still change: jobs to come or running, events due, nodes on their way. */
  const workRemains = (): boolean => next.done !== true || books.runningCount > 0 || (scaler?.launching ?? 0) > 0 || queue.size > 0;
  const join = (type: number): void => {
    const autoscaler = scaler as Autoscaler;
    if (next.done === true && books.runningCount === 0 && books.waiting === 0) {
      autoscaler.cancelled();
      return;
    }
    let id = `${(nodeTypes[type] as NodeTypeSpec).name}-a${++launched}`;
    while (books.indexOf(id) >= 0) id = `${id}'`;
    const spec = autoscaler.joined(type, id);
    const n = books.addNode(spec);
    jobCosts?.addNode(spec);
    typeOfNode.set(id, type);
    nodesAdded++;
    nodeCounts[type + 1] = (nodeCounts[type + 1] as number) + 1;
    peakNodes = Math.max(peakNodes, books.liveNodeCount);
    if (spec.spot === true) spotNodes.push(n);
    // last: the manager places waiting jobs on it at once, and the books must know the node
    mgr.addNode(spec);
  };
  if (scaler !== undefined) queue.push(origin, { kind: 'autoscale' });

  // the heatmap's moment: the cluster as it stands between events
  const snapshotAt = options.snapshotAfterMs === undefined ? undefined : origin + options.snapshotAfterMs;
  const halfOfTheJobs = Math.ceil(scenario.jobCount / 2);
  let snapshot: NodeSnapshot | undefined;
  const takeSnapshot = (at: number): NodeSnapshot => ({ atS: round((at - origin) / 1000), dimensions: books.dims, nodes: books.nodeFills(), waiting: books.waiting });

  let steps = 0;
  for (;;) {
    // with the spot model, reclaims and returns go on after the last job: stop when all is done
    // so do the autoscaler's looks: the run (and its cost) ends with its last job, in every mode alike
    if ((spot !== undefined || scaler !== undefined) && next.done === true && completed + rejected === arrived) break;
    const at = Math.min(queue.peekTime(), next.done === true ? Infinity : next.value.submitAt);
    if (at === Infinity) break;
    if (at > now) {
      if (snapshot === undefined && snapshotAt !== undefined && at > snapshotAt) snapshot = takeSnapshot(snapshotAt);
      recorder.record(now, at, preemptions, lostWorkMs);
      nodeTimeline?.advance(now, at, nodeCounts);
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
  const wallMs = options.wallClock() - wallStart;

  const { wait, quantilesS, boxes } = jobs.waits(arrived, scenario.tenants, scenario.priorities);
  return {
    result: {
      strategy: options.strategy,
      policy: options.policy,
      preemption: options.preemption,
      ...(options.autoscale === undefined ? {} : { autoscale: options.autoscale }),
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
      ...(jobCosts === undefined ? {} : { cost: costOf(mgr, jobCosts, jobs, arrived, costsBefore) }),
      ...(scaler === undefined ? {} : { autoscaling: { mode: scaler.mode, nodesAdded, nodesRemoved, peakNodes, endNodes: books.liveNodeCount } }),
      decisions,
      timing: { wallMs: Math.round(wallMs), decisionsPerSecond: wallMs > 0 ? Math.round((decisions / wallMs) * 1000) : 0 },
    },
    series: { ...recorder.series(end), ...(nodeTimeline === undefined ? {} : { nodes: nodeSeries(nodeTimeline, end, nodeTypes) }), waitQuantilesS: quantilesS, waitBoxes: boxes, ...(snapshot === undefined ? {} : { nodeSnapshot: snapshot }) },
  };
}

/**
 * A run's own manager from the snapshot: its state as it was, with the run's placement strategy,
 * fairness policy and preemption setting (a policy's saved state is dropped when the policy
 * changes), and no history of finished jobs (as every simulated manager).
 */
function restoredForRun(start: NonNullable<Scenario['snapshot']>, options: RunOptions, now: () => number): AllocationManager {
  const document = start.document;
  const samePolicy = document.config.fairness === options.policy;
  const edited = {
    ...document,
    config: { ...document.config, fairness: options.policy, history: 0, preemption: options.preemption ? (document.config.preemption === false ? { backoffMs: 30_000 } : document.config.preemption) : false },
    pool: { ...document.pool, placement: options.strategy },
    queues: queuesUnder(document, resolveFairnessPolicy(options.policy).ignoresPriority === true),
    history: [],
    ...(samePolicy ? {} : { policy: null }),
  };
  return AllocationManager.restore(edited, { now, timers: false });
}

/**
 * The cluster's cost from its start to now (the run's end), exact micro-units: the manager's
 * books for the totals and the tenants, the simulator's for each completed job (nearest-rank
 * quantiles over the jobs that completed).
 */
function costOf(mgr: AllocationManager, jobCosts: JobCosts, jobs: JobTable, arrived: number, before: CostReport | undefined): NonNullable<RunResult['cost']> {
  const after = mgr.costs();
  const minus = (key: 'total' | 'used' | 'idle'): number => after[key] - (before?.[key] ?? 0);
  const costs = { total: minus('total'), used: minus('used'), idle: minus('idle') };
  const byTenant: Record<string, number> = Object.create(null) as Record<string, number>;
  for (const name of Object.keys(after.byTenant).sort()) {
    const paid = (after.byTenant[name] as number) - (before?.byTenant[name] ?? 0);
    if (paid > 0) byTenant[name] = paid;
  }
  const completedCosts = new Float64Array(arrived);
  let k = 0;
  for (let j = 0; j < arrived; j++) if (jobs.state[j] === COMPLETED) completedCosts[k++] = jobCosts.perJob[j] as number;
  const sorted = completedCosts.subarray(0, k).sort();
  return { unit: 'micro', total: costs.total, used: costs.used, idle: costs.idle, byTenant, perJob: { p50: quantile(sorted, 0.5), p95: quantile(sorted, 0.95) } };
}

/** Nodes over time, time-averaged per bucket: the starting nodes, then each type the autoscaler added. */
function nodeSeries(timeline: Timeline, end: number, types: readonly NodeTypeSpec[]): NonNullable<RunSeries['nodes']> {
  const { channels } = timeline.series(end);
  const byType: Record<string, number[]> = Object.create(null) as Record<string, number[]>;
  byType['starting nodes'] = (channels[0] as number[]).map(round);
  types.forEach((type, t) => (byType[type.name] = (channels[t + 1] as number[]).map(round)));
  return { byType };
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
