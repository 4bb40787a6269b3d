import type { JsonObject } from '../pool/index.js';
import { inputSchema } from './argument-spec.js';
import type { ToolFields, ToolName } from './tool-specs.js';

/** A tool as MCP's `tools/list` shows it. */
export interface McpToolDefinition {
  readonly name: ToolName;
  readonly title: string;
  readonly description: string;
  readonly inputSchema: JsonObject;
  readonly annotations: { readonly readOnlyHint: boolean; readonly destructiveHint?: boolean; readonly idempotentHint?: boolean; readonly openWorldHint: false };
}

interface Text {
  readonly title: string;
  readonly description: string;
  /** Reads only: changes nothing. */
  readonly read?: true;
  /** Takes something away (an allocation's workers). */
  readonly destructive?: true;
  /** Calling it again with the same arguments changes nothing more. */
  readonly idempotent?: true;
}

/** In `tools/list` order: the seed's six tools, then fairpack's four. */
const TEXTS: Readonly<Record<ToolName, Text>> = {
  request_resources: {
    title: 'Request resources',
    description:
      'Reserve resources for a job: start (or share) its MCP servers and provision its workers now. Answers status "active" with endpoints and workers, or status "failed" with the reason (e.g. "Insufficient workers: requested 10, available 6"); it never waits. Use submit_job to wait in a queue instead.',
  },
  release_resources: {
    title: 'Release resources',
    description: 'Release an allocation after job completion: frees its workers, cpu and memory (a pending one is withdrawn). Answers what was freed, or status "error" when the allocation is unknown.',
    destructive: true,
    idempotent: true,
  },
  get_capacity: { title: 'Get capacity', description: 'Current cluster capacity: total, allocated and available cpu, memory and workers, running MCP servers, active allocations.', read: true },
  get_allocation: { title: 'Get allocation', description: 'Details of one allocation: state, priority, resources, MCP servers, workers, timestamps, TTL, expiry, metadata. Answers null when not found.', read: true },
  list_allocations: { title: 'List allocations', description: 'Allocations (oldest first) with optional filters by state (pending, active, releasing, released, failed) and job_id.', read: true },
  cleanup_expired: { title: 'Clean up expired allocations', description: 'Release every active allocation whose TTL has passed; answers the list of released allocation ids.', idempotent: true },
  submit_job: {
    title: 'Submit job',
    description:
      'Like request_resources, but a request that does not fit now waits in a fair queue (status "pending", with the reason and its position) and becomes active when room frees. Only a request that can never fit fails.',
  },
  wait_for_allocation: {
    title: 'Wait for allocation',
    description: 'Wait until a pending allocation becomes active (or fails, or is released), at most timeout_seconds; answers get_allocation\'s details plus "timed_out".',
    read: true,
  },
  queues: { title: 'Queues', description: 'The waiting allocations per job and priority, highest priority first: how many wait and which is tried next.', read: true },
  explain: {
    title: 'Explain',
    description: 'Why a request (workers, priority, mcp_servers) or a pending allocation does not fit now: the shortfall per resource on the closest node, and whether it could ever fit.',
    read: true,
  },
};

/** The tool definitions, with input schemas rendered from the same specs that check every call. */
export function toolDefinitions(fields: ToolFields): McpToolDefinition[] {
  return (Object.keys(TEXTS) as ToolName[]).map((name) => {
    const text = TEXTS[name];
    return Object.freeze({
      name,
      title: text.title,
      description: text.description,
      inputSchema: inputSchema(fields[name]),
      annotations: Object.freeze({
        readOnlyHint: text.read === true,
        ...(text.read === true ? {} : { destructiveHint: text.destructive === true, idempotentHint: text.idempotent === true }),
        openWorldHint: false as const,
      }),
    });
  });
}
