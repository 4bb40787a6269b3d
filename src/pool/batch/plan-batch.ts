import { poolInternals } from '../internals.js';
import type { ResourcePool } from '../resource-pool.js';
import type { AllocationRequest, BatchCandidate, BatchPlan, PlanBatchOptions } from '../types.js';
import { parseBatchOptions } from './batch-options.js';
import { parseBatchRequests } from './batch-requests.js';
import { buildContext } from './context.js';
import { explainUnplaced } from './explain.js';
import { improvePlan } from './improvement.js';
import { materialize } from './materialize.js';
import type { PackingAlgorithm } from './packing-algorithm.js';
import { isBetterPlan, stagesFor } from './portfolio.js';
import type { PlanSummary, Simulation } from './simulation.js';

/**
 * `pool.planBatch`: validate everything, run the chosen algorithm (or, for `auto`, the portfolio,
 * stage by stage while something is left out, then the improvement phase) on simulations of the
 * pool's current state, keep the best plan, then commit it — or, for a dry run, only describe it.
 * See docs/batch-packing.md.
 *
 * Nothing touches the pool before the winner is known: a throw before the commit leaves the pool
 * exactly as it was.
 */
export function planBatch(pool: ResourcePool, requests: readonly AllocationRequest[], options: PlanBatchOptions): BatchPlan {
  const settings = parseBatchOptions(options);
  const { algorithm, sizeKey, placement, dryRun } = settings;
  const { space, nodes, live } = poolInternals(pool);
  const parsed = parseBatchRequests(pool, requests, live);
  const context = buildContext(space, [...nodes.values()], requests, parsed);

  const candidates: BatchCandidate[] = [];
  let best: { run: PackingAlgorithm; sim: Simulation; summary: PlanSummary } | undefined;
  for (const stage of stagesFor(algorithm, { sizeKey, placement })) {
    if (best !== undefined && best.summary.placedCount === context.items.length) break;
    for (const run of stage) {
      const sim = run.pack(context);
      const summary = sim.summary();
      candidates.push(describe(run, summary));
      if (best === undefined || isBetterPlan(summary, best.summary)) best = { run, sim, summary };
    }
  }
  if (best === undefined) throw new Error('fairpack internal error: the batch portfolio is empty');
  const improved = algorithm === 'auto' ? improvePlan(best.sim, settings) : undefined;
  const chosen = improved?.sim ?? best.sim;

  const unplaced = explainUnplaced(chosen);
  const placed = materialize(pool, chosen, dryRun);
  return Object.freeze({
    ...describe(best.run, improved === undefined ? best.summary : chosen.summary()),
    ...(improved === undefined ? {} : { improvement: improved.improvement }),
    placed: Object.freeze(placed),
    unplaced: Object.freeze(unplaced),
    committed: !dryRun,
    candidates: Object.freeze(candidates),
  });
}

function describe(run: PackingAlgorithm, summary: PlanSummary): BatchCandidate {
  return Object.freeze({
    algorithm: run.algorithm,
    ...(run.sizeKey === undefined ? {} : { sizeKey: run.sizeKey }),
    ...(run.placement === undefined ? {} : { placement: run.placement }),
    placedCount: summary.placedCount,
    demand: summary.demand,
    nodesUsed: summary.nodesUsed,
    stranded: summary.stranded,
  });
}
