import { duration, inUnit, percent, thousands, unitFor, waitUnitFor, wrap } from '../../simulate/format.js';
import { rankByCost } from '../../simulate/cost-ranking.js';
import type { Recommendation } from '../../simulate/recommend.js';
import { spreadFigures } from '../../simulate/report/recommendation.js';
import type { RunResult, SimulationReport } from '../../simulate/results.js';
import type { WaitSummary } from '../../simulate/stats.js';

/** The console output is read in a terminal: no line longer than this. */
export const MAX_WIDTH = 100;

export interface Column {
  readonly header: string;
  /** Numbers align right, text left. */
  readonly align: 'left' | 'right';
  /** Neighbouring columns with the same group get one heading above them ("used", "stranded"). */
  readonly group?: string;
}

/**
 * Aligned columns separated by two spaces. A table too wide for `maxWidth` is split into
 * several, each repeating the first column, so nothing wraps.
 */
export function formatTable(title: string, columns: readonly Column[], rows: readonly (readonly string[])[], maxWidth = MAX_WIDTH): string {
  const widths = columns.map((column, c) => Math.max(column.header.length, ...rows.map((row) => (row[c] ?? '').length)));
  const first = widths[0] as number;
  const chunks: number[][] = [];
  let current: number[] = [];
  let used = first;
  for (let c = 1; c < columns.length; c++) {
    const width = 2 + (widths[c] as number);
    if (current.length > 0 && used + width > maxWidth) {
      chunks.push(current);
      current = [];
      used = first;
    }
    current.push(c);
    used += width;
  }
  chunks.push(current);
  const cell = (text: string, c: number): string => {
    const width = widths[c] as number;
    return (columns[c] as Column).align === 'right' ? text.padStart(width) : text.padEnd(width);
  };
  const blocks = chunks.map((chunk, i) => {
    const indices = [0, ...chunk];
    const line = (texts: (c: number) => string): string => indices.map((c) => cell(texts(c), c)).join('  ').trimEnd();
    const heading = chunks.length > 1 ? `${title} (${i + 1}/${chunks.length})` : title;
    const groups = groupLine(indices, columns, widths);
    return [heading, ...(groups === undefined ? [] : [groups]), line((c) => (c === 0 ? '' : (columns[c] as Column).header)), ...rows.map((row) => line((c) => row[c] ?? ''))].join('\n');
  });
  return blocks.join('\n\n');
}

/** "──── used ────" over each run of columns sharing a group; undefined if there are none. */
function groupLine(indices: readonly number[], columns: readonly Column[], widths: readonly number[]): string | undefined {
  if (!indices.some((c) => columns[c]?.group !== undefined)) return undefined;
  let out = '';
  let k = 0;
  while (k < indices.length) {
    const c = indices[k] as number;
    const group = (columns[c] as Column).group;
    let span = widths[c] as number;
    let end = k + 1;
    while (group !== undefined && end < indices.length && columns[indices[end] as number]?.group === group) {
      span += 2 + (widths[indices[end] as number] as number);
      end++;
    }
    const separator = k === 0 ? '' : '  ';
    if (group === undefined) out += separator + ' '.repeat(span);
    else {
      const label = ` ${group} `;
      const left = Math.max(0, Math.floor((span - label.length) / 2));
      out += separator + `${'─'.repeat(left)}${label}${'─'.repeat(Math.max(0, span - left - label.length))}`;
    }
    k = end;
  }
  return out.trimEnd();
}

/** The console tables: outcome, capacity, waits by tenant, waits by priority class. */
export function formatResults(report: SimulationReport): string {
  const { results } = report;
  const label: Column = { header: '', align: 'left' };
  const right = (header: string, group?: string): Column => ({ header, align: 'right', ...(group === undefined ? {} : { group }) });

  const timeUnit = unitFor(Math.max(0, ...results.map((r) => r.makespanS)));
  const waitUnit = waitUnitFor(Math.max(0, ...results.map((r) => r.wait.p95S)));
  // columns that would be all zeros are left out (and said so below the table)
  const anyRejected = results.some((r) => r.jobs.rejected > 0);
  const anyUnfinished = results.some((r) => r.jobs.unfinished > 0);
  const anyRestarts = results.some((r) => r.restarts > 0);
  const anyDeadlines = results.some((r) => r.deadlines.total > 0);
  type Cell = [Column, (r: RunResult) => string];
  const optional = (when: boolean, cell: Cell): Cell[] => (when ? [cell] : []);
  const outcomeColumns: Cell[] = [
    [right('done'), (r) => thousands(r.jobs.completed)],
    ...optional(anyRejected, [right('rejected'), (r) => thousands(r.jobs.rejected)]),
    ...optional(anyUnfinished, [right('unfinished'), (r) => thousands(r.jobs.unfinished)]),
    [right('makespan'), (r) => inUnit(r.makespanS, timeUnit)],
    [right('mean', 'wait'), (r) => inUnit(r.wait.meanS, waitUnit)],
    [right('p95', 'wait'), (r) => inUnit(r.wait.p95S, waitUnit)],
    ...optional(anyDeadlines, [right('late'), (r) => thousands(r.deadlines.missed)]),
    [right('evicted'), (r) => thousands(r.preemptions)],
    ...optional(anyRestarts, [right('lost h'), (r) => r.lostWorkHours.toFixed(1)]),
    [right('Jain'), (r) => (r.jainIndex === null ? '–' : r.jainIndex.toFixed(3))],
    [right('decisions/s'), (r) => thousands(r.timing.decisionsPerSecond)],
  ];
  const notes = [
    anyRejected ? '' : 'no job was rejected',
    anyUnfinished ? '' : 'none was left unfinished',
    anyDeadlines ? `late: jobs that started after their deadline (of ${thousands(results[0]?.deadlines.total ?? 0)} with one)` : '',
    'evicted: jobs preempted',
    anyRestarts ? 'lost h: job-hours of work thrown away by restarts' : '',
    "Jain: Jain's index over the shares of tenants with jobs waiting",
  ].filter((n) => n !== '');
  const outcome = formatTable(
    `Outcome (makespan in ${timeUnit.name}, waits in ${waitUnit.name})`,
    [label, ...outcomeColumns.map(([column]) => column)],
    results.map((r) => [r.label, ...outcomeColumns.map(([, value]) => value(r))]),
  );

  const dims = Object.keys(results[0]?.utilisation ?? {});
  const capacity = formatTable(
    'Capacity, time-averaged (share of each dimension)',
    [label, ...dims.map((d) => right(d, 'used')), right('packing'), ...dims.map((d) => right(d, 'stranded'))],
    results.map((r) => [r.label, ...dims.map((d) => percent(r.utilisation[d] ?? 0)), percent(r.packingEfficiency), ...dims.map((d) => percent(r.strandedCapacity[d] ?? 0))]),
  );

  const spot = spotTable(report);
  const costs = costTable(report);
  const spread = seedTable(report);
  return [
    ...(report.recommendation === undefined || results.length < 2 ? [] : [recommendationText(report.recommendation)]),
    ...(spread === undefined ? [] : [spread]),
    `${outcome}\n${wrap(`(${notes.join('; ')}.)`, MAX_WIDTH)}`,
    ...(costs === undefined ? [] : [costs]),
    ...(spot === undefined ? [] : [spot]),
    capacity,
    waitTable('Wait by tenant, mean / p95', results, (r) => r.wait.byTenant),
    waitTable('Wait by priority class, mean / p95', results, (r) => r.wait.byPriority),
  ].join('\n\n');
}

/**
 * Only when the nodes have prices: what each run cost, ranked by cost at equal service (runs
 * within max(10 %, 60 s) of the best p95 wait first, cheapest first), and what the autoscaler did.
 */
function costTable(report: SimulationReport): string | undefined {
  const { results } = report;
  if (!results.some((r) => r.cost !== undefined)) return undefined;
  const money = (micros: number | undefined): string => (micros === undefined ? '–' : (micros / 1_000_000).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }));
  const cents = (micros: number | undefined): string => (micros === undefined ? '–' : (micros / 1_000_000).toLocaleString('en-US', { minimumFractionDigits: 4, maximumFractionDigits: 4 }));
  const waitUnit = waitUnitFor(Math.max(0, ...results.map((r) => r.wait.p95S)));
  const scaling = results.some((r) => r.autoscaling !== undefined);
  const right = (header: string, group?: string): Column => ({ header, align: 'right', ...(group === undefined ? {} : { group }) });
  const columns: Column[] = [
    { header: '', align: 'left' },
    right('rank'),
    right(`p95 wait (${waitUnit.name})`),
    right('total', 'cost'),
    right('idle', 'cost'),
    right('job p50', 'cost'),
    right('job p95', 'cost'),
    ...(scaling ? [right('added', 'nodes'), right('removed', 'nodes'), right('peak', 'nodes')] : []),
  ];
  const rows = rankByCost(results).map(({ index, bestService }, i) => {
    const r = results[index] as RunResult;
    return [
      r.label,
      `${i + 1}${bestService ? '' : '*'}`,
      inUnit(r.wait.p95S, waitUnit),
      money(r.cost?.total),
      money(r.cost?.idle),
      cents(r.cost?.perJob?.p50),
      cents(r.cost?.perJob?.p95),
      ...(scaling ? [thousands(r.autoscaling?.nodesAdded ?? 0), thousands(r.autoscaling?.nodesRemoved ?? 0), r.autoscaling === undefined ? '–' : thousands(r.autoscaling.peakNodes)] : []),
    ];
  });
  const table = formatTable('Cost, ranked by cost at equal service (currency units of costPerHour)', columns, rows);
  const notes = [
    'runs whose p95 wait is within max(10 %, 60 s) of the best come first, cheapest first; * marks a worse service',
    'idle: what no job paid for',
    'job p50 / p95: what a completed job paid',
    ...(scaling ? ['nodes: added and removed by the autoscaler during the run, and the most at once'] : []),
  ];
  return `${table}\n${wrap(`(${notes.join('; ')}.)`, MAX_WIDTH)}`;
}

/** The answer first: the recommended run, one line per alternative, and the noise verdict. */
export function recommendationText(recommendation: Recommendation): string {
  const lines = [
    wrap(`Recommended: ${recommendation.summary}`, MAX_WIDTH),
    ...recommendation.alternatives.map((alternative) => indent(wrap(alternative.tradeOff, MAX_WIDTH - 4))),
    wrap(recommendation.noise, MAX_WIDTH),
  ];
  return lines.join('\n');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line, i) => (i === 0 ? `  - ${line}` : `    ${line}`))
    .join('\n');
}

/** Only with several seeds: each combination's objective score and headline figures, lowest–highest over the seeds. */
function seedTable(report: SimulationReport): string | undefined {
  const spread = report.seeds;
  if (spread === undefined) return undefined;
  const { waitUnit, timeUnit, rows } = spreadFigures(spread);
  const right = (header: string): Column => ({ header, align: 'right' });
  return formatTable(
    `Spread over seeds ${spread.seeds[0]}–${spread.seeds[spread.seeds.length - 1]} (lowest–highest; score: ${report.recommendation?.objective ?? 'balanced'}, lower is better)`,
    [{ header: '', align: 'left' }, right('score'), right(`mean wait (${waitUnit})`), right(`p95 wait (${waitUnit})`), right(`makespan (${timeUnit})`)],
    rows.map((r) => [r.label, r.score, r.meanWait, r.p95Wait, r.makespan]),
  );
}

/**
 * Only with the spot model or checkpoints: reclaims, what became of the jobs they hit, and the
 * work lost — with the run's checkpoints and, for comparison, without.
 */
function spotTable(report: SimulationReport): string | undefined {
  const { results, scenario } = report;
  const spotOn = results.some((r) => r.interruptions !== undefined);
  const checkpoints = scenario.checkpointEveryS;
  if (!spotOn && checkpoints === undefined) return undefined;
  type Cell = [Column, (r: RunResult) => string];
  const right = (header: string, group?: string): Column => ({ header, align: 'right', ...(group === undefined ? {} : { group }) });
  const hours = (value: number | undefined): string => (value === undefined ? '–' : value.toFixed(1));
  const cells: Cell[] = [];
  if (spotOn) {
    cells.push(
      [right('nodes', 'interruptions'), (r) => thousands(r.interruptions?.count ?? 0)],
      [right('jobs hit', 'interruptions'), (r) => thousands(r.interruptions?.jobsHit ?? 0)],
      [right('finished', 'interruptions'), (r) => thousands(r.interruptions?.finishedInNotice ?? 0)],
      [right('restarted', 'interruptions'), (r) => thousands(r.interruptions?.restarts ?? 0)],
      checkpoints === undefined ? [right('lost h'), (r) => hours(r.interruptions?.lostWorkHours)] : [right('with ckpt', 'lost h'), (r) => hours(r.interruptions?.lostWorkHours)],
    );
    if (checkpoints !== undefined) cells.push([right('w/o ckpt', 'lost h'), (r) => hours(r.interruptions?.lostWorkHoursWithoutCheckpoints)]);
  }
  if (checkpoints !== undefined) {
    cells.push([right('with ckpt', 'all lost h'), (r) => hours(r.lostWorkHours)], [right('w/o ckpt', 'all lost h'), (r) => hours(r.lostWorkHoursWithoutCheckpoints)]);
  }
  const spot = scenario.spot;
  const setting = [
    spot === undefined ? '' : `${thousands(spot.nodes)} spot node${spot.nodes === 1 ? '' : 's'}, ${spot.interruptionsPerHour} reclaims per hour${spot.interruptionsPerHour > 0 ? ` with ${duration(spot.noticeS)} notice` : ''}`,
    checkpoints === undefined ? 'no checkpoints' : `${spotOn ? 'checkpoints ' : ''}every ${duration(checkpoints)}`,
  ].filter((text) => text !== '');
  const table = formatTable(
    `${spotOn ? 'Spot interruptions' : 'Checkpoints'} (${setting.join('; ')})`,
    [{ header: '', align: 'left' }, ...cells.map(([column]) => column)],
    results.map((r) => [r.label, ...cells.map(([, value]) => value(r))]),
  );
  const notes = [
    spotOn ? 'nodes: spot nodes reclaimed; jobs hit: jobs running on them when warned, which finished within the notice or were restarted when it ran out' : '',
    spotOn ? `lost h: job-hours of work thrown away by those restarts${checkpoints === undefined ? '' : ', with these checkpoints and (for comparison) without'}` : '',
    checkpoints === undefined ? '' : `all lost h: job-hours of work thrown away by every restart (preemption${spotOn ? ', interruption' : ''} or node failure), with these checkpoints and without`,
  ].filter((n) => n !== '');
  return `${table}\n${wrap(`(${notes.join('; ')}.)`, MAX_WIDTH)}`;
}

function waitTable(title: string, results: readonly RunResult[], groups: (r: RunResult) => Readonly<Record<string, WaitSummary>>): string {
  const names = Object.keys(groups(results[0] as RunResult)).filter((name) => results.some((r) => (groups(r)[name]?.count ?? 0) > 0));
  const unit = waitUnitFor(Math.max(0, ...results.flatMap((r) => Object.values(groups(r)).map((w) => w.p95S))));
  return formatTable(
    `${title} (${unit.name})`,
    [{ header: '', align: 'left' }, ...names.map((name) => ({ header: name, align: 'right' as const }))],
    results.map((r) => [
      r.label,
      ...names.map((name) => {
        const wait = groups(r)[name];
        return wait === undefined || wait.count === 0 ? '–' : `${inUnit(wait.meanS, unit)} / ${inUnit(wait.p95S, unit)}`;
      }),
    ]),
  );
}
