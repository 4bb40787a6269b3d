import type { FairnessPolicyName } from '../fairness/registry.js';
import type { PlacementStrategyName } from '../placement/registry.js';
import type { Combination } from './results.js';
import type { SimulationTask } from './runs.js';

/**
 * How long a run takes, relative to the others, by strategy: CPU seconds per run of
 * `fairpack simulate --jobs 1000000 --nodes 10000` on main, 2026-12-06 (docs/performance.md),
 * the mean of fifo and drf over two full runs. Only the order matters, and only roughly.
 */
const STRATEGY_COST: Readonly<Record<PlacementStrategyName, number>> = { 'first-fit': 88, 'best-fit': 67, 'worst-fit': 118, 'dot-product': 159 };

/** drf runs took 1.1–1.4× the fifo runs of the same strategy (the same measurements); the rest 1. */
const POLICY_FACTOR: Readonly<Partial<Record<FairnessPolicyName, number>>> = { drf: 1.15 };

function expectedCost(combination: Combination): number {
  return STRATEGY_COST[combination.strategy] * (POLICY_FACTOR[combination.policy] ?? 1);
}

/**
 * The order in which to start the runs on a runner: each seed's runs together (a worker given
 * one seed's runs in a row builds its scenario once), and within a seed the runs expected to take
 * longest first. With fewer lanes than runs, starting in results order left the two slowest runs
 * (dot-product's) for the end, one lane idling while the other finished them: on 2 cores the
 * full default run's wall time was the sum of its runs over 2 plus most of one slow run. Longest
 * first is the classic list-scheduling rule (LPT); it changes when each run starts, never what it
 * computes or where its result goes. Ties keep the results order.
 *
 * Returns positions in `tasks`.
 */
export function longestFirst(tasks: readonly SimulationTask[], combinations: readonly Combination[]): number[] {
  const cost = combinations.map(expectedCost);
  return tasks
    .map((_, position) => position)
    .sort((a, b) => {
      const ta = tasks[a] as SimulationTask;
      const tb = tasks[b] as SimulationTask;
      return ta.seedIndex - tb.seedIndex || (cost[tb.combination] as number) - (cost[ta.combination] as number) || a - b;
    });
}
