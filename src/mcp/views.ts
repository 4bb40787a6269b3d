import type { JsonObject } from '../pool/index.js';
import type { AllocationRecord } from './allocation-record.js';
import { type McpServerView, type McpServers, endpointOf } from './mcp-servers.js';
import type { Demand } from './shortfall.js';
import { isoTime, isoTimeOrNull, secondsBetween } from './timestamps.js';

/*
 * The seed's answers, field for field, built from an allocation's record. Only fields that the seed
 * leaves open get fairpack's own (documented in docs/mcp.md): `node_id`, and `error`,
 * `pending_reason` or `preempted_by` on get_allocation when there is one.
 */

/** What the views need besides the record. */
export interface ViewContext {
  readonly servers: McpServers;
  /** The workers' cost, for an allocation's resources. */
  readonly demand: (workers: number) => Demand;
  readonly now: number;
}

/** A worker as request_resources shows it. */
function workerEntries(record: AllocationRecord, context: ViewContext): JsonObject[] {
  const { cpu, memory } = context.demand(1);
  return (record.activation?.workerPorts ?? []).map((port, i) => ({
    worker_id: `worker-${record.jobId}-${String(i).padStart(3, '0')}`,
    endpoint: endpointOf(port),
    cpu,
    memory,
  }));
}

/** How many workers it holds, or held when it was last active. */
function workersHeld(record: AllocationRecord): number {
  return record.activation?.workerPorts.length ?? 0;
}

function serverEntries(record: AllocationRecord, context: ViewContext): McpServerView[] {
  return record.mcpServers.map((name): McpServerView => {
    const endpoint = record.activation?.endpoints.get(name);
    if (record.state === 'active' || record.state === 'releasing') return { name, endpoint: endpoint ?? null, status: 'running' };
    if (record.state === 'released' && endpoint !== undefined) return { name, endpoint, status: context.servers.endpoint(name) === endpoint ? 'running' : 'stopped' };
    return { name, endpoint: null, status: record.state === 'pending' ? 'pending' : 'not_started' };
  });
}

/** request_resources (and submit_job) when the allocation is active. */
export function activeView(record: AllocationRecord, context: ViewContext): JsonObject {
  const { cpu, memory, workers } = context.demand(workersHeld(record));
  return {
    allocation_id: record.id,
    status: 'active',
    job_id: record.jobId,
    mcp_servers: serverEntries(record, context) as unknown as JsonObject[],
    workers_allocated: workerEntries(record, context),
    resources: { cpu, memory, workers },
    ttl_seconds: record.ttlSeconds,
    created_at: isoTime(record.createdAt),
  };
}

/** request_resources when it cannot start now; submit_job when it can never start. */
export function failedView(record: AllocationRecord): JsonObject {
  return { allocation_id: record.id, status: 'failed', error: record.error ?? 'Allocation failed' };
}

/** release_resources of an allocation that held (or waited for) resources. */
export function releasedView(record: AllocationRecord, freed: Demand): JsonObject {
  const releasedAt = record.releasedAt ?? record.createdAt;
  return {
    status: 'released',
    allocation_id: record.id,
    job_id: record.jobId,
    workers_released: freed.workers,
    cpu_freed: freed.cpu,
    memory_freed: freed.memory,
    released_at: isoTime(releasedAt),
    duration_seconds: secondsBetween(record.createdAt, releasedAt),
  };
}

/** Its TTL passed while it is active (waiting for cleanup), or it ended because of it. */
export function isExpired(record: AllocationRecord, now: number): boolean {
  if (record.expired) return true;
  if (record.state !== 'active' && record.state !== 'releasing') return false;
  return record.activatedAt !== undefined && now >= record.activatedAt + record.ttlSeconds * 1000;
}

/** get_allocation. */
export function detailView(record: AllocationRecord, context: ViewContext): JsonObject {
  const { cpu, memory, workers } = context.demand(workersHeld(record));
  const { cpu: workerCpu, memory: workerMemory } = context.demand(1);
  const workerStatus = record.state === 'released' ? 'released' : 'active';
  return {
    allocation_id: record.id,
    job_id: record.jobId,
    state: record.state,
    priority: record.priority,
    resources: { cpu_allocated: cpu, memory_allocated: memory, workers },
    mcp_servers: serverEntries(record, context) as unknown as JsonObject[],
    workers: workerEntries(record, context).map((worker) => ({
      worker_id: worker['worker_id'] as string,
      worker_type: 'cortex-worker',
      cpu: workerCpu,
      memory: workerMemory,
      status: workerStatus,
      endpoint: worker['endpoint'] as string,
    })),
    timestamps: {
      created_at: isoTime(record.createdAt),
      activated_at: isoTimeOrNull(record.activatedAt),
      released_at: isoTimeOrNull(record.releasedAt),
      age_seconds: secondsBetween(record.createdAt, context.now),
    },
    ttl_seconds: record.ttlSeconds,
    is_expired: isExpired(record, context.now),
    metadata: record.metadata,
    node_id: record.activation?.nodeId ?? null,
    ...(record.state === 'failed' ? { error: record.error ?? 'Allocation failed' } : {}),
    ...(record.state === 'pending' && record.pendingReason !== undefined ? { pending_reason: record.pendingReason } : {}),
    ...(record.preemptedBy === undefined ? {} : { preempted_by: record.preemptedBy }),
  };
}

/** One entry of list_allocations. */
export function summaryView(record: AllocationRecord, now: number): JsonObject {
  return {
    allocation_id: record.id,
    job_id: record.jobId,
    state: record.state,
    priority: record.priority,
    workers: workersHeld(record),
    age_seconds: secondsBetween(record.createdAt, now),
    is_expired: isExpired(record, now),
  };
}
