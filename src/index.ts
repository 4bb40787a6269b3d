/**
 * fairpack — an embeddable, exact, multi-dimensional resource scheduler.
 * The public surface is listed explicitly; everything else is internal.
 */
export { FairpackError, isFairpackError, type FairpackErrorCode } from './errors.js';
export { type Resources, DEFAULT_PRECISION } from './resources/index.js';
export {
  ResourcePool,
  type NodeSpec,
  type ResourcePoolOptions,
  type Toleration,
  type AllocationRequest,
  type Placement,
  type Allocation,
  type AllocateResult,
  type DoesNotFitReason,
  type ReleaseResult,
  type RemoveNodeOptions,
  type RemoveNodeResult,
  type PoolCapacity,
  type BatchAlgorithm,
  type BatchSizeKey,
  type PlanBatchOptions,
  type UnplacedRequest,
  type BatchCandidate,
  type BatchPlan,
} from './pool/index.js';
export {
  firstFit,
  bestFit,
  worstFit,
  dotProduct,
  placementStrategies,
  placementStrategyNames,
  type PlacementStrategyName,
  type PlacementStrategy,
  type NodeView,
  type NodeStatus,
  type Taint,
  type TaintEffect,
  type ScoringOptions,
  type DimensionWeights,
  type PlacementIndex,
  type IndexSpace,
  type IndexedNode,
  type CapacityGroup,
  type DenseRequest,
  type AcceptNode,
} from './placement/index.js';
export {
  AllocationManager,
  DEFAULT_PRIORITY_CLASSES,
  type AllocationManagerOptions,
  type AllocationManagerEvents,
  type JobRequest,
  type JobStatus,
  type JobView,
  type ManagerMetrics,
  type ManagerReleaseResult,
  type PriorityClass,
  type QueueView,
  type QueuedReason,
  type RejectCode,
  type ReleaseOutcome,
  type SubmitResult,
  type TenantOptions,
} from './manager/index.js';
export {
  fifo,
  priority,
  roundRobin,
  drf,
  fairnessPolicies,
  fairnessPolicyNames,
  type FairnessPolicyName,
  type FairnessPolicy,
  type TenantCandidate,
} from './fairness/index.js';
export type { AbortSignalLike } from './platform.js';
