import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isFairpackError } from 'fairpack';
import { describe, expect, it } from 'vitest';
import { DataDirectory, type StoredObject } from '../../src/store/index.js';
import { refused } from '../support.js';
import { appendAll, entries, entry, files, hashFiles, instrumentedFs, tempDir, written } from './helpers.js';

async function reopen(dir: string): Promise<{ snapshot: StoredObject | undefined; entries: readonly StoredObject[] }> {
  const store = await DataDirectory.open(dir);
  const { snapshot, entries: recovered } = store.recovered;
  await store.close();
  return { snapshot, entries: recovered };
}

/** Reopening gives back `expected`; an append continues it, and a reopen sees that too. */
async function expectContinues(dir: string, expected: readonly StoredObject[]): Promise<void> {
  const store = await DataDirectory.open(dir);
  expect(store.recovered.entries).toEqual(expected);
  const next = entry((expected[expected.length - 1]?.seq ?? 0) + 1);
  await store.append(next);
  await store.close();
  expect((await reopen(dir)).entries).toEqual([...expected, next]);
}

/** A store over a counting, failing file system, holding entries 1..count. */
async function instrumentedStore(count: number) {
  const { fs, failNext, counts } = instrumentedFs();
  const dir = tempDir();
  const store = await DataDirectory.open(dir, { fs });
  await appendAll(store, entries(1, count));
  return { dir, store, failNext, counts };
}

describe('DataDirectory: round trip', () => {
  it('opens an empty (or missing) directory, and gives back what was appended', async () => {
    const dir = `${tempDir()}/nested/data`;
    const store = await DataDirectory.open(dir);
    expect(store.recovered).toEqual({ snapshot: undefined, entries: [], notes: [] });
    expect(store.position()).toEqual({ seq: null, snapshotSeq: null, logBytes: 0, segments: 0 });
    await store.append(entry(1));
    await store.append(entry(2, { nested: { list: [1, 'two', null], text: 'é ✓' } }));
    expect(store.position()).toEqual({ seq: 2, snapshotSeq: null, logBytes: statSync(join(dir, 'wal-0000000000000001.log')).size, segments: 1 });
    await store.close();
    expect(await reopen(dir)).toEqual({ snapshot: undefined, entries: [entry(1), entry(2, { nested: { list: [1, 'two', null], text: 'é ✓' } })] });
    expect(readdirSync(dir)).toEqual(['wal-0000000000000001.log']); // the lock is gone after close
  });

  it('keeps 5,000 entries appended 50 at a time, and continues after a reopen', async () => {
    const dir = await written(async (store) => {
      for (let from = 1; from <= 5_000; from += 50) await appendAll(store, entries(from, from + 49));
    });
    await expectContinues(dir, entries(1, 5_000));
  });

  it('starts the log at whatever seq the first entry has, then requires +1', async () => {
    const dir = tempDir();
    const store = await DataDirectory.open(dir);
    await store.append(entry(41));
    expect(refused(() => store.append(entry(41))).code).toBe('STORE_INVALID_INPUT');
    await store.append(entry(42));
    await store.close();
    expect((await reopen(dir)).entries.map((e) => e.seq)).toEqual([41, 42]);
  });
});

describe('DataDirectory: snapshots and compaction', () => {
  it('after each step a reopen recovers the newest snapshot and exactly the entries after it', async () => {
    const dir = tempDir();
    const all: StoredObject[] = [];
    let snapshot: StoredObject | undefined;
    const steps: ((store: DataDirectory) => Promise<void>)[] = [
      (store) => appendAll(store, push(entries(1, 10))),
      (store) => store.writeSnapshot((snapshot = { seq: 10, state: 'ten' })),
      (store) => appendAll(store, push(entries(11, 25))),
      (store) => store.writeSnapshot((snapshot = { seq: 18, state: 'eighteen' })), // older than the log's head
      (store) => appendAll(store, push(entries(26, 30))),
      (store) => store.writeSnapshot((snapshot = { seq: 30, state: 'thirty' })),
      (store) => appendAll(store, push(entries(31, 31))),
    ];
    function push(list: StoredObject[]): StoredObject[] {
      all.push(...list);
      return list;
    }
    for (const step of steps) {
      const store = await DataDirectory.open(dir);
      await step(store);
      await store.close();
      const expected = all.filter((e) => snapshot === undefined || e.seq > snapshot.seq);
      expect(await reopen(dir)).toEqual({ snapshot, entries: expected });
    }
  });

  it('removes exactly the segments and snapshots the newest snapshot covers', async () => {
    const dir = tempDir();
    const store = await DataDirectory.open(dir);
    await appendAll(store, entries(1, 20));
    await store.writeSnapshot({ seq: 12 });
    // wal-1 holds 13..20 too: it stays
    expect(files(dir, /\.(log|snap)$/)).toEqual(['snapshot-0000000000000012.snap', 'wal-0000000000000001.log']);
    await appendAll(store, entries(21, 30));
    expect(files(dir, /\.log$/)).toEqual(['wal-0000000000000001.log', 'wal-0000000000000021.log']);
    await store.writeSnapshot({ seq: 20 });
    // wal-1 (…20) is covered; snapshot 12 is older: both go; wal-21 (21..30) stays
    expect(files(dir, /\.(log|snap)$/)).toEqual(['snapshot-0000000000000020.snap', 'wal-0000000000000021.log']);
    await store.writeSnapshot({ seq: 30 });
    expect(files(dir, /\.(log|snap)$/)).toEqual(['snapshot-0000000000000030.snap']);
    expect(store.position()).toEqual({ seq: 30, snapshotSeq: 30, logBytes: 0, segments: 0 });
    await store.append(entry(31));
    expect(files(dir, /\.log$/)).toEqual(['wal-0000000000000031.log']);
    await store.close();
    expect(await reopen(dir)).toEqual({ snapshot: { seq: 30 }, entries: [entry(31)] });
  });

  it('keeps appending, in order, while a snapshot is written', async () => {
    const dir = tempDir();
    const store = await DataDirectory.open(dir);
    await appendAll(store, entries(1, 100));
    const order: number[] = [];
    const appended = entries(101, 300).map((e) => store.append(e).then(() => order.push(e.seq)));
    const snapshot = store.writeSnapshot({ seq: 100, state: 'at 100' });
    const more = entries(301, 400).map((e) => store.append(e).then(() => order.push(e.seq)));
    await Promise.all([...appended, snapshot, ...more]);
    expect(order).toEqual(entries(101, 400).map((e) => e.seq));
    await store.close();
    expect(await reopen(dir)).toEqual({ snapshot: { seq: 100, state: 'at 100' }, entries: entries(101, 400) });
  });

  it('keeps the previous snapshot and the log when writing the new snapshot fails', async () => {
    const dir = tempDir();
    const { fs, failNext } = instrumentedFs();
    const store = await DataDirectory.open(dir, { fs });
    await appendAll(store, entries(1, 10));
    await store.writeSnapshot({ seq: 5 });
    await appendAll(store, entries(11, 12));
    failNext('datasync'); // the new snapshot's temporary file
    const error = await store.writeSnapshot({ seq: 12 }).catch((e: unknown) => e);
    expect(isFairpackError(error) && error.code).toBe('STORE_FAILED');
    expect((error as Error).message).toMatch(/snapshot-0000000000000012\.snap.*The log and the previous snapshot are unchanged/);
    expect(files(dir, /\.(snap|tmp)$/)).toEqual(['snapshot-0000000000000005.snap']);
    await store.append(entry(13)); // the log still works
    expect(store.position()).toMatchObject({ seq: 13, snapshotSeq: 5 });
    await store.close();
    expect(await reopen(dir)).toEqual({ snapshot: { seq: 5 }, entries: entries(6, 13) });
  });

  it('accepts a snapshot ahead of the log: the next entry follows it', async () => {
    const dir = tempDir();
    const store = await DataDirectory.open(dir);
    await appendAll(store, entries(1, 3));
    const written = store.writeSnapshot({ seq: 500, imported: true });
    expect(refused(() => store.append(entry(4))).message).toContain('Expected the entry\'s seq to be 501');
    const next = store.append(entry(501)); // written only once the snapshot is durable
    await Promise.all([written, next]);
    expect(files(dir, /\.(log|snap)$/)).toEqual(['snapshot-0000000000000500.snap', 'wal-0000000000000501.log']);
    await store.close();
    expect(await reopen(dir)).toEqual({ snapshot: { seq: 500, imported: true }, entries: [entry(501)] });
  });

  it('a snapshot ahead of the log that fails fails the store: the entries after it cannot stand alone', async () => {
    const dir = tempDir();
    const { fs, failNext } = instrumentedFs();
    const store = await DataDirectory.open(dir, { fs });
    failNext('datasync');
    const written = store.writeSnapshot({ seq: 500 });
    const next = store.append(entry(501));
    await expect(written).rejects.toMatchObject({ code: 'STORE_FAILED' });
    await expect(next).rejects.toMatchObject({ code: 'STORE_FAILED', message: expect.stringContaining('snapshot-0000000000000500.snap') });
    await expect(store.append(entry(502))).rejects.toMatchObject({ code: 'STORE_FAILED' });
    await store.close();
    expect(files(dir, /./)).toEqual([]);
    expect(await reopen(dir)).toEqual({ snapshot: undefined, entries: [] });
  });

  it('refuses a snapshot older than the last one, and one that is not a JSON object with a seq', async () => {
    const store = await DataDirectory.open(tempDir());
    await appendAll(store, entries(1, 5));
    await store.writeSnapshot({ seq: 4 });
    const older = refused(() => store.writeSnapshot({ seq: 3 }));
    expect(older.code).toBe('STORE_INVALID_INPUT');
    expect(older.message).toBe('Expected the snapshot\'s seq to be at least 4 (the newest snapshot written before), got 3 (number). Write snapshots in the order they were taken.');
    expect(refused(() => store.writeSnapshot([] as unknown as StoredObject)).code).toBe('STORE_INVALID_INPUT');
    expect(refused(() => store.writeSnapshot({ seq: 5, big: 1n } as unknown as StoredObject)).message).toContain('JSON.stringify failed');
    await store.close();
  });
});

describe('DataDirectory: appends', () => {
  it('throws STORE_INVALID_INPUT at once for a wrong seq or a non-JSON entry, and writes nothing', async () => {
    const dir = tempDir();
    const store = await DataDirectory.open(dir);
    await appendAll(store, entries(1, 3));
    const { LOCK: _lock, ...before } = hashFiles(dir);
    const gap = refused(() => store.append(entry(5)));
    expect(gap.code).toBe('STORE_INVALID_INPUT');
    expect(gap.message).toBe("Expected the entry's seq to be 4 (the previous seq + 1), got 5 (number). Append the journal's entries in order, each once.");
    expect(gap.details).toEqual({ expected: 4, seq: 5 });
    expect(refused(() => store.append(entry(3))).details).toEqual({ expected: 4, seq: 3 });
    expect(refused(() => store.append({ seq: 4.5 })).message).toContain("Expected the entry's seq to be 4 (the previous seq + 1), got 4.5 (number)");
    expect(refused(() => store.append({ seq: '4' } as unknown as StoredObject)).code).toBe('STORE_INVALID_INPUT');
    expect(refused(() => store.append(null as unknown as StoredObject)).message).toContain('Expected the entry to be a plain JSON object');
    const cyclic: Record<string, unknown> = { seq: 4 };
    cyclic['self'] = cyclic;
    expect(refused(() => store.append(cyclic as StoredObject)).message).toMatch(/JSON.stringify failed: .*Remove BigInts and cycles/);
    expect(refused(() => store.append({ seq: 4, toJSON: () => 7 } as unknown as StoredObject)).message).toContain('to serialise to a JSON object');
    await store.close();
    expect(hashFiles(dir)).toEqual(before);
    const again = await DataDirectory.open(dir);
    expect(again.recovered.entries).toEqual(entries(1, 3));
    await again.append(entry(4)); // the refused calls did not move the expected seq
    await again.close();
  });

  it('group commit: 100 concurrent appends share a few fsyncs and resolve in append order', async () => {
    const { fs, counts } = instrumentedFs();
    const dir = tempDir();
    const store = await DataDirectory.open(dir, { fs });
    await store.append(entry(1)); // creates the segment: its own 2 fsyncs
    const syncsBefore = counts.datasyncs + counts.directorySyncs;
    const resolved: number[] = [];
    await Promise.all(entries(2, 101).map((e) => store.append(e).then(() => resolved.push(e.seq))));
    expect(resolved).toEqual(entries(2, 101).map((e) => e.seq));
    const syncs = counts.datasyncs + counts.directorySyncs - syncsBefore;
    expect(syncs).toBeGreaterThanOrEqual(1);
    expect(syncs).toBeLessThanOrEqual(3);
    // appends arriving while an fsync is in flight wait for the next one and share it
    const waves: Promise<unknown>[] = [];
    const syncsBeforeWaves = counts.datasyncs;
    for (let wave = 0; wave < 10; wave++) {
      for (let i = 0; i < 10; i++) waves.push(store.append(entry(102 + wave * 10 + i)).then(() => resolved.push(102 + wave * 10 + i)));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(waves);
    expect(resolved).toEqual(entries(2, 201).map((e) => e.seq));
    expect(counts.datasyncs - syncsBeforeWaves).toBeLessThan(100);
    expect(store.stats()).toMatchObject({ appends: 201 });
    expect(store.stats().batches).toBeLessThan(100);
    await store.close();
    expect((await reopen(dir)).entries).toEqual(entries(1, 201));
  });

  it('a failed fsync rejects the whole batch and every later append, and loses nothing acknowledged', async () => {
    const { dir, store, failNext } = await instrumentedStore(10);
    failNext('datasync');
    const batch = await Promise.allSettled(entries(11, 20).map((e) => store.append(e)));
    expect(batch.every((outcome) => outcome.status === 'rejected' && isFairpackError(outcome.reason) && outcome.reason.code === 'STORE_FAILED')).toBe(true);
    const reason = (batch[0] as PromiseRejectedResult).reason as Error;
    expect(reason.message).toMatch(/^Could not append to the log segment .*wal-0000000000000001\.log: EIO: i\/o error, fdatasync\. .*refuses every later append/);
    expect(reason.cause).toMatchObject({ code: 'EIO' });
    await expect(store.append(entry(21))).rejects.toBe(reason);
    await expect(store.writeSnapshot({ seq: 10 })).rejects.toBe(reason);
    expect(store.position().seq).toBe(10);
    await store.close();
    // the failed batch reached the file (only its fsync failed): it may come back, never less than 1..10
    const recovered = (await reopen(dir)).entries;
    expect(recovered.slice(0, 10)).toEqual(entries(1, 10));
    expect(recovered).toEqual(entries(1, recovered.length));
  });

  it('a failed write rejects its batch; the next open cuts what it left and continues', async () => {
    const { dir, store, failNext } = await instrumentedStore(5);
    failNext('write');
    await expect(store.append(entry(6))).rejects.toMatchObject({ code: 'STORE_FAILED' });
    await store.close();
    await expectContinues(dir, entries(1, 5));
  });

  it('close waits for pending appends; later calls reject with STORE_CLOSED', async () => {
    const dir = tempDir();
    const store = await DataDirectory.open(dir);
    const pending = entries(1, 50).map((e) => store.append(e));
    const closing = store.close();
    expect(store.close()).toBe(closing);
    await closing;
    await Promise.all(pending);
    await expect(store.append(entry(51))).rejects.toMatchObject({ code: 'STORE_CLOSED' });
    await expect(store.writeSnapshot({ seq: 50 })).rejects.toMatchObject({ code: 'STORE_CLOSED' });
    expect((await reopen(dir)).entries).toEqual(entries(1, 50));
  });
});

describe('DataDirectory.open options', () => {
  it('names an unknown option and the closest one', async () => {
    const dir = tempDir();
    const error = await DataDirectory.open(dir, { isProcesAlive: () => true } as never).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INVALID_OPTION' });
    expect((error as Error).message).toContain('Did you mean `isProcessAlive`?');
    await expect(DataDirectory.open(dir, { fs: {} as never })).rejects.toThrow(/Expected `fs` to implement StoreFileSystem, but it lacks mkdir/);
  });
});
