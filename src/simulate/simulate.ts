import { type BuiltScenario, buildScenario } from './build-scenario.js';
import { scores } from './objective.js';
import { type ResolvedOptions, type SimulateOptions, resolveOptions } from './options.js';
import { recommend } from './recommend.js';
import { type Combination, type RunResult, type RunSeries, type SeedSpread, type SimulationResults } from './results.js';
import { type RunOutput, type SimulationTask, combinationsOf, runSteps, tasksOf } from './runs.js';
import { checkedRunner, runInParallel } from './parallel-runs.js';
import { reportProgress } from './progress-points.js';
import { longestFirst } from './run-order.js';

export { combinationsOf } from './runs.js';

/**
 * Compares placement strategies × fairness policies (× preemption on/off) on one workload: a
 * deterministic discrete-event simulation that drives the real AllocationManager in simulated
 * time (docs/simulate.md), then recommends the run that is best on the objective.
 * Everything but the `timing` figures depends only on the options.
 *
 * No I/O, no timers, no clock: it runs in Node, a browser, Deno or Bun alike. It is async only so
 * that `onProgress` may return a promise to pause on (a page repaints there) and `signal` can stop
 * it between steps; without them it never yields to the event loop. With a `runner`, the runs are
 * handed to it (a worker each, say) a few at once, those expected to take longest first
 * (`longestFirst`), and assembled in their order: the same results.
 */
export async function simulate(options: SimulateOptions = {}): Promise<SimulationResults> {
  const resolved = resolveOptions(options);
  const runner = checkedRunner(options.runner);
  const combinations = combinationsOf(resolved);
  const tasks = tasksOf(resolved, combinations);
  const outputs = runner === undefined ? await runHere(resolved, options, tasks, combinations) : await runInParallel(tasks, runner, options, longestFirst(tasks, combinations));
  return assemble(resolved, outputs);
}

/** One run after another on this thread; the scenario is built once per seed. */
async function runHere(resolved: ResolvedOptions, options: SimulateOptions, tasks: readonly SimulationTask[], combinations: readonly Combination[]): Promise<RunOutput[]> {
  const wallClock = options.wallClock ?? (() => 0);
  const outputs: RunOutput[] = [];
  let built: { readonly seedIndex: number; readonly scenario: BuiltScenario } | undefined;
  for (const task of tasks) {
    if (built?.seedIndex !== task.seedIndex) built = { seedIndex: task.seedIndex, scenario: buildScenario(resolved, resolved.seed + task.seedIndex) };
    await reportProgress(options, task, 0);
    const steps = runSteps(resolved, built.scenario, combinations[task.combination] as Combination, wallClock);
    for (;;) {
      const step = steps.next();
      if (step.done === true) {
        outputs.push(step.value);
        break;
      }
      if (options.onProgress !== undefined || options.signal !== undefined) await reportProgress(options, task, step.value);
    }
  }
  return outputs;
}

/**
 * The results of the runs, in the order of the tasks (seed outermost): the first seed's results
 * and series, the recommendation over every seed, the spread of the seeds, the first seed's
 * scenario and warnings.
 */
export function assemble(resolved: ResolvedOptions, outputs: readonly RunOutput[]): SimulationResults {
  const perSeed = outputs.length / resolved.seeds;
  const bySeed: RunResult[][] = [];
  for (let s = 0; s < resolved.seeds; s++) bySeed.push(outputs.slice(s * perSeed, (s + 1) * perSeed).map((output) => output.result));
  // the charts show the first seed; the others add only their figures
  const series: RunSeries[] = outputs.slice(0, perSeed).map((output) => output.series);
  const first = (outputs[0] as RunOutput).scenario;
  const recommendation = recommend(resolved.objective, bySeed, first.nodes);
  return {
    scenario: first.description,
    results: bySeed[0] as RunResult[],
    ...(recommendation === undefined ? {} : { recommendation }),
    ...(resolved.seeds > 1 ? { seeds: spreadOf(resolved, bySeed, first.nodes) } : {}),
    series,
    warnings: first.warnings,
  };
}

function spreadOf(options: ResolvedOptions, bySeed: readonly (readonly RunResult[])[], nodes: number): SeedSpread {
  const perSeed = bySeed.map((results) => scores(options.objective, results, nodes));
  return {
    seeds: bySeed.map((_, s) => options.seed + s),
    runs: (bySeed[0] as readonly RunResult[]).map((result, c) => {
      const each = bySeed.map((results) => results[c] as RunResult);
      return {
        label: result.label,
        meanWaitS: each.map((r) => r.wait.meanS),
        p95WaitS: each.map((r) => r.wait.p95S),
        makespanS: each.map((r) => r.makespanS),
        jainIndex: each.map((r) => r.jainIndex),
        score: perSeed.map((s) => Number((s[c] as number).toFixed(4))),
      };
    }),
  };
}
