import { type FairnessPolicyName, type PlacementStrategyName, fairnessPolicyNames, placementStrategyNames } from '../../index.js';
import { type AutoscaleMode, autoscaleModes } from '../../simulate/autoscale-settings.js';
import { type Objective, objectiveNames } from '../../simulate/objective.js';
import { DEFAULTS, LIMITS } from '../../simulate/options.js';
import { MAX_CONCURRENCY } from '../../simulate/parallel-runs.js';
import type { EstimateError } from '../../simulate/estimate-error.js';
import { integerFlag } from '../integer-flag.js';
import { UsageError, parseFlags } from '../io.js';
import { estimateErrorFlag } from './estimate-error-flag.js';

/** The parsed flags; `loadInputs` turns them (and the files they name) into the library's options. */
export interface SimulateFlags {
  readonly help: boolean;
  readonly trace?: string;
  /** `--nodes <file>`: the cluster from a JSON file. */
  readonly nodesFile?: string;
  /** `--nodes <count>` (or the default): a synthetic cluster of this many nodes. */
  readonly nodeCount: number;
  /** Synthetic workload only. */
  readonly jobs: number;
  readonly seed: number;
  /** `--seeds`: run every combination with this many seeds, from `seed` on. */
  readonly seeds: number;
  readonly objective: Objective;
  /** `--snapshot-at`: the node heatmap's moment, seconds after the first submission. */
  readonly snapshotAtS?: number;
  readonly load: number;
  readonly strategies: readonly PlacementStrategyName[];
  readonly policies: readonly FairnessPolicyName[];
  /** Which preemption settings to compare: `[true]` (the manager's default), `[false]`, or both. */
  readonly preemption: readonly boolean[];
  readonly nodeFailures: number;
  readonly repairS: number;
  /** `--spot`: the fraction of the nodes (0–1) made spot nodes, chosen from the seed. */
  readonly spot?: number;
  /** `--interruptions-per-hour`: spot reclaims per hour over the whole spot fleet (a Poisson process). */
  readonly interruptionsPerHour?: number;
  readonly interruptionNoticeS: number;
  /** `--checkpoint-every`: seconds of work between a job's checkpoints; undefined: none. */
  readonly checkpointEveryS?: number;
  readonly tenantsFile?: string;
  /** `--node-types <file.json>`: the types the autoscaler may add. */
  readonly nodeTypesFile?: string;
  /** `--autoscale`: the autoscaling modes to compare (needs --node-types). */
  readonly autoscale?: readonly AutoscaleMode[];
  /** `--provision-delay`: seconds from launch to join. */
  readonly provisionDelayS: number;
  /** `--wait-target`: the fairpack autoscaler's wait target, seconds (0: none). */
  readonly waitTargetS: number;
  /** `--estimate-error`: how wrong the runtime estimates the manager is told are; undefined: exact. */
  readonly estimateError?: EstimateError;
  /** `--snapshot <state.json>`: start from a manager snapshot (a what-if). */
  readonly snapshotFile?: string;
  /** `--snapshot-runtime`: seconds a snapshot job without an estimate runs. */
  readonly snapshotRuntimeS?: number;
  readonly samples: number;
  readonly json: boolean;
  readonly report?: string;
  readonly progress: boolean;
  /** `--workers`: runs computed at once on worker threads; undefined: min(runs, the cores). 1: on the main thread. */
  readonly workers?: number;
}

export const HELP = `Usage: fairpack simulate [options]

Compares placement strategies × fairness policies on one workload: a deterministic discrete-event
simulation over the real AllocationManager (simulated time, no waiting). Prints a table, or JSON,
and can write a self-contained HTML report with charts. See docs/simulate.md.

Workload (a synthetic one by default, or a trace):
  --jobs <n>              synthetic jobs to submit (default ${DEFAULTS.jobs.toLocaleString('en-US')})
  --load <x>              synthetic offered load of the busiest dimension, as a fraction of
                          its capacity (default ${DEFAULTS.load}; above 1 the queue keeps growing)
  --seed <n>              seed of every random draw, 0–4294967295 (default ${DEFAULTS.seed})
  --trace <file.csv>      replay a trace instead, with the columns submit_time_s, tenant,
                          priority, cpu, memory, gpu, duration_s and optionally deadline_s
                          and estimate_s (the runtime the manager is told); bad rows are
                          reported with their line numbers
  --estimate-error <spec> tell the manager wrong runtime estimates: estimate = runtime × k ×
                          exp(σ·N(0,1)), drawn from the seed; sigma=<σ> (0–3) and/or factor=<k>
                          (e.g. sigma=0.5, factor=3, factor=3,sigma=0.5); default: exact. A
                          trace's estimate_s is kept

Cluster:
  --nodes <n | file>      a number: that many synthetic nodes (default ${DEFAULTS.nodes}): 70 % 64 cpu/256 GiB,
                          20 % 64 cpu/1 TiB, 10 % 96 cpu/1 TiB/8 gpu. Otherwise a JSON file of
                          nodes [{ "id", "capacity", "labels"?, "taints"? }] (./10: a file named 10)
  --node-failures <n>     nodes that fail during the run, at seeded times over the arrival
                          period; their jobs are re-queued and restart from zero (default 0)
  --repair-time <s>       how long a failed node stays down, in seconds (default ${DEFAULTS.repairS}); also
                          how long a reclaimed spot node stays gone after its notice
  --tenants <file.json>   the manager's \`tenants\` option: { "<tenant>": { "weight"?, "quota"? } }

Spot instances (off by default; with none of these flags nothing below is simulated):
  --spot <fraction>       make this fraction of the nodes (0–1) spot nodes, chosen from the seed
                          (with a --nodes file: instead of the file's "spot" flags)
  --interruptions-per-hour <rate>
                          spot reclaims per hour over all spot nodes, at seeded Poisson times;
                          each warns the node's jobs, which are re-queued when the notice ends
  --interruption-notice <s>
                          the warning before a reclaimed node goes offline, in seconds
                          (default ${DEFAULTS.interruptionNoticeS}: the two-minute notice)
  --checkpoint-every <s>  jobs checkpoint after every <s> seconds of work: a re-queued job
                          loses only the work since its last checkpoint (default: none, it
                          restarts from zero); lost work is reported with and without

Autoscaling (off by default; docs/simulate.md#autoscaling):
  --node-types <file.json>
                          node types the autoscaler may add: [{ "name", "capacity",
                          "costPerHour", "labels"?, "taints"?, "spot"?, "max"? }]; starting nodes
                          without a price cost the price of the type with their capacity
  --autoscale <list>      fairpack (the manager's scalingAdvice), threshold (one type, +1 node
                          above 90 % or when the queue grows, -1 empty node below 50 % with an
                          empty queue, 5-minute cooldown), off; comma-separated to compare
                          (default with --node-types: off)
  --provision-delay <t>   from launch to the node joining: 120s, 2m or 90 (seconds; default
                          ${DEFAULTS.provisionDelayS}s)
  --wait-target <t>       the fairpack autoscaler buys nodes only for jobs the cluster would not
                          start within this wait (scalingAdvice's scaleUp.waitTargetMs, judged
                          by the jobs' runtimes): 60m, 1h, 900 (seconds); default 0, no target

What-if from a live cluster (docs/simulate.md#what-if-from-a-live-cluster):
  --snapshot <state.json> start every run from a manager snapshot (mgr.snapshot(), GET /snapshot):
                          its nodes, running jobs and queues; the arrivals (--trace or synthetic)
                          start at its clock. A --nodes file then lists nodes to add to it
  --snapshot-runtime <s>  how long a snapshot job without estimatedRuntimeMs runs (a running one:
                          from the snapshot on; default 3600)

What to compare, and what is best:
  --objective <name>      what the recommendation optimises: balanced (default: mean wait, p95
                          wait, makespan and fairness, equally weighted), wait, p95, makespan,
                          fairness (Jain's index) or cost (the nodes' costPerHour, else node-hours)
  --seeds <n>             rerun every combination with n seeds (seed, seed + 1, …) and show the
                          spread; the recommendation says whether its lead is beyond noise
                          (default 1, at most ${LIMITS.seeds})
  --strategies <list>     placement strategies, comma-separated (default: all of them):
                          ${placementStrategyNames.join(', ')}
  --policies <list>       fairness policies, comma-separated (default: ${DEFAULTS.policies.join(',')}):
                          ${fairnessPolicyNames.join(', ')}
  --preemption <mode>     on (the manager's default), off, or both (every run twice); default on

Output:
  --json                  print the results as JSON instead of tables
  --report <file.html>    also write an HTML report with charts (opens without network)
  --snapshot-at <s>       the report's node heatmap at this many seconds after the first
                          submission (default: when half of the jobs have been submitted)
  --samples <n>           chart resolution: time buckets per run, n to 2n (default ${DEFAULTS.samples})
  --no-progress           no progress bar (it is drawn on stderr only when stderr is a terminal)

Speed:
  --workers <n>           runs computed at once, each on a worker thread, 1–${MAX_CONCURRENCY} (default: the
                          number of runs or of cores, whichever is smaller; 1: one after another
                          on the main thread). The output is the same whatever the number
  -h, --help              this help

Everything but the wall-clock figures (decisions per second) depends only on the inputs and the
seed: the same command prints the same numbers on every machine.
`;

export function parseSimulateArgs(args: readonly string[]): SimulateFlags {
  const values = parseFlags(args, {
    help: { type: 'boolean', short: 'h' },
    trace: { type: 'string' },
    nodes: { type: 'string' },
    jobs: { type: 'string' },
    seed: { type: 'string' },
    seeds: { type: 'string' },
    objective: { type: 'string' },
    'snapshot-at': { type: 'string' },
    load: { type: 'string' },
    strategies: { type: 'string' },
    policies: { type: 'string' },
    preemption: { type: 'string' },
    'node-failures': { type: 'string' },
    'repair-time': { type: 'string' },
    spot: { type: 'string' },
    'interruptions-per-hour': { type: 'string' },
    'interruption-notice': { type: 'string' },
    'checkpoint-every': { type: 'string' },
    tenants: { type: 'string' },
    'node-types': { type: 'string' },
    autoscale: { type: 'string' },
    'provision-delay': { type: 'string' },
    'wait-target': { type: 'string' },
    'estimate-error': { type: 'string' },
    snapshot: { type: 'string' },
    'snapshot-runtime': { type: 'string' },
    samples: { type: 'string' },
    json: { type: 'boolean' },
    report: { type: 'string' },
    'no-progress': { type: 'boolean' },
    workers: { type: 'string' },
  });
  if (values.trace !== undefined && values.jobs !== undefined) throw new UsageError('Expected --jobs only with the synthetic workload; a --trace replays all its rows.');
  if (values.trace !== undefined && values.load !== undefined) throw new UsageError('Expected --load only with the synthetic workload; a --trace brings its own arrival times.');
  if (values['interruption-notice'] !== undefined && values['interruptions-per-hour'] === undefined) {
    throw new UsageError('Expected --interruption-notice only with --interruptions-per-hour: without interruptions there is no notice.');
  }
  if (values.autoscale !== undefined && values['node-types'] === undefined) throw new UsageError('Expected --node-types <file.json> with --autoscale: the autoscaler needs the node types it may add.');
  if (values['provision-delay'] !== undefined && values.autoscale === undefined) throw new UsageError('Expected --provision-delay only with --autoscale: without an autoscaler no node is launched.');
  if (values['wait-target'] !== undefined && !(values.autoscale ?? '').split(',').some((mode) => mode.trim() === 'fairpack')) {
    throw new UsageError('Expected --wait-target only with --autoscale fairpack: it is an option of the fairpack autoscaler\'s advice.');
  }
  if (values.snapshot !== undefined && values.nodes !== undefined && /^\d+$/.test(values.nodes)) throw new UsageError('Expected --nodes to be a nodes file with --snapshot (nodes to add to the snapshot\'s cluster), got a count. Leave it out to keep the snapshot\'s nodes as they are.');
  if (values['snapshot-runtime'] !== undefined && values.snapshot === undefined) throw new UsageError('Expected --snapshot-runtime only with --snapshot.');
  const nodesIsCount = values.nodes !== undefined && /^\d+$/.test(values.nodes);
  return {
    help: values.help === true,
    ...(values.trace === undefined ? {} : { trace: values.trace }),
    ...(values.nodes === undefined || nodesIsCount ? {} : { nodesFile: values.nodes }),
    nodeCount: nodesIsCount ? integerFlag('--nodes', values.nodes as string, 1, 1_000_000) : DEFAULTS.nodes,
    jobs: values.jobs === undefined ? DEFAULTS.jobs : integerFlag('--jobs', values.jobs, 1, 100_000_000),
    seed: values.seed === undefined ? DEFAULTS.seed : integerFlag('--seed', values.seed, 0, 4_294_967_295),
    seeds: values.seeds === undefined ? 1 : integerFlag('--seeds', values.seeds, 1, LIMITS.seeds),
    objective: values.objective === undefined ? 'balanced' : objective(values.objective),
    ...(values['snapshot-at'] === undefined ? {} : { snapshotAtS: bounded('--snapshot-at', 'a number of seconds', values['snapshot-at'], 0, 100 * 365 * 86_400) }),
    load: values.load === undefined ? DEFAULTS.load : decimal('--load', values.load, 0, 100),
    strategies: values.strategies === undefined ? placementStrategyNames : names('--strategies', values.strategies, placementStrategyNames),
    policies: values.policies === undefined ? DEFAULTS.policies : names('--policies', values.policies, fairnessPolicyNames),
    preemption: preemption(values.preemption ?? 'on'),
    nodeFailures: values['node-failures'] === undefined ? 0 : integerFlag('--node-failures', values['node-failures'], 0, 1_000_000),
    repairS: values['repair-time'] === undefined ? DEFAULTS.repairS : decimal('--repair-time', values['repair-time'], 0, Infinity),
    ...(values.spot === undefined ? {} : { spot: bounded('--spot', 'a fraction of the nodes', values.spot, 0, 1) }),
    ...(values['interruptions-per-hour'] === undefined ? {} : { interruptionsPerHour: bounded('--interruptions-per-hour', 'a rate per hour', values['interruptions-per-hour'], 0, 1_000_000) }),
    interruptionNoticeS: values['interruption-notice'] === undefined ? DEFAULTS.interruptionNoticeS : bounded('--interruption-notice', 'a number of seconds', values['interruption-notice'], 0, 30 * 86_400),
    ...(values['checkpoint-every'] === undefined ? {} : { checkpointEveryS: decimal('--checkpoint-every', values['checkpoint-every'], 0, 365 * 86_400) }),
    ...(values.tenants === undefined ? {} : { tenantsFile: values.tenants }),
    ...(values['node-types'] === undefined ? {} : { nodeTypesFile: values['node-types'] }),
    ...(values.snapshot === undefined ? {} : { snapshotFile: values.snapshot }),
    ...(values['snapshot-runtime'] === undefined ? {} : { snapshotRuntimeS: decimal('--snapshot-runtime', values['snapshot-runtime'], 0, 365 * 86_400) }),
    ...(values.autoscale === undefined ? {} : { autoscale: names('--autoscale', values.autoscale, autoscaleModes) }),
    provisionDelayS: values['provision-delay'] === undefined ? DEFAULTS.provisionDelayS : duration('--provision-delay', values['provision-delay']),
    waitTargetS: values['wait-target'] === undefined ? 0 : duration('--wait-target', values['wait-target']),
    ...(values['estimate-error'] === undefined ? {} : { estimateError: estimateErrorFlag(values['estimate-error']) }),
    samples: values.samples === undefined ? DEFAULTS.samples : integerFlag('--samples', values.samples, 10, 5_000),
    json: values.json === true,
    ...(values.report === undefined ? {} : { report: values.report }),
    progress: values['no-progress'] !== true,
    ...(values.workers === undefined ? {} : { workers: integerFlag('--workers', values.workers, 1, MAX_CONCURRENCY) }),
  };
}

/** A finite number with min < value <= max (min itself is excluded: a zero load or repair is meaningless). */
function decimal(flag: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= min || value > max) {
    throw new UsageError(`Expected ${flag} to be a number > ${min}${max === Infinity ? '' : ` and <= ${max}`}, got "${text}".`);
  }
  return value;
}

/** A finite number with min <= value <= max (both ends allowed: `--spot 0` or `1`, a notice of 0 s). */
function bounded(flag: string, what: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
    throw new UsageError(`Expected ${flag} to be ${what} from ${min} to ${max.toLocaleString('en-US')}, got "${text}".`);
  }
  return value;
}

/** Seconds from `120`, `120s`, `2m` or `1h`: at most a day. */
function duration(flag: string, text: string): number {
  const match = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(text.trim());
  const seconds = match === null ? NaN : Number(match[1]) * (match[2] === 'h' ? 3600 : match[2] === 'm' ? 60 : 1);
  if (!Number.isFinite(seconds) || seconds > 86_400) throw new UsageError(`Expected ${flag} to be a duration from 0 to 1 day, such as 120s, 2m or 90 (seconds), got "${text}".`);
  return seconds;
}

function names<T extends string>(flag: string, text: string, known: readonly T[]): T[] {
  const list = text.split(',').map((name) => name.trim());
  const unknown = list.filter((name) => !(known as readonly string[]).includes(name));
  if (list.length === 0 || unknown.length > 0) {
    throw new UsageError(`Expected ${flag} to be a comma-separated list of ${known.join(', ')}, got "${text}" (unknown: ${unknown.map((u) => `"${u}"`).join(', ')}).`);
  }
  return [...new Set(list)] as T[];
}

function objective(text: string): Objective {
  if ((objectiveNames as readonly string[]).includes(text)) return text as Objective;
  throw new UsageError(`Expected --objective to be one of ${objectiveNames.join(', ')}, got "${text}".`);
}

function preemption(text: string): boolean[] {
  if (text === 'on') return [true];
  if (text === 'off') return [false];
  if (text === 'both') return [true, false];
  throw new UsageError(`Expected --preemption to be on, off or both, got "${text}".`);
}
