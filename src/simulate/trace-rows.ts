import { FairpackError, describeValue } from '../errors.js';
import type { Resources } from '../index.js';
import { PRIORITY_ORDER, type SimJob } from './scenario.js';

/**
 * One job of a trace, as `simulate({ trace })` takes it and `parseTrace` returns it. Times are
 * milliseconds on the trace's own clock (the CSV's seconds × 1000).
 */
export interface TraceRow {
  readonly submitAt: number;
  readonly tenant: string;
  /** One of the default priority classes: real-time, high, default, low, best-effort. */
  readonly priority: string;
  /** One replica's resources, e.g. `{ cpu: 4, memory: 16 }`. */
  readonly resources: Resources;
  readonly durationMs: number;
  /** Absolute time by which it should start. */
  readonly deadline?: number;
  /** The runtime the manager is told (CSV `estimate_s`); without it, `durationMs` (or `estimateError`'s draw). */
  readonly estimatedRuntimeMs?: number;
}

/** Rows named in one error message; the count of the rest is given. */
const SHOWN = 5;

/**
 * The rows checked and sorted by submission time (ties keep their order), as the engine replays
 * them. Every problem is reported at once, by row index; nothing is dropped quietly.
 */
export function checkedTraceRows(rows: readonly TraceRow[]): SimJob[] {
  const problems: string[] = [];
  rows.forEach((row, index) => {
    const problem = rowProblem(row);
    if (problem !== undefined) problems.push(`row ${index}: ${problem}`);
  });
  if (problems.length > 0) {
    const more = problems.length > SHOWN ? `; … and ${problems.length - SHOWN} more` : '';
    throw new FairpackError(
      'INVALID_OPTION',
      `Expected every \`trace\` row of simulate() to be { submitAt >= 0, tenant, priority, resources, durationMs > 0, deadline?, estimatedRuntimeMs? > 0 } (times in ms), got ${problems.length} bad row${problems.length > 1 ? 's' : ''}: ${problems.slice(0, SHOWN).join('; ')}${more}. Fix those rows (parseTrace reads the CSV format).`,
      { method: 'simulate', option: 'trace', problems: problems.length },
    );
  }
  return rows.map((row, index) => ({ row, index })).sort((a, b) => a.row.submitAt - b.row.submitAt || a.index - b.index).map(({ row }) => row);
}

function rowProblem(row: TraceRow): string | undefined {
  if (typeof row !== 'object' || row === null) return `expected an object, got ${describeValue(row)}`;
  if (typeof row.submitAt !== 'number' || !Number.isFinite(row.submitAt) || row.submitAt < 0) return `submitAt: expected a time >= 0, got ${describeValue(row.submitAt)}`;
  if (typeof row.tenant !== 'string' || row.tenant === '') return `tenant: expected a non-empty name, got ${describeValue(row.tenant)}`;
  if (!PRIORITY_ORDER.includes(row.priority)) return `priority: expected one of ${PRIORITY_ORDER.join(', ')}, got ${describeValue(row.priority)}`;
  if (typeof row.durationMs !== 'number' || !Number.isFinite(row.durationMs) || row.durationMs <= 0) return `durationMs: expected a duration > 0, got ${describeValue(row.durationMs)}`;
  if (row.deadline !== undefined && (typeof row.deadline !== 'number' || !(row.deadline >= row.submitAt) || !Number.isFinite(row.deadline))) return `deadline: expected a time >= submitAt, got ${describeValue(row.deadline)}`;
  if (row.estimatedRuntimeMs !== undefined && (typeof row.estimatedRuntimeMs !== 'number' || !Number.isFinite(row.estimatedRuntimeMs) || row.estimatedRuntimeMs <= 0)) {
    return `estimatedRuntimeMs: expected a duration > 0 (or left out), got ${describeValue(row.estimatedRuntimeMs)}`;
  }
  if (typeof row.resources !== 'object' || row.resources === null) return `resources: expected an object of amounts, got ${describeValue(row.resources)}`;
  const amounts = Object.values(row.resources);
  if (amounts.some((amount) => typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0) || !amounts.some((amount) => amount > 0)) {
    return `resources: expected amounts >= 0, at least one > 0, got ${describeValue(row.resources)}`;
  }
  return undefined;
}
