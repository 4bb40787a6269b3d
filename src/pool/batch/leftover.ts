import type { BatchItem, Tier } from './context.js';
import type { Simulation } from './simulation.js';

/**
 * The node that `canTake` one replica of `item` in `tier` and has the least (`'least'`, best-fit)
 * or the most (`'most'`, worst-fit) normalised room left after it,
 *
 *   leftover(n) = Σ_d (free_d − req_d) / cap_d      over the dimensions node n has,
 *
 * ties to node order; −1 when no node can take it. Shared by the item-centric algorithms that
 * choose by leftover (bfd, smallest-first).
 */
export function nodeByLeftover(sim: Simulation, item: BatchItem, tier: Tier, prefer: 'least' | 'most'): number {
  const { nodes } = sim.context;
  const sign = prefer === 'least' ? 1 : -1;
  let best = -1;
  let bestKey = Infinity;
  for (let n = 0; n < nodes.length; n++) {
    if (!sim.canTake(item, n, tier)) continue;
    const node = nodes[n] as (typeof nodes)[number];
    const free = sim.free[n] as Float64Array;
    let leftover = 0;
    for (const d of node.group.dims) leftover += ((free[d] as number) - (item.amounts[d] as number)) / (node.capacity[d] as number);
    if (sign * leftover < bestKey) {
      best = n;
      bestKey = sign * leftover;
    }
  }
  return best;
}
