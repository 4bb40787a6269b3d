import type { BatchSizeKey } from '../types.js';
import { packInOrder } from './item-centric.js';
import { nodeByLeftover } from './leftover.js';
import type { PackingAlgorithm } from './packing-algorithm.js';
import { increasingOrder } from './size-keys.js';

/**
 * Smallest first (item-centric), for batches that do not fit: take the requests smallest first by
 * `sizeKey` and put each replica on the eligible node with the most normalised room left after it
 * (worst-fit: leftover(n) = Σ_d (free_d − req_d) / cap_d, largest; ties to node order).
 *
 * Why: when not everything fits, the decreasing heuristics spend the room on the biggest requests
 * first and leave many small ones out. Taking the small ones first places the most requests — the
 * classic greedy for counting — and worst-fit keeps room in every dimension of every node, so no
 * node runs out of one dimension (cpu) while another (memory) is left idle. It spreads, so it
 * rarely wins when everything fits; `auto` still compares it by the same objective.
 *
 * Example, one node of cpu 8, requests 5, 3, 2, 2 in that order: smallest first, 2 → 6 left,
 * 2 → 4 left, 3 → 1 left, 5 does not fit: 3 placed. First-fit decreasing takes 5 → 3 left, 3 → 0
 * left: 2 placed; one at a time in the given order does the same.
 */
export function smallestFirst(sizeKey: BatchSizeKey): PackingAlgorithm {
  return {
    algorithm: 'smallest-first',
    sizeKey,
    pack: (context) => packInOrder(context, increasingOrder(context, sizeKey), (sim, item, tier) => nodeByLeftover(sim, item, tier, 'most')),
  } satisfies PackingAlgorithm;
}
