import { nanoid } from 'nanoid';

/** The 1,296 two-character base-36 numbers, so that ids need (almost) no number formatting. */
const PAIRS: readonly string[] = Array.from({ length: 36 * 36 }, (_, i) => i.toString(36).padStart(2, '0'));
/** `_` and the base-36 numbers below 1,296, unpadded. */
const SUFFIXES: readonly string[] = Array.from({ length: 36 * 36 }, (_, i) => `_${i.toString(36)}`);

/** `_` and `slot` in base 36, from the tables up to 1,296² slots. */
function slotSuffix(slot: number): string {
  if (slot < SUFFIXES.length) return SUFFIXES[slot] as string;
  if (slot < SUFFIXES.length * PAIRS.length) return (SUFFIXES[Math.floor(slot / PAIRS.length)] as string) + (PAIRS[slot % PAIRS.length] as string);
  return `_${slot.toString(36)}`;
}

/**
 * Generated allocation ids, in nanoid's URL-safe alphabet: a random prefix drawn once per pool
 * (11 characters, 66 random bits), a 10-character base-36 counter, `_` and the allocation's slot
 * in the pool's live table in base 36 (so the pool finds it without hashing, see LiveTable), e.g.
 * `V1StGXR8_Z50000000a7x_2f`. The counter makes them unique within the pool; the prefix makes two
 * pools (or two runs) collide with negligible probability. A fresh nanoid per allocation cost
 * ≈ 0.4 µs (126 random bits from the crypto pool, a string built one character at a time); this
 * costs a string concatenation.
 *
 * A caller may choose its own ids, and could choose one this generator will produce later. Once a
 * chosen id starts with this pool's prefix, every generated id is checked against the live ones
 * and skipped if taken, so a generated id never replaces a live allocation.
 */
export class AllocationIds {
  private prefix = nanoid(11);
  /** prefix + the counter's digits above the last two, for the current run of 1,296 ids. */
  private stem = '';
  private count = 0;
  private guarded = false;

  /** A new id ending with `slot`, not among `live`'s keys. */
  next(slot: number, live: ReadonlyMap<string, unknown>): string {
    let id = this.draw(slot);
    if (this.guarded) while (live.has(id)) id = this.draw(slot);
    return id;
  }

  /** What a snapshot keeps: the next ids follow from it. */
  state(): { readonly prefix: string; readonly count: number; readonly guarded: boolean } {
    return { prefix: this.prefix, count: this.count, guarded: this.guarded };
  }

  /** Continues from a snapshot's state. */
  restore(state: { readonly prefix: string; readonly count: number; readonly guarded: boolean }): void {
    this.prefix = state.prefix;
    this.guarded = state.guarded;
    this.count = state.count;
    // the stem of the current run of 1,296 ids, as draw() set it
    this.stem = this.prefix + Math.floor(state.count / PAIRS.length).toString(36).padStart(8, '0');
  }

  /** Called with every caller-chosen id that is registered. */
  noteChosen(id: string): void {
    if (!this.guarded && id.startsWith(this.prefix)) this.guarded = true;
  }

  private draw(slot: number): string {
    const low = this.count % PAIRS.length;
    if (low === 0) this.stem = this.prefix + Math.floor(this.count / PAIRS.length).toString(36).padStart(8, '0');
    this.count++;
    // the short tail first: a concatenation under 13 characters is a flat copy, so the id is one
    // cons cell (stem + tail) rather than two. A concatenation of 13+ characters is a cons
    // string; reading a character flattens it, and the collector then drops the cons cell, so a
    // live id is one flat string
    const id = this.stem + ((PAIRS[low] as string) + slotSuffix(slot));
    id.charCodeAt(0);
    return id;
  }
}
