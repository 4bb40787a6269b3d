import { type PlacementStrategyName, placementStrategyNames } from '../../placement/registry.js';
import type { BatchAlgorithm, BatchSizeKey } from '../types.js';
import { bestFitDecreasing } from './bfd.js';
import { dotProductFill } from './dot-product-fill.js';
import { firstFitDecreasing } from './ffd.js';
import { l2NormFill } from './l2-norm-fill.js';
import { oneAtATime } from './one-at-a-time.js';
import type { PackingAlgorithm } from './packing-algorithm.js';
import type { PlanSummary } from './simulation.js';
import { batchSizeKeys } from './size-keys.js';
import { smallestFirst } from './smallest-first.js';

type SingleAlgorithm = Exclude<BatchAlgorithm, 'auto'>;

/** What a single algorithm may be tuned by; each factory reads what applies to it. */
export interface AlgorithmSettings {
  readonly sizeKey: BatchSizeKey;
  readonly placement: PlacementStrategyName;
}

/** Factories by stable name. */
const ALGORITHMS: Readonly<Record<SingleAlgorithm, (settings: AlgorithmSettings) => PackingAlgorithm>> = {
  ffd: ({ sizeKey }) => firstFitDecreasing(sizeKey),
  bfd: ({ sizeKey }) => bestFitDecreasing(sizeKey),
  'dot-product': () => dotProductFill(),
  'l2-norm': () => l2NormFill(),
  'smallest-first': ({ sizeKey }) => smallestFirst(sizeKey),
  'one-at-a-time': ({ placement }) => oneAtATime(placement),
};

export const batchAlgorithms: readonly BatchAlgorithm[] = Object.freeze(['auto', ...(Object.keys(ALGORITHMS) as SingleAlgorithm[])]);

/**
 * The algorithms to run, in stages: the planner runs a stage only while the best plan so far leaves
 * some request out. `auto` is two stages, each in the order that breaks its last ties:
 *
 * 1. the heuristics that aim at few nodes (decreasing, bin-centric);
 * 2. those that aim at many requests, for a batch that does not fit: big requests first use up the
 *    room, so these take the small ones first, or the requests as they come (what `allocate` one
 *    at a time would do with each built-in strategy). They spread, so when everything fits they
 *    hardly ever use fewer nodes (none did on 150 small instances) and would cost more than
 *    stage 1 itself.
 */
export function stagesFor(algorithm: BatchAlgorithm, settings: AlgorithmSettings): PackingAlgorithm[][] {
  if (algorithm !== 'auto') return [[ALGORITHMS[algorithm](settings)]];
  return [
    [...batchSizeKeys.map((key) => firstFitDecreasing(key)), ...batchSizeKeys.map((key) => bestFitDecreasing(key)), dotProductFill(), l2NormFill()],
    [...batchSizeKeys.map((key) => smallestFirst(key)), ...placementStrategyNames.map((name) => oneAtATime(name))],
  ];
}

/*
 * Demand and stranded capacity of different plans are sums of different fractions, so two plans
 * that are equal in exact arithmetic can differ in the last bits; differences within this relative
 * tolerance count as a tie and go on to the next criterion, so the choice does not hang on rounding.
 */
const TOLERANCE = 1e-9;

/** −1 when a < b beyond the tolerance, 1 when a > b, 0 for a tie. */
function compareSums(a: number, b: number): number {
  const slack = TOLERANCE * Math.max(1, Math.abs(a), Math.abs(b));
  return a < b - slack ? -1 : a > b + slack ? 1 : 0;
}

/**
 * True when `a` is a strictly better plan than `b`: more requests placed, then more demand placed,
 * then fewer nodes used, then less stranded capacity. When everything fits, every complete plan
 * places the same requests, so the first two criteria tie (bit for bit: see `summary`) and the
 * choice is by nodes, then stranded capacity. Equal plans are not better, so the earlier one in
 * the portfolio stays.
 */
export function isBetterPlan(a: PlanSummary, b: PlanSummary): boolean {
  if (a.placedCount !== b.placedCount) return a.placedCount > b.placedCount;
  const demand = compareSums(a.demand, b.demand);
  if (demand !== 0) return demand > 0;
  if (a.nodesUsed !== b.nodesUsed) return a.nodesUsed < b.nodesUsed;
  return compareSums(a.stranded, b.stranded) < 0;
}
