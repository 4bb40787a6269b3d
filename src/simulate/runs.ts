import { FairpackError, describeValue } from '../errors.js';
import { buildScenario, type BuiltScenario } from './build-scenario.js';
import { runScenarioSteps } from './engine.js';
import { type ResolvedOptions, type SimulateOptions, resolveOptions } from './options.js';
import { type Combination, type RunResult, type RunSeries, labelOf } from './results.js';
import type { ScenarioDescription } from './scenario.js';

/**
 * One run of a simulation: a seed × a combination. `simulate()` runs them one after another, or
 * hands them to a `runner` (a worker each, say) that computes them with `simulationRuns`.
 * Plain data: it crosses `postMessage`.
 */
export interface SimulationTask {
  /** 1-based, of `runs` (combinations × seeds): seed outermost, then the combinations in the order of the results. */
  readonly run: number;
  readonly runs: number;
  /** 0-based: the run's seed is the options' `seed` + this. */
  readonly seedIndex: number;
  /** 0-based index of the combination, in the order of `results`. */
  readonly combination: number;
  /** The combination's label, e.g. `best-fit · drf`. */
  readonly label: string;
}

/** What the simulation needs to know of a run's scenario (the same for every run of a seed). */
export interface ScenarioSummary {
  readonly description: ScenarioDescription;
  /** Nodes at the start (the scores of the cost objective are per node). */
  readonly nodes: number;
  readonly warnings: readonly string[];
}

/** What one run produced: plain, structured-clonable data (it crosses `postMessage`). */
export interface RunOutput {
  readonly result: RunResult;
  readonly series: RunSeries;
  readonly scenario: ScenarioSummary;
}

/** What computing a run may be told: its wall clock (for `timing` only) and where to report progress. */
export interface RunHooks {
  /** A wall clock in ms, read only for the `timing` figures. Without it they are 0. */
  readonly wallClock?: () => number;
  /** Called every few thousand steps with the share of the run done, 0–1. */
  readonly onFraction?: (fraction: number) => void;
}

/** The runs of one simulation, and a way to compute any of them on its own (e.g. on a worker). */
export interface SimulationRuns {
  /** Every run, in the order of the results (seed outermost). */
  readonly tasks: readonly SimulationTask[];
  /**
   * Computes one run, synchronously, exactly as `simulate()` would: the same options and task give
   * the same output, bit for bit (but for `timing`). The last seed's scenario is kept, so the
   * runs of one seed in a row build it once.
   */
  run(task: Pick<SimulationTask, 'seedIndex' | 'combination'>, hooks?: RunHooks): RunOutput;
}

/**
 * The runs of `simulate(options)`, for computing them apart: a worker given the same options
 * computes the same runs. The options are checked as `simulate()` checks them (a bad one is a
 * `FairpackError` with code `INVALID_OPTION`); `onProgress`, `signal`, `wallClock` and `runner` are
 * not used here.
 */
export function simulationRuns(options: SimulateOptions): SimulationRuns {
  const resolved = resolveOptions(options);
  const combinations = combinationsOf(resolved);
  let cached: { readonly seedIndex: number; readonly built: BuiltScenario } | undefined;
  return {
    tasks: tasksOf(resolved, combinations),
    run(task, hooks = {}) {
      if (!Number.isSafeInteger(task.seedIndex) || task.seedIndex < 0 || task.seedIndex >= resolved.seeds || combinations[task.combination] === undefined) {
        throw new FairpackError('INVALID_OPTION', `Expected a task of simulationRuns().tasks, got seed index ${describeValue(task.seedIndex)} and combination ${describeValue(task.combination)} (${resolved.seeds} seed(s) × ${combinations.length} combination(s)). Pass one of \`tasks\`.`, { method: 'simulationRuns' });
      }
      if (cached?.seedIndex !== task.seedIndex) cached = { seedIndex: task.seedIndex, built: buildScenario(resolved, resolved.seed + task.seedIndex) };
      const steps = runSteps(resolved, cached.built, combinations[task.combination] as Combination, hooks.wallClock ?? (() => 0));
      for (;;) {
        const step = steps.next();
        if (step.done === true) return step.value;
        hooks.onFraction?.(step.value);
      }
    },
  };
}

/** Every run, seed outermost, then the combinations. */
export function tasksOf(resolved: Pick<ResolvedOptions, 'seeds'>, combinations: readonly Combination[]): SimulationTask[] {
  const runs = combinations.length * resolved.seeds;
  const tasks: SimulationTask[] = [];
  for (let s = 0; s < resolved.seeds; s++) {
    for (const [i, combination] of combinations.entries()) tasks.push({ run: s * combinations.length + i + 1, runs, seedIndex: s, combination: i, label: labelOf(combination) });
  }
  return tasks;
}

/** One run over a built scenario: yields the share done every few thousand steps, returns its output. */
export function* runSteps(resolved: ResolvedOptions, built: BuiltScenario, combination: Combination, wallClock: () => number): Generator<number, RunOutput, void> {
  const steps = runScenarioSteps(built.scenario, {
    ...combination,
    ...(resolved.tenants === undefined ? {} : { tenants: resolved.tenants }),
    ...(resolved.snapshotAtS === undefined ? {} : { snapshotAfterMs: resolved.snapshotAtS * 1000 }),
    ...(resolved.nodeTypes === undefined ? {} : { nodeTypes: resolved.nodeTypes, provisionDelayMs: resolved.provisionDelayS * 1000, waitTargetMs: resolved.waitTargetS * 1000 }),
    samples: resolved.samples,
    wallClock,
  });
  const run = yield* steps;
  return { result: run.result, series: run.series, scenario: { description: built.scenario.description, nodes: built.scenario.nodes.length, warnings: built.warnings } };
}

/** Every combination, autoscaling mode outermost, then the preemption setting (the order of the tables and the legends). */
export function combinationsOf(options: Pick<ResolvedOptions, 'strategies' | 'policies' | 'preemption'> & Partial<Pick<ResolvedOptions, 'autoscale'>>): Combination[] {
  const combinations: Combination[] = [];
  const modes = options.autoscale === undefined || options.autoscale.length === 0 ? [undefined] : options.autoscale;
  for (const autoscale of modes) {
    for (const preemption of options.preemption) {
      for (const strategy of options.strategies) for (const policy of options.policies) combinations.push({ strategy, policy, preemption, ...(autoscale === undefined ? {} : { autoscale }) });
    }
  }
  return combinations;
}
