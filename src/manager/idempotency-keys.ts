import { FairpackError, describeValue } from '../errors.js';
import { isPlainRecord } from '../resources/index.js';
import { array, finite, integer, record, text } from '../snapshot/reader.js';
import type { SubmitResult } from './types.js';

/*
 * Exactly-once submission across retries (`submit(request, { idempotencyKey })`, docs/manager.md):
 * the first answer to a key is kept, and a retry with the same key and the same request gets it
 * again — no second job, no journal entry, no event. The keys are state like any other: in the
 * snapshot, journaled with the submission that made them, so a restored or promoted manager
 * (a replica, docs/high-availability.md) answers a retry as the first one did. Bounded: a key is
 * kept `windowMs` (by the manager's clock) and at most `maxKeys` of them, the oldest dropped first.
 */

export interface IdempotencySettings {
  /** How long a key's first answer is kept, in ms of the manager's clock. @default 86_400_000 (24 h) */
  readonly windowMs?: number;
  /** Most keys kept; beyond it the oldest go. @default 100_000 */
  readonly maxKeys?: number;
}

/** The longest key accepted, in characters. */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 256;

interface Kept {
  readonly at: number;
  /** The request as JSON text: a retry must send the same. */
  readonly request: string;
  readonly result: SubmitResult;
}

/** `[key, at, request JSON, first result]`, oldest first. */
export type IdempotencyKeyEntry = readonly [string, number, string, SubmitResult];

export interface IdempotencySnapshot {
  readonly windowMs: number;
  readonly maxKeys: number;
  readonly keys: readonly IdempotencyKeyEntry[];
}

export class IdempotencyKeys {
  readonly windowMs: number;
  readonly maxKeys: number;
  /** In insertion order, which is clock order: the oldest first. */
  readonly #kept = new Map<string, Kept>();

  constructor(settings: unknown) {
    const given = settings === undefined ? {} : settings;
    const bad = (): FairpackError => new FairpackError('INVALID_OPTION', `Expected \`idempotency\` to be { windowMs?: whole ms from 1 to ${2 ** 31 - 1}, maxKeys?: an integer from 0 to 10,000,000 } or left out, got ${describeValue(settings)}.`, { option: 'idempotency' });
    if (!isPlainRecord(given) || Object.keys(given).some((k) => k !== 'windowMs' && k !== 'maxKeys')) throw bad();
    const windowMs = given['windowMs'] ?? 86_400_000;
    const maxKeys = given['maxKeys'] ?? 100_000;
    if (typeof windowMs !== 'number' || !Number.isInteger(windowMs) || windowMs < 1 || windowMs > 2 ** 31 - 1) throw bad();
    if (typeof maxKeys !== 'number' || !Number.isInteger(maxKeys) || maxKeys < 0 || maxKeys > 10_000_000) throw bad();
    this.windowMs = windowMs;
    this.maxKeys = maxKeys;
  }

  get size(): number {
    return this.#kept.size;
  }

  /**
   * The first answer to `key` if it is kept and not older than the window at `now`; throws
   * IDEMPOTENCY_KEY_REUSED when the key came with another request. Changes nothing.
   */
  answer(key: string, request: string, now: number): SubmitResult | undefined {
    const kept = this.#kept.get(key);
    if (kept === undefined || kept.at + this.windowMs <= now) return undefined;
    if (kept.request !== request) {
      throw new FairpackError('IDEMPOTENCY_KEY_REUSED', `Expected a retry with idempotency key ${describeValue(key)} to repeat the first request (job ${describeValue(kept.result.jobId)}), got a different one. Use a new key for a new job; nothing was changed.`, { key, jobId: kept.result.jobId });
    }
    return kept.result;
  }

  /** Keeps `result` as the first answer to `key`, then drops keys past the window or the bound. */
  keep(key: string, request: string, result: SubmitResult, now: number): void {
    this.#kept.delete(key);
    this.#kept.set(key, { at: now, request, result });
    for (const [oldest, kept] of this.#kept) {
      if (this.#kept.size <= this.maxKeys && kept.at + this.windowMs > now) break;
      this.#kept.delete(oldest);
    }
  }

  snapshot(): IdempotencySnapshot {
    return { windowMs: this.windowMs, maxKeys: this.maxKeys, keys: [...this.#kept].map(([key, { at, request, result }]) => [key, at, request, result] as const) };
  }

  /** Rebuilds the kept keys of a snapshot (checked: a key, a time, the request's JSON, a result with a job id). */
  restore(snapshot: IdempotencySnapshot | undefined): void {
    if (snapshot === undefined) return;
    for (const [i, entry] of array(snapshot.keys, 'idempotency.keys').entries()) {
      const [key, at, request, result] = array(entry, `idempotency.keys[${i}]`) as [unknown, unknown, unknown, unknown];
      text(key, `idempotency.keys[${i}][0]`);
      finite(at, `idempotency.keys[${i}][1]`);
      text(request, `idempotency.keys[${i}][2]`);
      text(record(result, `idempotency.keys[${i}][3]`, ['status', 'jobId'], ['allocation', 'reason', 'message', 'available', 'required', 'position', 'code', 'quota'])['jobId'], `idempotency.keys[${i}][3].jobId`);
      this.#kept.set(key as string, { at: at as number, request: request as string, result: result as SubmitResult });
    }
  }
}

/** Checks a snapshot's `idempotency` settings (the keys are checked as they are rebuilt). */
export function readIdempotencySettings(value: unknown): IdempotencySnapshot {
  const s = record(value, 'idempotency', ['windowMs', 'maxKeys', 'keys']);
  integer(s['windowMs'], 'idempotency.windowMs', 1);
  integer(s['maxKeys'], 'idempotency.maxKeys');
  array(s['keys'], 'idempotency.keys');
  return s as unknown as IdempotencySnapshot;
}
