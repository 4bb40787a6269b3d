/**
 * Cost-weighted vector bin packing over node types (Karpenter's problem): which new nodes, of which
 * types, hold a set of items (job replicas) at the least cost per hour. Pure: no manager, no clock.
 *
 * The parts, each in its own file:
 * - a portfolio of first answers: a greedy (set-cover style, greedy-packing.ts) that repeatedly
 *   opens the one bin, of any type, packing the most item value per unit of cost — an item's value
 *   being the least it could cost on any type it fits (item-values.ts) — its nodes filled in
 *   several orders and by an exact single-node knapsack (knapsack-fill.ts); first-fit decreasing
 *   on each type alone, in size and dot-product orders (single-type-packing.ts, packing-orders.ts);
 *   each bin then shrunk to the cheapest type that still holds its items;
 * - for a few job shapes, the exact optimum by dynamic programming (shape-dp.ts);
 * - a large-neighbourhood search that packs the worst few bins again exactly (local-search.ts);
 * - an exact branch and bound from the best of those (exact-search.ts): items in decreasing size,
 *   each tried in every distinct open bin and in a new bin of each type, pruned by a lower bound
 *   (lower-bound.ts: the cost of the open bins plus, for the items left, the cheapest cost per
 *   unit of the dimension they need most of). When the search finishes within its budget the
 *   answer is optimal; otherwise the best found is returned with the proven lower bound, so a
 *   caller knows how far from optimal it can be.
 */

import { exactSearch } from './exact-search.js';
import { greedyPacking } from './greedy-packing.js';
import { bottleneckValues, itemValue } from './item-values.js';
import { repackWorst } from './local-search.js';
import { LowerBound } from './lower-bound.js';
import { type PackItem, type PackOptions, type PackResult, type PackType, bestOf, fitsIn } from './packing-model.js';
import { DOT_PRODUCT_LIMIT, alignedOrder, orderFor } from './packing-orders.js';
import { shapeOptimum } from './shape-dp.js';
import { singleTypePacking } from './single-type-packing.js';

export { fitsIn, type PackItem, type PackOptions, type PackResult, type PackType } from './packing-model.js';

export function packOverTypes(items: readonly PackItem[], types: readonly PackType[], options: PackOptions = {}): PackResult {
  const maxBins = options.maxBins ?? Infinity;
  const budget = options.budget ?? 200_000;
  const dims = types[0]?.capacity.length ?? items[0]?.amounts.length ?? 0;
  const fitsEmpty = (item: PackItem, t: number): boolean => item.allowed[t] === true && fitsIn(item.amounts, (types[t] as PackType).capacity);
  const value = items.map((item) => itemValue(item, types, fitsEmpty));
  // decreasing size: the dimension an item takes most of, relative to the largest type, then the sum
  const largest = Array.from({ length: dims }, (_, d) => Math.max(1, ...types.map((t) => t.capacity[d] as number)));
  const size = items.map((item) => {
    let max = 0;
    let sum = 0;
    for (let d = 0; d < dims; d++) {
      const share = (item.amounts[d] as number) / (largest[d] as number);
      max = Math.max(max, share);
      sum += share;
    }
    return [max, sum] as const;
  });
  const order = items.map((_, i) => i).sort((a, b) => (size[b] as readonly number[])[0]! - (size[a] as readonly number[])[0]! || (size[b] as readonly number[])[1]! - (size[a] as readonly number[])[1]! || a - b);

  const greedy = bestOf([
    greedyPacking(order, items, types, value, maxBins, fitsEmpty),
    greedyPacking(order, items, types, bottleneckValues(items, types, fitsEmpty), maxBins, fitsEmpty),
    ...types.flatMap((_, t) => [
      singleTypePacking(order, items, types, t, maxBins, fitsEmpty),
      singleTypePacking(orderFor(items, types[t] as PackType, 'sum'), items, types, t, maxBins, fitsEmpty),
      ...(items.length <= DOT_PRODUCT_LIMIT ? [singleTypePacking(alignedOrder(order, items, types[t] as PackType, fitsEmpty, t), items, types, t, maxBins, fitsEmpty)] : []),
    ]),
  ]);
  const placed = order.filter((i) => !greedy.unplaced.has(i));
  const bound = new LowerBound(placed, items, types, fitsEmpty);
  const rootBound = bound.of(0, []);
  let best = { cost: greedy.cost, bins: greedy.bins };
  let explored = 0;
  // a few job shapes: the exact optimum by dynamic programming over the counts of each shape
  const exact = greedy.unplaced.size === 0 && options.shapes !== false ? shapeOptimum(items, placed, types, maxBins) : undefined;
  if (exact !== undefined) {
    const bins = exact.cost < best.cost ? exact.bins : best.bins;
    const cost = Math.min(exact.cost, best.cost);
    return Object.freeze({ bins, unplaced: [], cost, lowerBound: cost, optimal: true, explored });
  }
  if (best.cost > rootBound) {
    // large neighbourhood search: the nodes that carry the least value for their price, a few at
    // a time, packed again exactly over every type; kept when cheaper
    const improved = repackWorst(best.bins, items, types, value, maxBins, fitsEmpty, order);
    explored += improved.explored;
    best = { cost: improved.bins.reduce((sum, b) => sum + (types[b.type] as PackType).cost, 0), bins: improved.bins };
  }
  let finished = true;
  if (placed.length > 0 && best.cost > rootBound) {
    const found = exactSearch(placed, items, types, types.map((t) => t.max), maxBins, Math.max(0, budget - explored), best.cost, bound, fitsEmpty);
    explored += found.explored;
    finished = found.finished;
    if (found.bins !== undefined) best = { cost: found.cost, bins: found.bins };
  }
  const optimal = finished;
  return Object.freeze({
    bins: best.bins,
    unplaced: [...greedy.unplaced].sort((a, b) => a - b),
    cost: best.cost,
    lowerBound: optimal ? best.cost : Math.min(best.cost, rootBound),
    optimal,
    explored,
  });
}
