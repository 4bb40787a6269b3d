import { join } from 'node:path';
import { ioFailure } from './errors.js';
import type { StoreFile, StoreFileSystem } from './file-system.js';
import type { Recovery } from './recovery.js';

/**
 * The only changes `open` makes, once the whole directory has been read and found sound:
 * - the newest segment's torn tail is cut off (truncate + fdatasync): those bytes were never
 *   acknowledged, and later appends must follow the last complete record;
 * - leftovers of interrupted writes (`*.tmp`) are removed: a file is renamed to its real name
 *   only once durable, so a `.tmp` file was never part of the store.
 * Returns what it did, for `recovered.notes`, and the truncated segment's open file, which the
 * log writer may keep appending to.
 */
export async function repair(fs: StoreFileSystem, directory: string, recovery: Recovery): Promise<{ readonly notes: string[]; readonly tornFile: StoreFile | undefined }> {
  const notes: string[] = [];
  let tornFile: StoreFile | undefined;
  const torn = recovery.log.torn;
  if (torn !== undefined) {
    const path = join(directory, torn.segment.name);
    try {
      tornFile = await fs.open(path, 'r+');
      await tornFile.truncate(torn.segment.bytes);
      await tornFile.datasync();
    } catch (error) {
      await tornFile?.close().catch(() => undefined);
      throw ioFailure('cut the torn tail of', path, error, 'The file may still end in the torn record; opening again retries the repair.');
    }
    notes.push(`cut a torn tail of ${torn.size - torn.segment.bytes} bytes at byte ${torn.segment.bytes} of ${torn.segment.name}: ${torn.reason}`);
  }
  for (const name of recovery.interrupted) {
    await fs.unlink(join(directory, name)).catch(() => undefined);
    notes.push(`removed ${name}, left by an interrupted write`);
  }
  return { notes, tornFile };
}
