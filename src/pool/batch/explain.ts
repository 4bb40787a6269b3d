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
 * put first-fit on the plan's simulation, then given back. For identical replicas first-fit
 * places as many as any order would, so the failing replica is a fact of the plan, not of the
 * order. (Every algorithm leaves out only requests that no longer fit, so one replica always fails.)
 */
function explainOne(sim: Simulation, item: BatchItem, standIns: readonly NodeState[]): Pick<UnplacedRequest, 'reason' | 'message'> {
  const { context } = sim;
  const eligibility = context.eligibility[item.group] as Uint8Array;
  const chosen: number[] = [];
  let explanation: Pick<UnplacedRequest, 'reason' | 'message'> | undefined;
  // room only shrinks as replicas are put down, so each scan resumes where the last one stopped
  let n = 0;
  for (let r = 0; r < item.replicas; r++) {
    while (n < standIns.length && !(item.placeable && eligibility[n] !== INELIGIBLE && sim.fits(item, n))) n++;
    if (n === standIns.length) {
      const excluded = item.spread ? new Set(chosen.map((m) => standIns[m] as NodeState)) : undefined;
      const shortfall = explainShortfall(item.request, standIns, excluded, context.space);
      // the same wording as allocate() for a gang that fails part-way (an unknown dimension fails at once)
      const gang = item.replicas > 1 && item.placeable ? `Replica ${r + 1} of ${item.replicas} (after placing ${r}): ` : '';
      explanation = { reason: shortfall.reason, message: gang + shortfall.message };
      break;
    }
    sim.take(item, n);
    chosen.push(n);
    if (item.spread) n++; // the next replica needs another node
  }
  for (const m of chosen) sim.giveBack(item, m);
  return (
    explanation ?? {
      reason: 'insufficient-resources',
      message: 'Not placed: the plan gave the room it needed to other requests of the batch.',
    }
  );
}
