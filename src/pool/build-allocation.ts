import { nanoid } from 'nanoid';
import type { DimensionSpace } from './dimension-space.js';
import { type NodeState, sparseResources } from './node-state.js';
import type { ParsedRequest } from './request.js';
import type { Allocation, Placement } from './types.js';

/**
 * nanoid builds its id by `+=`, which V8 keeps as a chain of cons strings (≈ 300 B); reading a
 * character flattens it in place (≈ 40 B).
 */
function flat(id: string): string {
  id.charCodeAt(0);
  return id;
}

/**
 * What `createdAt` starts as, before the time is assigned. Not a number, so that V8 keeps the
 * field as a reference to the number given (shared by every allocation of the same millisecond,
 * see ResourcePool's clock reading) instead of a number box of its own per allocation: one object
 * fewer for each of the (at scale) hundreds of thousands of live allocations. Invisible: the
 * object is frozen with the time in place, its keys in the same order.
 */
const NOT_YET = undefined;

/** When an allocation was made and when it expires (the manager's TTL), in ms. */
export interface AllocationTimes {
  readonly createdAt: number;
  readonly expiresAt?: number | undefined;
  /** The allocation's job, when the request leaves it out (a manager's shared request, SharedRequests). */
  readonly jobId?: string | undefined;
}

/**
 * The frozen `Allocation` for a request placed on `chosen` (one node per replica) — what
 * `allocate` records and what a dry-run batch plan shows. One replica's resources object is shared
 * by every placement, and by the allocation itself when there is one replica, to keep live
 * allocations small. `id` defaults to the request's, else a fresh nanoid (a pool passes the id
 * its generator drew).
 */
export function buildAllocation(
  request: ParsedRequest,
  chosen: readonly NodeState[],
  times: AllocationTimes,
  space: DimensionSpace,
  id: string = request.id ?? flat(nanoid()),
): Allocation {
  return makeAllocation(id, request, chosen, times.createdAt, times.expiresAt, space, times.jobId);
}

/** `buildAllocation` with the times as numbers: the pool's allocate path builds no `times` object. */
export function makeAllocation(
  id: string,
  request: ParsedRequest,
  chosen: readonly NodeState[],
  createdAt: number,
  expiresAt: number | undefined,
  space: DimensionSpace,
  jobId?: string,
): Allocation {
  const one = request.resources;
  let placements: readonly Placement[];
  if (chosen.length === 1) placements = Object.freeze([Object.freeze({ nodeId: (chosen[0] as NodeState).id, resources: one })]);
  else placements = Object.freeze(chosen.map((node) => Object.freeze({ nodeId: node.id, resources: one })));
  // built by assignment rather than conditional spreads: this runs on every allocation
  const allocation: { -readonly [K in keyof Allocation]: Allocation[K] } = {
    id,
    jobId: jobId ?? request.jobId ?? id,
    tenant: request.tenant,
    priority: request.priority,
    resources: request.replicas === 1 ? one : sparseResources(request.dense.nonZero, request.dense.amounts, space, request.replicas),
    placements,
    createdAt: NOT_YET as unknown as number,
  };
  allocation.createdAt = createdAt;
  if (expiresAt !== undefined) allocation.expiresAt = expiresAt;
  if (request.metadata !== undefined) allocation.metadata = request.metadata;
  return Object.freeze(allocation);
}
