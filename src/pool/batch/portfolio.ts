import type { BatchAlgorithm, BatchSizeKey } from '../types.js';
import { bestFitDecreasing } from './bfd.js';
import { dotProductFill } from './dot-product-fill.js';
import { firstFitDecreasing } from './ffd.js';
import { l2NormFill } from './l2-norm-fill.js';
import type { PackingAlgorithm } from './packing-algorithm.js';
import type { PlanSummary } from './simulation.js';
import { batchSizeKeys } from './size-keys.js';

type SingleAlgorithm = Exclude<BatchAlgorithm, 'auto'>;

/** Factories by stable name; item-centric ones take a size key, bin-centric ones ignore it. */
const ALGORITHMS: Readonly<Record<SingleAlgorithm, (sizeKey: BatchSizeKey) => PackingAlgorithm>> = {
  ffd: firstFitDecreasing,
  bfd: bestFitDecreasing,
  'dot-product': () => dotProductFill(),
  'l2-norm': () => l2NormFill(),
};

export const batchAlgorithms: readonly BatchAlgorithm[] = Object.freeze(['auto', ...(Object.keys(ALGORITHMS) as SingleAlgorithm[])]);

/** The algorithms to run: `auto` is the whole portfolio, in the order that breaks its last ties. */
export function algorithmsFor(algorithm: BatchAlgorithm, sizeKey: BatchSizeKey): PackingAlgorithm[] {
  if (algorithm !== 'auto') return [ALGORITHMS[algorithm](sizeKey)];
  return [
    ...batchSizeKeys.map((key) => firstFitDecreasing(key)),
    ...batchSizeKeys.map((key) => bestFitDecreasing(key)),
    dotProductFill(),
    l2NormFill(),
  ];
}

/*
 * Stranded capacities of different plans are sums of different fractions, so two plans that strand
 * the same room can differ in the last bits; differences within this relative tolerance count as a
 * tie and go to portfolio order, so the choice does not hang on rounding.
 */
const STRANDED_TOLERANCE = 1e-9;

/**
 * True when `a` is a strictly better plan than `b`: more requests placed, then fewer nodes used,
 * then less stranded capacity. Equal plans are not better, so the earlier one in the portfolio stays.
 */
export function isBetterPlan(a: PlanSummary, b: PlanSummary): boolean {
  if (a.placedCount !== b.placedCount) return a.placedCount > b.placedCount;
  if (a.nodesUsed !== b.nodesUsed) return a.nodesUsed < b.nodesUsed;
  return a.stranded < b.stranded - STRANDED_TOLERANCE * Math.max(1, Math.abs(b.stranded));
}
