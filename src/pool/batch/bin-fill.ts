import type { NodeState } from '../node-state.js';
import type { BatchContext, BatchItem, Tier } from './context.js';
import { Simulation } from './simulation.js';

/** How well one replica of `item` suits node `node` with free vector `free`: higher is better. */
export type FillScore = (item: BatchItem, node: NodeState, free: Float64Array) => number;

/**
 * The bin-centric loop of Panigrahy et al. (2011): open one node, fill it with the remaining
 * request that scores best against its free vector until no remaining request fits, then open the
 * next node. Ties go to input order. Opening order: nodes that already hold allocations first (they
 * are in use anyway, so filling them costs no extra node), then the others, each in node order; a
 * node that receives gang replicas while still unopened is opened next, for the same reason.
 *
 * Gangs compete by one replica's score. When a gang wins on node n it is placed whole at once,
 * item-centrically: replicas on n while it takes them (one with `spread`), the rest first-fit on
 * used nodes, then on unused ones. If it cannot be placed whole it is dropped for this pass.
 * Nodes already filled cannot take a replica of a gang that still fits somewhere (else they would
 * not have been closed), so the spill-over only reaches nodes not yet opened.
 */
export function fillBinByBin(context: BatchContext, score: FillScore): Simulation {
  const sim = new Simulation(context);
  for (const tier of context.tiers) fillPass(sim, score, tier);
  return sim;
}

function fillPass(sim: Simulation, score: FillScore, tier: Tier): void {
  const { nodes, items } = sim.context;
  let remaining = items.filter((item) => item.placeable && !sim.isPlaced(item));
  const opened = new Uint8Array(nodes.length);
  const order = [...nodes.keys()].filter((n) => nodes[n]?.status === 'ready');
  order.sort((a, b) => Number(sim.isUsed(b)) - Number(sim.isUsed(a)) || a - b);
  const spilled: number[] = [];
  let cursor = 0;
  const nextNode = (): number => {
    for (let n = spilled.shift(); n !== undefined; n = spilled.shift()) if (opened[n] === 0) return n;
    while (cursor < order.length && opened[order[cursor] as number] === 1) cursor++;
    return cursor < order.length ? (order[cursor] as number) : -1;
  };
  for (let n = nextNode(); n >= 0 && remaining.length > 0; n = nextNode()) {
    opened[n] = 1;
    const node = nodes[n] as NodeState;
    const dropped = new Set<BatchItem>();
    // Room on n only shrinks while it is filled, so a request that does not fit now never will:
    // each step scores the requests that still fit and drops the rest, so the list empties quickly.
    // (Eligibility cannot change, and spread marks are clear between gangs: fit is all to recheck.)
    const fitting = remaining.filter((item) => sim.canTake(item, n, tier));
    for (;;) {
      let best: BatchItem | undefined;
      let bestScore = -Infinity;
      let kept = 0;
      for (const item of fitting) {
        if (!sim.fits(item, n)) continue;
        fitting[kept++] = item;
        const value = score(item, node, sim.free[n] as Float64Array);
        if (best === undefined || value > bestScore) {
          best = item;
          bestScore = value;
        }
      }
      fitting.length = kept;
      if (best === undefined) break;
      const pick = best;
      fitting.splice(fitting.indexOf(pick), 1);
      if (!sim.placeWhole(pick, () => chooseForGang(sim, pick, n, tier))) dropped.add(pick);
      else for (const m of sim.assignment[pick.index] ?? []) if (opened[m] === 0) spilled.push(m);
    }
    remaining = remaining.filter((item) => !sim.isPlaced(item) && !dropped.has(item));
  }
}

/** Node n while it takes replicas, then the first used node, then the first unused one. */
function chooseForGang(sim: Simulation, item: BatchItem, n: number, tier: Tier): number {
  if (sim.canTake(item, n, tier)) return n;
  let firstUnused = -1;
  for (let m = 0; m < sim.free.length; m++) {
    if (!sim.canTake(item, m, tier)) continue;
    if (sim.isUsed(m)) return m;
    if (firstUnused < 0) firstUnused = m;
  }
  return firstUnused;
}
