import type { CapacityGroup, DenseRequest } from '../strategy.js';
import { CoupledBounds } from './coupled-bounds.js';
import { SupportValues } from './support-values.js';

/**
 * The numbers an index keeps per member of one capacity group, packed: the free amount on each of
 * the group's own dimensions (in the order of `group.dims`), then the group's coupled bounds, then
 * (for dot-product) its support values. A tree over one group aggregates these and nothing else:
 * a node of a cpu/memory group carries 7 numbers, not one per pool dimension plus every pair the
 * widest group could have, so every update and every subtree test touches less memory.
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
  /** Written by `tests`: [position, threshold, …] (at most one per group dimension and one per pair). */
  readonly testValues: Float64Array;

  /** `factor` given: also keep support values (dot-product's bound). */
  constructor(readonly group: CapacityGroup, factor?: number) {
    this.dims = Int32Array.from(group.dims);
    this.coupled = new CoupledBounds(group);
    this.support = factor === undefined ? undefined : new SupportValues(group, factor);
    this.coupledAt = this.dims.length;
    this.supportAt = this.coupledAt + this.coupled.size;
    this.length = this.supportAt + (this.support?.size ?? 0);
    this.testValues = new Float64Array(2 * (this.dims.length + this.coupled.pairCount));
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
   * `testValues` as [position, threshold, position, threshold, …] (valid until the next call);
   * returns how many numbers were written. The tests are the request's amount on each group
   * dimension it asks for, and the coupled bound nearest its shape for each pair. The request
   * must not exceed the group (`exceedsGroup`), so every dimension it asks for is the group's.
   */
  tests(request: DenseRequest): number {
    const out = this.testValues;
    const dims = this.dims;
    let n = 0;
    for (let g = 0; g < dims.length; g++) {
      const amount = request.amounts[dims[g] as number] as number;
      if (amount > 0) {
        out[n++] = g;
        out[n++] = amount;
      }
    }
    return this.coupled.writeTests(request, out, n, this.coupledAt);
  }
}
