import { nanoid } from 'nanoid';

/** Ids are drawn in runs of this many (36², the counter's last two digits), one stem per run. */
const RUN = 36 * 36;
/** Character codes of the base-36 digits. */
const DIGITS: readonly number[] = Array.from('0123456789abcdefghijklmnopqrstuvwxyz', (c) => c.charCodeAt(0));
const UNDERSCORE = 95;

/**
 * The character codes of the id being drawn, one reused array per id length, for
 * `String.fromCharCode.apply`: it builds the id as one flat string and nothing else. Joining
 * parts (`join`) also built a buffer of them, and concatenating (`+`) built one or two short
 * strings, a cons cell and then, when the id was first read, its flat copy — ≈ 130 bytes of
 * garbage per id where the flat id alone is ≈ 50. Module-level: `draw` runs to completion and
 * calls nothing that could draw meanwhile.
 */
const CODES: number[][] = [];
/** A stem longer than this (a hand-written snapshot's prefix) is concatenated: `apply` passes each code as an argument. */
const MAX_STEM_CODES = 64;

/**
 * Generated allocation ids, in nanoid's URL-safe alphabet: a random prefix drawn once per pool
 * (11 characters, 66 random bits), a 10-character base-36 counter, `_` and the allocation's slot
 * in the pool's live table in base 36 (so the pool finds it without hashing, see LiveTable), e.g.
 * `V1StGXR8_Z50000000a7x_2f`. The counter makes them unique within the pool; the prefix makes two
 * pools (or two runs) collide with negligible probability. A fresh nanoid per allocation cost
 * ≈ 0.4 µs (126 random bits from the crypto pool, a string built one character at a time); this
 * writes ≈ 25 character codes and makes one string of them.
 *
 * A caller may choose its own ids, and could choose one this generator will produce later. Once a
 * chosen id starts with this pool's prefix, every generated id is checked against the live ones
 * and skipped if taken, so a generated id never replaces a live allocation.
 */
export class AllocationIds {
  private prefix = nanoid(11);
  /** prefix + the counter's digits above the last two, for the current run of ids, and its character codes. */
  private stem = '';
  private stemCodes: number[] = [];
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
    // the stem of the current run of ids, as draw() set it
    this.setStem();
  }

  /** Called with every caller-chosen id that is registered. */
  noteChosen(id: string): void {
    if (!this.guarded && id.startsWith(this.prefix)) this.guarded = true;
  }

  private draw(slot: number): string {
    const low = this.count % RUN;
    if (low === 0) this.setStem();
    this.count++;
    if (this.stem.length > MAX_STEM_CODES) return `${this.stem}${low.toString(36).padStart(2, '0')}_${slot.toString(36)}`;
    let digits = 1;
    for (let rest = slot; rest >= 36; rest = Math.floor(rest / 36)) digits++;
    const stem = this.stemCodes;
    const length = stem.length + 3 + digits;
    const codes = (CODES[length] ??= new Array<number>(length).fill(0));
    for (let i = 0; i < stem.length; i++) codes[i] = stem[i] as number;
    codes[stem.length] = DIGITS[Math.floor(low / 36)] as number;
    codes[stem.length + 1] = DIGITS[low % 36] as number;
    codes[stem.length + 2] = UNDERSCORE;
    for (let i = length - 1, rest = slot; i >= length - digits; i--, rest = Math.floor(rest / 36)) codes[i] = DIGITS[rest % 36] as number;
    return String.fromCharCode.apply(null, codes);
  }

  /** The stem of the run of ids `count` is in: the prefix and the counter's digits but the last two. */
  private setStem(): void {
    const stem = this.prefix + Math.floor(this.count / RUN).toString(36).padStart(8, '0');
    this.stem = stem;
    // by UTF-16 unit (fromCharCode puts a surrogate pair back together), not by code point as Array.from(stem) would
    const codes: number[] = [];
    if (stem.length <= MAX_STEM_CODES) for (let i = 0; i < stem.length; i++) codes.push(stem.charCodeAt(i));
    this.stemCodes = codes;
  }
}
