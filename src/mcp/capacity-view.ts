import type { JsonObject, PoolCapacity } from '../pool/index.js';

/**
 * get_capacity's answer from the manager's capacity. Room held for a waiting job (a starvation
 * reservation) counts as allocated, so that allocated + available = total, as the seed's does.
 */
export function capacityView(capacity: PoolCapacity, runningServers: readonly string[], activeAllocations: number): JsonObject {
  const { total, allocated, reserved, available } = capacity;
  const used = (name: string): number => exactSum(allocated[name] ?? 0, reserved[name] ?? 0);
  return {
    total_cpu: total['cpu'] ?? 0,
    total_memory: total['memory'] ?? 0,
    total_workers: total['workers'] ?? 0,
    allocated_cpu: used('cpu'),
    allocated_memory: used('memory'),
    allocated_workers: used('workers'),
    available_cpu: available['cpu'] ?? 0,
    available_memory: available['memory'] ?? 0,
    available_workers: available['workers'] ?? 0,
    running_mcp_servers: [...runningServers],
    active_allocations: activeAllocations,
  };
}

/** Two exact amounts added without float noise (0.1 + 0.2): rounded at 9 decimals, past any pool's precision. */
function exactSum(a: number, b: number): number {
  return b === 0 ? a : Number((a + b).toFixed(9));
}
