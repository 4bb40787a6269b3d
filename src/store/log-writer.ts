import { join } from 'node:path';
import type { FairpackError } from '../errors.js';
import { ioFailure } from './errors.js';
import { segmentFileName, temporaryName } from './file-names.js';
import { type StoreFile, type StoreFileSystem, writeFully } from './file-system.js';
import { type SegmentInfo, encodeSegmentHeader } from './segment.js';

interface PendingAppend {
  readonly kind: 'append';
  readonly seq: number;
  readonly record: Buffer;
  readonly resolve: () => void;
  readonly reject: (error: FairpackError) => void;
}

/** Closes the active segment: the next append starts a new one (after `waitFor`, if given). */
interface Rotation {
  readonly kind: 'rotate';
  readonly waitFor: Promise<void> | undefined;
  /** Called once the segment is closed (or the log failed): compaction may then remove it. */
  readonly closed: () => void;
}

/** Counters since open, for the bench and for metrics. */
export interface LogStats {
  /** Appends made durable. */
  readonly appends: number;
  /** Writes that made them durable (group commits). */
  readonly batches: number;
  /** fdatasync/fsync calls on log files and on the directory for the log. */
  readonly fsyncs: number;
}

/**
 * The write-ahead log: group commit over segment files.
 *
 * Appends queue up in call order. One drain loop at a time takes every append queued so far
 * (up to the next rotation), writes them with one write and makes them durable with one
 * fdatasync; appends that arrive meanwhile wait for the next round and share its fdatasync. Each
 * append's promise resolves only after its bytes — and so every byte before them — are durable,
 * in queue order.
 *
 * A segment is created under a temporary name holding its header and its first batch, fsynced,
 * renamed into place and the directory fsynced: a segment file therefore always starts with a
 * complete header and at least one complete entry, and only later batches can tear.
 *
 * A failed write, fsync, create or rename rejects the batch, everything queued behind it, and
 * every later append: the bytes on disk are no longer known, so nothing more is acknowledged.
 */
export class LogWriter {
  readonly #fs: StoreFileSystem;
  readonly #directory: string;
  /** Every segment file, oldest first, the active one last. */
  readonly #segments: SegmentInfo[];
  #active: { readonly info: SegmentInfo; readonly file: StoreFile } | undefined;
  readonly #queue: (PendingAppend | Rotation)[] = [];
  #draining: Promise<void> | undefined;
  #failure: FairpackError | undefined;
  #durableSeq: number | undefined;
  readonly #snapshotSeq: () => number | undefined;
  #appends = 0;
  #batches = 0;
  #fsyncs = 0;

  /**
   * `segments` are the recovered ones; `active`, when given, is the newest of them opened for
   * writing (its tail already cut to `active.info.bytes`). `snapshotSeq` reads the newest durable
   * snapshot, recorded in the header of each new segment.
   */
  constructor(options: {
    readonly fs: StoreFileSystem;
    readonly directory: string;
    readonly segments: SegmentInfo[];
    readonly active: { readonly info: SegmentInfo; readonly file: StoreFile } | undefined;
    readonly durableSeq: number | undefined;
    readonly snapshotSeq: () => number | undefined;
  }) {
    this.#fs = options.fs;
    this.#directory = options.directory;
    this.#segments = options.segments;
    this.#active = options.active;
    this.#durableSeq = options.durableSeq;
    this.#snapshotSeq = options.snapshotSeq;
  }

  /** The error that stopped the log, if one did. */
  get failure(): FairpackError | undefined {
    return this.#failure;
  }

  /** The seq of the last durable entry. */
  get durableSeq(): number | undefined {
    return this.#durableSeq;
  }

  get segments(): readonly SegmentInfo[] {
    return this.#segments;
  }

  stats(): LogStats {
    return { appends: this.#appends, batches: this.#batches, fsyncs: this.#fsyncs };
  }

  /** Queues an encoded entry; the promise settles when it is durable or can never be. */
  append(seq: number, record: Buffer): Promise<void> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ kind: 'append', seq, record, resolve, reject });
      this.#kick();
    });
  }

  /**
   * Appends queued after this call go to a new segment, written only once `waitFor` resolves.
   * Resolves once the current segment is closed (never rejects).
   */
  rotate(waitFor?: Promise<void>): Promise<void> {
    if (this.#failure !== undefined) return Promise.resolve();
    return new Promise((closed) => {
      this.#queue.push({ kind: 'rotate', waitFor, closed });
      this.#kick();
    });
  }

  /** Removes from the books the closed segments whose entries all have seq <= `seq`. */
  takeCompactable(seq: number): SegmentInfo[] {
    const taken = this.#segments.filter((segment) => segment !== this.#active?.info && segment.lastSeq <= seq);
    for (const segment of taken) this.#segments.splice(this.#segments.indexOf(segment), 1);
    return taken;
  }

  /** Resolves once everything queued so far is durable or rejected. */
  async flush(): Promise<void> {
    while (this.#draining !== undefined) await this.#draining;
  }

  /** Flushes, then closes the active segment. */
  async close(): Promise<void> {
    await this.flush();
    const active = this.#active;
    this.#active = undefined;
    await active?.file.close();
  }

  #kick(): void {
    this.#draining ??= this.#drain();
  }

  async #drain(): Promise<void> {
    // one turn of the microtask queue: a burst of appends made in one synchronous stretch
    // (100 `append` calls in a loop) joins the first batch instead of trailing behind it
    await Promise.resolve();
    try {
      for (let head = this.#queue[0]; head !== undefined && this.#failure === undefined; head = this.#queue[0]) {
        if (head.kind === 'rotate') {
          this.#queue.shift();
          await this.#rotate(head);
          continue;
        }
        let count = 0;
        while (this.#queue[count]?.kind === 'append') count++;
        await this.#commit(this.#queue.splice(0, count) as PendingAppend[]);
      }
    } finally {
      // synchronously after the loop's last look at the queue: an append queued from now on
      // finds `#draining` unset and starts the next loop
      this.#draining = undefined;
    }
  }

  async #rotate(rotation: Rotation): Promise<void> {
    const active = this.#active;
    this.#active = undefined;
    try {
      await active?.file.close();
    } catch (error) {
      this.#fail(ioFailure('close the log segment', join(this.#directory, active?.info.name ?? ''), error, LATER), []);
      return;
    } finally {
      rotation.closed();
    }
    try {
      await rotation.waitFor;
    } catch (error) {
      // entries after a snapshot that jumped the seq forward rest on that snapshot alone
      this.#fail(error as FairpackError, []);
    }
  }

  async #commit(batch: readonly PendingAppend[]): Promise<void> {
    const first = batch[0] as PendingAppend;
    const last = batch[batch.length - 1] as PendingAppend;
    const bytes = batch.length === 1 ? first.record : Buffer.concat(batch.map((pending) => pending.record));
    const path = join(this.#directory, this.#active?.info.name ?? segmentFileName(first.seq));
    try {
      if (this.#active === undefined) {
        await this.#createSegment(first.seq, bytes);
      } else {
        await writeFully(this.#active.file, bytes, this.#active.info.bytes);
        await this.#active.file.datasync();
        this.#fsyncs++;
        this.#active.info.bytes += bytes.length;
      }
    } catch (error) {
      this.#fail(ioFailure('append to the log segment', path, error, LATER), batch);
      return;
    }
    (this.#active as { info: SegmentInfo }).info.lastSeq = last.seq;
    this.#durableSeq = last.seq;
    this.#appends += batch.length;
    this.#batches++;
    for (const pending of batch) pending.resolve();
  }

  /** Writes header + first batch under a temporary name, fsyncs, renames, fsyncs the directory. */
  async #createSegment(firstSeq: number, bytes: Buffer): Promise<void> {
    const name = segmentFileName(firstSeq);
    const path = join(this.#directory, name);
    const draft = temporaryName(path);
    const header = encodeSegmentHeader(firstSeq, this.#snapshotSeq() ?? null);
    const file = await this.#fs.open(draft, 'w+');
    try {
      await writeFully(file, Buffer.concat([header, bytes]), 0);
      await file.datasync();
      this.#fsyncs++;
      await this.#fs.rename(draft, path);
      await this.#fs.syncDirectory(this.#directory);
      this.#fsyncs++;
    } catch (error) {
      await file.close().catch(() => undefined);
      throw error;
    }
    const info: SegmentInfo = { name, firstSeq, lastSeq: firstSeq - 1, bytes: header.length + bytes.length };
    // a 0-byte file of the same name (a segment whose header was torn and cut) was just replaced
    const replaced = this.#segments.findIndex((segment) => segment.name === name);
    if (replaced >= 0) this.#segments.splice(replaced, 1);
    this.#segments.push(info);
    this.#active = { info, file };
  }

  #fail(error: FairpackError, batch: readonly PendingAppend[]): void {
    this.#failure ??= error;
    for (const pending of batch) pending.reject(this.#failure);
    for (const queued of this.#queue.splice(0)) {
      if (queued.kind === 'append') queued.reject(this.#failure);
      else queued.closed();
    }
  }
}

const LATER = 'The appends of this batch are not durable, and the store refuses every later append: stop the process; opening the directory again recovers every acknowledged entry.';
