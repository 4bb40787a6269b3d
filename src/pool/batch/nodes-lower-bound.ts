import type { BatchContext } from './context.js';

/**
 * A lower bound on `nodesUsed` for any plan that places the whole batch: the nodes that already
 * hold allocations (they count whatever the plan does), plus, in the worst dimension, the fewest
 * other ready nodes whose free room could hold what those nodes cannot:
 *
 *   LB = used_before + max_d min { k : the k roomiest other ready nodes free ≥ demand_d − room_d }
 *
 * where demand_d is the batch's total demand and room_d the free room of the ready nodes already in
 * use. Selectors, taints and the shape of requests are ignored, so it is a bound, not a plan. For
 * identical empty nodes it is the classic max_d ⌈Σ demand_d / capacity_d⌉.
 *
 * Example: three empty nodes { cpu: 8 }, requests 5, 5, 3: demand 13 > 8, the two roomiest hold
 * 16 ≥ 13, so LB = 2 (and 5 + 3 | 5 reaches it).
 */
export function nodesLowerBound(context: BatchContext): number {
  const { nodes, items, space } = context;
  let usedBefore = 0;
  for (const node of nodes) if (node.allocationCount > 0) usedBefore++;
  let extra = 0;
  for (let d = 0; d < space.size; d++) {
    let shortfall = 0;
    for (const item of items) shortfall += item.replicas * (item.amounts[d] ?? 0);
    const room: number[] = [];
    for (const node of nodes) {
      if (node.status !== 'ready') continue;
      if (node.allocationCount > 0) shortfall -= node.free[d] as number;
      else room.push(node.free[d] as number);
    }
    room.sort((a, b) => b - a);
    let k = 0;
    while (shortfall > 0 && k < room.length) shortfall -= room[k++] as number;
    extra = Math.max(extra, k);
  }
  return usedBefore + extra;
}
