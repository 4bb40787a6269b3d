import type { AllocationManager } from '../manager/index.js';
import { wireNode } from './nodes.js';
import type { AllocationsOkBody, CapacityOkBody, CategoryView, NodesOkBody, QueuesOkBody } from './types.js';

/* The read-only messages: views of the manager in the wire's snake_case. */

type Unstamped<B> = Omit<B, 'msg_id'>;

export function capacityBody(manager: AllocationManager, inReplyTo: number): Unstamped<CapacityOkBody> {
  const { total, allocated, available } = manager.capacity();
  return { type: 'capacity_ok', in_reply_to: inReplyTo, total, allocated, available };
}

export function allocationsBody(manager: AllocationManager, inReplyTo: number, tenant: string | undefined): Unstamped<AllocationsOkBody> {
  const allocations = manager.allocations(tenant === undefined ? {} : { tenant }).map((allocation) => ({
    allocation_id: allocation.id,
    job_id: allocation.jobId,
    tenant: allocation.tenant,
    priority: allocation.priority,
    resources: allocation.resources,
    placements: allocation.placements.map((placement) => ({ node_id: placement.nodeId, resources: placement.resources })),
  }));
  return { type: 'allocations_ok', in_reply_to: inReplyTo, allocations };
}

export function queuesBody(manager: AllocationManager, inReplyTo: number, categories: Readonly<Record<string, CategoryView>>, parked: number): Unstamped<QueuesOkBody> {
  const queues = manager.queues().map((queue) => ({
    tenant: queue.tenant,
    priority: queue.priority,
    length: queue.length,
    ...(queue.head === undefined ? {} : { head_job_id: queue.head }),
  }));
  return { type: 'queues_ok', in_reply_to: inReplyTo, queues, categories, parked };
}

export function nodesBody(manager: AllocationManager, inReplyTo: number): Unstamped<NodesOkBody> {
  return { type: 'nodes_ok', in_reply_to: inReplyTo, nodes: manager.nodes().map(wireNode) };
}
