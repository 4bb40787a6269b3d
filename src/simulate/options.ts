import { FairpackError, isFairpackError } from '../errors.js';
import {
  AllocationManager,
  type FairnessPolicyName,
  type NodeSpec,
  type PlacementStrategyName,
  type TenantOptions,
  fairnessPolicyNames,
  placementStrategyNames,
} from '../index.js';
import type { AbortSignalLike } from '../platform.js';
import type { NodeTypeSpec } from '../manager/scaling/scaling-options.js';
import type { ManagerSnapshot } from '../manager/manager-snapshot.js';
import { type AutoscaleMode, autoscaleModes } from './autoscale-settings.js';
import { ESTIMATE_ERROR_LIMITS, type EstimateError, type EstimateErrorModel } from './estimate-error.js';
import { type Objective, objectiveNames } from './objective.js';
import { refuse } from './helper-arguments.js';
import type { TraceRow } from './trace-rows.js';
import type { SimulationRunner } from './parallel-runs.js';

/** The synthetic workload (docs/simulate.md): seven tenants with their own shapes, priorities and bursts. */
export interface SyntheticWorkload {
  /** Jobs to submit. @default 10000 */
  readonly jobs?: number;
  /** Offered load of the busiest dimension, as a fraction of its capacity; above 1 the queue keeps growing. @default 0.95 */
  readonly load?: number;
}

/** Where `simulate()` is, for `onProgress`. */
export interface SimulationProgress {
  /** The run under way, 1-based, of `runs` (combinations × seeds). */
  readonly run: number;
  readonly runs: number;
  /** Its combination's label, e.g. `best-fit · drf`. */
  readonly label: string;
  /** Share of this run done, 0–1. */
  readonly fraction: number;
}

/**
 * The options of `simulate()`: one documented type, checked once before anything runs (a bad
 * option is a `FairpackError` with code `INVALID_OPTION`), defaults filled in `resolveOptions`.
 * The CLI's flags map onto these one for one (docs/simulate.md).
 */
export interface SimulateOptions {
  /** The synthetic workload's size and load (ignored with `trace`). @default { jobs: 10000, load: 0.95 } */
  readonly workload?: SyntheticWorkload;
  /** Replay these jobs instead of a synthetic workload (`parseTrace` reads the CSV format). */
  readonly trace?: readonly TraceRow[];
  /** The trace's name in the description and the report, e.g. its file name. @default 'trace' */
  readonly traceName?: string;
  /** The cluster: a number of synthetic nodes (70 % std, 20 % high-memory, 10 % gpu), or the nodes themselves. @default 100 */
  readonly nodes?: number | readonly NodeSpec[];
  /** The manager's `tenants` option (weights, quotas). */
  readonly tenants?: Readonly<Record<string, TenantOptions>>;
  /** Placement strategies to compare. @default every built-in */
  readonly strategies?: readonly PlacementStrategyName[];
  /** Fairness policies to compare. @default ['fifo', 'drf'] */
  readonly policies?: readonly FairnessPolicyName[];
  /** Preemption on (the manager's default), off, or `'both'` (every combination twice). @default true */
  readonly preemption?: boolean | 'both';
  /** Seed of every random draw (workload, failures, spot nodes, reclaims), 0–4294967295. @default 1 */
  readonly seed?: number;
  /**
   * Run every combination with this many seeds (seed, seed + 1, …) to see the spread: the
   * recommendation then says whether its lead is beyond noise. The charts show the first seed. @default 1
   */
  readonly seeds?: number;
  /** What the recommendation optimises (docs/simulate.md#the-recommendation). @default 'balanced' */
  readonly objective?: Objective;
  /** The node heatmap's moment, seconds after the first submission. @default the instant half of the jobs have been submitted */
  readonly snapshotAtS?: number;
  /** Nodes that fail during the run at seeded times; their jobs are re-queued. @default 0 */
  readonly nodeFailures?: number;
  /** Seconds a failed node stays down; also how long a reclaimed spot node stays gone. @default 600 */
  readonly repairS?: number;
  /** The spot model (off without it). */
  readonly spot?: SpotOptions;
  /** Seconds of work between a job's checkpoints; without it a re-queued job restarts from zero. */
  readonly checkpointEveryS?: number;
  /** Chart resolution: time buckets per run, n to 2n. @default 200 */
  readonly samples?: number;
  /**
   * Node types the autoscaler may add (as `mgr.scalingAdvice`'s `nodeTypes`); needed by
   * `autoscale`. A starting node without a `costPerHour` whose capacity equals a type's is priced
   * as that type (docs/simulate.md#autoscaling).
   */
  readonly nodeTypes?: readonly NodeTypeSpec[];
  /**
   * Who adds and removes nodes during the run: `'fairpack'` (the manager's `scalingAdvice`),
   * `'threshold'` (the seed's baseline: one type, 90 % / 50 %, queue growth, 5-minute cooldown) or
   * `'off'`; a list runs every combination once per mode. @default 'off'
   */
  readonly autoscale?: AutoscaleMode | readonly AutoscaleMode[];
  /** Seconds between an autoscaler's decision to add a node and the node joining. @default 120 */
  readonly provisionDelayS?: number;
  /**
   * The `fairpack` autoscaler's wait target, in seconds: `scalingAdvice`'s `scaleUp.waitTargetMs`
   * (docs/costs-and-scaling.md#a-wait-target) — nodes are bought only for the jobs the cluster
   * would not start within it. 0: for every job that does not fit now. @default 0
   */
  readonly waitTargetS?: number;
  /**
   * What-if from a live cluster: start every run from this `mgr.snapshot()` (or `GET /snapshot`)
   * — its nodes, running jobs and queues — and replay the workload's arrivals from its clock on.
   * `nodes` then lists nodes to add to the snapshot's at the start (a number is refused).
   * docs/simulate.md#what-if-from-a-live-cluster
   */
  readonly snapshot?: unknown;
  /** With `snapshot`: how long a job without `estimatedRuntimeMs` runs (a running one: from the snapshot on). @default 3600 */
  readonly snapshotRuntimeS?: number;
  /**
   * Tell the manager wrong runtime estimates: each job's `estimatedRuntimeMs` is its runtime ×
   * `factor` × exp(`sigma` × a seeded N(0, 1) draw) instead of the runtime itself (what preemption
   * and the wait target's projection go by). A trace row's own estimate is kept.
   * docs/simulate.md#imperfect-runtime-estimates. @default exact estimates
   */
  readonly estimateError?: EstimateError;
  /**
   * Called at the start of each run and every few thousand steps. If it returns a promise, the
   * simulation waits for it: a page can repaint there (`() => new Promise((r) => setTimeout(r))`).
   */
  readonly onProgress?: (progress: SimulationProgress) => void | Promise<void>;
  /** Stops the simulation at its next progress point: `simulate()` rejects with `SIMULATION_ABORTED`. */
  readonly signal?: AbortSignalLike;
  /**
   * A wall clock in ms, read only for the `timing` figures (decisions per second); it never changes
   * a result. Without it those figures are 0: the core reads no clock of its own.
   */
  readonly wallClock?: () => number;
  /**
   * Computes the runs elsewhere, `concurrency` at once — on workers, with `simulationRuns(options)`
   * there (the CLI's `--workers`) — instead of one after another on this thread. The results are
   * assembled in the runs' order: the same as without it (but for `timing`). With it `onProgress`
   * also hears of each run's end (fraction 1). docs/simulate.md#parallel-runs
   */
  readonly runner?: SimulationRunner;
}

export interface SpotOptions {
  /** Make this fraction of the nodes (0–1) spot nodes, chosen from the seed; without it, the nodes' own `spot` flags. */
  readonly fraction?: number;
  /** Reclaims per hour over the whole spot fleet, at seeded Poisson times. @default 0 */
  readonly interruptionsPerHour?: number;
  /** The warning before a reclaimed node goes offline, in seconds. @default 120 */
  readonly noticeS?: number;
}

export const DEFAULTS = Object.freeze({
  jobs: 10_000,
  nodes: 100,
  seed: 1,
  load: 0.95,
  policies: ['fifo', 'drf'] as readonly FairnessPolicyName[],
  repairS: 600,
  samples: 200,
  /** The spot market's two-minute warning (AWS's; GCP gives 30 s). */
  interruptionNoticeS: 120,
  /** A cloud VM's usual boot-and-join time. */
  provisionDelayS: 120,
});

/** Bounds on what a caller controls: a simulation must not be asked to hold more than this. */
export const LIMITS = Object.freeze({ jobs: 100_000_000, nodes: 1_000_000, traceRows: 10_000_000, samples: 5_000, failures: 1_000_000, seeds: 20 });

/** The options with every default filled in and every value checked. */
export interface ResolvedOptions {
  readonly jobs: number;
  readonly load: number;
  readonly trace?: readonly TraceRow[];
  readonly traceName: string;
  readonly nodes: number | readonly NodeSpec[];
  readonly tenants?: Readonly<Record<string, TenantOptions>>;
  readonly strategies: readonly PlacementStrategyName[];
  readonly policies: readonly FairnessPolicyName[];
  readonly preemption: readonly boolean[];
  readonly seed: number;
  readonly seeds: number;
  readonly objective: Objective;
  readonly snapshotAtS?: number;
  readonly nodeFailures: number;
  readonly repairS: number;
  readonly spot?: { readonly fraction?: number; readonly interruptionsPerHour?: number; readonly noticeS: number };
  readonly checkpointEveryS?: number;
  readonly samples: number;
  readonly nodeTypes?: readonly NodeTypeSpec[];
  /** Empty without `nodeTypes` (no autoscaling, and the runs' labels and figures as before). */
  readonly autoscale: readonly AutoscaleMode[];
  readonly provisionDelayS: number;
  readonly waitTargetS: number;
  readonly snapshot?: ManagerSnapshot;
  readonly snapshotRuntimeS: number;
  /** Absent: the exact runtimes (no draws, the runs exactly as without the option). */
  readonly estimateError?: EstimateErrorModel;
}

const KNOWN = new Set([
  'workload', 'trace', 'traceName', 'nodes', 'tenants', 'strategies', 'policies', 'preemption', 'seed', 'seeds', 'objective', 'snapshotAtS', 'nodeFailures', 'repairS', 'spot', 'checkpointEveryS', 'samples', 'nodeTypes', 'autoscale', 'provisionDelayS', 'waitTargetS', 'snapshot', 'snapshotRuntimeS', 'estimateError', 'onProgress', 'signal', 'wallClock', 'runner',
]);

export function resolveOptions(options: SimulateOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) invalid('the options', 'an object', options);
  for (const key of Object.keys(options)) if (!KNOWN.has(key)) invalid(`option \`${key}\``, `one of ${[...KNOWN].join(', ')}`, key, 'Remove it or check its spelling.');
  for (const key of ['onProgress', 'wallClock'] as const) {
    if (options[key] !== undefined && typeof options[key] !== 'function') invalid(`\`${key}\``, 'a function', options[key], 'Pass a function or leave it out.');
  }
  // only `aborted` and `reason` are read (progress-points.ts): anything else would never stop the run
  const signal: unknown = options.signal;
  if (signal !== undefined && (typeof signal !== 'object' || signal === null || typeof (signal as { aborted?: unknown }).aborted !== 'boolean')) {
    invalid('`signal`', 'an AbortSignal', signal, "Pass an AbortController's `signal`, or leave it out.");
  }
  const workload = options.workload === undefined ? {} : plainGroup('workload', options.workload, ['jobs', 'load']);
  if (options.trace !== undefined && options.workload !== undefined) invalid('`workload`', 'to be left out with `trace` (a trace brings its own jobs and arrival times)', options.workload);
  if (options.trace !== undefined && (!Array.isArray(options.trace) || options.trace.length === 0 || options.trace.length > LIMITS.traceRows)) {
    invalid('`trace`', `an array of 1 to ${LIMITS.traceRows} job rows`, options.trace);
  }
  if (options.snapshot !== undefined && typeof options.nodes === 'number') invalid('`nodes`', 'left out, or the nodes to add to the snapshot\'s (with `snapshot`)', options.nodes);
  const nodes = options.nodes ?? (options.snapshot === undefined ? DEFAULTS.nodes : []);
  if (typeof nodes === 'number') integer('nodes', nodes, 1, LIMITS.nodes);
  else if (!Array.isArray(nodes) || (nodes.length === 0 && options.snapshot === undefined) || nodes.length > LIMITS.nodes) invalid('`nodes`', `a number of synthetic nodes or an array of 1 to ${LIMITS.nodes} node specs`, nodes);
  const spot = options.spot === undefined ? undefined : plainGroup('spot', options.spot, ['fraction', 'interruptionsPerHour', 'noticeS']);
  if (spot !== undefined) {
    if (spot.fraction !== undefined) between('spot.fraction', spot.fraction, 0, 1);
    if (spot.interruptionsPerHour !== undefined) between('spot.interruptionsPerHour', spot.interruptionsPerHour, 0, 1_000_000);
    if (spot.noticeS !== undefined) between('spot.noticeS', spot.noticeS, 0, 30 * 86_400);
  }
  const seed = options.seed === undefined ? DEFAULTS.seed : integer('seed', options.seed, 0, 4_294_967_295);
  const autoscale = autoscaleList(options);
  return {
    jobs: workload.jobs === undefined ? DEFAULTS.jobs : integer('workload.jobs', workload.jobs, 1, LIMITS.jobs),
    load: workload.load === undefined ? DEFAULTS.load : above('workload.load', workload.load, 0, 100),
    ...(options.trace === undefined ? {} : { trace: options.trace }),
    traceName: options.traceName ?? 'trace',
    nodes,
    ...(options.tenants === undefined ? {} : { tenants: options.tenants }),
    strategies: names('strategies', options.strategies ?? placementStrategyNames, placementStrategyNames),
    policies: names('policies', options.policies ?? DEFAULTS.policies, fairnessPolicyNames),
    preemption: preemptionModes(options.preemption ?? true),
    seed,
    seeds: options.seeds === undefined ? 1 : integer('seeds', options.seeds, 1, Math.min(LIMITS.seeds, 4_294_967_296 - seed)),
    objective: options.objective === undefined ? 'balanced' : objectiveNames.includes(options.objective) ? options.objective : invalid('`objective`', `one of ${objectiveNames.join(', ')}`, options.objective),
    ...(options.snapshotAtS === undefined ? {} : { snapshotAtS: between('snapshotAtS', options.snapshotAtS, 0, Number.MAX_SAFE_INTEGER / 1000) }),
    nodeFailures: options.nodeFailures === undefined ? 0 : integer('nodeFailures', options.nodeFailures, 0, LIMITS.failures),
    repairS: options.repairS === undefined ? DEFAULTS.repairS : above('repairS', options.repairS, 0, Infinity),
    ...(spot === undefined
      ? {}
      : {
          spot: {
            ...(spot.fraction === undefined ? {} : { fraction: spot.fraction }),
            ...(spot.interruptionsPerHour === undefined ? {} : { interruptionsPerHour: spot.interruptionsPerHour }),
            noticeS: spot.noticeS ?? DEFAULTS.interruptionNoticeS,
          },
        }),
    ...(options.checkpointEveryS === undefined ? {} : { checkpointEveryS: above('checkpointEveryS', options.checkpointEveryS, 0, 365 * 86_400) }),
    samples: options.samples === undefined ? DEFAULTS.samples : integer('samples', options.samples, 10, LIMITS.samples),
    ...(options.nodeTypes === undefined ? {} : { nodeTypes: options.nodeTypes }),
    autoscale,
    provisionDelayS: options.provisionDelayS === undefined ? DEFAULTS.provisionDelayS : between('provisionDelayS', options.provisionDelayS, 0, 86_400),
    waitTargetS: options.waitTargetS === undefined ? 0 : between('waitTargetS', options.waitTargetS, 0, 7 * 86_400),
    ...(options.snapshot === undefined ? {} : { snapshot: checkedSnapshot(options.snapshot) }),
    snapshotRuntimeS: options.snapshotRuntimeS === undefined ? 3600 : above('snapshotRuntimeS', options.snapshotRuntimeS, 0, 365 * 86_400),
    ...(options.estimateError === undefined ? {} : { estimateError: estimateErrorModel(options.estimateError) }),
  };
}

/**
 * An option that groups settings (`workload`, `spot`): an object of the listed keys. A number or a
 * misspelt key was ignored without a word (`spot: 0.3` for `--spot 0.3` ran without spot nodes).
 */
function plainGroup<T extends object>(name: string, given: T, keys: readonly string[], expected = `an object { ${keys.map((key) => `${key}?`).join(', ')} }`): T {
  if (typeof given !== 'object' || given === null || Array.isArray(given)) invalid(`\`${name}\``, expected, given);
  for (const key of Object.keys(given)) if (!keys.includes(key)) invalid(`\`${name}.${key}\``, `left out (${expected})`, key, 'Remove it or check its spelling.');
  return given;
}

/** `{ sigma?, factor? }` with both filled in: sigma 0–3, factor in (0, 100]. */
function estimateErrorModel(given: EstimateError): EstimateErrorModel {
  plainGroup('estimateError', given, ['sigma', 'factor'], `{ sigma?: 0–${ESTIMATE_ERROR_LIMITS.sigma}, factor?: > 0 and <= ${ESTIMATE_ERROR_LIMITS.factor} }`);
  return {
    sigma: given.sigma === undefined ? 0 : between('estimateError.sigma', given.sigma, 0, ESTIMATE_ERROR_LIMITS.sigma),
    factor: given.factor === undefined ? 1 : above('estimateError.factor', given.factor, 0, ESTIMATE_ERROR_LIMITS.factor),
  };
}

/** The manager's own reading of the snapshot (a scratch restore); what it refuses is refused here. */
function checkedSnapshot(snapshot: unknown): ManagerSnapshot {
  try {
    AllocationManager.restore(snapshot, { now: () => 0, timers: false });
  } catch (error) {
    if (!isFairpackError(error)) throw error;
    throw new FairpackError('INVALID_OPTION', `Expected \`snapshot\` of simulate() to be a manager snapshot (mgr.snapshot(), GET /snapshot): ${error.message}`, { method: 'simulate', option: 'snapshot' });
  }
  return snapshot as ManagerSnapshot;
}

/** The autoscaling modes to run; the node types themselves are checked by the manager when a run starts. */
function autoscaleList(options: SimulateOptions): AutoscaleMode[] {
  const given = options.autoscale;
  const list = given === undefined ? (options.nodeTypes === undefined ? [] : ['off' as const]) : typeof given === 'string' ? [given] : given;
  if (!Array.isArray(list) || (given !== undefined && list.length === 0) || list.some((mode) => !(autoscaleModes as readonly unknown[]).includes(mode))) {
    invalid('`autoscale`', `one of ${autoscaleModes.join(', ')}, or a non-empty list of them`, given);
  }
  if (options.nodeTypes === undefined) {
    if (list.some((mode) => mode !== 'off')) invalid('`nodeTypes`', 'the node types the autoscaler may add (with `autoscale`)', undefined, 'Pass nodeTypes: [{ name, capacity, costPerHour }], or leave `autoscale` out.');
    return [];
  }
  if (!Array.isArray(options.nodeTypes) || options.nodeTypes.length === 0 || options.nodeTypes.length > 100) invalid('`nodeTypes`', 'an array of 1 to 100 node types { name, capacity, costPerHour }', options.nodeTypes);
  try {
    // the manager's own checks of the types (names, amounts, prices, labels, taints), on a scratch manager
    new AllocationManager({ capacity: { cpu: 1 }, timers: false }).scalingAdvice({ nodeTypes: options.nodeTypes });
  } catch (error) {
    if (!isFairpackError(error)) throw error;
    throw new FairpackError('INVALID_OPTION', `Expected \`nodeTypes\` of simulate() to be valid node types: ${error.message}`, { method: 'simulate', option: 'nodeTypes' });
  }
  return [...new Set(list)];
}

function invalid(what: string, expected: string, got: unknown, todo = 'Pass a valid value or leave it out for the default.'): never {
  return refuse(what, 'simulate', expected, got, todo);
}

function integer(name: string, value: number, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) invalid(`\`${name}\``, `a whole number from ${min} to ${max}`, value);
  return value;
}

/** min < value <= max: a zero load or repair time is meaningless. */
function above(name: string, value: number, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= min || value > max) invalid(`\`${name}\``, `a number > ${min}${max === Infinity ? '' : ` and <= ${max}`}`, value);
  return value;
}

/** min <= value <= max. */
function between(name: string, value: number, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) invalid(`\`${name}\``, `a number from ${min} to ${max}`, value);
  return value;
}

function names<T extends string>(name: string, list: readonly T[], known: readonly T[]): T[] {
  if (!Array.isArray(list) || list.length === 0 || list.some((item) => !(known as readonly unknown[]).includes(item))) {
    invalid(`\`${name}\``, `a non-empty list of ${known.join(', ')}`, list);
  }
  return [...new Set(list)];
}

function preemptionModes(mode: boolean | 'both'): boolean[] {
  if (mode === true) return [true];
  if (mode === false) return [false];
  if (mode === 'both') return [true, false];
  return invalid('`preemption`', "true, false or 'both'", mode);
}
