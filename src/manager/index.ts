export { AllocationManager } from './allocation-manager.js';
export { DEFAULT_PRIORITY_CLASSES } from './priority-classes.js';
export type { NodeStatusReason } from './node-health.js';
export type {
  AllocationManagerOptions,
  AllocationManagerEvents,
  JobRequest,
  JobStatus,
  JobView,
  ManagerMetrics,
  NodeMetrics,
  InterruptionEvent,
  DriftEvent,
  NodeStatusChange,
  ManagerReleaseResult,
  PriorityClass,
  PriorityClassSpec,
  PreemptionEvent,
  QueueView,
  ReservationView,
  RestoreOptions,
  JournalEntry,
  JournalCommand,
  QuotaExceedAction,
  QuotaSettings,
  QuotaShortfall,
  QuotaView,
  QueuedReason,
  RejectCode,
  ReleaseOutcome,
  SubmitOptions,
  SubmitResult,
  TenantOptions,
} from './types.js';
export type { ManagerSnapshot, QueueSnapshot } from './manager-snapshot.js';
export type { CostLedgerSnapshot, CostOptions, CostReport, JobCost } from './cost-ledger.js';
export type { JobSnapshot } from './job-snapshot.js';
