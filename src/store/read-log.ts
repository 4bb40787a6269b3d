import { decodeRecords } from './decoder.js';
import { StoreCorruptionError } from './errors.js';
import { segmentSeqOf } from './file-names.js';
import { RECORD_TYPE } from './record.js';
import { type SegmentInfo, segmentHeaderProblem } from './segment.js';

export interface LogState {
  /** Every segment file, oldest first, with the seqs and bytes it holds. */
  readonly segments: readonly SegmentInfo[];
  /** The entries with seq > the snapshot's (all of them without one), in order, contiguous. */
  readonly entries: readonly Record<string, unknown>[];
  /** The seq the next entry must have; undefined when there is neither snapshot nor entry. */
  readonly nextSeq: number | undefined;
  /** The newest segment's torn tail, to cut: the bytes to keep and why. */
  readonly torn: { readonly segment: SegmentInfo; readonly size: number; readonly reason: string } | undefined;
}

/**
 * Reads every log segment and checks the log is whole. Segments are taken in order of their
 * first seq; only the newest may end in a torn record. A segment file of 0 bytes (or, the newest,
 * whose header record was torn) holds nothing and is skipped. Every other segment opens with its
 * header, then entries whose seqs run +1 from the header's firstSeq. Across segments, entries at
 * or below `snapshotSeq` are covered by the snapshot and skipped; the rest must run +1 from
 * `snapshotSeq + 1` (from the first entry without a snapshot): a gap means a missing segment, a
 * repeat a duplicated one — both corruption.
 */
export async function readLog(directory: string, names: readonly string[], snapshotSeq: number | undefined, read: (name: string) => Promise<Buffer>): Promise<LogState> {
  const files = names
    .map((name) => ({ name, firstSeq: segmentSeqOf(name) }))
    .filter((file): file is { name: string; firstSeq: number } => file.firstSeq !== undefined)
    .sort((a, b) => a.firstSeq - b.firstSeq);
  const corrupt = (file: string, offset: number, problem: string): StoreCorruptionError => new StoreCorruptionError({ directory, file, offset, problem });
  const segments: SegmentInfo[] = [];
  const entries: Record<string, unknown>[] = [];
  let torn: LogState['torn'];
  let floor = snapshotSeq;
  let nextSeq = snapshotSeq === undefined ? undefined : snapshotSeq + 1;
  let headerChecked = false;
  for (const [index, file] of files.entries()) {
    const bytes = await read(file.name);
    const decoded = decodeRecords(bytes, index === files.length - 1 ? undefined : 'only the newest log segment may end in a torn record');
    if (!decoded.ok) throw corrupt(file.name, decoded.offset, decoded.problem);
    const segment: SegmentInfo = { name: file.name, firstSeq: file.firstSeq, lastSeq: file.firstSeq - 1, bytes: decoded.validBytes };
    segments.push(segment);
    if (decoded.torn !== undefined) torn = { segment, size: bytes.length, reason: decoded.torn };
    const [header, ...rest] = decoded.records;
    if (header === undefined) continue;
    if (header.type !== RECORD_TYPE.segment) throw corrupt(file.name, 0, `a record of type ${header.type} where the segment header (type 3) was expected`);
    const problem = segmentHeaderProblem(header.value, file.firstSeq);
    if (problem !== undefined) throw corrupt(file.name, 0, problem);
    if (!headerChecked) {
      // the oldest segment with content says from which snapshot replay may begin
      headerChecked = true;
      const needs = header.value['snapshotSeq'] as number | null;
      if (needs !== null && (snapshotSeq === undefined || snapshotSeq < needs)) {
        const have = snapshotSeq === undefined ? 'no snapshot file was found' : `the newest valid snapshot is at seq ${snapshotSeq}`;
        throw corrupt(file.name, 0, `the log continues from a snapshot at seq ${needs} or later, but ${have} (a removed snapshot file?)`);
      }
      if (floor === undefined) floor = file.firstSeq - 1;
      nextSeq ??= file.firstSeq;
    }
    const expected = nextSeq as number;
    if (file.firstSeq > expected) {
      throw corrupt(file.name, 0, `the log jumps from seq ${expected - 1} to this segment's first seq ${file.firstSeq}: entries ${expected} to ${file.firstSeq - 1} are missing (a removed log segment?)`);
    }
    let seq = file.firstSeq - 1;
    for (const record of rest) {
      if (record.type !== RECORD_TYPE.entry) throw corrupt(file.name, record.offset, `a record of type ${record.type} inside a segment (only entries, type 1, follow the header)`);
      const found = record.value['seq'];
      if (found !== seq + 1) throw corrupt(file.name, record.offset, `an entry with seq ${JSON.stringify(found)} where seq ${seq + 1} was expected (entries run +1 from the header's firstSeq)`);
      seq = found;
      if (seq <= (floor as number)) continue;
      if (seq !== nextSeq) throw corrupt(file.name, record.offset, `an entry with seq ${seq}, already read from an earlier segment (a duplicated log segment?)`);
      entries.push(record.value);
      nextSeq = seq + 1;
    }
    segment.lastSeq = seq;
  }
  return { segments, entries, nextSeq, torn };
}
