import { FairpackError, describeValue } from '../errors.js';
import type { PoolInternals } from '../pool/internals.js';
import { isPlainRecord } from '../resources/index.js';
import { Reservations } from './reservations.js';

/** Validators for AllocationManager options: each throws INVALID_OPTION saying expected and got. */

export function integerOption(value: unknown, option: string, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new FairpackError('INVALID_OPTION', `Expected \`${option}\` to be an integer >= ${min}, got ${describeValue(value)}.`, { option, value });
  }
  return value;
}

export function booleanOption(value: unknown, option: string): boolean {
  if (typeof value !== 'boolean') throw new FairpackError('INVALID_OPTION', `Expected \`${option}\` to be a boolean, got ${describeValue(value)}.`, { option, value });
  return value;
}

export function concurrencyOption(concurrency: unknown): Map<string, number> {
  const caps = new Map<string, number>();
  if (concurrency === undefined) return caps;
  if (!isPlainRecord(concurrency)) throw new FairpackError('INVALID_OPTION', `Expected \`concurrency\` to be an object of category → limit, got ${describeValue(concurrency)}.`, { option: 'concurrency' });
  for (const [category, limit] of Object.entries(concurrency)) caps.set(category, integerOption(limit, `concurrency.${category}`, 0));
  return caps;
}

/** The reservations (starvation bound and preemption nominations); `starvation: false` keeps only nominations. */
export function reservationsOption(option: unknown, books: PoolInternals, roomFreed: () => void): Reservations {
  if (option === false) return new Reservations(books, undefined, roomFreed);
  const afterMs = option === undefined ? 60_000 : isPlainRecord(option) ? option['afterMs'] : undefined;
  const defragment = isPlainRecord(option) ? (option['defragment'] ?? false) : false;
  const known = !isPlainRecord(option) || Object.keys(option).every((k) => k === 'afterMs' || k === 'defragment');
  if (typeof afterMs !== 'number' || !Number.isFinite(afterMs) || afterMs < 0 || typeof defragment !== 'boolean' || !known) {
    throw new FairpackError('INVALID_OPTION', `Expected \`starvation\` to be { afterMs: number >= 0, defragment?: boolean } or false, got ${describeValue(option)}.`, { option: 'starvation' });
  }
  return new Reservations(books, afterMs, roomFreed, defragment);
}

/** Timers take at most 2^31 − 1 ms (longer ones fire at once); a later deadline re-arms on the way. */
export function timerDelay(ms: number): number {
  return Math.min(Math.max(0, ms), 2 ** 31 - 1);
}

/** `preemption: false` (off) or `{ backoffMs? }`; undefined when off. */
export function preemptionOption(option: unknown): { readonly backoffMs: number } | undefined {
  if (option === false) return undefined;
  const backoffMs = option === undefined ? 5_000 : isPlainRecord(option) && Object.keys(option).every((k) => k === 'backoffMs') ? (option['backoffMs'] ?? 5_000) : undefined;
  if (typeof backoffMs !== 'number' || Number.isNaN(backoffMs) || backoffMs < 0) {
    throw new FairpackError('INVALID_OPTION', `Expected \`preemption\` to be { backoffMs?: number >= 0 } or false, got ${describeValue(option)}.`, { option: 'preemption' });
  }
  return { backoffMs };
}

/** `heartbeat: { timeoutMs }` (whole ms, at least 1, at most a timer's reach) or false/undefined (off): the timeout, or undefined. */
export function heartbeatOption(option: unknown): number | undefined {
  if (option === undefined || option === false) return undefined;
  const timeoutMs = isPlainRecord(option) && Object.keys(option).every((k) => k === 'timeoutMs') ? option['timeoutMs'] : undefined;
  if (typeof timeoutMs !== 'number' || !Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 2 ** 31 - 1) {
    throw new FairpackError('INVALID_OPTION', `Expected \`heartbeat\` to be { timeoutMs: whole milliseconds from 1 to ${2 ** 31 - 1} } or false, got ${describeValue(option)}. A node silent for timeoutMs goes offline; 20_000 meets a 30 s rescheduling target.`, { option: 'heartbeat' });
  }
  return timeoutMs;
}
