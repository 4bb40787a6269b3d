import type { WaitBox } from './results.js';

/** Summary statistics over wait times (ms in, seconds out). */

export interface WaitSummary {
  /** Jobs that started and completed (the waits summarised). */
  readonly count: number;
  readonly meanS: number;
  /** Nearest-rank 95th percentile: the smallest wait that at least 95 % of jobs did not exceed. */
  readonly p95S: number;
  readonly maxS: number;
}

/** Sorts `waits` in place and summarises it. */
export function summariseWaits(waits: Float64Array): WaitSummary {
  waits.sort();
  const count = waits.length;
  if (count === 0) return { count: 0, meanS: 0, p95S: 0, maxS: 0 };
  let sum = 0;
  for (let i = 0; i < count; i++) sum += waits[i] as number;
  return { count, meanS: round(sum / count / 1000), p95S: round(quantile(waits, 0.95) / 1000), maxS: round((waits[count - 1] as number) / 1000) };
}

/** The box of a group's sorted waits (ms in, seconds out). */
export function waitBox(sorted: Float64Array): WaitBox {
  const q = (p: number): number => round(quantile(sorted, p) / 1000);
  return { count: sorted.length, p5S: q(0.05), p25S: q(0.25), p50S: q(0.5), p75S: q(0.75), p95S: q(0.95) };
}

/** Nearest-rank quantile of sorted values. */
export function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1] as number;
}

/** `points + 1` evenly spaced quantiles (0 %, …, 100 %) of sorted values: the CDF for the report. */
export function quantileCurve(sorted: Float64Array, points: number): number[] {
  if (sorted.length === 0) return [];
  return Array.from({ length: points + 1 }, (_, i) => round((sorted[Math.min(sorted.length - 1, Math.floor((i / points) * sorted.length))] as number) / 1000));
}

/**
 * Rounds to 6 significant digits: enough for every figure printed, and it keeps JSON output
 * short and free of last-bit noise.
 */
export function round(value: number): number {
  if (value === 0 || !Number.isFinite(value)) return value;
  return Number(value.toPrecision(6));
}
