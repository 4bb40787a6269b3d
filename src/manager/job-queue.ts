import type { JobRecord } from './job-record.js';

interface Entry {
  readonly job: JobRecord;
  readonly ticket: number;
}

let nextTicket = 1;

function isLive(entry: Entry, queue: JobQueue): boolean {
  return entry.job.queue === queue && entry.job.ticket === entry.ticket;
}

/**
 * One (tenant, priority class) queue: jobs with a deadline first, earliest deadline first (EDF);
 * then jobs without one, in arrival order. Removal from the middle (cancel, abort) is lazy: the
 * job's `queue` field is cleared and iteration skips it, so cancelling is O(1) for FIFO jobs.
 */
export class JobQueue {
  /** Live (still queued) jobs. */
  length = 0;
  /** Set when nothing in the backfill window fits; cleared when room frees or the front changes (`touch`). */
  blocked = false;
  /**
   * Bumped whenever the jobs at the front may have changed (`touch`), so that a pass that looked
   * through the backfill window can tell it would see the same jobs again (PreemptionCycle).
   */
  version = 0;
  private readonly deadlines: JobRecord[] = [];
  private fifo: Entry[] = [];
  private start = 0;

  constructor(
    readonly tenant: string,
    readonly band: number,
    readonly priority: string,
  ) {}

  /** Adds a job; returns its position (live jobs ahead of it). */
  push(job: JobRecord): number {
    this.enter(job);
    if (job.deadline === undefined) {
      this.fifo.push({ job, ticket: job.ticket });
      return this.length - 1;
    }
    const at = this.insertionPoint(job);
    this.deadlines.splice(at, 0, job);
    this.touch(); // it may be the new head
    return this.deadlines.slice(0, at).filter((j) => j.queue === this).length;
  }

  /** Puts a job back at the head of its part (a job whose node failed goes first again). */
  pushFront(job: JobRecord): void {
    if (job.deadline !== undefined) {
      this.push(job);
      return;
    }
    this.enter(job);
    this.touch();
    const entry = { job, ticket: job.ticket };
    if (this.start > 0) this.fifo[--this.start] = entry;
    else this.fifo.unshift(entry);
  }

  /** Takes a job out (it was placed, cancelled, aborted). */
  remove(job: JobRecord): void {
    if (job.queue !== this) return;
    job.queue = undefined;
    this.length--;
    // the next job beyond the backfill window moves into it: it may fit where the others did not
    this.touch();
    if (job.deadline !== undefined) this.deadlines.splice(this.deadlines.indexOf(job), 1);
    this.trim();
  }

  /** Live jobs in order, at most `limit` of them. */
  *window(limit: number): Generator<JobRecord> {
    let seen = 0;
    for (const job of this.deadlines) {
      if (seen >= limit) return;
      seen++;
      yield job;
    }
    for (let i = this.start; i < this.fifo.length && seen < limit; i++) {
      const entry = this.fifo[i] as Entry;
      if (!isLive(entry, this)) continue;
      seen++;
      yield entry.job;
    }
  }

  head(): JobRecord | undefined {
    if (this.deadlines.length > 0) return this.deadlines[0];
    for (let i = this.start; i < this.fifo.length; i++) {
      const entry = this.fifo[i] as Entry;
      if (isLive(entry, this)) return entry.job;
    }
    return undefined;
  }

  /** The jobs at the front changed, or may have: the queue is worth trying again. */
  touch(): void {
    this.version++;
    this.blocked = false;
  }

  private enter(job: JobRecord): void {
    job.queue = this;
    job.ticket = nextTicket++;
    this.length++;
  }

  private insertionPoint(job: JobRecord): number {
    let lo = 0;
    let hi = this.deadlines.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const other = this.deadlines[mid] as JobRecord;
      if ((other.deadline as number) < (job.deadline as number) || (other.deadline === job.deadline && other.sequence < job.sequence)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Drops removed jobs from the front, and compacts once the dead prefix is large. */
  private trim(): void {
    while (this.start < this.fifo.length && !isLive(this.fifo[this.start] as Entry, this)) this.start++;
    if (this.start > 1024 && this.start * 2 > this.fifo.length) {
      this.fifo = this.fifo.slice(this.start);
      this.start = 0;
    }
    if (this.length === 0) {
      this.fifo = [];
      this.start = 0;
    }
  }
}
