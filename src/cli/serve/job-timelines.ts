import type { Allocation, JobView, PreemptionEvent } from '../../index.js';
import type { EventGroup } from './event-hub.js';

/** One line of a job's history, as `GET /jobs/:id/events` answers it. */
export interface JobTimelineEntry {
  /** The journal position of the call that caused it. */
  readonly seq: number;
  /** When the server saw it (ms since the epoch, the server's clock). */
  readonly at: number;
  /** The manager event: queued, allocated, preempted, preempting, reprieved, interrupted, migrated, released, expired, cancelled, rejected. */
  readonly type: string;
  /** The job's status after it. */
  readonly status: string;
  /** Why it waits (queued) or ended (rejected, failed …), as the manager says. */
  readonly reason?: string;
  /** allocated: where it runs. */
  readonly nodes?: readonly string[];
  /** preempted: the job that evicted it; preempting: the job it evicted. */
  readonly by?: string;
  readonly victim?: string;
  readonly nodeId?: string;
  /** preempted: when it loses its room; interrupted: when its node goes offline. */
  readonly until?: number;
}

export interface JobTimelineLimits {
  /** Jobs whose history is kept (up to a tenth more between two cuts); the least recently changed are forgotten first. @default 10000 */
  readonly maxJobs: number;
  /** Entries per job: its first and its latest ones are kept. @default 64 */
  readonly maxEntriesPerJob: number;
}

export const DEFAULT_TIMELINE_LIMITS: JobTimelineLimits = Object.freeze({ maxJobs: 10_000, maxEntriesPerJob: 64 });

/**
 * Every job's event history since the server started, from the event hub (so a follower keeps one
 * too), bounded in jobs and in entries per job. Keyed in a `Map`: job ids are the users' strings.
 */
export class JobTimelines {
  readonly #jobs = new Map<string, { entries: JobTimelineEntry[]; dropped: number }>();
  /** The manager's explanation of why a job waits, as the submission answered it (not in the job view). */
  readonly #explanations = new Map<string, string>();
  readonly #limits: JobTimelineLimits;
  readonly #now: () => number;

  constructor(limits: Partial<JobTimelineLimits> = {}, now: () => number = Date.now) {
    this.#limits = { ...DEFAULT_TIMELINE_LIMITS, ...limits };
    this.#now = now;
  }

  /** The entries of a job (oldest first) and how many were left out between its first and latest; undefined when unknown. */
  get(jobId: string): { readonly events: readonly JobTimelineEntry[]; readonly omitted: number; readonly explanation?: string } | undefined {
    const job = this.#jobs.get(jobId);
    if (job === undefined) return undefined;
    const explanation = this.#explanations.get(jobId);
    return { events: [...job.entries], omitted: job.dropped, ...(explanation === undefined ? {} : { explanation }) };
  }

  /** The manager's words for why a job waits, when this server answered its submission. */
  explanationOf(jobId: string): string | undefined {
    return this.#explanations.get(jobId);
  }

  /** The manager's words for why a just-submitted job waits (`submit()`'s `message`). */
  explain(jobId: string, message: string): void {
    // (the job's own events reach the timeline a moment later, when the hub closes the call's group)
    this.#explanations.delete(jobId);
    this.#explanations.set(jobId, message.slice(0, 1000));
    if (this.#explanations.size > slack(this.#limits.maxJobs)) dropOldest(this.#explanations, this.#limits.maxJobs);
  }

  /** The hub's subscriber. */
  readonly record = (group: EventGroup): void => {
    const at = this.#now();
    for (const { name, payload } of group.events) {
      const p = payload as { job?: JobView; allocation?: Allocation } & Partial<PreemptionEvent> & { deadline?: number; from?: string; to?: string };
      switch (name) {
        case 'preempted': {
          const { victim, preemptor, nodeId, graceEndsAt } = p as PreemptionEvent;
          this.#add(victim, { seq: group.seq, at, type: 'preempted', status: victim.status, by: preemptor.id, nodeId, until: graceEndsAt });
          this.#add(preemptor, { seq: group.seq, at, type: 'preempting', status: preemptor.status, victim: victim.id, nodeId });
          break;
        }
        case 'allocated':
        case 'queued':
        case 'released':
        case 'expired':
        case 'cancelled':
        case 'rejected':
        case 'reprieved':
        case 'interrupted': {
          const job = p.job as JobView;
          const nodes = name === 'allocated' && p.allocation !== undefined ? [...new Set(p.allocation.placements.map((x) => x.nodeId))] : undefined;
          this.#add(job, {
            seq: group.seq,
            at,
            type: name,
            status: job.status,
            ...(job.reason === undefined || name === 'allocated' ? {} : { reason: job.reason }),
            ...(nodes === undefined ? {} : { nodes }),
            ...(name === 'interrupted' && p.deadline !== undefined ? { until: p.deadline } : {}),
          });
          if (name !== 'queued') this.#explanations.delete(job.id);
          break;
        }
        case 'migrated': {
          // moved by a defragmentation: it now runs on `to`
          const job = p.job as JobView;
          this.#add(job, { seq: group.seq, at, type: 'migrated', status: job.status, nodeId: p.from ?? '', nodes: [p.to ?? ''] });
          break;
        }
        default:
      }
    }
  };

  #add(job: JobView, entry: JobTimelineEntry): void {
    let record = this.#jobs.get(job.id);
    if (record === undefined) record = { entries: [], dropped: 0 };
    // re-inserted: the Map's order is the order of last change, so the first key is the one to forget
    this.#jobs.delete(job.id);
    this.#jobs.set(job.id, record);
    record.entries.push(entry);
    if (record.entries.length > this.#limits.maxEntriesPerJob) {
      // keep the first (how it began) and the latest ones
      record.entries.splice(1, 1);
      record.dropped++;
    }
    if (this.#jobs.size > slack(this.#limits.maxJobs)) for (const id of dropOldest(this.#jobs, this.#limits.maxJobs)) this.#explanations.delete(id);
  }
}

/**
 * The size at which a map is cut back to `max`: a tenth more. Forgetting one job per new one would
 * walk from the start of the Map each time, over the holes its deletions leave (V8 compacts them
 * only when it rehashes) — quadratic in practice; cutting in batches walks once per batch.
 */
function slack(max: number): number {
  return max + Math.max(1, Math.ceil(max / 10));
}

/** Deletes the oldest keys (insertion order) until `max` are left; returns them. */
function dropOldest<V>(map: Map<string, V>, max: number): string[] {
  const dropped: string[] = [];
  for (const key of map.keys()) {
    if (map.size - dropped.length <= max) break;
    dropped.push(key);
  }
  for (const key of dropped) map.delete(key);
  return dropped;
}
