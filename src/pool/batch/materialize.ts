import { nanoid } from 'nanoid';
import { sparseResources } from '../node-state.js';
import type { NodeState } from '../node-state.js';
import type { ResourcePool } from '../resource-pool.js';
import type { Allocation } from '../types.js';
import type { BatchItem } from './context.js';
import type { Simulation } from './simulation.js';

/**
 * Turns the chosen plan into allocations, in input order. Committed: each through
 * `pool.commitPlacement`, which re-checks fit and eligibility; every prefix of a plan that fits
 * also fits (amounts are ≥ 0), so the order of commits cannot make one fail. Dry run: the same
 * frozen `Allocation` objects `allocate` would return, registered nowhere.
 */
export function materialize(pool: ResourcePool, sim: Simulation, dryRun: boolean): Allocation[] {
  const { context } = sim;
  const now = dryRun ? poolClock(pool) : undefined;
  const placed: Allocation[] = [];
  for (const item of context.items) {
    const chosen = sim.assignment[item.index];
    if (chosen === undefined) continue;
    const nodes = chosen.map((n) => context.nodes[n] as NodeState);
    placed.push(now === undefined ? pool.commitPlacement(item.request, nodes) : preview(item, nodes, sim, now()));
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

/*
 * A dry run stamps `createdAt` with the pool's own clock (its `now` option), as a commit would. The
 * pool does not expose its clock to the batch planner yet, so it is read from the pool object; if
 * that ever fails the stamp is NaN rather than the wall clock, which would break injected time.
 * TODO: read it from PoolInternals once `now` is added there.
 */
function poolClock(pool: ResourcePool): () => number {
  const now: unknown = Reflect.get(pool, 'now');
  return typeof now === 'function' ? () => Number(now()) : () => Number.NaN;
}
