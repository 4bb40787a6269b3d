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
}

interface Bin {
  readonly type: number;
  readonly free: number[];
  readonly items: number[];
  /** Spread groups already in the bin. */
  readonly groups: Set<string>;
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

  const greedy = greedyPacking(order, items, types, value, maxBins, fitsEmpty);
  const placed = order.filter((i) => !greedy.unplaced.has(i));
  const bound = new LowerBound(placed, items, types, fitsEmpty);
  const rootBound = bound.of(0, []);
  let best = { cost: greedy.cost, bins: greedy.bins };
  let explored = 0;
  let finished = true;
  if (placed.length > 0 && best.cost > rootBound) {
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
        if (cost < best.cost) best = { cost, bins: bins.map((b) => ({ type: b.type, items: [...b.items] })) };
        return;
      }
      if (cost + bound.of(k, bins) >= best.cost) return;
      const i = placed[k] as number;
      const item = items[i] as PackItem;
      // identical consecutive items go into bins in non-decreasing order: the same packing is not tried twice
      const previous = k > 0 && sameItem(item, items[placed[k - 1] as number] as PackItem) ? (at[k - 1] as number) : 0;
      const seen = new Set<string>();
      for (let b = previous; b < bins.length && finished; b++) {
        const bin = bins[b] as Bin;
        if (item.allowed[bin.type] !== true || !fitsIn(item.amounts, bin.free) || (item.spread && bin.groups.has(item.group))) continue;
        // two bins of one type with the same room left are the same choice (unless spread groups differ)
        const key = `${bin.type}:${bin.free.join(',')}${item.spread ? `:${b}` : ''}`;
        if (seen.has(key)) continue;
        seen.add(key);
        place(bin, i, item, 1);
        at[k] = b;
        search(k + 1);
        place(bin, i, item, -1);
      }
      if (bins.length >= maxBins) return;
      for (let t = 0; t < types.length && finished; t++) {
        const type = types[t] as PackType;
        if ((counts[t] as number) >= type.max || !fitsEmpty(item, t)) continue;
        if (cost + type.cost >= best.cost) continue;
        const bin: Bin = { type: t, free: [...type.capacity], items: [], groups: new Set() };
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

function place(bin: Bin, index: number, item: PackItem, sign: 1 | -1): void {
  for (let d = 0; d < bin.free.length; d++) bin.free[d] = (bin.free[d] as number) - sign * ((item.amounts[d] as number) ?? 0);
  if (sign === 1) {
    bin.items.push(index);
    if (item.spread) bin.groups.add(item.group);
  } else {
    bin.items.pop();
    if (item.spread) bin.groups.delete(item.group);
  }
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

/** Greedy: open the bin with the most item value per cost (FFD fill), then give each bin its cheapest type. */
function greedyPacking(
  order: readonly number[],
  items: readonly PackItem[],
  types: readonly PackType[],
  value: readonly number[],
  maxBins: number,
  fitsEmpty: (item: PackItem, t: number) => boolean,
): { bins: { type: number; items: number[] }[]; cost: number; unplaced: Set<number> } {
  let left = [...order];
  const counts = types.map(() => 0);
  const bins: { type: number; items: number[] }[] = [];
  while (left.length > 0 && bins.length < maxBins) {
    let pick: { type: number; items: number[]; score: number; worth: number } | undefined;
    types.forEach((type, t) => {
      if ((counts[t] as number) >= type.max) return;
      const packed = fillOne(left, items, type, t);
      if (packed.length === 0) return;
      // tiny sizes break ties between bins of zero value (every price 0)
      const worth = packed.reduce((sum, i) => sum + (value[i] as number) + 1e-9 * (items[i] as PackItem).amounts.reduce((s, a) => s + a, 0), 0);
      const score = type.cost === 0 ? Infinity : worth / type.cost;
      if (pick === undefined || score > pick.score || (score === pick.score && (worth > pick.worth || (worth === pick.worth && type.cost < (types[pick.type] as PackType).cost)))) pick = { type: t, items: packed, score, worth };
    });
    if (pick === undefined) break;
    counts[pick.type]!++;
    bins.push({ type: pick.type, items: pick.items });
    const taken = new Set(pick.items);
    left = left.filter((i) => !taken.has(i));
  }
  // each bin on the cheapest type that holds its items
  for (const bin of bins) {
    types.forEach((type, t) => {
      if (type.cost >= (types[bin.type] as PackType).cost || (counts[t] as number) >= type.max) return;
      if (!bin.items.every((i) => fitsEmpty(items[i] as PackItem, t))) return;
      const total = sumOf(bin.items, items, type.capacity.length);
      if (!fitsIn(total, type.capacity)) return;
      counts[bin.type]!--;
      counts[t]!++;
      bin.type = t;
    });
  }
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
