import { RECORD_TYPE, encodeRecord } from './record.js';

/** A log segment as the store tracks it. `lastSeq` is `firstSeq - 1` while it holds no entry. */
export interface SegmentInfo {
  readonly name: string;
  readonly firstSeq: number;
  lastSeq: number;
  /** Bytes of complete records (the file's size once a torn tail is cut). */
  bytes: number;
}

const FORMAT = 'fairpack.wal';
const VERSION = 1;

/**
 * The first record of every segment. `snapshotSeq` is the seq of the newest durable snapshot when
 * the segment was created (null: none): replay of this segment may begin at that snapshot or a
 * newer one, never from an older one or from nothing — which is how a lost snapshot file is told
 * from a log that simply starts late (etcd's snapshot record plays this part in its WAL).
 */
export interface SegmentHeader {
  readonly format: typeof FORMAT;
  readonly version: typeof VERSION;
  readonly firstSeq: number;
  readonly snapshotSeq: number | null;
}

export function encodeSegmentHeader(firstSeq: number, snapshotSeq: number | null): Buffer {
  const header: SegmentHeader = { format: FORMAT, version: VERSION, firstSeq, snapshotSeq };
  return encodeRecord(RECORD_TYPE.segment, JSON.stringify(header));
}

/** The header's problem for a segment named after `firstSeq`, or undefined when it is right. */
export function segmentHeaderProblem(value: Record<string, unknown>, firstSeq: number): string | undefined {
  if (value['format'] !== FORMAT) return `a segment header whose format is ${JSON.stringify(value['format'])}, expected "${FORMAT}"`;
  if (value['version'] !== VERSION) return `a segment header of version ${JSON.stringify(value['version'])}; this fairpack reads version ${VERSION} (written by a newer fairpack?)`;
  if (value['firstSeq'] !== firstSeq) return `a segment header whose firstSeq is ${JSON.stringify(value['firstSeq'])} while the file name says ${firstSeq} (a renamed file?)`;
  const snapshotSeq = value['snapshotSeq'];
  if (snapshotSeq !== null && !isSeq(snapshotSeq)) return `a segment header whose snapshotSeq is ${JSON.stringify(snapshotSeq)}, expected null or a seq`;
  return undefined;
}

/** A seq: a safe integer >= 0. */
export function isSeq(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}
