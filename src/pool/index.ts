export { ResourcePool } from './resource-pool.js';
export type { JsonObject, JsonValue, Metadata } from './metadata.js';
export type { PoolSnapshot, NodeSnapshot } from './pool-snapshot.js';
export type {
  NodeSpec,
  ResourcePoolOptions,
  Toleration,
  SpotPreference,
  NodeUpdate,
  AllocationRequest,
  Placement,
  Allocation,
  AllocateResult,
  DoesNotFitReason,
  ReleaseResult,
  RemoveNodeOptions,
  RemoveNodeResult,
  PoolCapacity,
  PoolRestoreOptions,
  BatchAlgorithm,
  BatchSizeKey,
  PlanBatchOptions,
  UnplacedRequest,
  BatchCandidate,
  BatchPlan,
  BatchImprovement,
} from './types.js';
