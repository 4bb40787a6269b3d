/*
 * The names of the files in a data directory. The seq in a name is zero-padded to 16 digits
 * (Number.MAX_SAFE_INTEGER has 16) so that `ls` lists them in seq order; the store itself parses
 * the numbers and never relies on the listing order.
 *
 *   LOCK                                   the pid of the process using the directory
 *   snapshot-0000000000000500.snap         a snapshot whose seq is 500
 *   wal-0000000000000501.log               a log segment whose first entry has seq 501
 *   *.tmp                                  a file being written, renamed into place when durable
 */

export const LOCK_FILE = 'LOCK';
const SEQ_DIGITS = 16;
const SNAPSHOT = /^snapshot-(\d{16})\.snap$/;
const SEGMENT = /^wal-(\d{16})\.log$/;

const pad = (seq: number): string => String(seq).padStart(SEQ_DIGITS, '0');

export const snapshotFileName = (seq: number): string => `snapshot-${pad(seq)}.snap`;
export const segmentFileName = (firstSeq: number): string => `wal-${pad(firstSeq)}.log`;
/** The temporary name a file is written under before it is renamed into place. */
export const temporaryName = (name: string): string => `${name}.tmp`;

/** The seq of a snapshot file's name, or undefined for any other name. */
export const snapshotSeqOf = (name: string): number | undefined => seqOf(SNAPSHOT, name);
/** The first seq of a log segment's name, or undefined for any other name. */
export const segmentSeqOf = (name: string): number | undefined => seqOf(SEGMENT, name);

/** A leftover of an interrupted write: a snapshot or segment that never reached its real name. */
export function isInterruptedWrite(name: string): boolean {
  if (!name.endsWith('.tmp')) return false;
  const real = name.slice(0, -'.tmp'.length);
  return snapshotSeqOf(real) !== undefined || segmentSeqOf(real) !== undefined;
}

function seqOf(pattern: RegExp, name: string): number | undefined {
  const match = pattern.exec(name);
  if (match === null) return undefined;
  const seq = Number(match[1]);
  return Number.isSafeInteger(seq) ? seq : undefined;
}
