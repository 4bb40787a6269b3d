export { ResourcePool } from './resource-pool.js';
export type { JsonObject, JsonValue, Metadata } from './metadata.js';
export type {
  NodeSpec,
  ResourcePoolOptions,
  Toleration,
  AllocationRequest,
  Placement,
  Allocation,
  AllocateResult,
  DoesNotFitReason,
  ReleaseResult,
  RemoveNodeOptions,
  RemoveNodeResult,
  PoolCapacity,
  BatchAlgorithm,
  BatchSizeKey,
  PlanBatchOptions,
  UnplacedRequest,
  BatchCandidate,
  BatchPlan,
  BatchImprovement,
} from './types.js';
