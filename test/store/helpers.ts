import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { DataDirectory, type StoreFile, type StoreFileSystem, type StoredObject, nodeFileSystem } from '../../src/store/index.js';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh directory under the OS temp dir, removed after the test. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fairpack-store-'));
  made.push(dir);
  return dir;
}

/** Every file's name → SHA-256 of its bytes: equal before and after means nothing changed. */
export function hashFiles(dir: string): Record<string, string> {
  const hashes: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) hashes[name] = createHash('sha256').update(readFileSync(join(dir, name))).digest('hex');
  return hashes;
}

/** A fresh directory after `write` ran on it, closed again. */
export async function written(write: (store: DataDirectory) => Promise<unknown>): Promise<string> {
  const dir = tempDir();
  const store = await DataDirectory.open(dir);
  await write(store);
  await store.close();
  return dir;
}

/** Appends `list`, all at once (they share fsyncs). */
export async function appendAll(store: DataDirectory, list: readonly StoredObject[]): Promise<void> {
  await Promise.all(list.map((item) => store.append(item)));
}

export function files(dir: string, pattern: RegExp): string[] {
  return readdirSync(dir).filter((name) => pattern.test(name)).sort();
}

export const entry = (seq: number, extra: Record<string, unknown> = {}) => ({ seq, at: 1_000 + seq, kind: 'submit', ...extra });
export const entries = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => entry(from + i));

/** A file system that counts fdatasyncs and directory fsyncs, and can be told to fail. */
export function instrumentedFs(): {
  readonly fs: StoreFileSystem;
  readonly counts: { datasyncs: number; directorySyncs: number; writes: number };
  /** Make the next datasync / write reject with an EIO error. */
  failNext(call: 'datasync' | 'write'): void;
} {
  const counts = { datasyncs: 0, directorySyncs: 0, writes: 0 };
  const failing = new Set<string>();
  const eio = (call: string): Error => Object.assign(new Error(`EIO: i/o error, ${call}`), { code: 'EIO' });
  const wrap = (file: StoreFile): StoreFile => ({
    write: async (buffer, offset, length, position) => {
      counts.writes++;
      if (failing.delete('write')) throw eio('write');
      return file.write(buffer, offset, length, position);
    },
    datasync: async () => {
      counts.datasyncs++;
      if (failing.delete('datasync')) throw eio('fdatasync');
      return file.datasync();
    },
    truncate: (length) => file.truncate(length),
    close: () => file.close(),
  });
  const fs: StoreFileSystem = {
    ...nodeFileSystem,
    open: async (path, flags) => wrap(await nodeFileSystem.open(path, flags)),
    syncDirectory: async (path) => {
      counts.directorySyncs++;
      return nodeFileSystem.syncDirectory(path);
    },
  };
  return { fs, counts, failNext: (call) => failing.add(call) };
}
