import { FairpackError } from '../errors.js';
import { buildScenario } from './build-scenario.js';
import { runScenarioSteps } from './engine.js';
import { scores } from './objective.js';
import { type ResolvedOptions, type SimulateOptions, resolveOptions } from './options.js';
import { recommend } from './recommend.js';
import { type Combination, type RunResult, type RunSeries, type SeedSpread, type SimulationResults, labelOf } from './results.js';

/**
 * Compares placement strategies × fairness policies (× preemption on/off) on one workload: a
 * deterministic discrete-event simulation that drives the real AllocationManager in simulated
 * time (docs/simulate.md), then recommends the run that is best on the objective.
 * Everything but the `timing` figures depends only on the options.
 *
 * No I/O, no timers, no clock: it runs in Node, a browser, Deno or Bun alike. It is async only so
 * that `onProgress` may return a promise to pause on (a page repaints there) and `signal` can stop
 * it between steps; without them it never yields to the event loop.
 */
export async function simulate(options: SimulateOptions = {}): Promise<SimulationResults> {
  const resolved = resolveOptions(options);
  const combinations = combinationsOf(resolved);
  const wallClock = options.wallClock ?? (() => 0);
  const runs = combinations.length * resolved.seeds;
  const bySeed: RunResult[][] = [];
  const series: RunSeries[] = [];
  let first: ReturnType<typeof buildScenario> | undefined;
  for (let s = 0; s < resolved.seeds; s++) {
    const built = buildScenario(resolved, resolved.seed + s);
    first ??= built;
    const results: RunResult[] = [];
    for (const [i, combination] of combinations.entries()) {
      const run = s * combinations.length + i + 1;
      const label = labelOf(combination);
      const progress = async (fraction: number): Promise<void> => {
        stopIfAborted(options);
        const pending = options.onProgress?.({ run, runs, label, fraction });
        if (pending !== undefined) await pending;
        stopIfAborted(options);
      };
      await progress(0);
      const steps = runScenarioSteps(built.scenario, {
        ...combination,
        ...(resolved.tenants === undefined ? {} : { tenants: resolved.tenants }),
        ...(resolved.snapshotAtS === undefined ? {} : { snapshotAfterMs: resolved.snapshotAtS * 1000 }),
        ...(resolved.nodeTypes === undefined ? {} : { nodeTypes: resolved.nodeTypes, provisionDelayMs: resolved.provisionDelayS * 1000, waitTargetMs: resolved.waitTargetS * 1000 }),
        samples: resolved.samples,
        wallClock,
      });
      for (;;) {
        const step = steps.next();
        if (step.done === true) {
          results.push(step.value.result);
          // the charts show the first seed; the others add only their figures
          if (s === 0) series.push(step.value.series);
          break;
        }
        if (options.onProgress !== undefined || options.signal !== undefined) await progress(step.value);
      }
    }
    bySeed.push(results);
  }
  const scenario = (first as NonNullable<typeof first>).scenario;
  const nodes = scenario.nodes.length;
  const recommendation = recommend(resolved.objective, bySeed, nodes);
  return {
    scenario: scenario.description,
    results: bySeed[0] as RunResult[],
    ...(recommendation === undefined ? {} : { recommendation }),
    ...(resolved.seeds > 1 ? { seeds: spreadOf(resolved, bySeed, nodes) } : {}),
    series,
    warnings: (first as NonNullable<typeof first>).warnings,
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

function stopIfAborted(options: SimulateOptions): void {
  const signal = options.signal;
  if (signal?.aborted !== true) return;
  throw new FairpackError('SIMULATION_ABORTED', 'The simulation was aborted by its `signal` before it finished; nothing was returned. Run it again to get results.', { method: 'simulate' }, { cause: signal.reason });
}
