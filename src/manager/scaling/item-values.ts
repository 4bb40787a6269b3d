import type { PackItem, PackType } from './packing-model.js';

/**
 * The least an item could cost: on each type it fits, the price times the largest share of the
 * type it takes (it uses at least that fraction of a node). A lower bound per item, and the
 * greedy's measure of what a bin achieves.
 */
export function itemValue(item: PackItem, types: readonly PackType[], fitsEmpty: (item: PackItem, t: number) => boolean): number {
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
export function bottleneckValues(items: readonly PackItem[], types: readonly PackType[], fitsEmpty: (item: PackItem, t: number) => boolean): number[] {
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
