import { nanoid } from 'nanoid';
import { type NodeState, sparseResources } from '../node-state.js';
import type { ResourcePool } from '../resource-pool.js';
import type { Allocation } from '../types.js';
import type { BatchItem } from './context.js';
import type { Simulation } from './simulation.js';

/**
 * Turns the chosen plan into allocations, in input order. Committed: each through
 * `pool.commitPlacement`, which re-checks fit and eligibility; every prefix of a plan that fits
 * also fits (amounts are ≥ 0), so the order of commits cannot make one fail. Dry run: the same
 * frozen `Allocation` objects `allocate` would return, registered nowhere.
 *
 * The clock is read once, before anything is committed: the batch is created at one instant, and a
 * clock that misbehaves (non-finite time) throws while the pool is still untouched.
 */
export function materialize(pool: ResourcePool, sim: Simulation, dryRun: boolean): Allocation[] {
  const { context } = sim;
  const createdAt = pool.readClock();
  const placed: Allocation[] = [];
  for (const item of context.items) {
    const chosen = sim.assignment[item.index];
    if (chosen === undefined) continue;
    const nodes = chosen.map((n) => context.nodes[n] as NodeState);
    placed.push(dryRun ? preview(item, nodes, sim, createdAt) : pool.commitPlacement(item.request, nodes, createdAt));
  }
  return placed;
}

/** What `allocate` would have recorded for this request on these nodes (see ResourcePool.record). */
function preview(item: BatchItem, nodes: readonly NodeState[], sim: Simulation, createdAt: number): Allocation {
  const { request } = item;
  const id = request.id ?? nanoid();
  const resources = request.replicas === 1 ? request.resources : sparseResources(request.dense.nonZero, request.dense.amounts, sim.context.space, request.replicas);
  return Object.freeze({
    id,
    jobId: request.jobId ?? id,
    tenant: request.tenant,
    priority: request.priority,
    resources,
    placements: Object.freeze(nodes.map((node) => Object.freeze({ nodeId: node.id, resources: request.resources }))),
    createdAt,
    ...(request.metadata === undefined ? {} : { metadata: request.metadata }),
  });
}
