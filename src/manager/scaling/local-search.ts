import { exactSearch } from './exact-search.js';
import { LowerBound } from './lower-bound.js';
import type { PackItem, PackType } from './packing-model.js';

/** Bins packed again per round of the neighbourhood search, and the search nodes each round may use. */
const WINDOWS = [2, 3, 4] as const;
const WINDOW_BUDGET = 4_000;
const MAX_ROUNDS = 200;

/**
 * Improves a packing by packing again, exactly, the items of the few bins that carry the least
 * item value per unit of price (the "worst" bins), over every type: a cheaper repacking replaces
 * them, and the search goes on from the new packing, until a round finds nothing.
 */
export function repackWorst(
  start: readonly { type: number; items: number[] }[],
  items: readonly PackItem[],
  types: readonly PackType[],
  value: readonly number[],
  maxBins: number,
  fitsEmpty: (item: PackItem, t: number) => boolean,
  order: readonly number[],
): { bins: { type: number; items: number[] }[]; explored: number } {
  let bins = start.map((b) => ({ type: b.type, items: [...b.items] }));
  const rank = new Map(order.map((i, k) => [i, k]));
  let explored = 0;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const worth = (b: { type: number; items: number[] }): number => {
      const cost = (types[b.type] as PackType).cost;
      const v = b.items.reduce((sum, i) => sum + (value[i] as number), 0);
      return cost === 0 ? Infinity : v / cost;
    };
    const sorted = [...bins].sort((a, b) => worth(a) - worth(b));
    let better: { type: number; items: number[] }[] | undefined;
    for (const size of WINDOWS) {
      if (sorted.length < size) break;
      const window = sorted.slice(0, size);
      const inWindow = new Set(window);
      const rest = bins.filter((b) => !inWindow.has(b));
      const subset = window.flatMap((b) => b.items).sort((a, b) => (rank.get(a) as number) - (rank.get(b) as number));
      const windowCost = window.reduce((sum, b) => sum + (types[b.type] as PackType).cost, 0);
      const limits = types.map((t, k) => t.max - rest.filter((b) => b.type === k).length);
      const found = exactSearch(subset, items, types, limits, maxBins - rest.length, WINDOW_BUDGET, windowCost, new LowerBound(subset, items, types, fitsEmpty), fitsEmpty);
      explored += found.explored;
      if (found.bins !== undefined) {
        better = [...rest, ...found.bins];
        break;
      }
    }
    if (better === undefined) break;
    bins = better;
  }
  return { bins, explored };
}
