import type { BatchSizeKey } from '../types.js';
import { packInOrder } from './item-centric.js';
import { nodeByLeftover } from './leftover.js';
import type { PackingAlgorithm } from './packing-algorithm.js';
import { decreasingOrder } from './size-keys.js';

/**
 * Best-fit decreasing (item-centric): take the requests largest first by `sizeKey` and put each
 * replica on the eligible node where it fits with the least normalised leftover
 *
 *   leftover(n) = Σ_d (free_d − req_d) / cap_d      over the dimensions node n has,
 *
 * ties to node order. Tight fits close nodes off early and keep the emptier nodes whole.
 *
 * Example, 1-D, nodes of 10 with 4 and 7 free, request 3: leftovers (4 − 3)/10 = 0.1 and
 * (7 − 3)/10 = 0.4, so the node with 4 free takes it (first-fit would take whichever comes first).
 */
export function bestFitDecreasing(sizeKey: BatchSizeKey): PackingAlgorithm {
  return {
    algorithm: 'bfd',
    sizeKey,
    pack: (context) => packInOrder(context, decreasingOrder(context, sizeKey), (sim, item, tier) => nodeByLeftover(sim, item, tier, 'least')),
  } satisfies PackingAlgorithm;
}
