import { type PackItem, type PackType, fitsIn } from './packing-model.js';

/** The bin-centric (dot-product) member of the portfolio costs O(items²): only up to this many items. */
export const DOT_PRODUCT_LIMIT = 2_000;

/** Items by decreasing size relative to one type's capacity: the largest share (`max`) or the sum of shares. */
export function orderFor(items: readonly PackItem[], type: PackType, key: 'max' | 'sum'): number[] {
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
export function alignedOrder(order: readonly number[], items: readonly PackItem[], type: PackType, fitsEmpty: (item: PackItem, t: number) => boolean, t: number): number[] {
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
