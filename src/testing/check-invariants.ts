import type { NodeView } from '../placement/index.js';
import { poolInternals } from '../pool/internals.js';
import type { ResourcePool } from '../pool/index.js';
import type { NodeState } from '../pool/node-state.js';
import { fromScaled, toScaled } from '../resources/index.js';

/** Thrown by the checks in fairpack/testing: the message names the first broken invariant. */
export class InvariantViolation extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvariantViolation';
  }
}

function fail(message: string): never {
  throw new InvariantViolation(message);
}

/**
 * Checks a pool's books and throws `InvariantViolation` on the first broken invariant:
 *
 * 1. conservation — on every node and dimension, allocated = Σ live placements on it,
 *    reserved ≥ 0 (room an AllocationManager holds for waiting jobs; 0 in a plain pool),
 *    0 ≤ allocated + reserved ≤ capacity, available = capacity − allocated − reserved, in the
 *    internal scaled integers and in the public views; cluster figures (`capacity()`) are the sums
 *    over nodes;
 * 2. every allocation's `resources` is the sum of its placements, placements name live nodes;
 * 3. the placement index (if the strategy has one with a `check`) holds exactly the ready nodes
 *    with current keys and maxima.
 *
 * Exactness after releasing everything (invariant 2 of DESIGN.md) is `checkReleaseAllRestoresCapacity`;
 * "bad input changes nothing" (invariant 6) is `poolSnapshot` compared before and after.
 */
export function checkInvariants(pool: ResourcePool): void {
  const { space, nodes, live, index } = poolInternals(pool);
  const size = space.size;
  const expected = new Map<NodeState, Float64Array>();
  const counts = new Map<NodeState, number>();
  for (const node of nodes.values()) {
    expected.set(node, new Float64Array(size));
    counts.set(node, 0);
  }
  for (const [id, record] of live) {
    if (record.allocation.id !== id) fail(`allocation filed under "${id}" has id "${record.allocation.id}"`);
    if (record.nodes.length !== record.allocation.placements.length) fail(`allocation ${id} has ${record.allocation.placements.length} placements but ${record.nodes.length} replica nodes`);
    for (const node of new Set(record.nodes)) counts.set(node, (counts.get(node) ?? 0) + 1);
    record.nodes.forEach((node, r) => {
      const sums = expected.get(node);
      if (sums === undefined || nodes.get(node.id) !== node) fail(`allocation ${id} has a replica on node "${node.id}", which is not in the pool`);
      if (record.allocation.placements[r]?.nodeId !== node.id) fail(`allocation ${id} placement ${r} names the wrong node`);
      record.dims.forEach((d, i) => (sums[d] = (sums[d] as number) + (record.amounts[i] as number)));
    });
    checkAllocationSum(pool.precision, record.allocation);
  }
  const views = new Map<string, NodeView>(pool.nodes().map((view) => [view.id, view]));
  const total = new Float64Array(size);
  const free = new Float64Array(size);
  const held = new Float64Array(size);
  for (const node of nodes.values()) {
    const sums = expected.get(node) as Float64Array;
    for (let d = 0; d < size; d++) {
      const cap = node.capacity[d] as number;
      const reserved = node.reserved[d] as number;
      const allocated = cap - (node.free[d] as number) - reserved;
      const name = space.dimensions[d] as string;
      if (allocated !== sums[d]) fail(`node "${node.id}" ${name}: allocated ${fromScaled(allocated, space.scale)} but its live placements sum to ${fromScaled(sums[d] as number, space.scale)}`);
      if (reserved < 0 || !Number.isSafeInteger(reserved)) fail(`node "${node.id}" ${name}: reserved amount ${reserved} is not an exact integer >= 0`);
      if (allocated < 0 || allocated + reserved > cap) fail(`node "${node.id}" ${name}: allocated ${fromScaled(allocated, space.scale)} + reserved ${fromScaled(reserved, space.scale)} is outside [0, ${fromScaled(cap, space.scale)}]`);
      if (!Number.isSafeInteger(node.free[d])) fail(`node "${node.id}" ${name}: free amount ${node.free[d]} is not an exact integer`);
      total[d] = (total[d] as number) + cap;
      free[d] = (free[d] as number) + (node.free[d] as number);
      held[d] = (held[d] as number) + reserved;
      const view = views.get(node.id) as NodeView;
      if (
        cap > 0 &&
        (view.available[name] !== fromScaled(node.free[d] as number, space.scale) ||
          view.allocated[name] !== fromScaled(allocated, space.scale) ||
          view.reserved[name] !== fromScaled(reserved, space.scale))
      ) {
        fail(`node "${node.id}" ${name}: the public view disagrees with the books`);
      }
    }
    if (node.allocationCount !== counts.get(node)) fail(`node "${node.id}" counts ${node.allocationCount} allocations, but ${counts.get(node)} live allocations use it`);
  }
  const capacity = pool.capacity();
  for (let d = 0; d < size; d++) {
    if (total[d] === 0) continue;
    const name = space.dimensions[d] as string;
    if (
      capacity.total[name] !== fromScaled(total[d] as number, space.scale) ||
      capacity.available[name] !== fromScaled(free[d] as number, space.scale) ||
      capacity.reserved[name] !== fromScaled(held[d] as number, space.scale) ||
      capacity.allocated[name] !== fromScaled((total[d] as number) - (free[d] as number) - (held[d] as number), space.scale)
    ) {
      fail(`capacity() ${name} is not the sum over nodes`);
    }
  }
  if (index?.check !== undefined) {
    const ready = new Set([...nodes.values()].filter((node) => node.status === 'ready'));
    const problem = index.check(ready);
    if (problem !== undefined) fail(`placement index of "${pool.placement}": ${problem}`);
  }
}

function checkAllocationSum(precision: number, allocation: import('../pool/index.js').Allocation): void {
  const scale = { precision, factor: 10 ** precision };
  const sums = new Map<string, number>();
  for (const placement of allocation.placements) {
    for (const [name, amount] of Object.entries(placement.resources)) sums.set(name, (sums.get(name) ?? 0) + toScaled(amount, name, scale, 'placement'));
  }
  for (const [name, amount] of Object.entries(allocation.resources)) {
    if ((sums.get(name) ?? 0) !== toScaled(amount, name, scale, 'allocation')) fail(`allocation ${allocation.id} ${name}: resources ${amount} is not the sum of its placements`);
    sums.delete(name);
  }
  for (const [name, amount] of sums) if (amount !== 0) fail(`allocation ${allocation.id} ${name}: placements use it but resources omit it`);
}

/** Releases every live allocation, then checks available === capacity on every node and in total. */
export function checkReleaseAllRestoresCapacity(pool: ResourcePool): void {
  for (const allocation of pool.allocations()) pool.release(allocation.id);
  checkInvariants(pool);
  for (const node of pool.nodes()) {
    for (const [name, cap] of Object.entries(node.capacity)) {
      if (node.available[name] !== cap) fail(`after releasing everything, node "${node.id}" ${name} has ${node.available[name]} available, capacity ${cap}`);
    }
  }
  const { total, available } = pool.capacity();
  for (const [name, cap] of Object.entries(total)) {
    if (available[name] !== cap) fail(`after releasing everything, ${name} available ${available[name]} !== capacity ${cap}`);
  }
}

/** Everything observable about a pool, as plain data: compare two snapshots with deep equality. */
export function poolSnapshot(pool: ResourcePool): unknown {
  return JSON.parse(
    JSON.stringify({ capacity: pool.capacity(), nodes: pool.nodes(), allocations: pool.allocations(), placement: pool.placement }),
  ) as unknown;
}
