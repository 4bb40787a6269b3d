import { dirname, join, resolve } from 'node:path';
import { FairpackError, describeValue } from '../errors.js';
import { ioFailure } from './errors.js';
import { type StoreFileSystem, nodeFileSystem } from './file-system.js';
import { type DirectoryLock, acquireLock, isProcessAlive } from './lock.js';
import type { LogStats, LogWriter } from './log-writer.js';
import { checkOptions } from './options.js';
import { RECORD_TYPE, encodeRecord } from './record.js';
import { recover } from './recovery.js';
import { repair } from './repair.js';
import { resumeLog } from './resume-log.js';
import { isSeq } from './segment.js';
import { SnapshotFiles, removeFile } from './snapshot-files.js';

/**
 * What the store keeps: a plain JSON object with an integer `seq` >= 0; the rest is opaque to it.
 * An interface such as the manager's snapshot type satisfies it as it is.
 */
export interface Sequenced {
  readonly seq: number;
}

/** What recovery hands back when the caller names no type: any JSON object with a seq. */
export interface StoredObject extends Sequenced {
  readonly [key: string]: unknown;
}

export interface DataDirectoryOptions {
  /**
   * The file operations. Tests pass a wrapper of `nodeFileSystem` that counts fsyncs or fails.
   * @default nodeFileSystem
   */
  readonly fs?: StoreFileSystem;
  /**
   * Whether a pid runs, for the stale-lock rule.
   * @default `process.kill(pid, 0)` succeeds or fails with anything but ESRCH
   */
  readonly isProcessAlive?: (pid: number) => boolean;
}

/** What `open` found: replay `entries` over `snapshot` to rebuild the state. */
export interface Recovered<S extends Sequenced, E extends Sequenced> {
  /** The newest valid snapshot, or undefined when there is none. */
  readonly snapshot: S | undefined;
  /** Exactly the entries with seq > snapshot.seq (all of them without a snapshot), in order, +1 each. */
  readonly entries: readonly E[];
  /** What open repaired or passed over (a cut torn tail, a removed `.tmp`, a stale lock): for the log. */
  readonly notes: readonly string[];
}

/** Where the store stands, for `GET /healthz`. */
export interface StorePosition {
  /** The highest durable seq (an entry's, or the snapshot's when it is newer); null when empty. */
  readonly seq: number | null;
  /** The seq of the newest durable snapshot; null when there is none. */
  readonly snapshotSeq: number | null;
  /** Bytes in the log segments. */
  readonly logBytes: number;
  /** Number of log segment files. */
  readonly segments: number;
}

/**
 * The embedded durable store of the Node side: a directory holding snapshots and a write-ahead
 * log of journal entries, used by one process at a time. Layout, record format and recovery
 * rules: docs/durability.md, "Data directory".
 *
 * ```ts
 * const store = await DataDirectory.open('./data');
 * const manager = store.recovered.snapshot === undefined ? new AllocationManager(options)
 *   : AllocationManager.restore(store.recovered.snapshot, { entries: store.recovered.entries, … });
 * await store.append(entry);            // resolves once durable: then answer the request
 * await store.writeSnapshot(manager.snapshot());   // now and then: compacts the log
 * await store.close();
 * ```
 */
export class DataDirectory<S extends Sequenced = StoredObject, E extends Sequenced = StoredObject> {
  /** The absolute path of the directory. */
  readonly directory: string;
  readonly recovered: Recovered<S, E>;
  readonly #fs: StoreFileSystem;
  readonly #log: LogWriter;
  readonly #snapshots: SnapshotFiles;
  /** The last snapshot written and compacted (settled, never rejecting): the next one waits for it. */
  #snapshotWork: Promise<void> = Promise.resolve();
  readonly #lock: DirectoryLock;
  /** The seq the next append must have; undefined while the store is empty (any seq starts it). */
  #nextSeq: number | undefined;
  /** The seq of the newest snapshot asked for (durable or not): the next one may not be older. */
  #requestedSnapshotSeq: number | undefined;
  #closing: Promise<void> | undefined;

  private constructor(parts: {
    readonly fs: StoreFileSystem;
    readonly directory: string;
    readonly recovered: Recovered<S, E>;
    readonly log: LogWriter;
    readonly snapshots: SnapshotFiles;
    readonly lock: DirectoryLock;
    readonly nextSeq: number | undefined;
  }) {
    this.#fs = parts.fs;
    this.directory = parts.directory;
    this.recovered = parts.recovered;
    this.#log = parts.log;
    this.#snapshots = parts.snapshots;
    this.#lock = parts.lock;
    this.#nextSeq = parts.nextSeq;
    this.#requestedSnapshotSeq = parts.snapshots.durableSeq;
  }

  /**
   * Opens `directory` (created when missing): takes the lock, reads the newest valid snapshot and
   * the log after it, cuts a torn last record. Rejects with STORE_LOCKED when another process
   * holds the directory, StoreCorruptionError (STORE_CORRUPT) when anything else is damaged — then
   * no file has been changed — and STORE_FAILED when the file system refuses.
   */
  static async open<S extends Sequenced = StoredObject, E extends Sequenced = StoredObject>(directory: string, options: DataDirectoryOptions = {}): Promise<DataDirectory<S, E>> {
    checkOptions(options);
    const fs = options.fs ?? nodeFileSystem;
    const path = resolve(directory);
    try {
      // the new directory's own name must survive a power cut too
      if (await fs.mkdir(path)) await fs.syncDirectory(dirname(path));
    } catch (error) {
      throw ioFailure('create the data directory', path, error, 'Check the path and the permissions of its parent.');
    }
    const lock = await acquireLock(fs, path, options.isProcessAlive ?? isProcessAlive);
    try {
      const recovery = await recover(fs, path);
      const repaired = await repair(fs, path, recovery);
      const snapshots = new SnapshotFiles(fs, path, recovery.snapshotFiles, recovery.snapshotSeq);
      const log = await resumeLog(fs, path, recovery.log, repaired.tornFile, () => snapshots.durableSeq);
      const notes = [...(lock.note === undefined ? [] : [lock.note]), ...recovery.notes, ...repaired.notes];
      const recovered: Recovered<S, E> = Object.freeze({
        snapshot: recovery.snapshot as S | undefined,
        entries: Object.freeze(recovery.log.entries as unknown as E[]),
        notes: Object.freeze(notes),
      });
      return new DataDirectory<S, E>({ fs, directory: path, recovered, log, snapshots, lock, nextSeq: recovery.log.nextSeq });
    } catch (error) {
      await lock.release().catch(() => undefined);
      throw error;
    }
  }

  /**
   * Appends one journal entry; resolves once it is durable (written and fdatasynced with every
   * entry before it). Appends made while a write is in flight share the next fdatasync (group
   * commit) and resolve in append order.
   *
   * Throws STORE_INVALID_INPUT at once — nothing written — when `entry` is not a JSON object or its
   * `seq` is not the previous seq + 1. Rejects with STORE_FAILED when the write or fdatasync fails
   * (this one, every other append of its batch, and every later one), STORE_CLOSED after `close`.
   */
  append(entry: E): Promise<void> {
    const seq = checkSeq(entry, 'entry', this.#nextSeq === undefined ? 'an integer >= 0' : `${this.#nextSeq} (the previous seq + 1)`);
    if (this.#nextSeq !== undefined && seq !== this.#nextSeq) {
      throw invalid(`Expected the entry's seq to be ${this.#nextSeq} (the previous seq + 1), got ${describeValue(seq)}. Append the journal's entries in order, each once.`, { expected: this.#nextSeq, seq });
    }
    const record = encodeRecord(RECORD_TYPE.entry, serialise(entry, 'entry'));
    if (this.#closing !== undefined) return Promise.reject(closed(this.directory));
    this.#nextSeq = seq + 1;
    return this.#log.append(seq, record);
  }

  /**
   * Writes a snapshot durably (a temporary file, fsynced, renamed into place, the directory
   * fsynced), then compacts: removes the log segments whose entries all have seq <= snapshot.seq
   * and the older snapshots. Appends go on meanwhile, into a new segment. Snapshots are written
   * one after another, in call order.
   *
   * `snapshot.seq` may be older than the last appended seq (the entries after it stay in the log)
   * but not older than a snapshot asked for before. It may also be ahead of the log (a snapshot
   * loaded from elsewhere): the next append must then have seq snapshot.seq + 1, and is written
   * only once the snapshot is durable.
   *
   * Rejects with STORE_FAILED when the snapshot cannot be written (the log and the previous
   * snapshot are untouched; a snapshot ahead of the log fails the store) or compaction fails.
   */
  writeSnapshot(snapshot: S): Promise<void> {
    const seq = checkSeq(snapshot, 'snapshot', `an integer >= ${this.#requestedSnapshotSeq ?? 0}`);
    if (this.#requestedSnapshotSeq !== undefined && seq < this.#requestedSnapshotSeq) {
      throw invalid(`Expected the snapshot's seq to be at least ${this.#requestedSnapshotSeq} (the newest snapshot written before), got ${describeValue(seq)}. Write snapshots in the order they were taken.`, { expected: this.#requestedSnapshotSeq, seq });
    }
    const record = encodeRecord(RECORD_TYPE.snapshot, serialise(snapshot, 'snapshot'));
    if (this.#closing !== undefined) return Promise.reject(closed(this.directory));
    if (this.#log.failure !== undefined) return Promise.reject(this.#log.failure);
    this.#requestedSnapshotSeq = seq;
    const aheadOfLog = this.#nextSeq === undefined || seq >= this.#nextSeq;
    const durable = this.#snapshotWork.then(() => this.#snapshots.write(seq, record));
    if (aheadOfLog) this.#nextSeq = seq + 1;
    // from here on appends go to a new segment, so that the current one can go once covered
    const rotated = this.#log.rotate(aheadOfLog ? durable : undefined);
    const done = durable.then(async () => {
      await rotated;
      await this.#compact(seq);
    });
    this.#snapshotWork = done.catch(() => undefined);
    return done;
  }

  /** Where the store stands (durable figures only). */
  position(): StorePosition {
    const snapshotSeq = this.#snapshots.durableSeq;
    const entrySeq = this.#log.durableSeq;
    const seq = entrySeq === undefined ? snapshotSeq : snapshotSeq === undefined ? entrySeq : Math.max(entrySeq, snapshotSeq);
    let logBytes = 0;
    for (const segment of this.#log.segments) logBytes += segment.bytes;
    return { seq: seq ?? null, snapshotSeq: snapshotSeq ?? null, logBytes, segments: this.#log.segments.length };
  }

  /** Appends, batches (group commits) and fsyncs of the log since open. */
  stats(): LogStats {
    return this.#log.stats();
  }

  /**
   * Waits for every append and snapshot already made, closes the files and releases the lock.
   * Later appends and snapshots reject with STORE_CLOSED. Calling it again returns the same promise.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.#snapshotWork;
      try {
        await this.#log.close();
      } finally {
        await this.#lock.release();
      }
    })();
    return this.#closing;
  }

  async #compact(seq: number): Promise<void> {
    const segments = this.#log.takeCompactable(seq);
    await this.#snapshots.removeOlderThan(seq);
    // no directory fsync: a removed file that comes back after a power cut is only an older
    // part of the same history, which recovery skips (its entries are <= the snapshot's seq)
    for (const segment of segments) await removeFile(this.#fs, join(this.directory, segment.name));
  }
}

/** The seq of a value that must be a JSON object with an integer seq; `wanted` words the seq wanted. */
function checkSeq(value: unknown, what: 'entry' | 'snapshot', wanted: string): number {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(`Expected the ${what} to be a plain JSON object with an integer \`seq\`, got ${describeValue(value)}.`, { what });
  }
  const seq = (value as { seq?: unknown }).seq;
  if (!isSeq(seq)) throw invalid(`Expected the ${what}'s seq to be ${wanted}, got ${describeValue(seq)}. Pass the journal's entries and snapshots unchanged.`, { what, seq });
  return seq;
}

function serialise(value: object, what: 'entry' | 'snapshot'): string {
  let json: unknown;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    throw invalid(`Expected the ${what} to be plain JSON, but JSON.stringify failed: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}. Remove BigInts and cycles.`, { what }, error);
  }
  if (typeof json !== 'string' || !json.startsWith('{')) throw invalid(`Expected the ${what} to serialise to a JSON object, got ${describeValue(json)}. Check its toJSON method.`, { what });
  return json;
}

function invalid(message: string, details: Record<string, unknown>, cause?: unknown): FairpackError {
  return new FairpackError('STORE_INVALID_INPUT', message, details, cause === undefined ? undefined : { cause });
}

function closed(directory: string): FairpackError {
  return new FairpackError('STORE_CLOSED', `The data directory ${directory} was closed. Expected appends and snapshots before close(); open the directory again to write more.`, { directory });
}
