import type { JobIds } from './job-ids.js';
import type { JobRecord } from './job-record.js';
import { NumberSlots } from './number-slots.js';

/**
 * The live (queued, running, preempted) jobs by id, in the order they were added, each filed under
 * a key: for an id the manager generates (`JobIds`: its prefix and nine base-36 digits) that
 * counter, a number; for a short decimal id ("17", as the simulator numbers its jobs) a negative
 * number — both in a table of numbers (`NumberSlots`); and for any other id the id itself, in a
 * `Map`. Each job has a slot, and the order added is a list through the slots.
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
  /** Slots of the jobs whose key is a number (see NumberSlots for why not a Map). */
  readonly #byNumber = new NumberSlots();
  /** Slots of the jobs whose key is their id. */
  readonly #byString = new Map<string, number>();
  /** The jobs by slot; a freed slot holds undefined until it is given again. */
  readonly #records: (JobRecord | undefined)[] = [];
  /** Freed slots, the last freed first. */
  readonly #free: number[] = [];
  /** The order jobs were added in: a list through the slots (−1 ends it). */
  #next = new Int32Array(64);
  #prev = new Int32Array(64);
  #first = -1;
  #last = -1;

  constructor(private readonly ids: JobIds) {}

  get size(): number {
    return this.#byNumber.size + this.#byString.size;
  }

  // (a caller's id may be anything: what is not a string is no job's id — a number must not be
  // taken for the key of the generated id that encodes it)
  get(id: string): JobRecord | undefined {
    if (typeof id !== 'string') return undefined;
    const slot = this.#slotOf(this.ids.keyOf(id));
    return slot < 0 ? undefined : this.#records[slot];
  }

  has(id: string): boolean {
    return typeof id === 'string' && this.#slotOf(this.ids.keyOf(id)) >= 0;
  }

  /** Adds a job (its id not live). */
  add(job: JobRecord): void {
    const slot = this.#free.length > 0 ? (this.#free.pop() as number) : this.#records.length;
    if (slot >= this.#next.length) this.#grow();
    this.#records[slot] = job;
    const key = job.key;
    if (typeof key === 'number') this.#byNumber.add(key, slot);
    else this.#byString.set(key, slot);
    // last in the order
    this.#next[slot] = -1;
    this.#prev[slot] = this.#last;
    if (this.#last >= 0) this.#next[this.#last] = slot;
    else this.#first = slot;
    this.#last = slot;
  }

  /** Removes a live job. */
  remove(job: JobRecord): void {
    const key = job.key;
    const slot = this.#slotOf(key);
    if (slot < 0 || this.#records[slot] !== job) return;
    if (typeof key === 'number') this.#byNumber.delete(key);
    else this.#byString.delete(key);
    this.#records[slot] = undefined;
    this.#free.push(slot);
    const before = this.#prev[slot] as number;
    const after = this.#next[slot] as number;
    if (before >= 0) this.#next[before] = after;
    else this.#first = after;
    if (after >= 0) this.#prev[after] = before;
    else this.#last = before;
  }

  /** In the order added. Not to be changed while iterated (the manager's loops over it change nothing). */
  *values(): IterableIterator<JobRecord> {
    for (let slot = this.#first; slot >= 0; slot = this.#next[slot] as number) yield this.#records[slot] as JobRecord;
  }

  *keys(): IterableIterator<string> {
    for (const job of this.values()) yield job.id;
  }

  *entries(): IterableIterator<[string, JobRecord]> {
    for (const job of this.values()) yield [job.id, job];
  }

  [Symbol.iterator](): IterableIterator<[string, JobRecord]> {
    return this.entries();
  }

  forEach(fn: (job: JobRecord, id: string, table: ReadonlyMap<string, JobRecord>) => void): void {
    for (const job of this.values()) fn(job, job.id, this);
  }

  #slotOf(key: string | number): number {
    return typeof key === 'number' ? this.#byNumber.get(key) : (this.#byString.get(key) ?? -1);
  }

  #grow(): void {
    const next = new Int32Array(2 * this.#next.length);
    const prev = new Int32Array(2 * this.#prev.length);
    next.set(this.#next);
    prev.set(this.#prev);
    this.#next = next;
    this.#prev = prev;
  }
}
