import type { CapacityGroup } from '../placement/index.js';
import { fromScaled } from '../resources/index.js';
import type { DimensionSpace } from './dimension-space.js';

/** A capacity group the pool can widen when a new dimension appears. */
export interface MutableCapacityGroup extends CapacityGroup {
  capacityDense: Float64Array;
  /**
   * Zeros, as long as `capacityDense`: the `reserved` vector of every member that holds nothing
   * (see NodeState). Never written.
   */
  zeros: Float64Array;
  members: number;
}

/**
 * Nodes with identical capacity vectors share a group. Indexes keep one structure per group,
 * because ratios to capacity (and so scores) compare directly only within a group.
 */
export class CapacityGroups {
  private readonly bySignature = new Map<string, MutableCapacityGroup>();
  private nextId = 0;

  constructor(private readonly space: DimensionSpace) {}

  acquire(capacity: Float64Array): MutableCapacityGroup {
    const signature = signatureOf(capacity);
    let group = this.bySignature.get(signature);
    if (group === undefined) {
      const dims: number[] = [];
      for (let d = 0; d < capacity.length; d++) if ((capacity[d] as number) > 0) dims.push(d);
      group = {
        id: this.nextId++,
        dims,
        capacity: dims.map((d) => fromScaled(capacity[d] as number, this.space.scale)),
        capacityDense: Float64Array.from(capacity),
        zeros: new Float64Array(capacity.length),
        members: 0,
      };
      this.bySignature.set(signature, group);
    }
    group.members++;
    return group;
  }

  releaseMember(group: MutableCapacityGroup): void {
    group.members--;
    if (group.members === 0) this.bySignature.delete(signatureOf(group.capacityDense));
  }

  /** After a new dimension: widen every group's dense capacity (new dimensions are 0). */
  widen(size: number): void {
    for (const group of this.bySignature.values()) {
      const dense = new Float64Array(size);
      dense.set(group.capacityDense);
      group.capacityDense = dense;
      group.zeros = new Float64Array(size);
    }
  }
}

// trailing zeros are dropped so a signature survives widening; built by concatenation, as
// `join` would write it (a subarray and a generic join per node were a tenth of a pool's
// construction at 100,000 nodes)
function signatureOf(capacity: Float64Array): string {
  let end = capacity.length;
  while (end > 0 && capacity[end - 1] === 0) end--;
  let signature = '';
  for (let d = 0; d < end; d++) signature += d === 0 ? String(capacity[d]) : `,${String(capacity[d])}`;
  return signature;
}
