import { appendFileSync, copyFileSync, cpSync, readFileSync, renameSync, statSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeRecord } from '../../src/store/record.js';
import { encodeSegmentHeader } from '../../src/store/segment.js';
import { DataDirectory, StoreCorruptionError } from '../../src/store/index.js';
import { appendAll, entries, entry, files, hashFiles, tempDir, written } from './helpers.js';

const WAL1 = 'wal-0000000000000001.log';

/** A directory holding entries 1..count in one segment, and the byte offset where each record starts. */
async function logOf(count: number): Promise<{ dir: string; starts: number[] }> {
  const dir = tempDir();
  // the segment header, then one record per append: each record starts where the previous ended
  const starts = [encodeSegmentHeader(1, null).length];
  const store = await DataDirectory.open(dir);
  for (let seq = 1; seq <= count; seq++) {
    await store.append(entry(seq, { pad: 'p'.repeat(seq) }));
    starts.push(store.position().logBytes);
  }
  await store.close();
  return { dir, starts: starts.slice(0, count) };
}

/** Opening must fail with STORE_CORRUPT and change no byte of the directory. */
async function expectCorrupt(dir: string, file: string, offset: number, problem: RegExp): Promise<StoreCorruptionError> {
  const before = hashFiles(dir);
  const error = await DataDirectory.open(dir).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(StoreCorruptionError);
  const corruption = error as StoreCorruptionError;
  expect(corruption.code).toBe('STORE_CORRUPT');
  expect({ file: corruption.file, offset: corruption.offset }).toEqual({ file, offset });
  expect(corruption.problem).toMatch(problem);
  expect(corruption.message).toContain(`The data directory ${dir} is corrupt: ${file} at byte ${offset}: `);
  expect(corruption.message).toContain('Nothing was changed.');
  expect(corruption.message).toContain('Restore the directory from a backup');
  expect(hashFiles(dir)).toEqual(before);
  return corruption;
}

function flipByte(path: string, offset: number): void {
  const bytes = readFileSync(path);
  bytes[offset] = (bytes[offset] as number) ^ 0x5a;
  writeFileSync(path, bytes);
}

describe('recovery: a torn last record is the end of the log', () => {
  it('cut at every byte inside the last record: the earlier entries come back, and appends follow them', async () => {
    const { dir, starts } = await logOf(6);
    const path = join(dir, WAL1);
    const lastStart = starts[5] as number;
    const full = statSync(path).size;
    const pristine = readFileSync(path);
    for (let cut = lastStart + 1; cut < full; cut++) {
      const copy = tempDir();
      writeFileSync(join(copy, WAL1), pristine.subarray(0, cut));
      const store = await DataDirectory.open(copy);
      expect(store.recovered.entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
      expect(store.recovered.notes).toEqual([expect.stringMatching(new RegExp(`^cut a torn tail of ${cut - lastStart} bytes at byte ${lastStart} of ${WAL1}: `))]);
      expect(statSync(join(copy, WAL1)).size).toBe(lastStart);
      await store.append(entry(6, { after: 'repair' }));
      await store.close();
      const again = await DataDirectory.open(copy);
      expect(again.recovered.entries.slice(4)).toEqual([entry(5, { pad: 'ppppp' }), entry(6, { after: 'repair' })]);
      expect(again.recovered.notes).toEqual([]);
      await again.close();
    }
    expect(full - lastStart - 1).toBeGreaterThan(40); // the loop above covered that many cut points
  });

  it('a CRC mismatch in the very last record, or zeros to the end of the file, are torn too', async () => {
    const { dir, starts } = await logOf(4);
    const path = join(dir, WAL1);
    flipByte(path, statSync(path).size - 2);
    let store = await DataDirectory.open(dir);
    expect(store.recovered.entries.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(store.recovered.notes[0]).toMatch(/: CRC mismatch \(stored 0x[0-9a-f]+, computed 0x[0-9a-f]+\) in the last record$/);
    await store.close();
    appendFileSync(path, Buffer.alloc(4096)); // a file system's zero-filled tail after a power cut
    store = await DataDirectory.open(dir);
    expect(store.recovered.entries.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(store.recovered.notes[0]).toMatch(/zero bytes to the end of the file/);
    expect(statSync(path).size).toBe(starts[3]);
    await store.close();
  });

  it('removes the leftovers of interrupted writes (*.tmp) once the directory is found sound', async () => {
    const { dir } = await logOf(2);
    writeFileSync(join(dir, 'snapshot-0000000000000002.snap.tmp'), 'half a snapshot');
    writeFileSync(join(dir, 'wal-0000000000000003.log.tmp'), 'half a segment');
    writeFileSync(join(dir, 'notes.txt'), 'not ours');
    const store = await DataDirectory.open(dir);
    expect(store.recovered.notes).toEqual([
      'removed snapshot-0000000000000002.snap.tmp, left by an interrupted write',
      'removed wal-0000000000000003.log.tmp, left by an interrupted write',
    ]);
    await store.close();
    expect(files(dir, /./)).toEqual(['notes.txt', WAL1]);
  });
});

describe('recovery: anything else is corruption, and nothing is changed', () => {
  it('a flipped byte in a record before the last one', async () => {
    const { dir, starts } = await logOf(6);
    flipByte(join(dir, WAL1), (starts[2] as number) + 12); // inside the payload of entry 3
    await expectCorrupt(dir, WAL1, starts[2] as number, /^CRC mismatch \(stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}\) in a record that is followed by \d+ more bytes$/);
  });

  it('a flipped byte in the length of an earlier record', async () => {
    const { dir, starts } = await logOf(6);
    flipByte(join(dir, WAL1), starts[1] as number);
    await expectCorrupt(dir, WAL1, starts[1] as number, /CRC mismatch|past the end|above the largest/);
  });

  it('a flipped byte in the only snapshot', async () => {
    const dir = await written(async (store) => {
      await appendAll(store, entries(1, 5));
      await store.writeSnapshot({ seq: 5, state: 'five' });
      await store.append(entry(6));
    });
    const snapshot = 'snapshot-0000000000000005.snap';
    flipByte(join(dir, snapshot), 20);
    await expectCorrupt(dir, snapshot, 0, /^CRC mismatch .* in the last record; a snapshot file is renamed into place only once complete$/);
  });

  it('a removed middle segment', async () => {
    const dir = await written(async (store) => {
      await appendAll(store, entries(1, 10));
      await store.writeSnapshot({ seq: 5 }); // wal-1 holds 6..10: kept
      await appendAll(store, entries(11, 20));
      await store.writeSnapshot({ seq: 8 });
      await appendAll(store, entries(21, 30));
    });
    expect(files(dir, /\.log$/)).toEqual([WAL1, 'wal-0000000000000011.log', 'wal-0000000000000021.log']);
    unlinkSync(join(dir, 'wal-0000000000000011.log'));
    await expectCorrupt(dir, 'wal-0000000000000021.log', 0, /^the log jumps from seq 10 to this segment's first seq 21: entries 11 to 20 are missing/);
  });

  it('a removed snapshot whose log was compacted', async () => {
    const dir = await written(async (store) => {
      await appendAll(store, entries(1, 10));
      await store.writeSnapshot({ seq: 10 });
      await store.append(entry(11));
    });
    unlinkSync(join(dir, 'snapshot-0000000000000010.snap'));
    await expectCorrupt(dir, 'wal-0000000000000011.log', 0, /continues from a snapshot at seq 10 or later, but no snapshot file was found/);
  });

  it('a torn record at the end of a segment that is not the newest', async () => {
    const dir = await written(async (store) => {
      await appendAll(store, entries(1, 10));
      await store.writeSnapshot({ seq: 4 });
      await store.append(entry(11));
    });
    const size = statSync(join(dir, WAL1)).size;
    truncateSync(join(dir, WAL1), size - 3);
    await expectCorrupt(dir, WAL1, size - (9 + JSON.stringify(entry(10)).length), /^a record whose length \(\d+ bytes\) runs 3 bytes past the end of the file; only the newest log segment may end in a torn record$/);
  });

  it('a renamed segment, an entry out of sequence, a record of an unknown type', async () => {
    const { dir } = await logOf(3);
    renameSync(join(dir, WAL1), join(dir, 'wal-0000000000000002.log'));
    await expectCorrupt(dir, 'wal-0000000000000002.log', 0, /firstSeq is 1 while the file name says 2/);

    const skipped = tempDir();
    const header = encodeSegmentHeader(1, null);
    const one = encodeRecord(1, JSON.stringify(entry(1)));
    const three = encodeRecord(1, JSON.stringify(entry(3)));
    writeFileSync(join(skipped, WAL1), Buffer.concat([header, one, three, one]));
    await expectCorrupt(skipped, WAL1, header.length + one.length, /an entry with seq 3 where seq 2 was expected/);

    const unknown = tempDir();
    writeFileSync(join(unknown, WAL1), Buffer.concat([header, one, encodeRecord(9 as 1, '{"seq":2}')]));
    await expectCorrupt(unknown, WAL1, header.length + one.length, /unknown record type 9/);
  });

  it('falls back to an older snapshot when the newest is damaged and the log behind it is whole', async () => {
    const saved = tempDir();
    const dir = await written(async (store) => {
      await appendAll(store, entries(1, 20));
      await store.writeSnapshot({ seq: 10, state: 'ten' });
      await appendAll(store, entries(21, 30));
      cpSync(store.directory, saved, { recursive: true });
      await store.writeSnapshot({ seq: 25, state: 'twenty-five' }); // removes snapshot 10 and wal-1
    });
    // as if the process had died between the new snapshot's rename and the compaction
    copyFileSync(join(saved, 'snapshot-0000000000000010.snap'), join(dir, 'snapshot-0000000000000010.snap'));
    copyFileSync(join(saved, WAL1), join(dir, WAL1));
    flipByte(join(dir, 'snapshot-0000000000000025.snap'), 15);
    const reopened = await DataDirectory.open(dir);
    expect(reopened.recovered.snapshot).toEqual({ seq: 10, state: 'ten' });
    expect(reopened.recovered.entries).toEqual(entries(11, 30));
    expect(reopened.recovered.notes).toEqual([expect.stringMatching(/^passed over snapshot-0000000000000025\.snap, damaged at byte 0: CRC mismatch .* in the last record; a snapshot file is renamed into place only once complete$/)]);
    await reopened.close();
    // without the older segment the fallback cannot be complete: corruption
    unlinkSync(join(dir, WAL1));
    await expectCorrupt(dir, 'wal-0000000000000021.log', 0, /the log jumps from seq 10 to this segment's first seq 21/);
  });
});
