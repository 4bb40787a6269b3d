import { thousands, unitFor } from '../format.js';
import type { RunResult, RunSeries } from '../results.js';
import { combinationStyle, dimensionColour, tenantColour } from './palette.js';
import { type Series, escapeXml, lineChart } from './svg.js';

/** What every part of the report needs: the runs, their series, and shared axes and styles. */
export interface ReportContext {
  readonly results: readonly RunResult[];
  readonly series: readonly RunSeries[];
  readonly strategies: readonly string[];
  readonly time: { readonly max: number; readonly unit: number; readonly name: string };
}

/** The common time axis: 0 to the longest makespan, in the unit that suits it. */
export function timeAxis(results: readonly RunResult[]): ReportContext['time'] {
  const max = Math.max(1, ...results.map((r) => r.makespanS));
  const unit = unitFor(max);
  return { max, unit: unit.seconds, name: unit.name === 's' ? 'seconds' : unit.name === 'min' ? 'minutes' : 'hours' };
}

/** Bucket midpoints, so a bucket's average is drawn at the middle of its span. */
export function midpoints(series: RunSeries): number[] {
  const width = series.timesS.length > 1 ? (series.timesS[1] as number) - (series.timesS[0] as number) : 0;
  return series.timesS.map((t) => t + width / 2);
}

export function xTime(context: ReportContext): Parameters<typeof lineChart>[0]['x'] {
  return { min: 0, max: context.time.max / context.time.unit, label: `time (${context.time.name})`, format: (v) => trimNumber(v) };
}

export function legend(items: readonly { readonly name: string; readonly colour: string; readonly dash?: string; readonly opacity?: number }[]): string {
  return `<ul class="legend">${items
    .map(
      (item) =>
        `<li><svg class="swatch" viewBox="0 0 28 8" width="28" height="8" aria-hidden="true"><line x1="1" y1="4" x2="27" y2="4" stroke="${item.colour}" stroke-width="2.4"${item.opacity === undefined ? '' : ` stroke-opacity="${item.opacity}"`}${item.dash === undefined || item.dash === '' ? '' : ` stroke-dasharray="${item.dash}"`}/></svg>${escapeXml(item.name)}</li>`,
    )
    .join('')}</ul>`;
}

export function combinationLegend(context: ReportContext): string {
  return legend(context.results.map((r) => ({ name: r.label, ...runStyle(context, r) })));
}

export function runStyle(context: ReportContext, r: RunResult): { colour: string; dash: string; opacity: number } {
  return combinationStyle(r, context.strategies);
}

export function utilisationCharts(context: ReportContext): string {
  const dims = Object.keys(context.results[0]?.utilisation ?? {});
  const panels = context.results.map((r, i) => {
    const s = context.series[i] as RunSeries;
    const xs = midpoints(s);
    const lines: Series[] = dims.map((d, k) => ({ name: d, color: dimensionColour(d, k), points: xs.map((x, j) => [x / context.time.unit, (s.utilisation[d]?.[j] ?? 0) * 100] as const) }));
    return panel(
      lineChart({
        width: 340,
        height: 210,
        title: r.label,
        description: `Utilisation over time for ${r.label}`,
        x: xTime(context),
        y: { min: 0, max: 100, format: (v) => `${v}%`, ticks: [0, 25, 50, 75, 100] },
        series: lines,
      }),
    );
  });
  return `${legend(dims.map((d, k) => ({ name: d, colour: dimensionColour(d, k) })))}<div class="panels">${panels.join('')}</div>`;
}

export function waitChart(context: ReportContext): string {
  const allQuantiles = context.series.flatMap((s) => s.waitQuantilesS);
  const max = Math.max(10, ...allQuantiles);
  const upper = WAIT_TICKS.find((t) => t >= max) ?? max;
  // the curve starts at the share of jobs that waited at most a second (the left edge of the log
  // axis); when that share is large in every run, the axis starts just below it so that the
  // curves' differences get the room
  const startsAt = context.series.map((s) => {
    const q = s.waitQuantilesS;
    let k = 0;
    while (k + 1 < q.length && (q[k + 1] as number) <= 1) k++;
    return { k, share: q.length > 1 ? (k / (q.length - 1)) * 100 : 0 };
  });
  const lowest = Math.min(100, ...startsAt.map((s) => s.share));
  const yMin = Math.max(0, Math.floor((lowest - 5) / 10) * 10);
  const lines: Series[] = context.results.map((r, i) => {
    const q = (context.series[i] as RunSeries).waitQuantilesS;
    const last = q.length - 1;
    const from = (startsAt[i] as { k: number }).k;
    // at wait q[k], k/last of the jobs had waited at most that long
    const points = q.slice(from).map((w, k) => [Math.max(1, w), ((from + k) / last) * 100] as const);
    return { name: r.label, color: runStyle(context, r).colour, dash: runStyle(context, r).dash, opacity: runStyle(context, r).opacity, className: `cdf-run-${i}`, points };
  });
  const range = 100 - yMin;
  const step = range >= 60 ? 20 : range >= 20 ? 10 : range >= 10 ? 5 : 2;
  const yTicks: number[] = [];
  for (let v = yMin; v <= 100; v += step) yTicks.push(v);
  const chart = lineChart({
    width: 1040,
    height: 380,
    description: 'Cumulative distribution of wait times, one line per run',
    x: { min: 1, max: upper, log: true, label: 'wait (log scale)', format: secondsLabel, ticks: WAIT_TICKS.filter((t) => t <= upper) },
    y: { min: yMin, max: 100, label: 'jobs that waited at most this long', format: (v) => `${v}%`, ticks: yTicks },
    series: lines,
    empty: 'no completed jobs',
  });
  const note = yMin > 0 ? `<p class="note">The vertical axis starts at ${yMin}%: in every run more jobs than that started within a second of their submission.</p>` : '';
  return `${toggleLegend(context)}<figure class="wide chart-cdf">${chart}</figure>${note}`;
}

/**
 * The wait CDF's legend: one checkbox per run that shows or hides its line. No script: CSS
 * `:has()` reads the checkboxes (`toggleRules`), so the page still works offline and as a file.
 */
function toggleLegend(context: ReportContext): string {
  const items = context.results.map((r, i) => {
    const style = runStyle(context, r);
    const swatch = `<svg class="swatch" viewBox="0 0 28 8" width="28" height="8" aria-hidden="true"><line x1="1" y1="4" x2="27" y2="4" stroke="${style.colour}" stroke-width="2.4" stroke-opacity="${style.opacity}"${style.dash === '' ? '' : ` stroke-dasharray="${style.dash}"`}/></svg>`;
    return `<li><label><input type="checkbox" id="cdf-toggle-${i}" checked>${swatch}${escapeXml(r.label)}</label></li>`;
  });
  return `<p class="note">Untick a run to hide its line.</p><ul class="legend toggles">${items.join('')}</ul>`;
}

/** The CSS behind `toggleLegend`: an unticked box hides its run's line. */
export function toggleRules(runs: number): string {
  return Array.from({ length: runs }, (_, i) => `#waits:has(#cdf-toggle-${i}:not(:checked)) .cdf-run-${i} { display: none; }`).join('\n');
}

export function queueChart(context: ReportContext): string {
  const max = Math.max(1, ...context.series.flatMap((s) => s.waiting));
  const lines: Series[] = context.results.map((r, i) => {
    const s = context.series[i] as RunSeries;
    const xs = midpoints(s);
    return { name: r.label, color: runStyle(context, r).colour, dash: runStyle(context, r).dash, opacity: runStyle(context, r).opacity, points: xs.map((x, j) => [x / context.time.unit, s.waiting[j] ?? 0] as const) };
  });
  const chart = lineChart({
    width: 1040,
    height: 320,
    description: 'Number of waiting jobs over time, one line per run',
    x: xTime(context),
    y: { min: 0, max: max * 1.05, label: 'jobs waiting', format: (v) => thousands(v) },
    series: lines,
  });
  return `${combinationLegend(context)}<figure class="wide">${chart}</figure>`;
}

export function shareCharts(context: ReportContext): string {
  const tenants = (context.series[0]?.shares ?? []).map((s) => s.tenant);
  const max = Math.min(1, Math.max(0.05, ...context.series.flatMap((s) => s.shares.flatMap((t) => t.values)))) * 100;
  const top = niceCeiling(max);
  const panels = context.results.map((r, i) => {
    const s = context.series[i] as RunSeries;
    const xs = midpoints(s);
    const lines: Series[] = s.shares.map((t, k) => ({ name: t.tenant, color: tenantColour(t.tenant, k), points: xs.map((x, j) => [x / context.time.unit, (t.values[j] ?? 0) * 100] as const) }));
    return panel(
      lineChart({
        width: 340,
        height: 210,
        title: r.label,
        description: `Dominant share per tenant over time for ${r.label}`,
        x: xTime(context),
        y: { min: 0, max: top, format: (v) => `${trimNumber(v)}%` },
        series: lines,
      }),
    );
  });
  return `${legend(tenants.map((t, k) => ({ name: t === 'others' ? 'other tenants, together' : t, colour: tenantColour(t, k) })))}<div class="panels">${panels.join('')}</div>`;
}

/** A run's name with a swatch of its line style (table rows). */
export function runLabel(context: ReportContext, r: RunResult): string {
  const style = combinationStyle(r, context.strategies);
  const swatch = `<svg class="swatch" viewBox="0 0 28 8" width="28" height="8" aria-hidden="true"><line x1="1" y1="4" x2="27" y2="4" stroke="${style.colour}" stroke-opacity="${style.opacity}" stroke-width="2.4"${style.dash === '' ? '' : ` stroke-dasharray="${style.dash}"`}/></svg>`;
  return `${swatch}${escapeXml(r.label)}`;
}

function panel(svg: string): string {
  return `<figure class="panel">${svg}</figure>`;
}

/** Round waits a reader thinks in, rather than powers of ten of seconds. */
const WAIT_TICKS = [1, 10, 60, 600, 3600, 36_000, 86_400, 864_000];

/** 1 → "1 s", 60 → "1 min", 3600 → "1 h". */
function secondsLabel(seconds: number): string {
  if (seconds < 60) return `${trimNumber(seconds)} s`;
  if (seconds < 3600) return `${trimNumber(seconds / 60)} min`;
  if (seconds < 86_400 * 2) return `${trimNumber(seconds / 3600)} h`;
  return `${trimNumber(seconds / 86_400)} d`;
}

function trimNumber(value: number): string {
  return String(Number(value.toPrecision(3)));
}

function niceCeiling(value: number): number {
  for (const step of [5, 10, 20, 25, 50, 75, 100]) if (value <= step) return step;
  return 100;
}
