import type { AllocationTools } from '../../mcp/index.js';
import type { JsonValue } from '../../pool/index.js';

/** A readable MCP resource: the answer of a read-only tool, kept current by notifications. */
interface ResourceSpec {
  readonly uri: string;
  readonly name: string;
  readonly title: string;
  readonly description: string;
  read(tools: AllocationTools): JsonValue;
}

export const RESOURCES: readonly ResourceSpec[] = [
  {
    uri: 'fairpack://capacity',
    name: 'capacity',
    title: 'Cluster capacity',
    description: "get_capacity's answer: total, allocated and available cpu, memory and workers, running MCP servers, active allocations.",
    read: (tools) => tools.getCapacity(),
  },
  {
    uri: 'fairpack://allocations',
    name: 'allocations',
    title: 'Allocations',
    description: "list_allocations' answer: every allocation, oldest first, with its state.",
    read: (tools) => tools.listAllocations(),
  },
];

export function findResource(uri: string): ResourceSpec | undefined {
  return RESOURCES.find((resource) => resource.uri === uri);
}
