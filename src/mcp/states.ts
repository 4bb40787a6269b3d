import type { JobStatus } from '../manager/index.js';

/** The seed's allocation states. */
export const SEED_STATES = ['pending', 'active', 'releasing', 'released', 'failed'] as const;
export type SeedState = (typeof SEED_STATES)[number];

/**
 * A seed allocation is one manager job (its id is the job's id), so its state is the job's status:
 *
 * | job status | state | why |
 * | --- | --- | --- |
 * | `queued` | `pending` | waiting for room (`submit_job`), or evicted and waiting to start again |
 * | `running` | `active` | holds its workers |
 * | `preempted` | `releasing` | chosen as a preemption victim, keeps its room for its grace period |
 * | `completed`, `failed`, `cancelled`, `expired` | `released` | released, cancelled while pending, or its TTL passed |
 * | `rejected` | `failed` | it can never fit, or the queue is full |
 *
 * `request_resources` turns a request that cannot start at once into `failed` as well (the seed's
 * manager never queues): the job it queued is cancelled, and the allocation says why it failed.
 */
export function seedStateOf(status: JobStatus): SeedState {
  switch (status) {
    case 'queued':
      return 'pending';
    case 'running':
      return 'active';
    case 'preempted':
      return 'releasing';
    case 'rejected':
      return 'failed';
    case 'completed':
    case 'failed':
    case 'cancelled':
    case 'expired':
      return 'released';
  }
}

/** States that hold resources now. */
export function holdsResources(state: SeedState): boolean {
  return state === 'active' || state === 'releasing';
}
