import type { BatchImprovement } from '../types.js';
import { emptyNode } from './bin-elimination.js';
import { AVOIDED } from './context.js';
import { nodesLowerBound } from './nodes-lower-bound.js';
import { PackingState } from './packing-state.js';
import { Simulation } from './simulation.js';
import { WorkBudget } from './work-budget.js';

export interface ImprovementSettings {
  readonly timeLimitMs: number;
  readonly workLimit: number;
  readonly clock: () => number;
}

/**
 * The improvement phase of `auto`, after the portfolio: while the plan uses more nodes than the
 * lower bound, try to empty a node — the least loaded first, then the next — by moving its
 * replicas onto the other used nodes (bin-elimination.ts). Each success saves a node; the phase
 * stops at the lower bound (no plan can do better), when no node can be emptied, or when the
 * budget (work units, then wall-clock time) runs out. A failed attempt changes nothing.
 *
 * It runs only on a plan that places every request and puts none on a node it avoids: moves keep
 * every replica on eligible first-tier nodes and never open a node, so the plan stays complete,
 * feasible and free of avoided nodes. (With something left out, a node it empties could take an
 * unplaced request: the plan would no longer be maximal.) Returns undefined when it does not run.
 */
export function improvePlan(sim: Simulation, settings: ImprovementSettings): { sim: Simulation; improvement: BatchImprovement } | undefined {
  const { context } = sim;
  if (settings.timeLimitMs === 0 || settings.workLimit === 0 || !isCompleteOnPreferredNodes(sim)) return undefined;
  const budget = new WorkBudget(settings.workLimit, settings.clock, settings.timeLimitMs);
  const lowerBound = nodesLowerBound(context);
  const nodesBefore = sim.summary().nodesUsed;
  let nodesUsed = nodesBefore;
  let state = PackingState.of(sim);
  let stoppedBy: BatchImprovement['stoppedBy'] = 'lower-bound';
  while (nodesUsed > lowerBound) {
    const next = emptyOneNode(state, budget);
    if (next !== undefined) {
      state = next;
      nodesUsed--;
      continue;
    }
    stoppedBy = budget.stoppedBy ?? 'no-move';
    break;
  }
  const improved = nodesUsed < nodesBefore ? replay(state) : sim;
  return { sim: improved, improvement: Object.freeze({ nodesBefore, lowerBound, work: budget.spent, stoppedBy }) };
}

/** Every item placed, each replica on a node that is first-tier for it. */
function isCompleteOnPreferredNodes(sim: Simulation): boolean {
  const { items, eligibility } = sim.context;
  return items.every((item) => {
    const chosen = sim.assignment[item.index];
    return chosen !== undefined && chosen.every((n) => (eligibility[item.group] as Uint8Array)[n] !== AVOIDED);
  });
}

/**
 * Tries the nodes that only batch replicas use (emptying one holding earlier allocations saves
 * nothing), least loaded first — the fewest, lightest replicas to rehouse — ties to node order.
 */
function emptyOneNode(state: PackingState, budget: WorkBudget): PackingState | undefined {
  const { nodes } = state.context;
  const used = [...nodes.keys()].filter((n) => state.isUsed(n));
  const load = (n: number) => (state.members[n] as number[]).reduce((sum, unit) => sum + (state.weight[unit] as number), 0);
  const removable = used.filter((n) => (nodes[n]?.allocationCount ?? 0) === 0).sort((a, b) => load(a) - load(b) || a - b);
  for (const removed of removable) {
    const emptied = emptyNode(
      state,
      removed,
      used.filter((n) => n !== removed),
      budget,
    );
    if (emptied !== undefined || budget.stoppedBy !== undefined) return emptied;
  }
  return undefined;
}

function replay(state: PackingState): Simulation {
  const sim = new Simulation(state.context);
  const assignment = state.assignment();
  for (const item of state.context.items) sim.placeAt(item, assignment[item.index] as number[]);
  return sim;
}
