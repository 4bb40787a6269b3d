import { expectTypeOf, test } from 'vitest';
import { DataDirectory, type Sequenced, type StoredObject } from '../../src/store/index.js';

interface ManagerSnapshot {
  readonly format: 'fairpack.snapshot';
  readonly version: 1;
  readonly seq: number;
  readonly takenAt: number;
}
interface JournalEntry {
  readonly seq: number;
  readonly at: number;
  readonly op: 'submit' | 'release';
}

test('the caller names the snapshot and entry types; interfaces fit as they are', async () => {
  const store = await DataDirectory.open<ManagerSnapshot, JournalEntry>('./data');
  expectTypeOf(store.recovered.snapshot).toEqualTypeOf<ManagerSnapshot | undefined>();
  expectTypeOf(store.recovered.entries).toEqualTypeOf<readonly JournalEntry[]>();
  expectTypeOf(store.append).parameter(0).toEqualTypeOf<JournalEntry>();
  expectTypeOf(store.writeSnapshot).parameter(0).toEqualTypeOf<ManagerSnapshot>();
  // @ts-expect-error an entry of another shape
  void store.append({ seq: 1 });
  // @ts-expect-error a type without a seq is no store record
  void DataDirectory.open<{ at: number }>('./data');
});

test('without type arguments: JSON objects with a seq', async () => {
  const store = await DataDirectory.open('./data');
  expectTypeOf(store.recovered.entries).toEqualTypeOf<readonly StoredObject[]>();
  expectTypeOf<StoredObject>().toMatchTypeOf<Sequenced>();
  expectTypeOf(store.position()).toEqualTypeOf<{ readonly seq: number | null; readonly snapshotSeq: number | null; readonly logBytes: number; readonly segments: number }>();
});
