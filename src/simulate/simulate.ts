import { FairpackError } from '../errors.js';
import { buildScenario } from './build-scenario.js';
import { runScenarioSteps } from './engine.js';
import { type ResolvedOptions, type SimulateOptions, resolveOptions } from './options.js';
import { type Combination, type RunResult, type RunSeries, type SimulationResults, labelOf } from './results.js';

/**
 * Compares placement strategies × fairness policies (× preemption on/off) on one workload: a
 * deterministic discrete-event simulation that drives the real AllocationManager in simulated
 * time (docs/simulate.md). Everything but the `timing` figures depends only on the options.
 *
 * No I/O, no timers, no clock: it runs in Node, a browser, Deno or Bun alike. It is async only so
 * that `onProgress` may return a promise to pause on (a page repaints there) and `signal` can stop
 * it between steps; without them it never yields to the event loop.
 */
export async function simulate(options: SimulateOptions = {}): Promise<SimulationResults> {
  const resolved = resolveOptions(options);
  const { scenario, warnings } = buildScenario(resolved, resolved.seed);
  const combinations = combinationsOf(resolved);
  const wallClock = options.wallClock ?? (() => 0);
  const results: RunResult[] = [];
  const series: RunSeries[] = [];
  for (const [i, combination] of combinations.entries()) {
    const label = labelOf(combination);
    const progress = async (fraction: number): Promise<void> => {
      stopIfAborted(options);
      const pending = options.onProgress?.({ run: i + 1, runs: combinations.length, label, fraction });
      if (pending !== undefined) await pending;
      stopIfAborted(options);
    };
    await progress(0);
    const steps = runScenarioSteps(scenario, { ...combination, ...(resolved.tenants === undefined ? {} : { tenants: resolved.tenants }), samples: resolved.samples, wallClock });
    for (;;) {
      const step = steps.next();
      if (step.done === true) {
        results.push(step.value.result);
        series.push(step.value.series);
        break;
      }
      if (options.onProgress !== undefined || options.signal !== undefined) await progress(step.value);
    }
  }
  return { scenario: scenario.description, results, series, warnings };
}

/** Every combination, preemption setting outermost (the order of the tables and the legends). */
export function combinationsOf(options: Pick<ResolvedOptions, 'strategies' | 'policies' | 'preemption'>): Combination[] {
  const combinations: Combination[] = [];
  for (const preemption of options.preemption) {
    for (const strategy of options.strategies) for (const policy of options.policies) combinations.push({ strategy, policy, preemption });
  }
  return combinations;
}

function stopIfAborted(options: SimulateOptions): void {
  const signal = options.signal;
  if (signal?.aborted !== true) return;
  throw new FairpackError('SIMULATION_ABORTED', 'The simulation was aborted by its `signal` before it finished; nothing was returned. Run it again to get results.', { method: 'simulate' }, { cause: signal.reason });
}
