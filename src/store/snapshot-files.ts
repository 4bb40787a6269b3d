import { join } from 'node:path';
import { ioFailure } from './errors.js';
import { snapshotFileName, temporaryName } from './file-names.js';
import { type StoreFile, type StoreFileSystem, errorCode, writeFully } from './file-system.js';
import type { SnapshotFile } from './read-snapshot.js';

/**
 * The snapshot files of a data directory: writes a new one atomically and removes the older ones
 * once it is durable — never before, so that a crash at any moment leaves at least one complete
 * snapshot (or none, if none was ever written) for the log to start from.
 */
export class SnapshotFiles {
  readonly #fs: StoreFileSystem;
  readonly #directory: string;
  readonly #files: SnapshotFile[];
  #durableSeq: number | undefined;

  constructor(fs: StoreFileSystem, directory: string, files: readonly SnapshotFile[], durableSeq: number | undefined) {
    this.#fs = fs;
    this.#directory = directory;
    this.#files = [...files];
    this.#durableSeq = durableSeq;
  }

  /** The seq of the newest durable snapshot. */
  get durableSeq(): number | undefined {
    return this.#durableSeq;
  }

  /** Temporary file, fdatasync, rename into place, fsync of the directory: then it is durable. */
  async write(seq: number, record: Buffer): Promise<void> {
    const name = snapshotFileName(seq);
    const path = join(this.#directory, name);
    const draft = temporaryName(path);
    let file: StoreFile | undefined;
    try {
      file = await this.#fs.open(draft, 'w+');
      await writeFully(file, record, 0);
      await file.datasync();
      const written = file;
      file = undefined;
      await written.close();
      await this.#fs.rename(draft, path);
      await this.#fs.syncDirectory(this.#directory);
    } catch (error) {
      await file?.close().catch(() => undefined);
      await this.#fs.unlink(draft).catch(() => undefined);
      throw ioFailure('write the snapshot', path, error, 'The log and the previous snapshot are unchanged; the next snapshot tries again.');
    }
    if (!this.#files.some((known) => known.name === name)) this.#files.push({ name, seq });
    this.#durableSeq = Math.max(seq, this.#durableSeq ?? seq);
  }

  /** Removes the snapshot files older than `seq` (including any damaged one passed over at open). */
  async removeOlderThan(seq: number): Promise<void> {
    for (const file of this.#files.filter((known) => known.seq < seq)) {
      await removeFile(this.#fs, join(this.#directory, file.name));
      this.#files.splice(this.#files.indexOf(file), 1);
    }
  }
}

/** unlink, where a file already gone is fine; other failures are STORE_FAILED. */
export async function removeFile(fs: StoreFileSystem, path: string): Promise<void> {
  try {
    await fs.unlink(path);
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw ioFailure('remove', path, error, 'Nothing is lost: the file is older than the newest snapshot; the next snapshot tries again.');
  }
}
