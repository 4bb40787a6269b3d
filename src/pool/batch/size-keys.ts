import type { BatchSizeKey } from '../types.js';
import type { BatchContext, BatchItem } from './context.js';

/*
 * How big a request is, for the "decreasing" of first-fit / best-fit decreasing. Each dimension is
 * normalised by the largest capacity any ready node has in it, so that 1 means "a whole node of the
 * biggest kind" in every dimension and cpu cores do not outweigh GiB (or the reverse):
 *
 *   r_d = replicas · req_d / maxCap_d
 *   sum = Σ_d r_d        max = max_d r_d        l2 = √(Σ_d r_d²)
 *
 * A gang is sized by its total demand (replicas × one replica), so big gangs go early, while there
 * is most room to place them whole. A dimension no ready node has is left out (such a request
 * cannot be placed anyway). Example, largest node { cpu: 16, memory: 64 }, request { cpu: 4,
 * memory: 32 }: r = (0.25, 0.5); sum 0.75, max 0.5, l2 √0.3125 ≈ 0.559.
 */
const SIZE_KEYS: Readonly<Record<BatchSizeKey, (ratios: readonly number[]) => number>> = {
  sum: (ratios) => ratios.reduce((total, r) => total + r, 0),
  max: (ratios) => ratios.reduce((largest, r) => Math.max(largest, r), 0),
  l2: (ratios) => Math.sqrt(ratios.reduce((total, r) => total + r * r, 0)),
};

export const batchSizeKeys: readonly BatchSizeKey[] = Object.freeze(Object.keys(SIZE_KEYS) as BatchSizeKey[]);

export function sizeOf(item: BatchItem, key: BatchSizeKey, maxCapacity: Float64Array): number {
  const ratios: number[] = [];
  for (const d of item.dims) {
    const largest = maxCapacity[d] as number;
    if (largest > 0) ratios.push((item.replicas * (item.amounts[d] as number)) / largest);
  }
  return SIZE_KEYS[key](ratios);
}

/**
 * The placeable items, largest first by `key`; equal sizes keep input order (the sort is stable),
 * so the order — and so the plan — is deterministic.
 */
export function decreasingOrder(context: BatchContext, key: BatchSizeKey): BatchItem[] {
  return sortedBySize(context, key, -1);
}

/** The placeable items, smallest first by `key`; equal sizes keep input order. */
export function increasingOrder(context: BatchContext, key: BatchSizeKey): BatchItem[] {
  return sortedBySize(context, key, 1);
}

function sortedBySize(context: BatchContext, key: BatchSizeKey, direction: 1 | -1): BatchItem[] {
  const placeable = context.items.filter((item) => item.placeable);
  const sizes = new Float64Array(context.items.length);
  for (const item of placeable) sizes[item.index] = sizeOf(item, key, context.maxCapacity);
  return placeable.sort((a, b) => direction * ((sizes[a.index] as number) - (sizes[b.index] as number)));
}
