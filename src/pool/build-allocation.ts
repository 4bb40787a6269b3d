import { nanoid } from 'nanoid';
import type { DimensionSpace } from './dimension-space.js';
import { type NodeState, sparseResources } from './node-state.js';
import type { ParsedRequest } from './request.js';
import type { Allocation } from './types.js';

/**
 * nanoid builds its id by `+=`, which V8 keeps as a chain of cons strings (≈ 300 B); reading a
 * character flattens it in place (≈ 40 B), and live allocations hold their id for a long time.
 */
function flat(id: string): string {
  id.charCodeAt(0);
  return id;
}

/** When an allocation was made and when it expires (the manager's TTL), in ms. */
export interface AllocationTimes {
  readonly createdAt: number;
  readonly expiresAt?: number | undefined;
}

/**
 * The frozen `Allocation` for a request placed on `chosen` (one node per replica) — what
 * `allocate` records and what a dry-run batch plan shows. One replica's resources object is shared
 * by every placement, and by the allocation itself when there is one replica, to keep live
 * allocations small.
 */
export function buildAllocation(request: ParsedRequest, chosen: readonly NodeState[], times: AllocationTimes, space: DimensionSpace): Allocation {
  const id = request.id ?? flat(nanoid());
  const { nonZero, amounts } = request.dense;
  // built by assignment rather than conditional spreads: this runs on every allocation
  const allocation: { -readonly [K in keyof Allocation]: Allocation[K] } = {
    id,
    jobId: request.jobId ?? id,
    tenant: request.tenant,
    priority: request.priority,
    resources: request.replicas === 1 ? request.resources : sparseResources(nonZero, amounts, space, request.replicas),
    placements: Object.freeze(chosen.map((node) => Object.freeze({ nodeId: node.id, resources: request.resources }))),
    createdAt: times.createdAt,
  };
  if (times.expiresAt !== undefined) allocation.expiresAt = times.expiresAt;
  if (request.metadata !== undefined) allocation.metadata = request.metadata;
  return Object.freeze(allocation);
}
