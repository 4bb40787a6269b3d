import type { JobRecord } from './job-record.js';

/**
 * The finished jobs a manager remembers, by id, oldest first, at most `limit` of them: adding one
 * past the limit forgets the oldest.
 *
 * Why not a Map alone, dropping `map.keys().next().value`: a Map keeps a deleted entry's slot
 * until it is rebuilt, and `keys().next()` steps over every such slot from the front — with the
 * history full, each forget walked over up to `limit` holes (6.5 µs per finished job at the
 * default 10,000, 46 µs at 100,000, measured). The order is kept in an array of records instead;
 * a record whose id was dropped early (a job submitted again under its id) is stale there and
 * skipped.
 */
export class JobHistory {
  readonly #byId = new Map<string, JobRecord>();
  /** Records in the order they were added, from `#head` on; some may be stale (see `#isCurrent`). */
  #order: JobRecord[] = [];
  #head = 0;
  /**
   * Records in `#order` whose id was dropped early (some may already be behind `#head`, which only
   * makes the count high). While 0 the oldest record is current without a lookup to prove it.
   */
  #stale = 0;

  constructor(readonly limit: number) {}

  get size(): number {
    return this.#byId.size;
  }

  get(id: string): JobRecord | undefined {
    return this.#byId.get(id);
  }

  /** Oldest first. */
  values(): IterableIterator<JobRecord> {
    return this.#byId.values();
  }

  /** Remembers `job` as the newest (nothing when the limit is 0), forgetting the oldest past the limit. */
  add(job: JobRecord): void {
    if (this.limit === 0) return;
    // an id already here keeps its place in a Map: dropped and set again, so that the order is the
    // array's (found by the size, which a new id grows: no lookup first for the usual new id)
    const size = this.#byId.size;
    this.#byId.set(job.id, job);
    if (this.#byId.size === size) {
      this.#byId.delete(job.id);
      this.#byId.set(job.id, job);
      this.#stale++;
    }
    this.#order.push(job);
    while (this.#byId.size > this.limit) {
      const oldest = this.#order[this.#head++] as JobRecord;
      if (this.#stale === 0 || this.#isCurrent(oldest)) this.#byId.delete(oldest.id);
      else this.#stale--;
    }
    this.#compact();
  }

  /** Forgets the job with this id, if it is here (its id is being used again). */
  delete(id: string): void {
    if (this.#byId.delete(id)) this.#stale++;
  }

  #isCurrent(job: JobRecord): boolean {
    return this.#byId.get(job.id) === job;
  }

  /** Drops the forgotten front of the array once it is half of it (amortised O(1) per add). */
  #compact(): void {
    if (this.#head > 1024 && this.#head * 2 > this.#order.length) {
      this.#order = this.#order.slice(this.#head);
      this.#head = 0;
    }
  }
}
