import type { FieldSpecs } from './argument-spec.js';
import { SEED_PRIORITIES } from './priorities.js';
import { SEED_STATES } from './states.js';

/** Longest id or name accepted: far past any real one, short enough to keep answers small. */
const MAX_ID = 256;
/** The seed's MCP server port range, 9000–9099, holds 100 servers. */
export const MAX_MCP_SERVERS = 100;
/** Far past any cluster; a larger number is a mistake, answered as such rather than as "insufficient". */
export const MAX_WORKERS = 1_000_000;
const YEAR_SECONDS = 365 * 24 * 3600;
/** wait_for_allocation waits at most this long per call (MCP clients time requests out after about a minute by default). */
export const MAX_WAIT_SECONDS = 600;

const allocationId = (description: string) => ({ kind: 'string', required: true, maxLength: MAX_ID, description }) as const;

/** The arguments of request_resources and submit_job, with the configured TTL default. */
function requestFields(defaultTtlSeconds: number) {
  return {
    job_id: { kind: 'string', required: true, maxLength: MAX_ID, description: 'Unique job identifier; worker ids are worker-<job_id>-000, -001, …' },
    mcp_servers: {
      kind: 'strings',
      required: true,
      maxItems: MAX_MCP_SERVERS,
      maxLength: 128,
      description: 'MCP server names to start (shared: one endpoint per name, ports 9000-9099), e.g. ["filesystem", "github"]',
    },
    workers: { kind: 'integer', minimum: 0, maximum: MAX_WORKERS, default: 0, description: 'Number of workers to provision (each dedicated to this allocation)' },
    priority: { kind: 'choice', values: SEED_PRIORITIES, default: 'normal', description: 'low (may be preempted), normal, high, or critical (may preempt low allocations)' },
    ttl_seconds: { kind: 'integer', minimum: 1, maximum: YEAR_SECONDS, default: defaultTtlSeconds, description: 'Time-to-live in seconds from activation; the allocation is released when it passes' },
    metadata: { kind: 'object', description: 'Additional metadata, any JSON object (kept with the allocation)' },
  } as const satisfies FieldSpecs;
}

/** Every tool's arguments. */
export function toolFields(defaultTtlSeconds: number) {
  const request = requestFields(defaultTtlSeconds);
  const timeout = { kind: 'number', minimum: 0, maximum: MAX_WAIT_SECONDS, default: 30, description: `How long to wait at most, in seconds (up to ${MAX_WAIT_SECONDS})` } as const;
  return {
    request_resources: request,
    release_resources: { allocation_id: allocationId('Allocation identifier to release') },
    get_capacity: {},
    get_allocation: { allocation_id: allocationId('Allocation identifier to query') },
    list_allocations: {
      state: { kind: 'choice', values: SEED_STATES, description: 'Filter by allocation state (optional)' },
      job_id: { kind: 'string', maxLength: MAX_ID, description: 'Filter by job ID (optional)' },
    },
    cleanup_expired: {},
    submit_job: request,
    wait_for_allocation: { allocation_id: allocationId('Allocation identifier to wait for'), timeout_seconds: timeout },
    queues: {},
    explain: {
      allocation_id: { kind: 'string', maxLength: MAX_ID, description: 'A pending (or any) allocation to explain; or describe a request with the other arguments' },
      workers: { kind: 'integer', minimum: 0, maximum: MAX_WORKERS, description: 'Workers of a request to explain' },
      mcp_servers: { kind: 'strings', maxItems: MAX_MCP_SERVERS, maxLength: 128, description: 'MCP servers of a request to explain' },
      priority: { kind: 'choice', values: SEED_PRIORITIES, description: 'Priority of a request to explain' },
    },
  } as const satisfies Record<string, FieldSpecs>;
}

export type ToolFields = ReturnType<typeof toolFields>;
export type ToolName = keyof ToolFields;
