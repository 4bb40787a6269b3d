import { FairpackError } from '../errors.js';

/** What a corruption is about: the file, where in it, and what was wrong. */
export interface CorruptionFacts {
  /** The data directory (absolute). */
  readonly directory: string;
  /** The damaged file's name inside the directory. */
  readonly file: string;
  /** The byte offset of the first bad record (0 for a whole-file problem). */
  readonly offset: number;
  /** What was wrong, e.g. `CRC mismatch (stored 0x1a2b3c4d, computed 0x…) in a record that is not the last one`. */
  readonly problem: string;
}

/**
 * The data directory holds something that is neither a complete record nor a torn last record:
 * opening stops, and no file has been changed (the store repairs nothing it does not understand).
 * `code` is always `STORE_CORRUPT`; `file`, `offset` and `problem` are also in `details`.
 */
export class StoreCorruptionError extends FairpackError {
  readonly file: string;
  readonly offset: number;
  readonly problem: string;

  constructor(facts: CorruptionFacts) {
    super(
      'STORE_CORRUPT',
      `The data directory ${facts.directory} is corrupt: ${facts.file} at byte ${facts.offset}: ${facts.problem}. ` +
        'Nothing was changed. Expected every record before the last one of the newest log segment to be intact (only a torn last record is repaired). ' +
        'Restore the directory from a backup, or move the damaged file aside if you accept losing what it holds (docs/durability.md, "Recovery").',
      { directory: facts.directory, file: facts.file, offset: facts.offset, problem: facts.problem },
    );
    this.name = 'StoreCorruptionError';
    this.file = facts.file;
    this.offset = facts.offset;
    this.problem = facts.problem;
  }
}

/** An I/O failure, with the operation and path in the message and the system error as `cause`. */
export function ioFailure(what: string, path: string, cause: unknown, consequence: string): FairpackError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new FairpackError('STORE_FAILED', `Could not ${what} ${path}: ${reason}. ${consequence}`, { operation: what, path }, { cause });
}
