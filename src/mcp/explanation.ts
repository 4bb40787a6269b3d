import type { NodeView } from '../placement/index.js';
import type { JsonObject } from '../pool/index.js';
import type { AllocationRecord } from './allocation-record.js';
import { type Demand, closestNode, insufficientText, mcpPortsText, neverFitsText } from './shortfall.js';

export interface ExplainInput {
  /** Explaining an allocation (else a request). */
  readonly record: AllocationRecord | undefined;
  readonly priority: string;
  readonly demand: Demand;
  readonly nodes: readonly NodeView[];
  /** MCP servers the request would start, and the ports free for them. */
  readonly ports: { readonly starting: number; readonly free: number };
}

/**
 * explain's answer: whether the request fits now and, if not, why — the text request_resources
 * would answer, and the shortfall per resource on the node closest to taking it.
 */
export function explanation({ record, priority, demand, nodes, ports }: ExplainInput): JsonObject {
  const closest = closestNode(demand, nodes);
  const reason = insufficientText(demand, nodes) ?? (ports.starting > ports.free ? mcpPortsText(ports.starting, ports.free) : null);
  const onNode = closest?.node.available;
  return {
    ...(record === undefined ? {} : { allocation_id: record.id, state: record.state, ...(record.pendingReason === undefined ? {} : { pending_reason: record.pendingReason }) }),
    priority,
    requested: { ...demand },
    fits_now: reason === null,
    can_ever_fit: neverFitsText(demand, nodes) === undefined,
    reason,
    node_id: closest?.node.id ?? null,
    available: onNode === undefined ? null : { workers: onNode['workers'] ?? 0, cpu: onNode['cpu'] ?? 0, memory: onNode['memory'] ?? 0 },
    shortfall: (closest?.shortfall ?? []).map((s) => ({ ...s })),
    mcp_server_ports: { starting: ports.starting, free: ports.free },
  };
}
