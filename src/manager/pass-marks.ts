import type { TenantCandidate } from '../fairness/index.js';
import type { JobQueue } from './job-queue.js';

/** Shapes remembered across passes before the map starts over (at a pass's end). */
const SHAPES_KEPT = 4_096;

/** The stamp starts over below this, so that it stays a small integer (no boxed number per mark). */
const STAMP_LIMIT = 2 ** 30;

/**
 * The shapes that found no room in one band pass (`#serveBand`): a set that is emptied by moving
 * on to a new stamp, not by making a new table.
 *
 * A `Set` emptied with `clear()` gets a new hash table, and the old one (in the old generation,
 * since the set outlives many scavenges) keeps a pointer to it for live iterators: the old-to-new
 * pointer makes every scavenge keep the new table, and each one reaches the old generation. Two
 * sets cleared per band pass — a congested simulation serves 350,000 — were a fifth of the bytes
 * its scavenges promoted. Here a shape is failed in this pass when its mark is the current stamp;
 * marking a known shape overwrites a small integer, and the map grows only with new shapes.
 */
export class ShapeMarks {
  #stamp = 1;
  readonly #marks = new Map<string, number>();
  /** Shapes marked since the last `clear`. */
  size = 0;

  has(shape: string): boolean {
    return this.#marks.get(shape) === this.#stamp;
  }

  add(shape: string): void {
    if (this.#marks.get(shape) === this.#stamp) return;
    this.#marks.set(shape, this.#stamp);
    this.size++;
  }

  clear(): void {
    this.size = 0;
    this.#stamp++;
    // a map of every shape ever seen would only grow: past the bound it starts over (one new table)
    if (this.#stamp >= STAMP_LIMIT || this.#marks.size > SHAPES_KEPT) {
      this.#marks.clear();
      this.#stamp = 1;
    }
  }
}

/**
 * The queues one band pass took out as before (emptied, or blocked by their own try), listed in a
 * reused array — a `Set` emptied at every pass's end got a new table each time (see ShapeMarks).
 * Membership is asked only when held room comes back in the middle of a pass (rare): `asSet`
 * makes a set then.
 */
export class QueueList {
  readonly #items: (JobQueue | undefined)[] = [];
  #count = 0;

  add(queue: JobQueue): void {
    this.#items[this.#count++] = queue;
  }

  /** The queues listed, as a set (for the rare membership test). */
  asSet(): Set<JobQueue> {
    const set = new Set<JobQueue>();
    for (let i = 0; i < this.#count; i++) set.add(this.#items[i] as JobQueue);
    return set;
  }

  /** Empties the list; the array keeps its length (no new backing store) and holds no queue. */
  clear(): void {
    for (let i = 0; i < this.#count; i++) this.#items[i] = undefined;
    this.#count = 0;
  }
}

/**
 * The three lists one band pass works on — the band's open queues, the ones still open in this
 * pass, and their fairness candidates — kept from pass to pass and refilled by index.
 *
 * Why not new arrays: a congested simulation serves ≈ 350,000 bands, and each made three arrays
 * whose first push gave them room for 17 elements (≈ a fifth of what the passes allocated). Why
 * by index: an array emptied with `length = 0` gives its storage back whenever it has room for 16
 * or more, so the next push would allocate it again; overwriting elements and shortening to a
 * length ≥ 1 keeps it (the lists end a pass empty by removals, which V8 trims to a small room
 * once and then leaves alone). Elements past the length are not kept: shortening drops them.
 */
export class BandLists {
  readonly queues: JobQueue[] = [];
  readonly open: JobQueue[] = [];
  readonly candidates: TenantCandidate[] = [];
}

/** Makes `list` hold the first `count` elements it was given by index (see BandLists): `count` ≥ 1, or the list is emptied. */
export function keepFirst<T>(list: T[], count: number): void {
  if (list.length !== count) list.length = count;
}
