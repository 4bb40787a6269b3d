import type { LowerBound } from './lower-bound.js';
import { type PackItem, type PackType, fitsIn } from './packing-model.js';

/** An open bin of the search. */
export interface Bin {
  readonly type: number;
  readonly free: number[];
  readonly items: number[];
  /** Spread groups already in the bin. */
  readonly groups: Set<string>;
  /** Type, room left and spread groups, as text: two bins with the same key are the same choice (kept up to date by `place`). */
  key: string;
}

/**
 * Depth-first branch and bound over the items `placed` (in that order): each in every distinct
 * open bin, or a new bin of each type (within `limits` and `maxBins`); a branch whose cost plus
 * the bound cannot beat `incumbent` is cut. Returns the best packing found below `incumbent`, if
 * any, and whether the search finished within `budget` nodes (then nothing cheaper exists).
 */
export function exactSearch(
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

function sameItem(a: PackItem, b: PackItem): boolean {
  if (a.spread !== b.spread || (a.spread && a.group === b.group)) return false;
  for (let d = 0; d < a.amounts.length; d++) if (a.amounts[d] !== b.amounts[d]) return false;
  for (let t = 0; t < a.allowed.length; t++) if (a.allowed[t] !== b.allowed[t]) return false;
  return true;
}
