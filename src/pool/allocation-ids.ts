import { nanoid } from 'nanoid';

/** The 1,296 two-character base-36 numbers, so that ids need (almost) no number formatting. */
const PAIRS: readonly string[] = Array.from({ length: 36 * 36 }, (_, i) => i.toString(36).padStart(2, '0'));
/** `_` and the base-36 numbers below 1,296, unpadded. */
const SUFFIXES: readonly string[] = Array.from({ length: 36 * 36 }, (_, i) => `_${i.toString(36)}`);

/**
 * The parts of the id being drawn: stem, the counter's last two digits, then `_` and the slot as
 * one or two table strings (past 1,296² slots, formatted). `join` copies them into one flat string at once; concatenating them
 * (`+`) built one or two short strings, a cons cell and then, when the id was first read, its flat
 * copy — ≈ 130 bytes of garbage per id where the flat id alone is ≈ 50. Module-level and reused:
 * `draw` runs to completion and calls nothing that could draw meanwhile.
 */
const PARTS: string[] = ['', '', '', ''];

/**
 * Generated allocation ids, in nanoid's URL-safe alphabet: a random prefix drawn once per pool
 * (11 characters, 66 random bits), a 10-character base-36 counter, `_` and the allocation's slot
 * in the pool's live table in base 36 (so the pool finds it without hashing, see LiveTable), e.g.
 * `V1StGXR8_Z50000000a7x_2f`. The counter makes them unique within the pool; the prefix makes two
 * pools (or two runs) collide with negligible probability. A fresh nanoid per allocation cost
 * ≈ 0.4 µs (126 random bits from the crypto pool, a string built one character at a time); this
 * costs one `join` of table strings.
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
    PARTS[0] = this.stem;
    PARTS[1] = PAIRS[low] as string;
    if (slot < SUFFIXES.length) {
      PARTS[2] = SUFFIXES[slot] as string;
      PARTS[3] = '';
    } else if (slot < SUFFIXES.length * PAIRS.length) {
      PARTS[2] = SUFFIXES[Math.floor(slot / PAIRS.length)] as string;
      PARTS[3] = PAIRS[slot % PAIRS.length] as string;
    } else {
      PARTS[2] = `_${slot.toString(36)}`;
      PARTS[3] = '';
    }
    return PARTS.join('');
  }
}
