import { FairpackError, describeValue, isFairpackError } from '../errors.js';
import { didYouMean, didYouMeanHint } from '../did-you-mean.js';
import { isPlainRecord } from '../resources/index.js';

/**
 * Reads a snapshot (plain JSON from a file, a database, another process) field by field, so that
 * the first thing that is not as `snapshot()` wrote it is reported with its path —
 * `nodes[3].capacity` — as `INVALID_SNAPSHOT`, before anything is built.
 */
/** A field's path, or a function building it: per-item paths are built only when something is wrong. */
export type Path = string | (() => string);

function pathOf(path: Path): string {
  return typeof path === 'function' ? path() : path;
}

export function invalidSnapshot(at: Path, problem: string, cause?: unknown): FairpackError {
  const path = pathOf(at);
  return new FairpackError(
    'INVALID_SNAPSHOT',
    `Expected a fairpack snapshot as snapshot() writes it; ${path === '' ? 'the snapshot' : path}: ${problem}. Nothing was restored; restore an unmodified snapshot (and the entries after it).`,
    { path },
    cause === undefined ? undefined : { cause },
  );
}

/** Runs `build`; any FairpackError it throws becomes INVALID_SNAPSHOT at `path` (keeping the original as cause). */
export function within<T>(path: Path, build: () => T): T {
  try {
    return build();
  } catch (error) {
    throw snapshotError(path, error);
  }
}

/**
 * `error` with its snapshot path under `prefix` (`pool` + `allocations[1].slot` →
 * `pool.allocations[1].slot`): for a snapshot read inside another (the manager's holds the pool's).
 * Any other error is returned as it is.
 */
export function underPath(prefix: string, error: unknown): unknown {
  if (!isFairpackError(error) || error.code !== 'INVALID_SNAPSHOT') return error;
  const path = error.details['path'];
  if (typeof path !== 'string' || path === prefix || path.startsWith(`${prefix}.`)) return error;
  const full = path === '' ? prefix : `${prefix}.${path}`;
  const message = error.message.replace(`; ${path === '' ? 'the snapshot' : path}: `, `; ${full}: `);
  return new FairpackError('INVALID_SNAPSHOT', message, { ...error.details, path: full }, error.cause === undefined ? undefined : { cause: error.cause });
}

/** What `within` throws for `error` (for a hot loop that catches by itself rather than make a closure per item). */
export function snapshotError(path: Path, error: unknown): unknown {
  return isFairpackError(error) && error.code !== 'INVALID_SNAPSHOT' && error.code !== 'INVALID_JOURNAL' ? invalidSnapshot(path, error.message, error) : error;
}

/** A plain object with exactly `required` keys and some of `optional` (no others). */
export function record(value: unknown, path: Path, required: readonly string[], optional: readonly string[] = []): Record<string, unknown> {
  if (!isPlainRecord(value)) throw invalidSnapshot(path, `expected an object, got ${describeValue(value)}`);
  for (const key of required) if (!Object.hasOwn(value, key)) throw invalidSnapshot(path, `missing field \`${key}\``);
  for (const key of Object.keys(value)) {
    if (!required.includes(key) && !optional.includes(key)) {
      throw invalidSnapshot(path, `unknown field \`${key}\`.${didYouMeanHint(didYouMean(key, [...required, ...optional]), (name) => `\`${name}\``)}`);
    }
  }
  return value;
}

/**
 * Whether `value` is what `record(value, path, required, optional)` accepts, without a path: a
 * restore reads 100,000s of records, so it tests each this way and calls `record` (building the
 * path) only for one that fails, to throw.
 */
export function isRecordOf(value: unknown, required: readonly string[], optional: readonly string[] = []): value is Record<string, unknown> {
  if (!isPlainRecord(value)) return false;
  let present = 0;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    if (required.includes(key)) present++;
    else if (!optional.includes(key)) return false;
  }
  return present === required.length;
}

export function array(value: unknown, path: Path): readonly unknown[] {
  if (!Array.isArray(value)) throw invalidSnapshot(path, `expected an array, got ${describeValue(value)}`);
  return value;
}

export function integer(value: unknown, path: Path, min = 0): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) throw invalidSnapshot(path, `expected an integer >= ${min}, got ${describeValue(value)}`);
  return value;
}

export function finite(value: unknown, path: Path): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidSnapshot(path, `expected a finite number, got ${describeValue(value)}`);
  return value;
}

export function text(value: unknown, path: Path): string {
  if (typeof value !== 'string' || value.length === 0) throw invalidSnapshot(path, `expected a non-empty string, got ${describeValue(value)}`);
  return value;
}

export function bool(value: unknown, path: Path): boolean {
  if (typeof value !== 'boolean') throw invalidSnapshot(path, `expected true or false, got ${describeValue(value)}`);
  return value;
}

/** `value` when it is present (not undefined), read with `read`. */
export function optional<T>(value: unknown, read: (value: unknown) => T): T | undefined {
  return value === undefined ? undefined : read(value);
}

/** The snapshot's `format` and `version` are what this code writes. */
export function header(value: Record<string, unknown>, format: string, version: number): void {
  if (value['format'] !== format) throw invalidSnapshot('format', `expected "${format}", got ${describeValue(value['format'])}`);
  if (value['version'] !== version) throw invalidSnapshot('version', `expected ${version} (this fairpack reads version ${version}), got ${describeValue(value['version'])}`);
}
