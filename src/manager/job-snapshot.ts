import type { Allocation, JobRequest } from '../index.js';
import { bool, finite, integer, invalidSnapshot, isRecordOf, record, text } from '../snapshot/reader.js';
import { type JobRecord, jobInput } from './job-record.js';
import type { JobStatus } from './types.js';

/** One job as a snapshot keeps it: its request as submitted (id filled in) and where it stands. */
export interface JobSnapshot {
  readonly request: JobRequest & { readonly id: string };
  readonly sequence: number;
  readonly submittedAt: number;
  readonly status: JobStatus;
  readonly queuedSince: number;
  /** A live job's allocation (found in the pool's snapshot), by id. */
  readonly allocationId?: string;
  /** A finished job's last allocation, whole (the pool no longer has it). */
  readonly allocation?: Allocation;
  readonly startedAt?: number;
  readonly endedAt?: number;
  readonly expiresAt?: number;
  readonly reason?: string;
  readonly burst: boolean;
  readonly preemptedBy?: string;
  readonly graceEndsAt?: number;
  readonly backoffUntil?: number;
  readonly nominatedNode?: string;
  readonly preemptionCheckedAt: number;
  /** Left out when 0. */
  readonly restarts?: number;
}

const REQUIRED = ['request', 'sequence', 'submittedAt', 'status', 'queuedSince', 'burst', 'preemptionCheckedAt'];
const OPTIONAL = ['allocationId', 'allocation', 'startedAt', 'endedAt', 'expiresAt', 'reason', 'preemptedBy', 'graceEndsAt', 'backoffUntil', 'nominatedNode', 'restarts'];
const TIMES = ['startedAt', 'endedAt', 'expiresAt', 'graceEndsAt', 'backoffUntil'];
const NAMES = ['allocationId', 'reason', 'preemptedBy', 'nominatedNode'];
const STATUSES = new Set<JobStatus>(['queued', 'running', 'completed', 'failed', 'cancelled', 'expired', 'preempted', 'rejected']);

/** The job request a job was submitted with: the pool's fields (less `jobId`) and the manager's own. */
function requestOf(job: JobRecord): JobRequest & { readonly id: string } {
  const { jobId: _jobId, ...pool } = jobInput(job) as unknown as Record<string, unknown>;
  return {
    ...(pool as unknown as JobRequest),
    id: job.id,
    ...(job.category === undefined ? {} : { category: job.category }),
    ...(job.ttlMs === undefined ? {} : { ttlMs: job.ttlMs }),
    ...(job.deadline === undefined ? {} : { deadline: job.deadline }),
    ...(job.estimatedRuntimeMs === undefined ? {} : { estimatedRuntimeMs: job.estimatedRuntimeMs }),
  };
}

/** `live`: the job holds its allocation in the pool (running or preempted), so it is kept by id. */
export function jobSnapshot(job: JobRecord, live: boolean): JobSnapshot {
  const allocation = job.allocation === undefined ? {} : live ? { allocationId: job.allocation.id } : { allocation: job.allocation };
  return {
    request: requestOf(job),
    sequence: job.sequence,
    submittedAt: job.submittedAt,
    status: job.status,
    queuedSince: job.queuedSince,
    ...allocation,
    ...(job.startedAt === undefined ? {} : { startedAt: job.startedAt }),
    ...(job.endedAt === undefined ? {} : { endedAt: job.endedAt }),
    ...(job.expiresAt === undefined ? {} : { expiresAt: job.expiresAt }),
    ...(job.reason === undefined ? {} : { reason: job.reason }),
    burst: job.burst,
    ...(job.preemptedBy === undefined ? {} : { preemptedBy: job.preemptedBy }),
    ...(job.graceEndsAt === undefined ? {} : { graceEndsAt: job.graceEndsAt }),
    ...(job.backoffUntil === undefined ? {} : { backoffUntil: job.backoffUntil }),
    ...(job.nominatedNode === undefined ? {} : { nominatedNode: job.nominatedNode }),
    preemptionCheckedAt: job.preemptionCheckedAt,
    ...(job.restarts === 0 ? {} : { restarts: job.restarts }),
  };
}

/** Checks one job's snapshot (its request is checked when it is parsed again). */
export function readJobSnapshot(value: unknown, path: () => string): JobSnapshot {
  const job = isRecordOf(value, REQUIRED, OPTIONAL) ? value : record(value, path, REQUIRED, OPTIONAL);
  // a restore reads 100,000s of these: each field is tested inline, and the reader (with its
  // path closure) is called only for a field that fails, to throw with the field's path
  const sequence = job['sequence'];
  if (typeof sequence !== 'number' || !Number.isSafeInteger(sequence) || sequence < 0) integer(sequence, fieldPath(path, 'sequence'));
  if (!isFiniteNumber(job['submittedAt'])) finite(job['submittedAt'], fieldPath(path, 'submittedAt'));
  if (!isFiniteNumber(job['queuedSince'])) finite(job['queuedSince'], fieldPath(path, 'queuedSince'));
  if (!STATUSES.has(job['status'] as JobStatus)) throw invalidSnapshot(fieldPath(path, 'status'), `expected a job status, got ${JSON.stringify(job['status'])}`);
  if (typeof job['burst'] !== 'boolean') bool(job['burst'], fieldPath(path, 'burst'));
  const checkedAt = job['preemptionCheckedAt'];
  if (typeof checkedAt !== 'number' || !Number.isSafeInteger(checkedAt) || checkedAt < -1) integer(checkedAt, fieldPath(path, 'preemptionCheckedAt'), -1);
  const restarts = job['restarts'];
  if (restarts !== undefined && (typeof restarts !== 'number' || !Number.isSafeInteger(restarts) || restarts < 1)) integer(restarts, fieldPath(path, 'restarts'), 1);
  for (const field of TIMES) if (job[field] !== undefined && !isFiniteNumber(job[field])) finite(job[field], fieldPath(path, field));
  for (const field of NAMES) {
    const name = job[field];
    if (name !== undefined && (typeof name !== 'string' || name === '')) text(name, fieldPath(path, field));
  }
  return job as unknown as JobSnapshot;
}

function fieldPath(path: () => string, field: string): () => string {
  return () => `${path()}.${field}`;
}

function isFiniteNumber(value: unknown): boolean {
  return typeof value === 'number' && Number.isFinite(value);
}
