import { join } from 'node:path';
import { ioFailure } from './errors.js';
import { isInterruptedWrite } from './file-names.js';
import type { StoreFileSystem } from './file-system.js';
import { type LogState, readLog } from './read-log.js';
import { type SnapshotFile, readNewestSnapshot } from './read-snapshot.js';

/** What a data directory holds, read and checked; nothing has been written yet. */
export interface Recovery {
  readonly snapshot: Record<string, unknown> | undefined;
  readonly snapshotSeq: number | undefined;
  readonly snapshotFiles: readonly SnapshotFile[];
  readonly log: LogState;
  /** Leftovers of interrupted writes (`*.tmp`): never durable, removed by the repair. */
  readonly interrupted: readonly string[];
  readonly notes: readonly string[];
}

/**
 * Reads the directory without changing it. Throws StoreCorruptionError when something other than
 * a torn tail is wrong, and STORE_FAILED when a file cannot be read.
 */
export async function recover(fs: StoreFileSystem, directory: string): Promise<Recovery> {
  const read = async (name: string): Promise<Buffer> => {
    try {
      return await fs.readFile(join(directory, name));
    } catch (error) {
      throw ioFailure('read', join(directory, name), error, 'Nothing was changed; check the file and its permissions, then start again.');
    }
  };
  let names: string[];
  try {
    names = await fs.readdir(directory);
  } catch (error) {
    throw ioFailure('list the data directory', directory, error, 'Check the path and its permissions.');
  }
  const snapshots = await readNewestSnapshot(directory, names, read);
  const snapshotSeq = snapshots.chosen?.file.seq;
  const log = await readLog(directory, names, snapshotSeq, read);
  return {
    snapshot: snapshots.chosen?.value,
    snapshotSeq,
    snapshotFiles: snapshots.files,
    log,
    interrupted: names.filter(isInterruptedWrite),
    notes: snapshots.notes,
  };
}
