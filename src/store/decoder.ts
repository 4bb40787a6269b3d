import { crc32 } from './crc32.js';
import { HEADER_BYTES, MAX_PAYLOAD_BYTES, RECORD_TYPE, type RecordType } from './record.js';

export interface DecodedRecord {
  readonly type: RecordType;
  /** The parsed payload: always a plain JSON object. */
  readonly value: Record<string, unknown>;
  /** Where the record starts and ends in the file. */
  readonly offset: number;
  readonly end: number;
}

/** A file read to its end, or to a torn last record. */
export interface DecodedFile {
  readonly ok: true;
  readonly records: readonly DecodedRecord[];
  /** The bytes of complete records; shorter than the file when its tail is torn. */
  readonly validBytes: number;
  /** Why the bytes after `validBytes` are a torn write (undefined when there are none). */
  readonly torn: string | undefined;
}

/** Something that is not a torn tail: the caller raises StoreCorruptionError with it. */
export interface DecodeProblem {
  readonly ok: false;
  readonly offset: number;
  readonly problem: string;
}

const TYPES: ReadonlySet<number> = new Set(Object.values(RECORD_TYPE));

/**
 * Decodes every record of `bytes`. Unless `notTorn` says why the file cannot have a torn tail
 * (it is an older segment, or a snapshot renamed into place once complete), a record
 * that cannot be complete is the end of the log — it was never acknowledged, because an append
 * resolves only after its bytes and everything before them were fsynced:
 * - fewer bytes left than a record header, or a length that runs past the end of the file;
 * - a CRC mismatch in the very last record of the file;
 * - nothing but zero bytes from the record on (a file system may extend a file with zeros when
 *   power fails mid-append).
 * Anything else — a CRC mismatch with records after it, an unknown type, a payload that is not a
 * JSON object, a length above MAX_PAYLOAD_BYTES — is a problem, and so is every torn case in a
 * file that `notTorn` covers.
 */
export function decodeRecords(bytes: Buffer, notTorn?: string): DecodedFile | DecodeProblem {
  const records: DecodedRecord[] = [];
  const size = bytes.length;
  let offset = 0;
  const tornOr = (reason: string): DecodedFile | DecodeProblem =>
    notTorn === undefined ? { ok: true, records, validBytes: offset, torn: reason } : { ok: false, offset, problem: `${reason}; ${notTorn}` };
  while (offset < size) {
    if (size - offset < HEADER_BYTES) return tornOr(`a record cut short: ${size - offset} bytes left, a record header takes ${HEADER_BYTES}`);
    const length = bytes.readUInt32LE(offset);
    const end = offset + HEADER_BYTES + length;
    if (length > MAX_PAYLOAD_BYTES) {
      if (zerosFrom(bytes, offset)) return tornOr('zero bytes to the end of the file');
      return { ok: false, offset, problem: `a record length of ${length} bytes, above the largest the store writes (${MAX_PAYLOAD_BYTES})` };
    }
    if (end > size) return tornOr(`a record whose length (${length} bytes) runs ${end - size} bytes past the end of the file`);
    const stored = bytes.readUInt32LE(offset + 4);
    const computed = crc32(bytes, offset + 8, end);
    if (stored !== computed) {
      if (end === size) return tornOr(`CRC mismatch (stored ${hex(stored)}, computed ${hex(computed)}) in the last record`);
      if (zerosFrom(bytes, offset)) return tornOr('zero bytes to the end of the file');
      return { ok: false, offset, problem: `CRC mismatch (stored ${hex(stored)}, computed ${hex(computed)}) in a record that is followed by ${size - end} more bytes` };
    }
    const type = bytes.readUInt8(offset + 8);
    if (!TYPES.has(type)) return { ok: false, offset, problem: `unknown record type ${type} (expected 1 entry, 2 snapshot or 3 segment header; written by a newer fairpack?)` };
    const value = parseObject(bytes.toString('utf8', offset + HEADER_BYTES, end));
    if (value === undefined) return { ok: false, offset, problem: 'a record whose CRC is right but whose payload is not a JSON object' };
    records.push({ type: type as RecordType, value, offset, end });
    offset = end;
  }
  return { ok: true, records, validBytes: offset, torn: undefined };
}

function parseObject(json: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function zerosFrom(bytes: Buffer, offset: number): boolean {
  for (let i = offset; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}

function hex(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}
