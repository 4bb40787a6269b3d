import { buildAllocation } from '../build-allocation.js';
import type { NodeState } from '../node-state.js';
import { poolInternals } from '../internals.js';
import type { ResourcePool } from '../resource-pool.js';
import type { Allocation } from '../types.js';
import type { Simulation } from './simulation.js';

/**
 * Turns the chosen plan into allocations, in input order. Committed: each through
 * the pool's `commitPlacement`, which re-checks fit and eligibility; every prefix of a plan that fits
 * also fits (amounts are ≥ 0), so the order of commits cannot make one fail. Dry run: the same
 * frozen `Allocation` objects `allocate` would return, registered nowhere.
 *
 * The clock is read once, before anything is committed: the batch is created at one instant, and a
 * clock that misbehaves (non-finite time) throws while the pool is still untouched.
 */
export function materialize(pool: ResourcePool, sim: Simulation, dryRun: boolean): Allocation[] {
  const { context } = sim;
  const books = poolInternals(pool);
  const createdAt = books.readClock();
  const placed: Allocation[] = [];
  for (const item of context.items) {
    const chosen = sim.assignment[item.index];
    if (chosen === undefined) continue;
    const nodes = chosen.map((n) => context.nodes[n] as NodeState);
    placed.push(dryRun ? buildAllocation(item.request, nodes, { createdAt }, sim.context.space) : books.commitPlacement(item.request, nodes, { createdAt }));
  }
  return placed;
}

