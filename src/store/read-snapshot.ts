import { decodeRecords } from './decoder.js';
import { StoreCorruptionError } from './errors.js';
import { snapshotSeqOf } from './file-names.js';
import { RECORD_TYPE } from './record.js';
import { isSeq } from './segment.js';

export interface SnapshotFile {
  readonly name: string;
  readonly seq: number;
}

export interface SnapshotChoice {
  /** Every snapshot file in the directory, valid or not (compaction removes the older ones). */
  readonly files: readonly SnapshotFile[];
  /** The newest valid snapshot, if any. */
  readonly chosen: { readonly file: SnapshotFile; readonly value: Record<string, unknown> } | undefined;
  readonly notes: readonly string[];
}

/**
 * The newest valid snapshot. A snapshot file is renamed into place only once fsynced, so a bad
 * one is damage, not a torn write. A bad snapshot with an older valid one is passed over with a
 * note — the log after the older one is then checked to be complete, so nothing is silently lost;
 * a bad snapshot with no valid one behind it is corruption.
 */
export async function readNewestSnapshot(directory: string, names: readonly string[], read: (name: string) => Promise<Buffer>): Promise<SnapshotChoice> {
  const files: SnapshotFile[] = [];
  for (const name of names) {
    const seq = snapshotSeqOf(name);
    if (seq !== undefined) files.push({ name, seq });
  }
  files.sort((a, b) => b.seq - a.seq);
  const notes: string[] = [];
  let firstProblem: StoreCorruptionError | undefined;
  for (const file of files) {
    const result = decodeSnapshot(await read(file.name), file.seq);
    if ('value' in result) {
      return { files, chosen: { file, value: result.value }, notes };
    }
    const error = new StoreCorruptionError({ directory, file: file.name, offset: result.offset, problem: result.problem });
    firstProblem ??= error;
    notes.push(`passed over ${file.name}, damaged at byte ${result.offset}: ${result.problem}`);
  }
  if (firstProblem !== undefined) throw firstProblem;
  return { files, chosen: undefined, notes };
}

function decodeSnapshot(bytes: Buffer, seq: number): { readonly value: Record<string, unknown> } | { readonly offset: number; readonly problem: string } {
  const decoded = decodeRecords(bytes, 'a snapshot file is renamed into place only once complete');
  if (!decoded.ok) return decoded;
  const [record, extra] = decoded.records;
  if (record === undefined) return { offset: 0, problem: 'an empty snapshot file' };
  if (extra !== undefined) return { offset: extra.offset, problem: 'a second record after the snapshot (a snapshot file holds exactly one)' };
  if (record.type !== RECORD_TYPE.snapshot) return { offset: 0, problem: `a record of type ${record.type} where a snapshot record (type 2) was expected` };
  const found = record.value['seq'];
  if (!isSeq(found) || found !== seq) return { offset: 0, problem: `a snapshot whose seq is ${JSON.stringify(found)} while the file name says ${seq}` };
  return { value: record.value };
}
