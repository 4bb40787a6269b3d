/*
 * The history the crash test writes: entry `seq` carries a value that depends only on its seq
 * (and a pad of varying length, so records differ in size), and a snapshot at `seq` carries the
 * sum of the values of entries 1..seq — so whatever a reopened directory holds can be checked
 * against what it must be.
 */

export interface CrashEntry {
  readonly seq: number;
  readonly at: number;
  readonly value: number;
  readonly pad: string;
  readonly [key: string]: unknown;
}

export interface CrashSnapshot {
  readonly format: 'crash-test';
  readonly seq: number;
  readonly sum: number;
  readonly [key: string]: unknown;
}

export function valueOf(seq: number): number {
  return (seq * 2_654_435_761) % 1_000_003;
}

export function entryFor(seq: number): CrashEntry {
  return { seq, at: seq, value: valueOf(seq), pad: 'x'.repeat(seq % 97) };
}

export function snapshotAfter(seq: number, sum: number): CrashSnapshot {
  return { format: 'crash-test', seq, sum };
}

/** The sum a snapshot at `seq` must carry. */
export function sumThrough(seq: number): number {
  let sum = 0;
  for (let s = 1; s <= seq; s++) sum += valueOf(s);
  return sum;
}
