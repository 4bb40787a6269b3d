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
  /**
   * The records by id, made at the first look-up by id (`get`, `delete`) and kept from then on.
   * Until then no id is looked up and no record can be stale (a stale one needs a `delete`), so a
   * manager nobody asks about finished jobs remembers each with a push onto `#order` alone — no
   * insert and delete in a map of `limit` entries per finished job.
   */
  #byId: Map<string, JobRecord> | undefined = undefined;
  /** Records in the order they were added, from `#head` on; with an index some may be stale (see `#isCurrent`). */
  #order: JobRecord[] = [];
  #head = 0;
  /**
   * Records in `#order` whose id was dropped early (some may already be behind `#head`, which only
   * makes the count high). While 0 the oldest record is current without a lookup to prove it.
   */
  #stale = 0;

  constructor(readonly limit: number) {}

  get size(): number {
    return this.#byId === undefined ? this.#order.length - this.#head : this.#byId.size;
  }

  get(id: string): JobRecord | undefined {
    return this.#index().get(id);
  }

  /** Oldest first. */
  values(): IterableIterator<JobRecord> {
    return this.#byId === undefined ? this.#order.slice(this.#head).values() : this.#byId.values();
  }

  /**
   * Remembers `job` as the newest (nothing when the limit is 0), forgetting the oldest past the
   * limit. Its id must not be here: a manager `delete`s an id before it uses it again (without an
   * index a repeat is not looked for).
   */
  add(job: JobRecord): void {
    if (this.limit === 0) return;
    const byId = this.#byId;
    if (byId === undefined) {
      // no index: every record is current and no id repeats (one repeats only after a `delete`)
      this.#order.push(job);
      if (this.#order.length - this.#head > this.limit) this.#head++;
      this.#compact();
      return;
    }
    // (should an id already be here, it keeps its place in a Map: it is dropped and set again, so
    // that the order is the array's — found by the size, which a new id grows)
    const size = byId.size;
    byId.set(job.id, job);
    if (byId.size === size) {
      byId.delete(job.id);
      byId.set(job.id, job);
      this.#stale++;
    }
    this.#order.push(job);
    while (byId.size > this.limit) {
      const oldest = this.#order[this.#head++] as JobRecord;
      if (this.#stale === 0 || this.#isCurrent(oldest)) byId.delete(oldest.id);
      else this.#stale--;
    }
    this.#compact();
  }

  /** Forgets the job with this id, if it is here (its id is being used again). */
  delete(id: string): void {
    if (this.#index().delete(id)) this.#stale++;
  }

  /** The index by id, made from `#order` on first use (its records are then all current, their ids distinct). */
  #index(): Map<string, JobRecord> {
    if (this.#byId !== undefined) return this.#byId;
    const byId = new Map<string, JobRecord>();
    for (let i = this.#head; i < this.#order.length; i++) {
      const job = this.#order[i] as JobRecord;
      byId.set(job.id, job);
    }
    this.#byId = byId;
    return byId;
  }

  #isCurrent(job: JobRecord): boolean {
    return (this.#byId as Map<string, JobRecord>).get(job.id) === job;
  }

  /** Drops the forgotten front of the array once it is half of it (amortised O(1) per add). */
  #compact(): void {
    if (this.#head > 1024 && this.#head * 2 > this.#order.length) {
      this.#order = this.#order.slice(this.#head);
      this.#head = 0;
    }
  }
}
