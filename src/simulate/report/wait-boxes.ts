import type { RunSeries, WaitBox } from '../results.js';
import { type ReportContext, combinationLegend, runStyle } from './charts.js';
import { MARGIN, escapeXml, f, scale } from './svg.js';

/** Waits shorter than this sit at the bottom of the log axis (as in the wait CDF). */
const FLOOR_S = 1;
const TICKS = [1, 10, 60, 600, 3600, 36_000, 86_400, 864_000];

/**
 * Box plots of the waits per tenant (and per priority class): for each group, one box per run —
 * the box from the 25th to the 75th percentile, a line at the median, whiskers from the 5th to
 * the 95th. A log axis, so a minute and a day of waiting both read.
 */
export function waitBoxCharts(context: ReportContext): string {
  const groups = (pick: (s: RunSeries) => Readonly<Record<string, WaitBox>>): string[] => {
    const names = Object.keys(pick(context.series[0] as RunSeries));
    return names.filter((name) => context.series.some((s) => (pick(s)[name]?.count ?? 0) > 0));
  };
  const tenants = boxChart(context, 'tenant', groups((s) => s.waitBoxes.byTenant), (s) => s.waitBoxes.byTenant);
  const classes = boxChart(context, 'priority class', groups((s) => s.waitBoxes.byPriority), (s) => s.waitBoxes.byPriority);
  return `${combinationLegend(context)}<h3>By tenant</h3><figure class="wide chart-boxes-tenant">${tenants}</figure><h3>By priority class</h3><figure class="wide chart-boxes-priority">${classes}</figure>`;
}

function boxChart(context: ReportContext, what: string, names: readonly string[], pick: (s: RunSeries) => Readonly<Record<string, WaitBox>>): string {
  const runs = context.results.length;
  const boxWidth = Math.max(4, Math.min(16, Math.floor(900 / Math.max(1, names.length * runs)) - 2));
  const groupWidth = runs * (boxWidth + 2) + 18;
  const width = Math.max(520, MARGIN.left + MARGIN.right + names.length * groupWidth);
  const height = 320;
  const top = 12;
  const plotH = height - top - MARGIN.bottom - 14;
  const highest = Math.max(60, ...context.series.flatMap((s) => Object.values(pick(s)).map((b) => b.p95S)));
  const upper = TICKS.find((t) => t >= highest) ?? highest;
  const y = { min: FLOOR_S, max: upper, log: true, format: String };
  const sy = scale(y, top + plotH, top);
  const parts: string[] = [`<svg class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Waits per ${escapeXml(what)}: one box per run">`];
  for (const tick of TICKS.filter((t) => t <= upper)) {
    const py = sy(tick);
    parts.push(`<line class="grid" x1="${MARGIN.left}" x2="${width - MARGIN.right}" y1="${f(py)}" y2="${f(py)}"/>`);
    parts.push(`<text class="tick" x="${MARGIN.left - 6}" y="${f(py + 4)}" text-anchor="end">${secondsLabel(tick)}</text>`);
  }
  parts.push(`<rect class="frame" x="${MARGIN.left}" y="${top}" width="${width - MARGIN.left - MARGIN.right}" height="${plotH}"/>`);
  parts.push(`<text class="axis-label" transform="translate(13 ${top + plotH / 2}) rotate(-90)" text-anchor="middle">wait (log scale)</text>`);
  names.forEach((name, g) => {
    const x0 = MARGIN.left + 10 + g * groupWidth;
    parts.push(`<text class="tick" x="${f(x0 + (runs * (boxWidth + 2)) / 2)}" y="${top + plotH + 16}" text-anchor="middle">${escapeXml(name)}</text>`);
    context.results.forEach((r, i) => {
      const box = pick(context.series[i] as RunSeries)[name];
      if (box === undefined || box.count === 0) return;
      const style = runStyle(context, r);
      const x = x0 + i * (boxWidth + 2);
      const mid = x + boxWidth / 2;
      const at = (seconds: number): string => f(sy(Math.max(FLOOR_S, seconds)));
      const tip = `${r.label} — ${name}: median ${secondsLabel(box.p50S)}, middle half ${secondsLabel(box.p25S)}–${secondsLabel(box.p75S)}, 5–95 % ${secondsLabel(box.p5S)}–${secondsLabel(box.p95S)} (${box.count} jobs)`;
      parts.push(
        `<g class="box" opacity="${style.opacity}"><title>${escapeXml(tip)}</title>` +
          `<line x1="${f(mid)}" x2="${f(mid)}" y1="${at(box.p5S)}" y2="${at(box.p95S)}" stroke="${style.colour}" stroke-width="1"/>` +
          `<rect x="${f(x)}" y="${at(box.p75S)}" width="${boxWidth}" height="${f(Math.max(1, sy(Math.max(FLOOR_S, box.p25S)) - sy(Math.max(FLOOR_S, box.p75S))))}" fill="${style.colour}" fill-opacity="0.25" stroke="${style.colour}"${style.dash === '' ? '' : ` stroke-dasharray="${style.dash === '7 4' ? '3 2' : '1 1'}"`}/>` +
          `<line x1="${f(x)}" x2="${f(x + boxWidth)}" y1="${at(box.p50S)}" y2="${at(box.p50S)}" stroke="${style.colour}" stroke-width="2"/></g>`,
      );
    });
  });
  parts.push('</svg>');
  return parts.join('');
}

function secondsLabel(seconds: number): string {
  const trim = (v: number): string => String(Number(v.toPrecision(3)));
  if (seconds < 60) return `${trim(seconds)} s`;
  if (seconds < 3600) return `${trim(seconds / 60)} min`;
  if (seconds < 86_400 * 2) return `${trim(seconds / 3600)} h`;
  return `${trim(seconds / 86_400)} d`;
}
