import type { NodeState } from '../node-state.js';
import { explainShortfall } from '../shortfall.js';
import type { UnplacedRequest } from '../types.js';
import { type BatchItem, INELIGIBLE } from './context.js';
import type { Simulation } from './simulation.js';

/**
 * Why each request the plan left out does not fit, as `allocate` would say it right after the plan.
 *
 * `explainShortfall` reads a node's `free`; the plan's free vectors live in the simulation, so it
 * is given stand-ins that inherit everything else from the real node (id, status, labels, taints)
 * and carry the plan's free vector. The pool's own nodes are never written.
 */
export function explainUnplaced(sim: Simulation): UnplacedRequest[] {
  const { context } = sim;
  const standIns: NodeState[] = context.nodes.map((node, n) => Object.create(node, { free: { value: sim.free[n] } }) as NodeState);
  const out: UnplacedRequest[] = [];
  for (const item of context.items) {
    if (sim.isPlaced(item)) continue;
    const { reason, message } = explainOne(sim, item, standIns);
    out.push(Object.freeze({ index: item.index, request: item.input, reason, message }));
  }
  return out;
}

/*
 * A gang is explained at the replica that finds no room, as `allocate` does: earlier replicas are
 * put first-fit on the plan's free vectors, then taken back. For identical replicas first-fit
 * places as many as any order would, so the failing replica is a fact of the plan, not of the
 * order. (Every algorithm leaves out only requests that no longer fit, so one replica always fails.)
 */
function explainOne(sim: Simulation, item: BatchItem, standIns: readonly NodeState[]): Pick<UnplacedRequest, 'reason' | 'message'> {
  const { context } = sim;
  const eligibility = context.eligibility[item.group] as Uint8Array;
  const chosen: number[] = [];
  const taken = new Set<number>();
  let explanation: Pick<UnplacedRequest, 'reason' | 'message'> | undefined;
  for (let r = 0; r < item.replicas && explanation === undefined; r++) {
    let n = chosen.length > 0 && !item.spread ? (chosen[chosen.length - 1] as number) : 0;
    while (n < standIns.length && (eligibility[n] === INELIGIBLE || (item.spread && taken.has(n)) || !item.placeable || !sim.fits(item, n))) n++;
    if (n < standIns.length) {
      move(sim, item, n, -1);
      chosen.push(n);
      taken.add(n);
      continue;
    }
    const excluded = item.spread ? new Set(chosen.map((m) => standIns[m] as NodeState)) : undefined;
    explanation = explainShortfall(item.request, standIns, excluded, context.space);
  }
  for (const n of chosen) move(sim, item, n, 1);
  return (
    explanation ?? {
      reason: 'insufficient-resources',
      message: 'Not placed: the plan gave the room it needed to other requests of the batch.',
    }
  );
}

/** Takes (−1) or gives back (+1) one replica on the simulation's node n, exactly. */
function move(sim: Simulation, item: BatchItem, n: number, sign: 1 | -1): void {
  const free = sim.free[n] as Float64Array;
  for (const d of item.dims) free[d] = (free[d] as number) + sign * (item.amounts[d] as number);
}
