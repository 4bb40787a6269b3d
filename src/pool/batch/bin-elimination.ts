import type { PackingState } from './packing-state.js';
import type { WorkBudget } from './work-budget.js';

/*
 * Tuned on the 150 instances of test/fixtures/vbp-optimal.json with the default work limit: a
 * tenure of 10 iterations gives 96 % optimal plans, 12–15 gave 94–95 %, 7 gave 91–93 %, and in
 * a first prototype 3 gave 77 % (moves are undone at once) and 30 gave 85 % (too few moves stay
 * allowed). 1,000 iterations per node to empty (300 and 3,000 did no better) leave budget to try
 * the other nodes when one cannot be emptied.
 */
const TABU_TENURE = 10;
const ITERATIONS_PER_NODE = 1000;

/** One waiting unit onto `node` in place of `out` and `alsoOut` (−1: none). */
interface Swap {
  readonly unit: number;
  readonly node: number;
  readonly out: number;
  readonly alsoOut: number;
}

/**
 * Tries to empty node `removed` of a complete plan by moving its units onto the other used nodes
 * (`targets`), never onto a new one: a tabu search in the manner of the consistent neighbourhood
 * search of Buljubašić and Vasquez (2016). The units of `removed` are lifted off; then, repeatedly:
 *
 * 1. every lifted unit that fits somewhere goes to the target where it leaves the least normalised
 *    room (best fit), heaviest first;
 * 2. if some are still waiting, the best swap puts one waiting unit u on a target n in place of
 *    one or two units T of n — the swap that most reduces the weight waiting,
 *    weight(u) − Σ weight(T), where weight is the `sum` size of one replica. It may increase it
 *    when nothing better exists; a unit that just went onto a node stays there for TABU_TENURE
 *    iterations, so the search does not undo its last moves and cycle.
 *
 * Returns the plan without `removed` when every unit found a place, else undefined (after
 * ITERATIONS_PER_NODE iterations, when no swap is possible, or when the budget runs out). Every
 * fit check is one unit of work.
 */
export function emptyNode(start: PackingState, removed: number, targets: readonly number[], budget: WorkBudget): PackingState | undefined {
  // copying the plan costs about a unit of work per node, like a fit check
  budget.spend(start.free.length);
  const state = start.copy();
  let waiting = (state.members[removed] as number[]).slice();
  for (const unit of waiting) state.lift(unit);
  const tabuUntil = new Int32Array(state.unitItem.length);
  for (let iteration = 0; iteration < ITERATIONS_PER_NODE; iteration++) {
    waiting = placeWhereTheyFit(state, waiting, targets, budget);
    if (waiting.length === 0) return state;
    const swap = bestSwap(state, waiting, targets, tabuUntil, iteration, budget);
    if (swap === undefined || budget.stoppedBy !== undefined) return undefined;
    const leaving = swap.alsoOut < 0 ? [swap.out] : [swap.out, swap.alsoOut];
    for (const unit of leaving) state.lift(unit);
    state.drop(swap.unit, swap.node);
    tabuUntil[swap.unit] = iteration + TABU_TENURE;
    waiting = waiting.filter((unit) => unit !== swap.unit).concat(leaving);
  }
  return undefined;
}

/** Best fit for each waiting unit, heaviest first (ties: unit order); returns those still waiting. */
function placeWhereTheyFit(state: PackingState, waiting: readonly number[], targets: readonly number[], budget: WorkBudget): number[] {
  const { weight } = state;
  const order = waiting.slice().sort((a, b) => (weight[b] as number) - (weight[a] as number) || a - b);
  const still: number[] = [];
  for (const unit of order) {
    let best = -1;
    let bestLeftover = Infinity;
    for (const n of targets) {
      budget.spend(1);
      if (!state.accepts(n, unit) || !state.fitsWithout(n, unit)) continue;
      const leftover = normalisedLeftover(state, n, unit);
      if (leftover < bestLeftover) {
        best = n;
        bestLeftover = leftover;
      }
    }
    if (best >= 0) state.drop(unit, best);
    else still.push(unit);
  }
  return still;
}

/** Σ_d (free_d − req_d) / cap_d over node n's dimensions, as bfd measures a fit. */
function normalisedLeftover(state: PackingState, n: number, unit: number): number {
  const node = state.context.nodes[n] as (typeof state.context.nodes)[number];
  const free = state.free[n] as Float64Array;
  const { amounts } = state.item(unit);
  let leftover = 0;
  for (const d of node.group.dims) leftover += ((free[d] as number) - (amounts[d] as number)) / (node.capacity[d] as number);
  return leftover;
}

/**
 * The swap (one waiting unit in, one or two non-tabu units out) with the largest weight gain; the
 * first found among equals. Runs for every move tried, so it allocates nothing per candidate.
 */
function bestSwap(state: PackingState, waiting: readonly number[], targets: readonly number[], tabuUntil: Int32Array, iteration: number, budget: WorkBudget): Swap | undefined {
  const { weight, unitItem } = state;
  let best: Swap | undefined;
  let bestGain = -Infinity;
  for (const unit of waiting) {
    const unitWeight = weight[unit] as number;
    for (const node of targets) {
      const members = state.members[node] as number[];
      for (let x = 0; x < members.length; x++) {
        const out = members[x] as number;
        if ((tabuUntil[out] as number) > iteration || unitItem[out] === unitItem[unit]) continue;
        // swapping a unit for one of the same size changes nothing but the tabu list
        const gain = unitWeight - (weight[out] as number);
        budget.spend(1);
        if (gain > bestGain && !state.sameSize(out, unit) && state.fitsWithout(node, unit, out) && state.accepts(node, unit, out)) {
          best = { unit, node, out, alsoOut: -1 };
          bestGain = gain;
        }
        for (let y = x + 1; y < members.length; y++) {
          const alsoOut = members[y] as number;
          if ((tabuUntil[alsoOut] as number) > iteration || unitItem[alsoOut] === unitItem[unit]) continue;
          const pairGain = gain - (weight[alsoOut] as number);
          budget.spend(1);
          if (pairGain > bestGain && state.fitsWithout(node, unit, out, alsoOut) && state.accepts(node, unit, out, alsoOut)) {
            best = { unit, node, out, alsoOut };
            bestGain = pairGain;
          }
        }
      }
    }
  }
  return best;
}
