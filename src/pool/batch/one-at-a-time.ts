import type { IndexedNode, PlacementIndex } from '../../placement/index.js';
import { type PlacementStrategyName, placementStrategies } from '../../placement/registry.js';
import type { BatchContext, BatchItem, Tier } from './context.js';
import type { PackingAlgorithm } from './packing-algorithm.js';
import { Simulation } from './simulation.js';

/**
 * One at a time: the requests in the given order, each replica where `allocate` on a pool with the
 * built-in strategy `placement` would put it — the strategy's own index, over stand-ins for the
 * nodes that carry the simulation's free vectors, so ties and tiers are exactly the pool's. So the
 * batch planner never places fewer requests than calling `allocate` for each request in turn would.
 *
 * No sorting, so nothing favours big requests: when the batch does not fit, this often places more
 * requests than the decreasing heuristics (worst-fit in particular keeps room on every node).
 *
 * Example, one node of cpu 8, requests 3, 4, 1, 5 in that order: 3 → 5 left, 4 → 1 left,
 * 1 → 0 left, 5 does not fit: 3 placed, where first-fit decreasing places 5 then 3 (2 placed).
 */
export function oneAtATime(placement: PlacementStrategyName): PackingAlgorithm {
  return {
    algorithm: 'one-at-a-time',
    placement,
    pack(context) {
      const index = placementStrategies[placement]().createIndex?.(context.space);
      if (index === undefined) throw new Error(`fairpack internal error: the built-in strategy ${placement} has no index`);
      const sim = new IndexedSimulation(context, index);
      for (const item of context.items) {
        if (!item.placeable) continue;
        // as the pool's choose(): each replica on a first-tier node if any fits, else any eligible one
        sim.placeWhole(item, () => {
          let chosen = -1;
          for (const tier of context.tiers) {
            chosen = sim.select(item, tier);
            if (chosen >= 0) break;
          }
          return chosen;
        });
      }
      return sim;
    },
  } satisfies PackingAlgorithm;
}

/** A simulation whose nodes are also in a placement index, kept up to date on every take and give-back. */
class IndexedSimulation extends Simulation {
  /** Node n as the index sees it: `slot` is n and `free` is this simulation's own free vector of n. */
  private readonly standIns: IndexedNode[];

  constructor(
    context: BatchContext,
    private readonly index: PlacementIndex,
  ) {
    super(context);
    this.standIns = context.nodes.map((node, n) => ({ id: node.id, order: node.order, slot: n, group: node.group, free: this.free[n] as Float64Array }));
    context.nodes.forEach((node, n) => {
      if (node.status === 'ready') index.add(this.standIns[n] as IndexedNode);
    });
  }

  /** The strategy's node for one replica of `item` among the nodes `canTake` allows in `tier`, or −1. */
  select(item: BatchItem, tier: Tier): number {
    return this.index.select(item.request.dense, (node) => this.canTake(item, node.slot, tier))?.slot ?? -1;
  }

  override take(item: BatchItem, n: number): void {
    super.take(item, n);
    this.index.update(this.standIns[n] as IndexedNode);
  }

  override giveBack(item: BatchItem, n: number): void {
    super.giveBack(item, n);
    this.index.update(this.standIns[n] as IndexedNode);
  }
}
