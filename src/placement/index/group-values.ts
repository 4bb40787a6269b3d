import type { CapacityGroup, DenseRequest } from '../strategy.js';
import { CoupledBounds } from './coupled-bounds.js';
import { SupportValues } from './support-values.js';

/** Which numbers a GroupValues keeps. */
export interface GroupValuesOptions {
  /** Ratios of the coupled bounds (SEARCH_RATIOS or UPDATE_RATIOS, see CoupledBounds). */
  readonly ratios: readonly number[];
  /** Keep support values for dot-product's bound: the pool's scale factor. */
  readonly supportFactor?: number;
}

/**
 * The numbers an index keeps per member of one capacity group, packed: the free amount on each of
 * the group's own dimensions (in the order of `group.dims`), then the group's coupled bounds, then
 * (for dot-product) its support values. A tree over one group aggregates these and nothing else:
 * a node of a cpu/memory group carries 3 to 5 numbers (10 for dot-product), not one per pool
 * dimension plus every pair the widest group could have, so every update and every subtree test
 * touches less memory.
 */
export class GroupValues {
  /** Numbers per member. */
  readonly length: number;
  /** Position of the first coupled bound (= the number of group dimensions). */
  readonly coupledAt: number;
  /** Position of the first support value. */
  readonly supportAt: number;
  readonly coupled: CoupledBounds;
  readonly support: SupportValues | undefined;
  private readonly dims: Int32Array;
  /**
   * Written by `tests`: test i passes where the number at `testAt[i]` is at least `testMin[i]`
   * (at most one test per group dimension and one per pair); `testCount` of them.
   */
  readonly testAt: Int32Array;
  readonly testMin: Float64Array;
  testCount = 0;

  constructor(
    readonly group: CapacityGroup,
    options: GroupValuesOptions,
  ) {
    this.dims = Int32Array.from(group.dims);
    this.coupled = new CoupledBounds(group, options.ratios);
    this.support = options.supportFactor === undefined ? undefined : new SupportValues(group, options.supportFactor);
    this.coupledAt = this.dims.length;
    this.supportAt = this.coupledAt + this.coupled.size;
    this.length = this.supportAt + (this.support?.size ?? 0);
    this.testAt = new Int32Array(this.dims.length + this.coupled.pairCount);
    this.testMin = new Float64Array(this.testAt.length);
  }

  /** Writes a member's numbers (from its dense scaled free vector) at out[offset …]. */
  write(free: ArrayLike<number>, out: Float64Array, offset: number): void {
    const dims = this.dims;
    for (let g = 0; g < dims.length; g++) out[offset + g] = free[dims[g] as number] as number;
    this.coupled.values(free, out, offset + this.coupledAt);
    this.support?.values(free, out, offset + this.supportAt);
  }

  /**
   * What a subtree's maxima must reach for a member of it to fit the request, written to
   * `testAt` / `testMin` (valid until the next call); returns (and sets) `testCount`. The tests
   * are the request's amount on each group dimension it asks for, and the coupled bound nearest
   * its shape for each pair. The request must not exceed the group (`exceedsGroup`), so every
   * dimension it asks for is the group's.
   */
  tests(request: DenseRequest): number {
    const at = this.testAt;
    const min = this.testMin;
    const dims = this.dims;
    let n = 0;
    for (let g = 0; g < dims.length; g++) {
      const amount = request.amounts[dims[g] as number] as number;
      if (amount > 0) {
        at[n] = g;
        min[n] = amount;
        n++;
      }
    }
    this.testCount = this.coupled.writeTests(request, at, min, n, this.coupledAt);
    return this.testCount;
  }
}
