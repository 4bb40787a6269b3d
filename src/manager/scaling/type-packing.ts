/**
 * Cost-weighted vector bin packing over node types (Karpenter's problem): which new nodes, of which
 * types, hold a set of items (job replicas) at the least cost per hour. Pure: no manager, no clock.
 *
 * Two parts:
 * - a greedy incumbent (set-cover style): repeatedly open the one bin, of any type, whose
 *   first-fit-decreasing fill packs the most item value per unit of cost — an item's value being
 *   the least it could cost on any type it fits (`itemValue`) — then shrink each bin to the
 *   cheapest type that still holds its items;
 * - an exact branch and bound from that incumbent: items in decreasing size, each tried in every
 *   distinct open bin and in a new bin of each type, pruned by a lower bound (the cost of the open
 *   bins plus, for the items left, the cheapest cost per unit of the dimension they need most of).
 *   When the search finishes within its budget the answer is optimal; otherwise the best found
 *   is returned with the proven lower bound, so a caller knows how far from optimal it can be.
 */

import { shapeOptimum } from './shape-dp.js';

/** One item: a replica's scaled amounts (dense over the problem's dimensions). */
export interface PackItem {
  /** Items of one `group` with `spread` set may not share a bin (a spread gang). */
  readonly group: string;
  readonly spread: boolean;
  readonly amounts: readonly number[];
  /** Per type: may it go on that type at all (selector, taints, spot)? Room is checked here. */
  readonly allowed: readonly boolean[];
}

/** A node type: scaled capacity (dense), price (integer micro-units per hour), how many may be opened. */
export interface PackType {
  readonly capacity: readonly number[];
  readonly cost: number;
  readonly max: number;
}

export interface PackResult {
  /** Opened bins: the type index and the items (indices into the input) in each. */
  readonly bins: readonly { readonly type: number; readonly items: readonly number[] }[];
  /** Items no bin could take within the limits (`max`, `maxBins`). */
  readonly unplaced: readonly number[];
  /** Σ cost of the bins. */
  readonly cost: number;
  /** A proven lower bound on the cost of any packing of the placed items (= cost when optimal). */
  readonly lowerBound: number;
  /** The search finished: no cheaper packing of the placed items exists. */
  readonly optimal: boolean;
  /** Search nodes visited (a measure of the work done). */
  readonly explored: number;
}

export interface PackOptions {
  /** Most bins in all. @default Infinity */
  readonly maxBins?: number;
  /** Most search nodes the exact search may visit before it settles for the best found. @default 200_000 */
  readonly budget?: number;
  /** Solve instances of a few shapes exactly by dynamic programming (`shapeOptimum`); off only to measure the rest. @default true */
  readonly shapes?: boolean;
}

interface Bin {
  readonly type: number;
  readonly free: number[];
  readonly items: number[];
  /** Spread groups already in the bin. */
  readonly groups: Set<string>;
  /** Type, room left and spread groups, as text: two bins with the same key are the same choice (kept up to date by `place`). */
  key: string;
}

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

/**
 * Depth-first branch and bound over the items `placed` (in that order): each in every distinct
 * open bin, or a new bin of each type (within `limits` and `maxBins`); a branch whose cost plus
 * the bound cannot beat `incumbent` is cut. Returns the best packing found below `incumbent`, if
 * any, and whether the search finished within `budget` nodes (then nothing cheaper exists).
 */
function exactSearch(
  placed: readonly number[],
  items: readonly PackItem[],
  types: readonly PackType[],
  limits: readonly number[],
  maxBins: number,
  budget: number,
  incumbent: number,
  bound: LowerBound,
  fitsEmpty: (item: PackItem, t: number) => boolean,
): { bins: { type: number; items: number[] }[] | undefined; cost: number; explored: number; finished: boolean } {
  let best: { type: number; items: number[] }[] | undefined;
  let bestCost = incumbent;
  let explored = 0;
  let finished = true;
  const counts = types.map(() => 0);
  const bins: Bin[] = [];
  const at: number[] = [];
  let cost = 0;
  const search = (k: number): void => {
    if (explored++ >= budget) {
      finished = false;
      return;
    }
    if (k === placed.length) {
      if (cost < bestCost) {
        bestCost = cost;
        best = bins.map((b) => ({ type: b.type, items: [...b.items] }));
      }
      return;
    }
    if (cost + bound.of(k, bins) >= bestCost) return;
    const i = placed[k] as number;
    const item = items[i] as PackItem;
    // identical consecutive items go into bins in non-decreasing order: the same packing is not tried twice
    const previous = k > 0 && sameItem(item, items[placed[k - 1] as number] as PackItem) ? (at[k - 1] as number) : 0;
    const seen = new Set<string>();
    for (let b = previous; b < bins.length && finished; b++) {
      const bin = bins[b] as Bin;
      if (item.allowed[bin.type] !== true || !fitsIn(item.amounts, bin.free) || (item.spread && bin.groups.has(item.group))) continue;
      // two bins of one type with the same room left and the same spread groups are the same choice
      if (seen.has(bin.key)) continue;
      seen.add(bin.key);
      place(bin, i, item, 1);
      at[k] = b;
      search(k + 1);
      place(bin, i, item, -1);
    }
    if (bins.length >= maxBins) return;
    for (let t = 0; t < types.length && finished; t++) {
      const type = types[t] as PackType;
      if ((counts[t] as number) >= (limits[t] as number) || !fitsEmpty(item, t)) continue;
      if (cost + type.cost >= bestCost) continue;
      const bin: Bin = { type: t, free: [...type.capacity], items: [], groups: new Set(), key: '' };
      bins.push(bin);
      counts[t]!++;
      cost += type.cost;
      place(bin, i, item, 1);
      at[k] = bins.length - 1;
      search(k + 1);
      cost -= type.cost;
      counts[t]!--;
      bins.pop();
    }
  };
  search(0);
  return { bins: best, cost: bestCost, explored, finished };
}

/** Bins packed again per round of the neighbourhood search, and the search nodes each round may use. */
const WINDOWS = [2, 3, 4] as const;
const WINDOW_BUDGET = 4_000;
const MAX_ROUNDS = 200;

/**
 * Improves a packing by packing again, exactly, the items of the few bins that carry the least
 * item value per unit of price (the "worst" bins), over every type: a cheaper repacking replaces
 * them, and the search goes on from the new packing, until a round finds nothing.
 */
function repackWorst(
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

function place(bin: Bin, index: number, item: PackItem, sign: 1 | -1): void {
  for (let d = 0; d < bin.free.length; d++) bin.free[d] = (bin.free[d] as number) - sign * ((item.amounts[d] as number) ?? 0);
  if (sign === 1) {
    bin.items.push(index);
    if (item.spread) bin.groups.add(item.group);
  } else {
    bin.items.pop();
    if (item.spread) bin.groups.delete(item.group);
  }
  bin.key = `${bin.type}:${bin.free.join(',')}${bin.groups.size === 0 ? '' : `:${[...bin.groups].sort().join('|')}`}`;
}

export function fitsIn(amounts: readonly number[], free: readonly number[]): boolean {
  for (let d = 0; d < amounts.length; d++) if ((amounts[d] as number) > ((free[d] as number) ?? 0)) return false;
  return true;
}

function sameItem(a: PackItem, b: PackItem): boolean {
  if (a.spread !== b.spread || (a.spread && a.group === b.group)) return false;
  for (let d = 0; d < a.amounts.length; d++) if (a.amounts[d] !== b.amounts[d]) return false;
  for (let t = 0; t < a.allowed.length; t++) if (a.allowed[t] !== b.allowed[t]) return false;
  return true;
}

/**
 * The least an item could cost: on each type it fits, the price times the largest share of the
 * type it takes (it uses at least that fraction of a node). A lower bound per item, and the
 * greedy's measure of what a bin achieves.
 */
function itemValue(item: PackItem, types: readonly PackType[], fitsEmpty: (item: PackItem, t: number) => boolean): number {
  let best = Infinity;
  types.forEach((type, t) => {
    if (!fitsEmpty(item, t)) return;
    let share = 0;
    for (let d = 0; d < item.amounts.length; d++) {
      const cap = type.capacity[d] as number;
      if ((item.amounts[d] as number) > 0) share = Math.max(share, (item.amounts[d] as number) / cap);
    }
    best = Math.min(best, type.cost * share);
  });
  return best === Infinity ? 0 : best;
}

/**
 * Item values that weigh each dimension by how scarce it is overall: the cheapest price per unit
 * of the dimension, times its pressure (its total demand at that price, over the largest such
 * total). With these, the greedy fills nodes with what the binding dimension needs most — two
 * memory-heavy jobs and one cpu-heavy one per node when memory binds, where the plain values
 * (each job's own largest share) would pair the cpu-heavy ones and strand memory.
 */
function bottleneckValues(items: readonly PackItem[], types: readonly PackType[], fitsEmpty: (item: PackItem, t: number) => boolean): number[] {
  const dims = types[0]?.capacity.length ?? 0;
  const unit = Array.from({ length: dims }, (_, d) => {
    let best = Infinity;
    types.forEach((type, t) => {
      const cap = type.capacity[d] as number;
      if (cap > 0 && items.some((item) => fitsEmpty(item, t))) best = Math.min(best, type.cost / cap);
    });
    return best === Infinity ? 0 : best;
  });
  const pressure = unit.map((u, d) => u * items.reduce((sum, item) => sum + (item.amounts[d] as number), 0));
  const most = Math.max(0, ...pressure);
  const weight = unit.map((u, d) => (most === 0 ? u : (u * (pressure[d] as number)) / most));
  return items.map((item) => item.amounts.reduce((sum, a, d) => sum + a * (weight[d] as number), 0));
}

/** Greedy: open the bin with the most item value per cost (FFD fill), then give each bin its cheapest type. */
function greedyPacking(
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

/** The bin-centric (dot-product) member of the portfolio costs O(items²): only up to this many items. */
const DOT_PRODUCT_LIMIT = 2_000;

/** Items by decreasing size relative to one type's capacity: the largest share (`max`) or the sum of shares. */
function orderFor(items: readonly PackItem[], type: PackType, key: 'max' | 'sum'): number[] {
  const size = items.map((item) => {
    let max = 0;
    let sum = 0;
    item.amounts.forEach((a, d) => {
      const share = a / Math.max(1, type.capacity[d] as number);
      max = Math.max(max, share);
      sum += share;
    });
    return key === 'max' ? max : sum;
  });
  return items.map((_, i) => i).sort((a, b) => (size[b] as number) - (size[a] as number) || a - b);
}

/**
 * An order that fills one node at a time (Panigrahy et al.'s dot-product heuristic): each next
 * item is the one, of those that still fit the node being filled, whose shares align best with
 * the node's free room (Σ_d share_d × free share_d); when none fits, a new node starts. Read as an
 * order for first fit, it reproduces those nodes, and bin elimination can then improve them.
 */
function alignedOrder(order: readonly number[], items: readonly PackItem[], type: PackType, fitsEmpty: (item: PackItem, t: number) => boolean, t: number): number[] {
  const left = order.filter((i) => fitsEmpty(items[i] as PackItem, t));
  const out: number[] = order.filter((i) => !fitsEmpty(items[i] as PackItem, t));
  const cap = type.capacity;
  while (left.length > 0) {
    const free = [...cap];
    const groups = new Set<string>();
    for (;;) {
      let best = -1;
      let bestScore = -Infinity;
      left.forEach((i, k) => {
        const item = items[i] as PackItem;
        if (!fitsIn(item.amounts, free) || (item.spread && groups.has(item.group))) return;
        let score = 0;
        item.amounts.forEach((a, d) => (score += (a / Math.max(1, cap[d] as number)) * ((free[d] as number) / Math.max(1, cap[d] as number))));
        if (score > bestScore) {
          bestScore = score;
          best = k;
        }
      });
      if (best < 0) break;
      const i = left.splice(best, 1)[0] as number;
      const item = items[i] as PackItem;
      item.amounts.forEach((a, d) => (free[d] = (free[d] as number) - a));
      if (item.spread) groups.add(item.group);
      out.push(i);
    }
  }
  return out;
}

type Packing = { bins: { type: number; items: number[] }[]; cost: number; unplaced: Set<number> };

/** The packing that places the most items, then costs the least. */
function bestOf(packings: readonly Packing[]): Packing {
  return packings.reduce((best, p) => (p.unplaced.size < best.unplaced.size || (p.unplaced.size === best.unplaced.size && p.cost < best.cost) ? p : best));
}

/**
 * First-fit decreasing with type `t` only (items it cannot take left out), then bins emptied
 * into the others where they fit, then each bin on its cheapest type: the portfolio's other
 * members, which beat the value greedy when one type is the right shape for most of the work.
 */
function singleTypePacking(order: readonly number[], items: readonly PackItem[], types: readonly PackType[], t: number, maxBins: number, fitsEmpty: (item: PackItem, t: number) => boolean): Packing {
  const type = types[t] as PackType;
  const bins: { type: number; items: number[]; free: number[]; groups: Set<string> }[] = [];
  const unplaced = new Set<number>();
  for (const i of order) {
    const item = items[i] as PackItem;
    if (!fitsEmpty(item, t)) {
      unplaced.add(i);
      continue;
    }
    let bin = bins.find((b) => fitsIn(item.amounts, b.free) && !(item.spread && b.groups.has(item.group)));
    if (bin === undefined) {
      if (bins.length >= Math.min(maxBins, type.max)) {
        unplaced.add(i);
        continue;
      }
      bins.push((bin = { type: t, items: [], free: [...type.capacity], groups: new Set() }));
    }
    bin.items.push(i);
    if (item.spread) bin.groups.add(item.group);
    for (let d = 0; d < bin.free.length; d++) bin.free[d] = (bin.free[d] as number) - (item.amounts[d] as number);
  }
  // bin elimination: the emptiest bins first, their items first-fit into the others' room (made in
  // place and undone on failure: no copy of the other bins per try)
  for (const victim of [...bins].sort((a, b) => b.free.reduce((x, y) => x + y, 0) - a.free.reduce((x, y) => x + y, 0))) {
    const moved: { bin: (typeof bins)[number]; i: number }[] = [];
    const ok = victim.items.every((i) => {
      const item = items[i] as PackItem;
      const target = bins.find((b) => b !== victim && fitsIn(item.amounts, b.free) && !(item.spread && b.groups.has(item.group)));
      if (target === undefined) return false;
      for (let d = 0; d < target.free.length; d++) target.free[d] = (target.free[d] as number) - (item.amounts[d] as number);
      if (item.spread) target.groups.add(item.group);
      target.items.push(i);
      moved.push({ bin: target, i });
      return true;
    });
    if (ok) {
      bins.splice(bins.indexOf(victim), 1);
      continue;
    }
    for (const { bin, i } of moved.reverse()) {
      const item = items[i] as PackItem;
      for (let d = 0; d < bin.free.length; d++) bin.free[d] = (bin.free[d] as number) + (item.amounts[d] as number);
      if (item.spread) bin.groups.delete(item.group);
      bin.items.pop();
    }
  }
  const counts = types.map((_, k) => (k === t ? bins.length : 0));
  const plain = bins.map((b) => ({ type: b.type, items: b.items }));
  cheapestTypes(plain, items, types, counts, fitsEmpty);
  return { bins: plain, cost: plain.reduce((sum, b) => sum + (types[b.type] as PackType).cost, 0), unplaced };
}

/** Each bin on the cheapest type that holds its items (within the types' `max`). */
function cheapestTypes(bins: { type: number; items: number[] }[], items: readonly PackItem[], types: readonly PackType[], counts: number[], fitsEmpty: (item: PackItem, t: number) => boolean): void {
  for (const bin of bins) {
    types.forEach((type, t) => {
      if (type.cost >= (types[bin.type] as PackType).cost || (counts[t] as number) >= type.max) return;
      if (!bin.items.every((i) => fitsEmpty(items[i] as PackItem, t))) return;
      if (!fitsIn(sumOf(bin.items, items, type.capacity.length), type.capacity)) return;
      counts[bin.type]!--;
      counts[t]!++;
      bin.type = t;
    });
  }
}

/** Items of one shape (amounts and allowed types; a spread replica is a shape of its own): packing treats them alike. */
interface Shape {
  readonly amounts: readonly number[];
  readonly allowed: readonly boolean[];
  readonly value: number;
  readonly members: readonly number[];
  /** A spread gang's replicas: at most one of the gang per node, whatever their shapes. */
  readonly once: boolean;
  readonly group: string;
}

function shapesOf(left: readonly number[], items: readonly PackItem[], value: readonly number[]): Shape[] {
  const byKey = new Map<string, { amounts: readonly number[]; allowed: readonly boolean[]; value: number; members: number[]; once: boolean; group: string }>();
  for (const i of left) {
    const item = items[i] as PackItem;
    const key = `${item.amounts.join(',')}|${item.allowed.map((a) => (a ? 1 : 0)).join('')}${item.spread ? `|${item.group}` : ''}`;
    let shape = byKey.get(key);
    if (shape === undefined) byKey.set(key, (shape = { amounts: item.amounts, allowed: item.allowed, value: value[i] as number, members: [], once: item.spread, group: item.group }));
    shape.members.push(i);
  }
  return [...byKey.values()];
}

/** Search nodes one exact single-node fill may visit. */
const FILL_BUDGET = 3_000;

/**
 * The most valuable load of one node of type `t` (a bounded knapsack in every dimension at
 * once), by depth-first search over the shapes, most valuable per unit of room first, with a
 * fractional bound: what the greedy fills in size orders miss, such as two of one shape with two
 * of another filling a node exactly. Cut at `FILL_BUDGET` nodes (the best load found so far).
 */
function knapsackFill(shapes: readonly Shape[], type: PackType, t: number): number[] {
  const cap = type.capacity;
  const density = (shape: Shape): number => {
    let room = 0;
    shape.amounts.forEach((a, d) => (room = Math.max(room, a / Math.max(1, cap[d] as number))));
    return room === 0 ? Infinity : shape.value / room;
  };
  const usable = shapes.filter((shape) => shape.allowed[t] === true && fitsIn(shape.amounts, cap)).sort((a, b) => density(b) - density(a));
  const free = [...cap];
  const take = usable.map(() => 0);
  let best: number[] = [];
  let bestValue = -1;
  let nodes = 0;
  const gangs = new Set<string>();
  const visit = (k: number, gained: number): void => {
    if (nodes++ > FILL_BUDGET) return;
    if (gained > bestValue) {
      bestValue = gained;
      best = [...take];
    }
    if (k === usable.length) return;
    // fractional bound: the room left at the best remaining density
    let roomLeft = 0;
    free.forEach((f, d) => (roomLeft = Math.max(roomLeft, f / Math.max(1, cap[d] as number))));
    if (gained + roomLeft * density(usable[k] as Shape) <= bestValue) return;
    const shape = usable[k] as Shape;
    let most = shape.once ? (gangs.has(shape.group) ? 0 : 1) : shape.members.length;
    shape.amounts.forEach((a, d) => {
      if (a > 0) most = Math.min(most, Math.floor((free[d] as number) / a));
    });
    for (let c = Math.min(most, shape.members.length); c >= 0; c--) {
      shape.amounts.forEach((a, d) => (free[d] = (free[d] as number) - c * a));
      take[k] = c;
      if (shape.once && c > 0) gangs.add(shape.group);
      visit(k + 1, gained + c * shape.value + 1e-9 * c);
      if (shape.once && c > 0) gangs.delete(shape.group);
      shape.amounts.forEach((a, d) => (free[d] = (free[d] as number) + c * a));
      take[k] = 0;
    }
  };
  visit(0, 0);
  return best.flatMap((c, k) => (usable[k] as Shape).members.slice(0, c));
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

function sumOf(indices: readonly number[], items: readonly PackItem[], dims: number): number[] {
  const total = new Array<number>(dims).fill(0);
  for (const i of indices) for (let d = 0; d < dims; d++) total[d] = (total[d] as number) + ((items[i] as PackItem).amounts[d] as number);
  return total;
}

/**
 * A lower bound on what the items from position k on add to the cost, given the open bins:
 * in each dimension, the demand left after the room the open bins still have must be bought at no
 * less than the cheapest price per unit of that dimension among the types; and no item can cost
 * less than its own value (`itemValue`) unless it can go in an open bin. The larger bound holds.
 */
class LowerBound {
  readonly #suffix: number[][];
  readonly #unitCost: number[];
  readonly #dims: number;

  constructor(placed: readonly number[], items: readonly PackItem[], types: readonly PackType[], fitsEmpty: (item: PackItem, t: number) => boolean) {
    this.#dims = types[0]?.capacity.length ?? 0;
    this.#suffix = [];
    const running = new Array<number>(this.#dims).fill(0);
    this.#suffix[placed.length] = [...running];
    for (let k = placed.length - 1; k >= 0; k--) {
      const item = items[placed[k] as number] as PackItem;
      for (let d = 0; d < this.#dims; d++) running[d] = (running[d] as number) + (item.amounts[d] as number);
      this.#suffix[k] = [...running];
    }
    // the cheapest price per unit of each dimension, among the types some placed item may use
    this.#unitCost = Array.from({ length: this.#dims }, (_, d) => {
      let best = Infinity;
      types.forEach((type, t) => {
        const cap = type.capacity[d] as number;
        if (cap > 0 && placed.some((i) => fitsEmpty(items[i] as PackItem, t))) best = Math.min(best, type.cost / cap);
      });
      return best === Infinity ? 0 : best;
    });
  }

  /** The bound for positions k.. with `bins` open, rounded up to whole micro-units (costs are integers). */
  of(k: number, bins: readonly Bin[]): number {
    const need = this.#suffix[k] as number[];
    let bound = 0;
    for (let d = 0; d < this.#dims; d++) {
      let room = 0;
      for (const bin of bins) room += bin.free[d] as number;
      const short = (need[d] as number) - room;
      if (short > 0) bound = Math.max(bound, short * (this.#unitCost[d] as number));
    }
    // float division: a hair below a whole number is that number
    return Math.ceil(bound - 1e-7);
  }
}
