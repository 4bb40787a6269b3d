import type { Bin } from './exact-search.js';
import type { PackItem, PackType } from './packing-model.js';

/**
 * A lower bound on what the items from position k on add to the cost, given the open bins:
 * in each dimension, the demand left after the room the open bins still have must be bought at no
 * less than the cheapest price per unit of that dimension among the types; and no item can cost
 * less than its own value (`itemValue`) unless it can go in an open bin. The larger bound holds.
 */
export class LowerBound {
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
