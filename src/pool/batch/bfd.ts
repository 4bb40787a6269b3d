import type { BatchSizeKey } from '../types.js';
import type { PackingAlgorithm } from './packing-algorithm.js';
import { Simulation } from './simulation.js';
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
    pack(context) {
      const sim = new Simulation(context);
      const { nodes } = context;
      for (const tier of context.tiers) {
        for (const item of decreasingOrder(context, sizeKey)) {
          if (sim.isPlaced(item)) continue;
          sim.placeWhole(item, () => {
            let best = -1;
            let bestLeftover = Infinity;
            for (let n = 0; n < nodes.length; n++) {
              if (!sim.canTake(item, n, tier)) continue;
              const node = nodes[n] as (typeof nodes)[number];
              const free = sim.free[n] as Float64Array;
              let leftover = 0;
              for (const d of node.group.dims) leftover += ((free[d] as number) - (item.amounts[d] as number)) / (node.capacity[d] as number);
              if (leftover < bestLeftover) {
                best = n;
                bestLeftover = leftover;
              }
            }
            return best;
          });
        }
      }
      return sim;
    },
  } satisfies PackingAlgorithm;
}
