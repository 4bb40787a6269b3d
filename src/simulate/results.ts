import type { FairnessPolicyName, PlacementStrategyName } from '../index.js';
import type { AutoscaleMode } from './autoscale-settings.js';
import type { Recommendation } from './recommend.js';
import { checkResults } from './helper-arguments.js';
import type { ScenarioDescription } from './scenario.js';
import type { WaitSummary } from './stats.js';

/** One point of the comparison. */
export interface Combination {
  readonly strategy: PlacementStrategyName;
  readonly policy: FairnessPolicyName;
  /** The manager's preemption on (its default) or off. */
  readonly preemption: boolean;
  /** Only with `nodeTypes`: who adds and removes nodes during the run. */
  readonly autoscale?: AutoscaleMode;
}

/**
 * What one run measured. Every field is a deterministic function of the scenario and the
 * combination, except `timing`, which reads the wall clock.
 */
export interface RunResult extends Combination {
  /** `strategy · policy`, plus `· no preemption` when preemption is off. */
  readonly label: string;
  readonly jobs: {
    readonly submitted: number;
    readonly completed: number;
    /** Refused at submission: no node could ever hold them (or over a tenant's quota). */
    readonly rejected: number;
    /** Still waiting when nothing else could happen (should be 0). */
    readonly unfinished: number;
  };
  /** From the first submission to the last completion. */
  readonly makespanS: number;
  /**
   * Time spent waiting in the queue until the start of the run that completed the job; a job that
   * was re-queued (node failure, preemption) waits again, and its lost run time is not counted
   * here but in `lostWorkHours`.
   */
  readonly wait: WaitSummary & {
    readonly byTenant: Readonly<Record<string, WaitSummary>>;
    readonly byPriority: Readonly<Record<string, WaitSummary>>;
  };
  /** Time-averaged share of each dimension's total capacity held by running jobs, 0–1. */
  readonly utilisation: Readonly<Record<string, number>>;
  /** Sampled mean over the run of the mean fill of the nodes holding jobs, 0–1. */
  readonly packingEfficiency: number;
  /** Sampled mean share of each dimension's capacity left free on nodes where no job shape fits, 0–1. */
  readonly strandedCapacity: Readonly<Record<string, number>>;
  /** Jobs evicted by preemption (the manager's `preempted` events). */
  readonly preemptions: number;
  /**
   * Runs cut short (node failure, preemption, spot interruption) and started again: from zero, or
   * from the job's last checkpoint with `--checkpoint-every`.
   */
  readonly restarts: number;
  /** Work thrown away by those restarts, in job-hours (what the checkpoints did not save). */
  readonly lostWorkHours: number;
  /**
   * Only with `--checkpoint-every`: what the same restarts would have thrown away without
   * checkpoints — all of each cut-short run's running time.
   */
  readonly lostWorkHoursWithoutCheckpoints?: number;
  readonly nodeFailures: number;
  /** Only with the spot model (`--spot`, `--interruptions-per-hour`). */
  readonly interruptions?: InterruptionFigures;
  /** Jobs with a deadline, and those that first started after it. */
  readonly deadlines: { readonly total: number; readonly missed: number };
  /**
   * Jain's index over the (weighted) dominant shares of the tenants with jobs waiting, sampled
   * over time while at least two tenants had jobs waiting; null if that never happened.
   */
  readonly jainIndex: number | null;
  /**
   * Only when some node has a `costPerHour`: what the cluster cost over the run (the manager's
   * `costs()`, docs/costs-and-scaling.md), in whole micro-units of the price's currency.
   */
  readonly cost?: {
    readonly unit: 'micro';
    readonly total: number;
    readonly used: number;
    readonly idle: number;
    /** What each tenant's jobs paid (the manager's `costs().byTenant`). */
    readonly byTenant?: Readonly<Record<string, number>>;
    /** Nearest-rank quantiles of what each completed job paid over all its runs (restarts pay again). */
    readonly perJob?: { readonly p50: number; readonly p95: number };
  };
  /** Only with `autoscale` other than `'off'`: what the autoscaler did. */
  readonly autoscaling?: {
    readonly mode: 'fairpack' | 'threshold';
    /** Nodes that joined during the run, and those removed. */
    readonly nodesAdded: number;
    readonly nodesRemoved: number;
    /** Most nodes in the cluster at once, and at the end (starting nodes included). */
    readonly peakNodes: number;
    readonly endNodes: number;
  };
  /** Jobs started by the manager's scheduling cycles (restarts included). */
  readonly decisions: number;
  /** Wall-clock figures: they vary from run to run and are left out of determinism checks. */
  readonly timing: { readonly wallMs: number; readonly decisionsPerSecond: number };
}

/** What spot interruptions did to one run. */
export interface InterruptionFigures {
  /** Spot nodes reclaimed (`interruptNode` calls). */
  readonly count: number;
  /** Jobs running on them when they were warned (the manager's `interrupted` events). */
  readonly jobsHit: number;
  /** Of those, jobs that ended within the notice. */
  readonly finishedInNotice: number;
  /** Of those, jobs re-queued when the notice ran out (and started again later). */
  readonly restarts: number;
  /** Work those restarts threw away, in job-hours, with the run's checkpoints (if any). */
  readonly lostWorkHours: number;
  /** The same restarts without checkpoints: all of each cut-short run's running time. */
  readonly lostWorkHoursWithoutCheckpoints: number;
}

/** The time series behind the report's charts (not part of `--json`). */
export interface RunSeries {
  /** Bucket start times, seconds from the first submission. */
  readonly timesS: readonly number[];
  /** Per dimension, time-averaged utilisation per bucket, 0–1. */
  readonly utilisation: Readonly<Record<string, readonly number[]>>;
  /** Per charted tenant (and "others"), time-averaged dominant share per bucket. */
  readonly shares: readonly { readonly tenant: string; readonly values: readonly number[] }[];
  /** Time-averaged number of waiting jobs per bucket. */
  readonly waiting: readonly number[];
  /** Wait-time quantiles 0 %, 0.5 %, …, 100 % (seconds) of the completed jobs. */
  readonly waitQuantilesS: readonly number[];
  /** Jain's index per bucket, sampled at its start (as `jainIndex`); null where fewer than two tenants were backlogged. */
  readonly jain: readonly (number | null)[];
  /** Jobs preempted so far, time-averaged per bucket (a cumulative count). */
  readonly preemptions: readonly number[];
  /** Job-hours of work thrown away so far by restarts, time-averaged per bucket (cumulative). */
  readonly lostWorkHours: readonly number[];
  /** Per tenant and per priority class, the spread of the completed jobs' waits. */
  readonly waitBoxes: { readonly byTenant: Readonly<Record<string, WaitBox>>; readonly byPriority: Readonly<Record<string, WaitBox>> };
  /** Only with autoscaling: nodes in the cluster over time (time-averaged per bucket), the starting nodes and each node type. */
  readonly nodes?: { readonly byType: Readonly<Record<string, readonly number[]>> };
  /** Every node's fill at one moment of the run (the report's heatmap); absent if the run ended before it. */
  readonly nodeSnapshot?: NodeSnapshot;
}

/** Nearest-rank quantiles of a group's waits, in seconds (a box plot: whiskers at 5 % and 95 %). */
export interface WaitBox {
  readonly count: number;
  readonly p5S: number;
  readonly p25S: number;
  readonly p50S: number;
  readonly p75S: number;
  readonly p95S: number;
}

/** The cluster at one moment: per node, the share of each dimension held by running jobs. */
export interface NodeSnapshot {
  /** Seconds from the first submission. */
  readonly atS: number;
  /** The dimensions, in the order of each node's `used`. */
  readonly dimensions: readonly string[];
  readonly nodes: readonly { readonly id: string; readonly used: readonly (number | null)[]; readonly down: boolean }[];
  /** Jobs waiting at that moment. */
  readonly waiting: number;
}

export interface SimulationRun {
  readonly result: RunResult;
  readonly series: RunSeries;
}

/** The `--json` document. */
export interface SimulationReport {
  readonly scenario: ScenarioDescription;
  /** One per combination, under the first seed. */
  readonly results: readonly RunResult[];
  /** The run that is best on the objective, and what each other run trades; absent without runs. */
  readonly recommendation?: Recommendation;
  /** Only with several seeds: each combination's figures under each seed. */
  readonly seeds?: SeedSpread;
}

/** Each combination's headline figures under every seed: the spread the noise verdict reads. */
export interface SeedSpread {
  readonly seeds: readonly number[];
  /** Same order as `results`; each array has one value per seed, in the order of `seeds`. */
  readonly runs: readonly {
    readonly label: string;
    readonly meanWaitS: readonly number[];
    readonly p95WaitS: readonly number[];
    readonly makespanS: readonly number[];
    readonly jainIndex: readonly (number | null)[];
    /** The objective's score (lower is better) among that seed's runs. */
    readonly score: readonly number[];
  }[];
}

/**
 * What `simulate()` returns: the `--json` document, plus what `--json` leaves out — the charts'
 * time series and the warnings the CLI prints on stderr. `renderReport` draws it.
 */
export interface SimulationResults extends SimulationReport {
  /** One per result, same order. */
  readonly series: readonly RunSeries[];
  /** Things to know before reading the results (e.g. trace jobs that fit no node). */
  readonly warnings: readonly string[];
}

/** The `--json` document of a simulation: its results without the series and the warnings. */
export function jsonDocument(results: SimulationResults): SimulationReport {
  checkResults(results, 'jsonDocument', false);
  return {
    scenario: results.scenario,
    results: results.results,
    ...(results.recommendation === undefined ? {} : { recommendation: results.recommendation }),
    ...(results.seeds === undefined ? {} : { seeds: results.seeds }),
  };
}

export function labelOf(combination: Combination): string {
  const autoscale = combination.autoscale === undefined ? '' : combination.autoscale === 'off' ? ' · fixed nodes' : ` · autoscale ${combination.autoscale}`;
  return `${combination.strategy} · ${combination.policy}${combination.preemption ? '' : ' · no preemption'}${autoscale}`;
}
