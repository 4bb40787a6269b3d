export { AllocationManager } from './allocation-manager.js';
export { DEFAULT_PRIORITY_CLASSES } from './priority-classes.js';
export type {
  AllocationManagerOptions,
  AllocationManagerEvents,
  JobRequest,
  JobStatus,
  JobView,
  ManagerMetrics,
  ManagerReleaseResult,
  PriorityClass,
  QueueView,
  QueuedReason,
  RejectCode,
  ReleaseOutcome,
  SubmitResult,
  TenantOptions,
} from './types.js';
