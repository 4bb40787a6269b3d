import type { ResourcePool } from '../resource-pool.js';
import type { AllocationRequest, BatchPlan, PlanBatchOptions } from '../types.js';

// placeholder so the tree compiles while the batch planner is being written (see issue 2 §6)
export function planBatch(_pool: ResourcePool, _requests: readonly AllocationRequest[], _options: PlanBatchOptions): BatchPlan {
  throw new Error('planBatch: work in progress');
}
