import { crc32 } from './crc32.js';

/*
 * One record, the unit of every file in a data directory (etcd's WAL record, in little-endian):
 *
 *   offset 0  u32  payload length n (bytes)
 *   offset 4  u32  CRC-32 of bytes [8, 9 + n): the type byte and the payload
 *   offset 8  u8   type (RECORD_TYPE)
 *   offset 9  n bytes of payload: UTF-8 JSON of one object
 *
 * The CRC covers the type so that a record cannot change kind unnoticed; the length is checked
 * by the CRC indirectly (a wrong length frames the wrong bytes, whose CRC then fails).
 */

export const RECORD_TYPE = {
  /** A journal entry `{ seq, … }`; log segments only. */
  entry: 1,
  /** A whole snapshot `{ seq, … }`; the only record of a snapshot file. */
  snapshot: 2,
  /** The first record of a log segment: `{ format, version, firstSeq, snapshotSeq }` (SegmentHeader). */
  segment: 3,
} as const;

export type RecordType = (typeof RECORD_TYPE)[keyof typeof RECORD_TYPE];

export const HEADER_BYTES = 9;

/**
 * The largest payload a record may carry (1 GiB). A length field above it cannot have been
 * written by the store, so the decoder reports it as corruption rather than as a torn write.
 */
export const MAX_PAYLOAD_BYTES = 1024 * 1024 * 1024;

/** The record of `type` carrying `json` (already serialised: the caller checked it). */
export function encodeRecord(type: RecordType, json: string): Buffer {
  const length = Buffer.byteLength(json, 'utf8');
  const record = Buffer.allocUnsafe(HEADER_BYTES + length);
  record.writeUInt8(type, 8);
  record.write(json, HEADER_BYTES, 'utf8');
  record.writeUInt32LE(length, 0);
  record.writeUInt32LE(crc32(record, 8, HEADER_BYTES + length), 4);
  return record;
}
