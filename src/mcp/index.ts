/**
 * fairpack/mcp — the seed's Resource Allocation API (request_resources, release_resources,
 * get_capacity, get_allocation, list_allocations, cleanup_expired) and fairpack's additions
 * (submit_job, wait_for_allocation, queues, explain) over an AllocationManager, as plain
 * functions with no I/O. `fairpack mcp` serves them over MCP's stdio transport.
 */
export { AllocationTools, type AllocationToolsRestoreOptions } from './allocation-tools.js';
export type { AllocationRecordSnapshot, AllocationToolsSettings, AllocationToolsSnapshot } from './tools-snapshot.js';
export type { AllocationToolsOptions } from './options.js';
export type { McpToolDefinition } from './tool-definitions.js';
export type { ToolName as McpToolName } from './tool-specs.js';
export { SEED_PRIORITIES, SEED_PRIORITY_CLASSES, type SeedPriority } from './priorities.js';
export { SEED_STATES, type SeedState } from './states.js';
