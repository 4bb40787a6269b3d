import { describe, expect, it } from 'vitest';
import { crc32 } from '../../src/store/crc32.js';
import { decodeRecords } from '../../src/store/decoder.js';
import { HEADER_BYTES, MAX_PAYLOAD_BYTES, RECORD_TYPE, encodeRecord } from '../../src/store/record.js';

describe('crc32', () => {
  it('matches the CRC-32/ISO-HDLC check values', () => {
    const bytes = (text: string) => Buffer.from(text, 'utf8');
    expect(crc32(bytes('123456789'))).toBe(0xcbf43926); // the catalogue's check value
    expect(crc32(bytes(''))).toBe(0);
    expect(crc32(bytes('The quick brown fox jumps over the lazy dog'))).toBe(0x414fa339);
    expect(crc32(bytes('xx123456789yy'), 2, 11)).toBe(0xcbf43926); // a range of a buffer
  });
});

describe('record encoding', () => {
  it('lays out length, CRC of type + payload, type, UTF-8 JSON payload', () => {
    const json = '{"seq":7,"name":"é"}';
    const record = encodeRecord(RECORD_TYPE.entry, json);
    const payload = Buffer.from(json, 'utf8');
    expect(record.length).toBe(HEADER_BYTES + payload.length);
    expect(record.readUInt32LE(0)).toBe(payload.length); // 21 bytes: "é" takes two
    expect(record.readUInt8(8)).toBe(1);
    expect(record.readUInt32LE(4)).toBe(crc32(Buffer.concat([Buffer.from([1]), payload])));
    expect(record.subarray(9).toString('utf8')).toBe(json);
  });

  it('decodes what it encodes', () => {
    const bytes = Buffer.concat([encodeRecord(RECORD_TYPE.segment, '{"a":1}'), encodeRecord(RECORD_TYPE.entry, '{"seq":1}')]);
    const decoded = decodeRecords(bytes);
    expect(decoded).toEqual({
      ok: true,
      validBytes: bytes.length,
      torn: undefined,
      records: [
        { type: 3, value: { a: 1 }, offset: 0, end: 16 },
        { type: 1, value: { seq: 1 }, offset: 16, end: 34 },
      ],
    });
  });

  it('tells a torn tail from damage', () => {
    const first = encodeRecord(RECORD_TYPE.entry, '{"seq":1}');
    const second = encodeRecord(RECORD_TYPE.entry, '{"seq":2}');
    const whole = Buffer.concat([first, second]);
    // torn: cut short, or a bad CRC in the very last record
    for (const cut of [1, 5, 9, 12]) expect(decodeRecords(whole.subarray(0, first.length + cut))).toMatchObject({ ok: true, validBytes: first.length });
    const lastFlipped = Buffer.from(whole);
    lastFlipped.writeUInt8(lastFlipped.readUInt8(whole.length - 1) ^ 1, whole.length - 1);
    expect(decodeRecords(lastFlipped)).toMatchObject({ ok: true, validBytes: first.length, torn: expect.stringContaining('in the last record') });
    // damage: a bad CRC with a record after it
    const firstFlipped = Buffer.from(whole);
    firstFlipped.writeUInt8(firstFlipped.readUInt8(12) ^ 1, 12);
    expect(decodeRecords(firstFlipped)).toMatchObject({ ok: false, offset: 0, problem: expect.stringContaining('followed by 18 more bytes') });
    // damage: a length no record can have
    const huge = Buffer.from(whole);
    huge.writeUInt32LE(MAX_PAYLOAD_BYTES + 1, first.length);
    expect(decodeRecords(huge)).toMatchObject({ ok: false, offset: first.length, problem: expect.stringContaining('above the largest') });
    // damage: a right CRC over a payload that is not a JSON object
    expect(decodeRecords(encodeRecord(RECORD_TYPE.entry, '[1]'))).toMatchObject({ ok: false, offset: 0, problem: expect.stringContaining('not a JSON object') });
    // where a torn tail cannot be, a cut record is damage too
    expect(decodeRecords(whole.subarray(0, whole.length - 1), 'an older segment')).toMatchObject({ ok: false, offset: first.length, problem: expect.stringMatching(/runs 1 bytes past the end of the file; an older segment$/) });
  });
});
