import { join } from 'node:path';
import { ioFailure } from './errors.js';
import type { StoreFile, StoreFileSystem } from './file-system.js';
import { LogWriter } from './log-writer.js';
import type { LogState } from './read-log.js';

/**
 * The log writer over a recovered (and repaired) log. Appends continue in the newest segment
 * when it ends exactly where the log does; otherwise — no segment yet, a newest segment of 0
 * bytes, or a snapshot newer than the log's last entry — the next append starts a new segment.
 * `tornFile` is the newest segment, already open, when the repair cut its tail.
 */
export async function resumeLog(fs: StoreFileSystem, directory: string, log: LogState, tornFile: StoreFile | undefined, snapshotSeq: () => number | undefined): Promise<LogWriter> {
  const segments = [...log.segments];
  const newest = segments[segments.length - 1];
  const continues = newest !== undefined && newest.bytes > 0 && log.nextSeq !== undefined && newest.lastSeq + 1 === log.nextSeq;
  let file = tornFile;
  if (!continues) {
    await file?.close();
    file = undefined;
  } else if (file === undefined) {
    try {
      file = await fs.open(join(directory, newest.name), 'r+');
    } catch (error) {
      throw ioFailure('open the log segment', join(directory, newest.name), error, 'Check the file and its permissions, then start again.');
    }
  }
  const lastEntry = log.entries[log.entries.length - 1];
  return new LogWriter({
    fs,
    directory,
    segments,
    active: continues && file !== undefined ? { info: newest, file } : undefined,
    durableSeq: lastEntry === undefined ? undefined : (lastEntry['seq'] as number),
    snapshotSeq,
  });
}
