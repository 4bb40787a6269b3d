import type { McpToolName } from '../../mcp/index.js';

/** A readable MCP resource: the answer of a read-only tool (called without arguments), kept current by notifications. */
interface ResourceSpec {
  readonly uri: string;
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly tool: McpToolName;
}

export const RESOURCES: readonly ResourceSpec[] = [
  {
    uri: 'fairpack://capacity',
    name: 'capacity',
    title: 'Cluster capacity',
    description: "get_capacity's answer: total, allocated and available cpu, memory and workers, running MCP servers, active allocations.",
    tool: 'get_capacity',
  },
  {
    uri: 'fairpack://allocations',
    name: 'allocations',
    title: 'Allocations',
    description: "list_allocations' answer: every allocation, oldest first, with its state.",
    tool: 'list_allocations',
  },
];

export function findResource(uri: string): ResourceSpec | undefined {
  return RESOURCES.find((resource) => resource.uri === uri);
}
