import type { BatchContext, BatchItem, Tier } from './context.js';
import { Simulation } from './simulation.js';

/**
 * Picks the node of one replica of `item` in `tier` (`previous`: the node of the gang's previous
 * replica, −1 for the first), or −1 for none. See `Simulation.placeWhole`.
 */
export type ItemChooser = (sim: Simulation, item: BatchItem, tier: Tier, previous: number) => number;

/**
 * The item-centric loop shared by ffd, bfd and smallest-first: for each tier (see context.ts),
 * every request not placed yet, in `order`, placed whole where `choose` says or not at all.
 */
export function packInOrder(context: BatchContext, order: readonly BatchItem[], choose: ItemChooser): Simulation {
  const sim = new Simulation(context);
  for (const tier of context.tiers) {
    for (const item of order) {
      if (sim.isPlaced(item)) continue;
      sim.placeWhole(item, (previous) => choose(sim, item, tier, previous));
    }
  }
  return sim;
}
