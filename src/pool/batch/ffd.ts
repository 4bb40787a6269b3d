import type { BatchSizeKey } from '../types.js';
import { packInOrder } from './item-centric.js';
import type { PackingAlgorithm } from './packing-algorithm.js';
import { decreasingOrder } from './size-keys.js';

/**
 * First-fit decreasing (item-centric): take the requests largest first by `sizeKey` (see
 * size-keys.ts) and put each replica on the first node, in node order, that is eligible and where
 * it fits. A gang is placed whole or not at all; with `spread`, on distinct nodes.
 *
 * Example, 1-D, three nodes of 10, requests 6, 5, 4, 3, 2 (already decreasing):
 *   6 → n1 (4 left)   5 → n2 (5 left)   4 → n1 (0 left)   3 → n2 (2 left)   2 → n2 (0 left)
 * Two nodes used, both full: 6 + 4 = 10 and 5 + 3 + 2 = 10.
 */
export function firstFitDecreasing(sizeKey: BatchSizeKey): PackingAlgorithm {
  return {
    algorithm: 'ffd',
    sizeKey,
    pack(context) {
      const count = context.nodes.length;
      // A gang's replicas are identical and room only shrinks while it is placed, so the nodes
      // before the previous replica's node cannot take the next one: resume the scan there.
      return packInOrder(context, decreasingOrder(context, sizeKey), (sim, item, tier, previous) => {
        for (let n = Math.max(previous, 0); n < count; n++) if (sim.canTake(item, n, tier)) return n;
        return -1;
      });
    },
  } satisfies PackingAlgorithm;
}
