import { nanoid } from 'nanoid';

/** Digits of the counter in a generated id (more only past `MAX_KEYED`: see `idOf`). */
const COUNTER_DIGITS = 9;
const MAX_KEYED = 36 ** COUNTER_DIGITS;

/**
 * The key of a caller's id that is a decimal number of at most nine digits without a leading zero
 * ("0", "17": the simulator numbers its jobs so) — minus the number, minus one: never a generated
 * id's key (a counter, >= 0), and a small integer, hashed and compared as a value like those. Any
 * other id is its own key. A string key is compared through the string, one memory read per key
 * of its bucket, and the live jobs' id strings lie all over the heap: in a congested simulation
 * the table's lookups, additions and removals were 4 % of its CPU profile.
 */
function decimalKey(id: string): string | number {
  const length = id.length;
  if (length === 0 || length > 9 || (length > 1 && id.charCodeAt(0) === 48)) return id;
  let value = 0;
  for (let i = 0; i < length; i++) {
    const digit = id.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return id;
    value = value * 10 + digit;
  }
  return -value - 1;
}

/** The 1,296 two-digit base-36 numbers, padded. */
const PAIRS: readonly string[] = Array.from({ length: 36 * 36 }, (_, i) => i.toString(36).padStart(2, '0'));

/**
 * Generated job ids: a random prefix drawn once per manager (12 characters of nanoid's URL-safe
 * alphabet, 72 random bits) and a base-36 counter, e.g. `QzIOy0qgi0BX000000001`. Unique within the
 * manager, unlikely to meet another manager's, and — unlike a fresh nanoid per job — a function of
 * the manager's state: a manager restored from a snapshot, or rebuilt from its journal, generates
 * the same ids for the same further submissions.
 */
export class JobIds {
  private prefix = nanoid(12);
  private count = 0;
  /**
   * Whether some id a caller chose (or a restore brought back) is one the counter could still
   * draw. Until then a drawn id is new by construction: no job, live or finished, can hold it, so
   * no draw is checked against the live jobs and no submit looks for it among the finished ones.
   */
  private mayCollide = false;
  /** The id `drawOne` drew for the submission in progress (undefined: none, or it chose its own). */
  lastDrawn: string | undefined = undefined;

  /** An id not drawn here is in use: from now on draws are checked if the counter could reach it. */
  noteChosen(id: string): void {
    if (this.mayCollide || !id.startsWith(this.prefix)) return;
    const rest = id.slice(this.prefix.length);
    // an id of the counter's form below the counter is never drawn again
    if (!/^[0-9a-z]+$/.test(rest) || !(parseInt(rest, 36) < this.count)) this.mayCollide = true;
  }

  /** Whether `id` was drawn by `drawOne` in this submission and no job can hold it yet. */
  isFresh(id: string): boolean {
    return !this.mayCollide && id === this.lastDrawn;
  }

  /**
   * Ids for one submission, drawn on a copy of the counter: `commit` keeps them once the whole
   * submission is valid, so a refused one changes nothing, not even the counter. An id `taken`
   * holds (a caller chose one of ours) is skipped.
   */
  draft(taken: (id: string) => boolean): { next(): string; commit(): void } {
    let count = this.count;
    return {
      next: () => {
        let id: string;
        do id = this.idOf(count++);
        while (this.mayCollide && taken(id));
        this.lastDrawn = id;
        return id;
      },
      commit: () => {
        this.count = count;
      },
    };
  }

  /** The counter after the id `drawOne` drew (the counter itself until `commitOne`). */
  private pending = 0;

  /**
   * `draft` for a submission of one request, with no draft object: `beginOne`, then `drawOne`
   * (only if the request has no id of its own), then `commitOne` once the request is valid.
   */
  beginOne(): void {
    this.pending = this.count;
    this.lastDrawn = undefined;
  }

  drawOne(taken: (id: string) => boolean): string {
    let id: string;
    do id = this.idOf(this.pending++);
    while (this.mayCollide && taken(id));
    this.lastDrawn = id;
    return id;
  }

  /** The id `idOf` made last and its key (see `keyOf`): the key of a new job's id without reading it. */
  private keyedId = '';
  private keyedCount: string | number = '';

  /**
   * The key `JobTable` files a job under: for an id of the form this generator makes now (the
   * prefix and exactly nine base-36 digits) the counter it encodes, else the id itself. A function
   * of the id and the prefix alone (which changes only on `restore`, before any job is filed), so
   * a caller's id that looks generated has the key its generated twin would have.
   */
  keyOf(id: string): string | number {
    if (id === this.keyedId) return this.keyedCount;
    const start = this.prefix.length;
    if (id.length !== start + COUNTER_DIGITS || !id.startsWith(this.prefix)) return decimalKey(id);
    let count = 0;
    for (let i = start; i < id.length; i++) {
      const c = id.charCodeAt(i);
      const digit = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 122 ? c - 87 : -1;
      if (digit < 0) return id;
      count = count * 36 + digit;
    }
    return count;
  }

  /** The prefix and the counter's digits above the last two, for `stemOf` (see `idOf`). */
  private stem = '';
  private stemOf = -1;

  /**
   * `prefix + count` in base 36, padded to 9 digits: the last two digits from a table and the rest
   * kept for the 1,296 ids that share them, so a draw is one concatenation (formatting and padding
   * the whole counter made two strings more per job).
   */
  private idOf(count: number): string {
    const high = Math.floor(count / PAIRS.length);
    if (high !== this.stemOf) {
      this.stem = this.prefix + high.toString(36).padStart(7, '0');
      this.stemOf = high;
    }
    const id = this.stem + (PAIRS[count - high * PAIRS.length] as string);
    // nine digits up to 36^9 (the stem's seven digits grow past it): see keyOf
    this.keyedId = id;
    this.keyedCount = count < MAX_KEYED ? count : id;
    return id;
  }

  commitOne(): void {
    this.count = this.pending;
  }

  state(): { readonly prefix: string; readonly count: number } {
    return { prefix: this.prefix, count: this.count };
  }

  restore(state: { readonly prefix: string; readonly count: number }): void {
    this.prefix = state.prefix;
    this.count = state.count;
    this.mayCollide = false;
    this.stemOf = -1;
    this.keyedId = '';
    this.keyedCount = '';
  }
}
