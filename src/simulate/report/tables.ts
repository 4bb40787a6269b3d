import { percent, thousands, unitFor, waitUnitFor } from '../format.js';
import type { RunResult } from '../results.js';
import type { WaitSummary } from '../stats.js';
import { type ReportContext, runLabel } from './charts.js';
import { escapeXml } from './svg.js';

type Better = 'high' | 'low' | undefined;

interface NumericColumn {
  readonly header: string;
  readonly value: (r: RunResult) => number | null;
  readonly format: (value: number) => string;
  readonly better: Better;
}

export function summary(context: ReportContext): string {
  const { results } = context;
  const waitUnit = waitUnitFor(Math.max(0, ...results.map((r) => r.wait.p95S)));
  const timeUnit = unitFor(Math.max(0, ...results.map((r) => r.makespanS)));
  const outcome: NumericColumn[] = [
    { header: 'completed', value: (r) => r.jobs.completed, format: (v) => thousands(v), better: 'high' },
    { header: `makespan (${timeUnit.name})`, value: (r) => r.makespanS / timeUnit.seconds, format: (v) => v.toFixed(2), better: 'low' },
    { header: `mean wait (${waitUnit.name})`, value: (r) => r.wait.meanS / waitUnit.seconds, format: (v) => v.toFixed(1), better: 'low' },
    { header: `p95 wait (${waitUnit.name})`, value: (r) => r.wait.p95S / waitUnit.seconds, format: (v) => v.toFixed(1), better: 'low' },
    { header: 'preempted', value: (r) => r.preemptions, format: (v) => thousands(v), better: undefined },
    { header: 'restarts', value: (r) => r.restarts, format: (v) => thousands(v), better: undefined },
    { header: 'lost job-hours', value: (r) => r.lostWorkHours, format: (v) => v.toFixed(1), better: 'low' },
    { header: "Jain's index", value: (r) => r.jainIndex, format: (v) => v.toFixed(3), better: 'high' },
    { header: 'decisions/s', value: (r) => r.timing.decisionsPerSecond, format: (v) => thousands(v), better: undefined },
  ];
  const rejected = results.some((r) => r.jobs.rejected > 0 || r.jobs.unfinished > 0);
  if (rejected) {
    outcome.splice(1, 0, { header: 'rejected', value: (r) => r.jobs.rejected, format: (v) => thousands(v), better: undefined }, { header: 'unfinished', value: (r) => r.jobs.unfinished, format: (v) => thousands(v), better: 'low' });
  }
  if (results.some((r) => r.deadlines.total > 0)) outcome.push({ header: 'missed deadlines', value: (r) => r.deadlines.missed, format: (v) => thousands(v), better: 'low' });
  const dims = Object.keys(results[0]?.utilisation ?? {});
  const capacity: NumericColumn[] = [
    ...dims.map((d): NumericColumn => ({ header: `${d} used`, value: (r) => r.utilisation[d] ?? 0, format: (v) => percent(v), better: 'high' })),
    { header: 'packing', value: (r) => r.packingEfficiency, format: (v) => percent(v), better: 'high' },
    ...dims.map((d): NumericColumn => ({ header: `${d} stranded`, value: (r) => r.strandedCapacity[d] ?? 0, format: (v) => percent(v), better: 'low' })),
  ];
  const spot = spotColumns(results);
  return `<section id="summary">
<h2>Summary</h2>
<p>One row per run. The best value of each column is <mark>highlighted</mark> (columns without a better direction are not). Definitions are at the <a href="#reading">end of the report</a>.</p>
<h3>Outcome</h3>
${numericTable(context, outcome)}
${spot === undefined ? '' : `<h3>${spot.title}</h3>\n${numericTable(context, spot.columns)}\n`}<h3>Capacity (time-averaged)</h3>
${numericTable(context, capacity)}
</section>`;
}

/** Only with the spot model or checkpoints: reclaims, the jobs they hit, and the work lost with and without checkpoints. */
function spotColumns(results: readonly RunResult[]): { readonly title: string; readonly columns: NumericColumn[] } | undefined {
  const spotOn = results.some((r) => r.interruptions !== undefined);
  const checkpoints = results.some((r) => r.lostWorkHoursWithoutCheckpoints !== undefined);
  if (!spotOn && !checkpoints) return undefined;
  const hours = (v: number): string => v.toFixed(1);
  const columns: NumericColumn[] = [];
  if (spotOn) {
    columns.push(
      { header: 'nodes reclaimed', value: (r) => r.interruptions?.count ?? 0, format: (v) => thousands(v), better: undefined },
      { header: 'jobs hit', value: (r) => r.interruptions?.jobsHit ?? 0, format: (v) => thousands(v), better: undefined },
      { header: 'finished in notice', value: (r) => r.interruptions?.finishedInNotice ?? 0, format: (v) => thousands(v), better: undefined },
      { header: 'restarted', value: (r) => r.interruptions?.restarts ?? 0, format: (v) => thousands(v), better: 'low' },
      { header: checkpoints ? 'lost job-hours, with checkpoints' : 'lost job-hours', value: (r) => r.interruptions?.lostWorkHours ?? null, format: hours, better: 'low' },
    );
    if (checkpoints) columns.push({ header: 'lost job-hours, without checkpoints', value: (r) => r.interruptions?.lostWorkHoursWithoutCheckpoints ?? null, format: hours, better: 'low' });
  }
  if (checkpoints) {
    columns.push(
      { header: 'all restarts: lost job-hours, with checkpoints', value: (r) => r.lostWorkHours, format: hours, better: 'low' },
      { header: 'all restarts: without checkpoints', value: (r) => r.lostWorkHoursWithoutCheckpoints ?? null, format: hours, better: 'low' },
    );
  }
  return { title: spotOn ? 'Spot interruptions and lost work' : 'Checkpoints and lost work', columns };
}

function numericTable(context: ReportContext, columns: readonly NumericColumn[]): string {
  const best = columns.map((column) => {
    if (column.better === undefined) return undefined;
    const values = context.results.map(column.value).filter((v): v is number => v !== null);
    if (values.length < 2 || Math.min(...values) === Math.max(...values)) return undefined;
    return column.better === 'high' ? Math.max(...values) : Math.min(...values);
  });
  const head = `<tr><th scope="col">run</th>${columns.map((c) => `<th scope="col">${escapeXml(c.header)}</th>`).join('')}</tr>`;
  const rows = context.results.map((r) => {
    const cells = columns.map((column, i) => {
      const value = column.value(r);
      if (value === null) return '<td class="num">–</td>';
      const text = column.format(value);
      // compare what is shown, so ties in print are ties in highlight
      const isBest = best[i] !== undefined && column.format(best[i] as number) === text;
      return `<td class="num">${isBest ? `<mark>${text}</mark>` : text}</td>`;
    });
    return `<tr><th scope="row">${runLabel(context, r)}</th>${cells.join('')}</tr>`;
  });
  return `<div class="table-wrap"><table><thead>${head}</thead><tbody>${rows.join('')}</tbody></table></div>`;
}

export function groupTables(context: ReportContext): string {
  const table = (title: string, groups: (r: RunResult) => Readonly<Record<string, WaitSummary>>): string => {
    const first = context.results[0];
    if (first === undefined) return '';
    const names = Object.keys(groups(first)).filter((name) => context.results.some((r) => (groups(r)[name]?.count ?? 0) > 0));
    const unit = waitUnitFor(Math.max(0, ...context.results.flatMap((r) => Object.values(groups(r)).map((w) => w.p95S))));
    const head = `<tr><th scope="col">run</th>${names.map((n) => `<th scope="col">${escapeXml(n)}</th>`).join('')}</tr>`;
    const rows = context.results.map((r) => {
      const cells = names.map((n) => {
        const w = groups(r)[n];
        return w === undefined || w.count === 0 ? '<td class="num">–</td>' : `<td class="num">${(w.meanS / unit.seconds).toFixed(1)} <span class="muted">/ ${(w.p95S / unit.seconds).toFixed(1)}</span></td>`;
      });
      return `<tr><th scope="row">${runLabel(context, r)}</th>${cells.join('')}</tr>`;
    });
    return `<h3>${title} (${unit.name}, mean / p95)</h3><div class="table-wrap"><table><thead>${head}</thead><tbody>${rows.join('')}</tbody></table></div>`;
  };
  return table('By tenant', (r) => r.wait.byTenant) + table('By priority class', (r) => r.wait.byPriority);
}

