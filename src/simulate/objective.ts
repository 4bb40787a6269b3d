import type { RunResult } from './results.js';

/**
 * What "best" means for the recommendation (docs/simulate.md#the-recommendation). Every objective
 * is a score per run, lower is better, computed over the runs of one seed:
 *
 * - `wait`: the mean wait; `p95`: the 95th-percentile wait; `makespan`: first submission to last
 *   completion; `fairness`: 1 − Jain's index (a run where fewer than two tenants were ever
 *   backlogged counts as perfectly fair); `cost`: what the cluster cost over the run (the nodes'
 *   `costPerHour`, exact micro-units), or node-hours (nodes × makespan) when no node has a price.
 * - `balanced` (the default): the mean of four criteria — mean wait, p95 wait, makespan and
 *   unfairness — each scaled to 0 for the best run and 1 for the worst of this comparison
 *   ((value − best) ÷ (worst − best); a criterion on which every run is equal counts 0).
 */
export type Objective = 'balanced' | 'wait' | 'p95' | 'makespan' | 'fairness' | 'cost';

export const objectiveNames: readonly Objective[] = ['balanced', 'wait', 'p95', 'makespan', 'fairness', 'cost'];

/** How the recommendation names each objective. */
export const OBJECTIVE_TEXT: Readonly<Record<Objective, string>> = {
  balanced: 'a balanced score (mean wait, p95 wait, makespan and fairness, equally weighted)',
  wait: 'the shortest mean wait',
  p95: 'the shortest 95th-percentile wait',
  makespan: 'the shortest makespan',
  fairness: "the most even shares (Jain's index)",
  cost: 'the lowest cost',
};

/** 1 − Jain's index; 0 when the index is undefined (never two tenants backlogged at once). */
export function unfairness(result: RunResult): number {
  return result.jainIndex === null ? 0 : 1 - result.jainIndex;
}

/** The run's cost as the `cost` objective counts it: micro-units with prices, else node-hours. */
export function costOf(result: RunResult, nodes: number): number {
  return result.cost === undefined ? (nodes * result.makespanS) / 3600 : result.cost.total;
}

const BALANCED: readonly ((r: RunResult) => number)[] = [(r) => r.wait.meanS, (r) => r.wait.p95S, (r) => r.makespanS, unfairness];

/** Each run's score under the objective, lower is better (same order as `results`). */
export function scores(objective: Objective, results: readonly RunResult[], nodes: number): number[] {
  switch (objective) {
    case 'wait':
      return results.map((r) => r.wait.meanS);
    case 'p95':
      return results.map((r) => r.wait.p95S);
    case 'makespan':
      return results.map((r) => r.makespanS);
    case 'fairness':
      return results.map(unfairness);
    case 'cost':
      return results.map((r) => costOf(r, nodes));
    case 'balanced': {
      const total = results.map(() => 0);
      for (const criterion of BALANCED) {
        const values = results.map(criterion);
        const best = Math.min(...values);
        const span = Math.max(...values) - best;
        values.forEach((value, i) => (total[i] = (total[i] as number) + (span > 0 ? (value - best) / span : 0)));
      }
      return total.map((sum) => sum / BALANCED.length);
    }
  }
}
