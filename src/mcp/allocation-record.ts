import type { JsonObject } from '../pool/index.js';
import type { SeedState } from './states.js';

/** What an allocation held the last time it was active: kept after release, for answers. */
export interface Activation {
  /** The manager's allocation. */
  readonly allocationId: string;
  readonly nodeId: string;
  /** One port per worker, in worker order (worker-<job>-000 first). */
  readonly workerPorts: readonly number[];
  /** Each MCP server's endpoint while it held it. */
  readonly endpoints: ReadonlyMap<string, string>;
}

/** What an allocation is created with. */
export interface NewAllocation {
  readonly id: string;
  readonly jobId: string;
  /** The seed's priority name. */
  readonly priority: string;
  readonly mcpServers: readonly string[];
  /** Workers asked for. */
  readonly workers: number;
  readonly ttlSeconds: number;
  readonly metadata: JsonObject;
  readonly createdAt: number;
}

/**
 * One of the seed's allocations. It is one manager job — `id` is both the allocation id and the
 * job id in the manager, and the seed's `job_id` is the job's tenant — plus what the seed adds:
 * MCP servers, worker ports, the TTL in seconds, and why it failed.
 */
export interface AllocationRecord extends NewAllocation {
  state: SeedState;
  activatedAt: number | undefined;
  releasedAt: number | undefined;
  /** Holding now (state active or releasing), or held last (released). */
  activation: Activation | undefined;
  /** Why it failed (state failed). */
  error: string | undefined;
  /** The manager's reason while it is pending. */
  pendingReason: string | undefined;
  /** Ended because its TTL passed. */
  expired: boolean;
  /** The allocation whose request evicted it (kept while it waits to start again). */
  preemptedBy: string | undefined;
}

export function newRecord(spec: NewAllocation): AllocationRecord {
  return {
    ...spec,
    state: 'pending',
    activatedAt: undefined,
    releasedAt: undefined,
    activation: undefined,
    error: undefined,
    pendingReason: undefined,
    expired: false,
    preemptedBy: undefined,
  };
}
