import type { NodeSpec, Resources } from '../index.js';
import { PRIORITY_ORDER, type Scenario, type SimJob, minimalShapes, nodeShapes } from './scenario.js';
import { plannedFailures } from './workload.js';
import { checkText } from './helper-arguments.js';

/**
 * The trace format (docs/simulate.md): CSV with a header row naming the columns
 * `submit_time_s,tenant,priority,cpu,memory,gpu,duration_s` and optionally `deadline_s` and
 * `estimate_s` (the runtime the manager is told, e.g. the job's time limit), in any
 * order. Blank lines and lines starting with `#` are skipped. Every other row is a job or an
 * error: nothing is dropped quietly.
 */
export const REQUIRED_COLUMNS = ['submit_time_s', 'tenant', 'priority', 'cpu', 'memory', 'gpu', 'duration_s'] as const;
export const OPTIONAL_COLUMNS = ['deadline_s', 'estimate_s'] as const;
type Column = (typeof REQUIRED_COLUMNS)[number] | (typeof OPTIONAL_COLUMNS)[number];

/** Where a job came from, for messages. */
export interface TraceJob extends SimJob {
  readonly line: number;
}

export interface TraceProblem {
  readonly line: number;
  readonly message: string;
}

export type TraceParseResult = { readonly ok: true; readonly jobs: readonly TraceJob[] } | { readonly ok: false; readonly problems: readonly TraceProblem[] };

/** Amounts the manager accepts: at most this many decimals (its default precision). */
const DECIMALS = 3;
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const DIMENSIONS = ['cpu', 'memory', 'gpu'] as const;

/** Parses a whole trace; jobs come back sorted by submit time (ties: file order). */
export function parseTrace(text: string): TraceParseResult {
  checkText(text, 'text', 'parseTrace');
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const problems: TraceProblem[] = [];
  const jobs: TraceJob[] = [];
  let columns: Map<Column, number> | undefined;
  let width = 0;
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) return;
    const cells = splitCsvLine(raw);
    if (typeof cells === 'string') {
      problems.push({ line, message: cells });
      return;
    }
    if (columns === undefined) {
      const header = readHeader(cells);
      if (typeof header === 'string') {
        problems.push({ line, message: header });
        columns = new Map(); // parse no rows against a broken header
        width = -1;
        return;
      }
      columns = header;
      width = cells.length;
      return;
    }
    if (width < 0) return;
    if (cells.length !== width) {
      problems.push({ line, message: `expected ${width} fields as in the header, got ${cells.length}` });
      return;
    }
    const job = readRow(cells, columns, line);
    if (typeof job === 'string') problems.push({ line, message: job });
    else jobs.push(job);
  });
  if (columns === undefined) problems.push({ line: 1, message: `the trace is empty: expected a header row (${REQUIRED_COLUMNS.join(',')}) and at least one job` });
  else if (problems.length === 0 && jobs.length === 0) problems.push({ line: lines.length, message: 'the trace has a header but no jobs' });
  if (problems.length > 0) return { ok: false, problems };
  jobs.sort((a, b) => a.submitAt - b.submitAt || a.line - b.line);
  return { ok: true, jobs };
}

function readHeader(cells: readonly string[]): Map<Column, number> | string {
  const known: readonly string[] = [...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS];
  const columns = new Map<Column, number>();
  for (const [i, cell] of cells.entries()) {
    const name = cell.trim().toLowerCase();
    if (!known.includes(name)) return `unknown column "${cell.trim()}" in the header: expected ${REQUIRED_COLUMNS.join(',')} and optionally ${OPTIONAL_COLUMNS.join(',')}`;
    if (columns.has(name as Column)) return `column "${name}" appears twice in the header`;
    columns.set(name as Column, i);
  }
  const missing = REQUIRED_COLUMNS.filter((name) => !columns.has(name));
  if (missing.length > 0) return `the header lacks column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (expected ${REQUIRED_COLUMNS.join(',')}, optionally ${OPTIONAL_COLUMNS.join(',')})`;
  return columns;
}

/** One job, or every problem of the row joined into one message. */
function readRow(cells: readonly string[], columns: ReadonlyMap<Column, number>, line: number): TraceJob | string {
  const errors: string[] = [];
  const cell = (name: Column): string | undefined => {
    const index = columns.get(name);
    return index === undefined ? undefined : (cells[index] as string).trim();
  };
  const number = (name: Column, check: (value: number) => string | undefined): number => {
    const text = cell(name) ?? '';
    if (!NUMBER.test(text)) {
      errors.push(`${name}: expected a number, got ${text === '' ? 'an empty field' : `"${text}"`}`);
      return NaN;
    }
    const value = Number(text);
    const problem = Number.isFinite(value) ? check(value) : 'expected a finite number';
    if (problem !== undefined) errors.push(`${name}: ${problem}, got ${text}`);
    return value;
  };

  const submit = number('submit_time_s', (v) => (v < 0 ? 'expected a time >= 0' : undefined));
  const tenant = cell('tenant') ?? '';
  if (tenant === '') errors.push('tenant: expected a non-empty name');
  const priority = cell('priority') || 'default';
  if (!PRIORITY_ORDER.includes(priority)) errors.push(`priority: expected one of ${PRIORITY_ORDER.join(', ')} (or empty for default), got "${priority}"`);
  const resources: Record<string, number> = {};
  for (const name of DIMENSIONS) {
    const amount = number(name, amountProblem);
    if (amount > 0) resources[name] = amount;
  }
  const duration = number('duration_s', (v) => (v <= 0 ? 'expected a duration > 0' : undefined));
  const deadlineText = cell('deadline_s');
  const deadline = deadlineText === undefined || deadlineText === '' ? undefined : number('deadline_s', (v) => (v < submit ? `expected a time >= submit_time_s (${submit}); deadline_s is absolute, on the same clock` : undefined));
  const estimateText = cell('estimate_s');
  const estimate = estimateText === undefined || estimateText === '' ? undefined : number('estimate_s', (v) => (v <= 0 ? 'expected a duration > 0 (or an empty field for the true runtime)' : undefined));
  if (errors.length === 0 && Object.keys(resources).length === 0) errors.push('expected at least one of cpu, memory, gpu to be > 0');
  if (errors.length > 0) return errors.join('; ');
  return {
    line,
    submitAt: submit * 1000,
    tenant,
    priority,
    resources: resources as Resources,
    durationMs: duration * 1000,
    ...(deadline === undefined ? {} : { deadline: deadline * 1000 }),
    ...(estimate === undefined ? {} : { estimatedRuntimeMs: estimate * 1000 }),
  };
}

function amountProblem(value: number): string | undefined {
  if (value < 0) return 'expected an amount >= 0';
  const scaled = value * 10 ** DECIMALS;
  if (Math.abs(scaled - Math.round(scaled)) > 1e-6 * Math.max(1, Math.abs(scaled))) return `expected at most ${DECIMALS} decimal places`;
  return undefined;
}

/**
 * Splits one CSV line (RFC 4180 quoting: `"a, b"`, `"say ""hi"""`; no line breaks inside fields).
 * Returns a message when a quote is not closed.
 */
export function splitCsvLine(line: string): string[] | string {
  const cells: string[] = [];
  let i = 0;
  for (;;) {
    let cell = '';
    while (line[i] === ' ' || line[i] === '\t') i++;
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (i >= line.length) return 'a quoted field is not closed (fields cannot span lines)';
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            cell += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        cell += line[i];
        i++;
      }
      while (line[i] === ' ' || line[i] === '\t') i++;
      if (i < line.length && line[i] !== ',') return `unexpected text after a quoted field at column ${i + 1}`;
    } else {
      const end = line.indexOf(',', i);
      cell = end < 0 ? line.slice(i) : line.slice(i, end);
      i = end < 0 ? line.length : end;
    }
    cells.push(cell);
    if (i >= line.length) return cells;
    i++; // the comma
  }
}

/** Tenants charted by name; the others are drawn together as "others". */
const CHARTED_TENANTS = 7;

export interface TraceScenarioOptions {
  readonly file: string;
  readonly jobs: readonly SimJob[];
  readonly nodes: readonly NodeSpec[];
  readonly seed: number;
  readonly nodeFailures: number;
  readonly repairMs: number;
}

/** A scenario that replays a parsed trace on the given nodes. */
export function traceScenario(options: TraceScenarioOptions): Scenario {
  const { jobs, nodes } = options;
  const total = new Map<string, number>();
  for (const node of nodes) for (const [name, amount] of Object.entries(node.capacity)) total.set(name, (total.get(name) ?? 0) + amount);
  const count = new Map<string, number>();
  const work = new Map<string, number>();
  const usedPriorities = new Set<string>();
  for (const job of jobs) {
    count.set(job.tenant, (count.get(job.tenant) ?? 0) + 1);
    let dominant = 0;
    for (const [name, amount] of Object.entries(job.resources)) dominant = Math.max(dominant, amount / (total.get(name) ?? Infinity));
    work.set(job.tenant, (work.get(job.tenant) ?? 0) + dominant * job.durationMs);
    usedPriorities.add(job.priority);
  }
  const tenants = [...count.keys()].sort();
  const first = (jobs[0] as SimJob).submitAt;
  const last = (jobs[jobs.length - 1] as SimJob).submitAt;
  return {
    description: {
      workload: 'trace',
      trace: options.file,
      seed: options.seed,
      jobs: jobs.length,
      nodes: nodes.length,
      nodeShapes: nodeShapes(nodes),
      nodeFailures: options.nodeFailures,
      repairS: options.repairMs / 1000,
      tenants: tenants.map((name) => ({ name, jobs: count.get(name) ?? 0 })),
    },
    nodes,
    tenants,
    priorities: PRIORITY_ORDER.filter((name) => usedPriorities.has(name)),
    jobCount: jobs.length,
    jobs: () => jobs[Symbol.iterator](),
    minimalShapes: minimalShapes(jobs.map((job) => job.resources)),
    failures: plannedFailures(options.seed, nodes, options.nodeFailures, first, Math.max(first + 1, last), options.repairMs),
    chartedTenants: [...tenants].sort((a, b) => (work.get(b) ?? 0) - (work.get(a) ?? 0) || (a < b ? -1 : 1)).slice(0, CHARTED_TENANTS),
  };
}
