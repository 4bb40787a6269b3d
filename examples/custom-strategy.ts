/**
 * Writing a custom placement strategy — the runnable companion of docs/custom-strategy.md.
 * Run it with `npx tsx examples/custom-strategy.ts`.
 *
 * The contract (the `PlacementStrategy` interface):
 *
 *   - `name`: a non-empty string, used in errors and reports.
 *   - `score(node, request)`: higher wins; equal scores go to node order (the order nodes were
 *     added). Must return a finite number.
 *   - or `select(candidates, request)`: return the id of one candidate (they arrive in node
 *     order), or `undefined` to place nothing. If both are given, `select` is used.
 *   - The pool only ever offers feasible nodes: ready, room in every dimension, `nodeSelector`
 *     matched, NoSchedule taints tolerated. A strategy ranks; it never checks fit.
 *   - The pool checks every answer. A score that is NaN, ±Infinity or not a number, or an id that
 *     was not a candidate, throws a FairpackError with code STRATEGY_CONTRACT_VIOLATION that names
 *     the strategy, and nothing is allocated.
 *   - Do not mutate the views or the request; return the same answer for the same input.
 */
import { type NodeSpec, type PlacementStrategy, ResourcePool, bestFit, isFairpackError } from 'fairpack';

/** Score-based: the cheapest node per hour wins; equal prices go to node order. */
function cheapestNode(): PlacementStrategy {
  return {
    name: 'cheapest-node',
    score: (node) => -(node.costPerHour ?? 0),
  } satisfies PlacementStrategy;
}

/**
 * Select-based: among the candidates carrying `label`, the one the built-in best-fit ranks first;
 * if no candidate has the label, best-fit over all of them. Reusing a built-in's `score` keeps the
 * arithmetic in one place.
 */
function preferLabel(key: string, value: string): PlacementStrategy {
  const tight = bestFit();
  const rank = tight.score as NonNullable<PlacementStrategy['score']>;
  return {
    name: `prefer-${key}=${value}`,
    select: (candidates, request) => {
      const labelled = candidates.filter((node) => node.labels[key] === value);
      let best: string | undefined;
      let bestScore = -Infinity;
      for (const node of labelled.length > 0 ? labelled : candidates) {
        const score = rank(node, request);
        if (best === undefined || score > bestScore) [best, bestScore] = [node.id, score];
      }
      return best;
    },
  } satisfies PlacementStrategy;
}

const nodes: NodeSpec[] = [
  { id: 'on-demand-1', capacity: { cpu: 8, memory: 32 }, costPerHour: 0.68, labels: { lifecycle: 'on-demand' } },
  { id: 'spot-1', capacity: { cpu: 8, memory: 32 }, costPerHour: 0.21, labels: { lifecycle: 'spot' } },
  { id: 'reserved-1', capacity: { cpu: 4, memory: 16 }, costPerHour: 0.35, labels: { lifecycle: 'reserved' } },
  { id: 'spot-2', capacity: { cpu: 8, memory: 32 }, costPerHour: 0.21, labels: { lifecycle: 'spot' } },
];
const jobs = [3, 3, 2, 4, 2.5, 1].map((cpu, i) => ({ id: `job-${i + 1}`, resources: { cpu, memory: cpu * 4 } }));

const strategies = [cheapestNode(), preferLabel('lifecycle', 'reserved')];
const columns = strategies.map((strategy) => {
  const pool = new ResourcePool({ nodes, placement: strategy });
  const placedOn = jobs.map((job) => {
    const result = pool.allocate(job);
    return result.ok ? (result.allocation.placements[0]?.nodeId ?? '') : 'not placed';
  });
  const cost = pool.nodes().reduce((sum, node) => sum + (node.allocationCount > 0 ? (node.costPerHour ?? 0) : 0), 0);
  return { name: strategy.name, placedOn, cost };
});
const row = (cells: readonly string[]) => cells.map((cell, i) => cell.padEnd(i < 2 ? 7 : 27)).join('').trimEnd();
console.log(row(['job', 'cpu', ...columns.map((c) => c.name)]));
jobs.forEach((job, j) => console.log(row([job.id, String(job.resources.cpu), ...columns.map((c) => c.placedOn[j] ?? '')])));
console.log(row(['cost/h', '', ...columns.map((c) => `${c.cost.toFixed(2)} for the nodes in use`)]));

// A broken strategy: the pool refuses its answer, names it, and changes nothing.
const broken: PlacementStrategy = { name: 'broken', score: (node) => (node.id === 'spot-2' ? Number.NaN : 1) };
const pool = new ResourcePool({ nodes, placement: broken });
try {
  pool.allocate({ resources: { cpu: 1 } });
} catch (error) {
  if (!isFairpackError(error)) throw error;
  console.log(`\n${error.code} (strategy "${String(error.details['strategy'])}"):\n  ${error.message}`);
  console.log(`allocations after the refusal: ${pool.allocations().length}, cpu available: ${pool.capacity().available['cpu']}`);
}
