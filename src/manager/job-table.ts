import type { JobIds } from './job-ids.js';
import type { JobRecord } from './job-record.js';

/**
 * The live (queued, running, preempted) jobs by id, in the order they were added — a `Map` whose
 * key for an id the manager generates (`JobIds`: its prefix and nine base-36 digits) is that
 * counter, a number; for a short decimal id ("17", as the simulator numbers its jobs) a negative
 * number; and for any other id the id itself.
 *
 * Why not the ids as keys: each submit adds a job under a new id string, and a `Map.set` with a
 * string never used as a key before hashes it and compares it with the other ids of its bucket
 * (strings of the same length and prefix, compared character by character) — the dearest single
 * step of a submit that starts at once (≈ 8 % of the submit+release profile). A small integer is
 * hashed and compared as a value. The key is a function of the id alone (`JobIds.keyOf`), so a
 * caller's id that happens to look generated finds the same entry the generated one would: two
 * different ids never share a key (a number for exactly one id of either form, a string for itself).
 */
export class JobTable implements ReadonlyMap<string, JobRecord> {
  readonly #byKey = new Map<string | number, JobRecord>();

  constructor(private readonly ids: JobIds) {}

  get size(): number {
    return this.#byKey.size;
  }

  // (a caller's id may be anything: what is not a string is no job's id — a number must not be
  // taken for the key of the generated id that encodes it)
  get(id: string): JobRecord | undefined {
    return typeof id === 'string' ? this.#byKey.get(this.ids.keyOf(id)) : undefined;
  }

  has(id: string): boolean {
    return typeof id === 'string' && this.#byKey.has(this.ids.keyOf(id));
  }

  /** Adds a job (its id not live). */
  add(job: JobRecord): void {
    this.#byKey.set(job.key, job);
  }

  /** Removes a live job. */
  remove(job: JobRecord): void {
    this.#byKey.delete(job.key);
  }

  values(): IterableIterator<JobRecord> {
    return this.#byKey.values();
  }

  *keys(): IterableIterator<string> {
    for (const job of this.#byKey.values()) yield job.id;
  }

  *entries(): IterableIterator<[string, JobRecord]> {
    for (const job of this.#byKey.values()) yield [job.id, job];
  }

  [Symbol.iterator](): IterableIterator<[string, JobRecord]> {
    return this.entries();
  }

  forEach(fn: (job: JobRecord, id: string, table: ReadonlyMap<string, JobRecord>) => void): void {
    for (const job of this.#byKey.values()) fn(job, job.id, this);
  }
}
