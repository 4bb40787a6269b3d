import type { Scale } from '../resources/index.js';
import type { IndexSpace } from '../placement/index.js';

/** Dimensions below this index fit in a small-integer bit mask (see `dimsOf`). */
export const MASKED_DIMENSIONS = 30;
/** Up to this many dimensions, names are looked up by comparison rather than in the map. */
const LINEAR_LOOKUP = 8;
/** Masks below this are interned (a table of 4,096 entries at most: the first 12 dimensions). */
const INTERNED_MASKS = 1 << 12;

/** Dimension names ↔ dense indices. Dimensions are registered by nodes, never by requests. */
export class DimensionSpace implements IndexSpace {
  readonly dimensions: string[] = [];
  private readonly index = new Map<string, number>();
  private readonly dimsByMask = new Array<readonly number[] | undefined>(INTERNED_MASKS).fill(undefined);

  constructor(readonly scale: Scale) {}

  get factor(): number {
    return this.scale.factor;
  }

  get size(): number {
    return this.dimensions.length;
  }

  indexOf(name: string): number {
    // a few dimensions (the usual case): comparing names is cheaper than hashing one
    const dimensions = this.dimensions;
    if (dimensions.length <= LINEAR_LOOKUP) {
      for (let d = 0; d < dimensions.length; d++) if (dimensions[d] === name) return d;
      return -1;
    }
    return this.index.get(name) ?? -1;
  }

  /** Registers the names not seen yet; returns true if any was new. */
  register(names: readonly string[]): boolean {
    let added = false;
    for (const name of names) {
      if (this.index.has(name)) continue;
      this.index.set(name, this.dimensions.length);
      this.dimensions.push(name);
      added = true;
    }
    return added;
  }

  /**
   * The increasing list of the dimensions in `mask` (bit d = dimension d < MASKED_DIMENSIONS), one
   * array per distinct mask below INTERNED_MASKS: requests of the same shape — almost all of
   * them — share their `nonZero` list, and live allocations keep it without a copy each. Shared,
   * so never written; not frozen, because optimised code reads frozen arrays through a generic
   * (slow) path, and these are read in every search.
   */
  dimsOf(mask: number): readonly number[] {
    const known = mask < INTERNED_MASKS ? this.dimsByMask[mask] : undefined;
    if (known !== undefined) return known;
    const list: number[] = [];
    for (let d = 0; d < MASKED_DIMENSIONS; d++) if ((mask & (1 << d)) !== 0) list.push(d);
    const dims: readonly number[] = list.slice();
    if (mask < INTERNED_MASKS) this.dimsByMask[mask] = dims;
    return dims;
  }
}
