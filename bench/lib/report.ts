import { appendFileSync } from 'node:fs';

/** Median of a non-empty list (mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** The nearest-rank percentile `p` (0–100) of an ascending list; NaN for an empty one. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

export function mean(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return values.length === 0 ? NaN : sum / values.length;
}

/** A positive integer from the environment, or the default. */
export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw.replaceAll('_', ''));
  if (!Number.isInteger(value) || value <= 0) throw new Error(`Expected ${name} to be a positive integer, got ${JSON.stringify(raw)}.`);
  return value;
}

/** A comma-separated list of positive integers from the environment, or the default. */
export function envInts(name: string, fallback: readonly number[]): number[] {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return [...fallback];
  return raw.split(',').map((part) => {
    const value = Number(part.trim().replaceAll('_', ''));
    if (!Number.isInteger(value) || value <= 0) throw new Error(`Expected ${name} to be a comma-separated list of positive integers, got ${JSON.stringify(raw)}.`);
    return value;
  });
}

/** A comma-separated list of names from the environment (each one of `known`), or the default. */
export function envNames<T extends string>(name: string, known: readonly T[], fallback: readonly T[]): T[] {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return [...fallback];
  return raw.split(',').map((part) => {
    const value = part.trim();
    if (!(known as readonly string[]).includes(value)) throw new Error(`Expected ${name} to list some of ${known.join(', ')}, got ${JSON.stringify(value)}.`);
    return value as T;
  });
}

/** Prints rows as an aligned Markdown table (so the output pastes into docs as is). */
export function printTable(header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]): string => `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] as number) : cell.padStart(widths[i] as number))).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w, i) => (i === 0 ? ` ${'-'.repeat(w)} ` : ` ${'-'.repeat(w - 1)}: `)).join('|')}|`);
  for (const row of rows) console.log(line(row));
}

export function fixed(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '—';
}

export type Verdict = 'PASS' | 'FAIL' | 'SKIP';

export interface TargetResult {
  readonly part: string;
  readonly target: string;
  readonly verdict: Verdict;
  readonly detail: string;
}

/**
 * Prints a PASS/FAIL/SKIP line and, when the orchestrator (bench/index.ts) set
 * FAIRPACK_BENCH_RESULTS, appends it there as a JSON line for the final summary.
 */
export function verdict(part: string, target: string, verdict: Verdict, detail: string): TargetResult {
  const result = { part, target, verdict, detail };
  console.log(`${verdict}  ${target} — ${detail}`);
  const file = process.env['FAIRPACK_BENCH_RESULTS'];
  if (file !== undefined && file !== '') appendFileSync(file, `${JSON.stringify(result)}\n`);
  return result;
}

/** Runs a full garbage collection when node was started with --expose-gc. */
export function collectGarbage(): boolean {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) return false;
  gc();
  gc();
  return true;
}

/**
 * A full collection, then a pause proportional to the heap (1 ms per MiB used, 10 ms to 1 s)
 * before the caller starts a clock. A forced collection finishes marking inside `gc()`, but V8
 * sweeps the heap afterwards on helper threads; on a two-core machine that sweeping ran alongside
 * the timed loop and was charged to whatever the loop measured — at 100,000 nodes (a 350 MB heap)
 * about half of a repetition's time, for a collection the bench itself forced. Sleeping here lets
 * it finish first (Node has no call that waits for it). Collections the timed loop itself causes
 * are still inside the timing.
 */
export function collectGarbageAndSettle(): boolean {
  if (!collectGarbage()) return false;
  const mib = process.memoryUsage().heapUsed / 2 ** 20;
  Atomics.wait(SLEEPER, 0, 0, Math.min(1000, Math.max(10, Math.round(mib))));
  return true;
}

const SLEEPER = new Int32Array(new SharedArrayBuffer(4));
