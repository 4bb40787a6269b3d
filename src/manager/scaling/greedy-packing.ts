import { knapsackFill, shapesOf } from './knapsack-fill.js';
import { type PackItem, type PackType, type Packing, cheapestTypes, fitsIn } from './packing-model.js';

/** Greedy: open the bin with the most item value per cost (FFD fill), then give each bin its cheapest type. */
export function greedyPacking(
  order: readonly number[],
  items: readonly PackItem[],
  types: readonly PackType[],
  value: readonly number[],
  maxBins: number,
  fitsEmpty: (item: PackItem, t: number) => boolean,
): Packing {
  let left = [...order];
  // each node is filled in several orders (the size order, then each dimension's largest first):
  // one order alone misses the fills that pair a job heavy in one dimension with others light in it
  const dims = types[0]?.capacity.length ?? 0;
  const orders = [order, ...Array.from({ length: dims }, (_, d) => [...order].sort((a, b) => ((items[b] as PackItem).amounts[d] as number) - ((items[a] as PackItem).amounts[d] as number) || a - b))];
  const counts = types.map(() => 0);
  const bins: { type: number; items: number[] }[] = [];
  while (left.length > 0 && bins.length < maxBins) {
    let pick: { type: number; items: number[]; score: number; worth: number } | undefined;
    const remaining = new Set(left);
    const current = orders.map((o) => (o === order ? left : o.filter((i) => remaining.has(i))));
    const shapes = shapesOf(left, items, value);
    for (const [t, type] of types.entries()) for (const packed of [...current.map((fillOrder) => fillOne(fillOrder, items, type, t)), knapsackFill(shapes, type, t)]) {
      if ((counts[t] as number) >= type.max) continue;
      if (packed.length === 0) continue;
      // tiny sizes break ties between bins of zero value (every price 0)
      const worth = packed.reduce((sum, i) => sum + (value[i] as number) + 1e-9 * (items[i] as PackItem).amounts.reduce((s, a) => s + a, 0), 0);
      const score = type.cost === 0 ? Infinity : worth / type.cost;
      if (pick === undefined || score > pick.score || (score === pick.score && (worth > pick.worth || (worth === pick.worth && type.cost < (types[pick.type] as PackType).cost)))) pick = { type: t, items: packed, score, worth };
    }
    if (pick === undefined) break;
    counts[pick.type]!++;
    bins.push({ type: pick.type, items: pick.items });
    const taken = new Set(pick.items);
    left = left.filter((i) => !taken.has(i));
  }
  cheapestTypes(bins, items, types, counts, fitsEmpty);
  const cost = bins.reduce((sum, bin) => sum + (types[bin.type] as PackType).cost, 0);
  return { bins, cost, unplaced: new Set(left) };
}

/** First-fit-decreasing into one empty bin of type `t`. */
function fillOne(order: readonly number[], items: readonly PackItem[], type: PackType, t: number): number[] {
  const free = [...type.capacity];
  const groups = new Set<string>();
  const packed: number[] = [];
  for (const i of order) {
    const item = items[i] as PackItem;
    if (item.allowed[t] !== true || !fitsIn(item.amounts, free) || (item.spread && groups.has(item.group))) continue;
    for (let d = 0; d < free.length; d++) free[d] = (free[d] as number) - (item.amounts[d] as number);
    if (item.spread) groups.add(item.group);
    packed.push(i);
  }
  return packed;
}
