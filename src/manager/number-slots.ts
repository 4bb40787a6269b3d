/**
 * A hash table from numbers (integers within ±2^53) to slots (integers ≥ 0), in typed arrays:
 * open addressing with linear probing, and deletion by shifting the entries after it back (no
 * tombstones), so a table whose keys come and go never fills with deleted entries.
 *
 * Why not a `Map`: the manager's live jobs churn — one key in and one out per job — and a `Map`
 * keeps each deleted entry until its table is full, then copies the live ones into a new table as
 * large as them (at 10,000 live jobs, every ≈ 6,000 submits a 0.4 MB table, in the old generation).
 * That set and delete took 0.175 µs a pair at 10,000 entries against 0.036 µs at 10, alone.
 * Here the arrays change only when the number of keys doubles or falls to an eighth.
 */
export class NumberSlots {
  #keys: Float64Array;
  /** The slot of the key at each position, or −1 where the position is empty. */
  #slots: Int32Array;
  #mask: number;
  #count = 0;

  constructor(capacity = MIN_CAPACITY) {
    this.#keys = new Float64Array(capacity);
    this.#slots = new Int32Array(capacity).fill(EMPTY);
    this.#mask = capacity - 1;
  }

  get size(): number {
    return this.#count;
  }

  /** The slot of `key`, or −1. */
  get(key: number): number {
    const keys = this.#keys;
    const slots = this.#slots;
    const mask = this.#mask;
    for (let at = hashOf(key) & mask; ; at = (at + 1) & mask) {
      const slot = slots[at] as number;
      if (slot === EMPTY || keys[at] === key) return slot;
    }
  }

  /** Files `key` (not present) under `slot`. */
  add(key: number, slot: number): void {
    if (2 * (this.#count + 1) > this.#slots.length) this.#resize(2 * this.#slots.length);
    this.#place(key, slot);
    this.#count++;
  }

  /** Removes `key`, if present. */
  delete(key: number): void {
    const keys = this.#keys;
    const slots = this.#slots;
    const mask = this.#mask;
    let at = hashOf(key) & mask;
    for (; ; at = (at + 1) & mask) {
      if (slots[at] === EMPTY) return;
      if (keys[at] === key) break;
    }
    // shift back every later entry of the run that the hole now cuts off from its home position
    for (let next = (at + 1) & mask; slots[next] !== EMPTY; next = (next + 1) & mask) {
      const home = hashOf(keys[next] as number) & mask;
      // the entry may stay where it is when its home lies cyclically within (at, next]
      const stays = at <= next ? at < home && home <= next : at < home || home <= next;
      if (stays) continue;
      keys[at] = keys[next] as number;
      slots[at] = slots[next] as number;
      at = next;
    }
    slots[at] = EMPTY;
    this.#count--;
    if (this.#slots.length > MIN_CAPACITY && 8 * this.#count < this.#slots.length) this.#resize(this.#slots.length / 2);
  }

  #place(key: number, slot: number): void {
    const mask = this.#mask;
    let at = hashOf(key) & mask;
    while (this.#slots[at] !== EMPTY) at = (at + 1) & mask;
    this.#keys[at] = key;
    this.#slots[at] = slot;
  }

  #resize(capacity: number): void {
    const keys = this.#keys;
    const slots = this.#slots;
    this.#keys = new Float64Array(capacity);
    this.#slots = new Int32Array(capacity).fill(EMPTY);
    this.#mask = capacity - 1;
    for (let at = 0; at < slots.length; at++) if (slots[at] !== EMPTY) this.#place(keys[at] as number, slots[at] as number);
  }
}

const EMPTY = -1;
/** A power of two: a new table's capacity, and the least it shrinks to. */
export const MIN_CAPACITY = 64;

/** Where `key` is placed first in a table of `capacity` positions (for tests that make runs wrap around the end). */
export function homeOf(key: number, capacity: number): number {
  return hashOf(key) & (capacity - 1);
}

/**
 * Mixes an integer key (within ±2^53: its low and high 32 bits) into 32 bits. Keys that follow one
 * another (a counter) spread over the table rather than filling one run.
 */
function hashOf(key: number): number {
  const low = key | 0;
  const high = (key / 4_294_967_296) | 0;
  let h = Math.imul(low ^ Math.imul(high, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 15;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
