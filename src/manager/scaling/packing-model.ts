/**
 * The model shared by the packing over node types (type-packing.ts and the files it calls): items
 * (job replicas), node types, a packing's result, and the small operations every part uses.
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
  /** Solve instances of a few shapes exactly by dynamic programming (`shapeOptimum`); off only to measure the rest. @default true */
  readonly shapes?: boolean;
}

export type Packing = { bins: { type: number; items: number[] }[]; cost: number; unplaced: Set<number> };

/** The packing that places the most items, then costs the least. */
export function bestOf(packings: readonly Packing[]): Packing {
  return packings.reduce((best, p) => (p.unplaced.size < best.unplaced.size || (p.unplaced.size === best.unplaced.size && p.cost < best.cost) ? p : best));
}

export function fitsIn(amounts: readonly number[], free: readonly number[]): boolean {
  for (let d = 0; d < amounts.length; d++) if ((amounts[d] as number) > ((free[d] as number) ?? 0)) return false;
  return true;
}

/** Each bin on the cheapest type that holds its items (within the types' `max`). */
export function cheapestTypes(bins: { type: number; items: number[] }[], items: readonly PackItem[], types: readonly PackType[], counts: number[], fitsEmpty: (item: PackItem, t: number) => boolean): void {
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

function sumOf(indices: readonly number[], items: readonly PackItem[], dims: number): number[] {
  const total = new Array<number>(dims).fill(0);
  for (const i of indices) for (let d = 0; d < dims; d++) total[d] = (total[d] as number) + ((items[i] as PackItem).amounts[d] as number);
  return total;
}
