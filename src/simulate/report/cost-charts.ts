import { thousands, waitUnitFor } from '../format.js';
import type { RunResult, RunSeries } from '../results.js';
import { type ReportContext, combinationLegend, legend, midpoints, runStyle, xTime } from './charts.js';
import { MARGIN, type Series, escapeXml, f, lineChart, niceTicks, scale } from './svg.js';

/** Per node type in the nodes-over-time charts: the starting nodes grey, then the types in order. */
const MORE_NODE_COLOURS: readonly string[] = ['#6b7280', '#2563eb', '#dc2626', '#059669', '#9333ea', '#ea580c', '#0891b2', '#a16207'];

/**
 * Only with autoscaling: per run, the nodes in the cluster over time by type (the starting nodes
 * and each type the autoscaler added), time-averaged per bucket.
 */
export function nodeCharts(context: ReportContext): string {
  const runs = context.results.flatMap((r, i) => {
    const nodes = (context.series[i] as RunSeries).nodes;
    return nodes === undefined ? [] : [{ r, s: context.series[i] as RunSeries, byType: nodes.byType }];
  });
  if (runs.length === 0) return '';
  const types = Object.keys(runs[0]?.byType ?? {});
  const colour = (k: number): string => MORE_NODE_COLOURS[k % MORE_NODE_COLOURS.length] as string;
  const top = Math.max(1, ...runs.flatMap(({ byType }) => Object.values(byType).flat())) * 1.05;
  const panels = runs.map(({ r, s, byType }) => {
    const xs = midpoints(s);
    const lines: Series[] = types.map((type, k) => ({ name: type, color: colour(k), points: xs.map((x, j) => [x / context.time.unit, byType[type]?.[j] ?? 0] as const) }));
    return `<figure class="panel">${lineChart({ width: 340, height: 210, title: r.label, description: `Nodes over time by type for ${r.label}`, x: xTime(context), y: { min: 0, max: top, format: (v) => thousands(v) }, series: lines })}</figure>`;
  });
  return `${legend(types.map((type, k) => ({ name: type, colour: colour(k) })))}<div class="panels">${panels.join('')}</div>`;
}

/**
 * Only when the nodes have prices: each run as a point, cost across and p95 wait up — the
 * trade-off at a glance (lower left is better: cheaper and shorter waits).
 */
export function costWaitChart(context: ReportContext): string {
  const priced = context.results.filter((r): r is RunResult & { cost: NonNullable<RunResult['cost']> } => r.cost !== undefined);
  if (priced.length === 0) return '';
  const width = 1040;
  const height = 360;
  const unit = waitUnitFor(Math.max(0, ...priced.map((r) => r.wait.p95S)));
  const costs = priced.map((r) => r.cost.total / 1_000_000);
  const waits = priced.map((r) => r.wait.p95S / unit.seconds);
  const x = { min: 0, max: Math.max(...costs) * 1.1 || 1, format: (v: number) => thousands(v) };
  const y = { min: 0, max: Math.max(...waits) * 1.1 || 1, format: (v: number) => String(Number(v.toPrecision(3))) };
  const plotW = width - MARGIN.left - MARGIN.right;
  const top = 10;
  const plotH = height - top - MARGIN.bottom;
  const sx = scale(x, MARGIN.left, MARGIN.left + plotW);
  const sy = scale(y, top + plotH, top);
  const parts = [`<svg class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Cost against p95 wait, one point per run">`];
  for (const tick of niceTicks(x)) parts.push(`<line class="grid" x1="${f(sx(tick))}" x2="${f(sx(tick))}" y1="${top}" y2="${top + plotH}"/><text class="tick" x="${f(sx(tick))}" y="${top + plotH + 15}" text-anchor="middle">${escapeXml(x.format(tick))}</text>`);
  for (const tick of niceTicks(y)) parts.push(`<line class="grid" x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${f(sy(tick))}" y2="${f(sy(tick))}"/><text class="tick" x="${MARGIN.left - 6}" y="${f(sy(tick) + 4)}" text-anchor="end">${escapeXml(y.format(tick))}</text>`);
  parts.push(`<rect class="frame" x="${MARGIN.left}" y="${top}" width="${plotW}" height="${plotH}"/>`);
  parts.push(`<text class="axis-label" x="${MARGIN.left + plotW / 2}" y="${height - 6}" text-anchor="middle">cost over the run (currency units of costPerHour)</text>`);
  parts.push(`<text class="axis-label" transform="translate(13 ${top + plotH / 2}) rotate(-90)" text-anchor="middle">p95 wait (${escapeXml(unit.name)})</text>`);
  priced.forEach((r, i) => {
    const style = runStyle(context, r);
    const px = sx(costs[i] as number);
    const py = sy(waits[i] as number);
    parts.push(`<circle cx="${f(px)}" cy="${f(py)}" r="5" fill="${style.colour}" fill-opacity="${style.opacity}"><title>${escapeXml(`${r.label}: ${thousands(costs[i] as number)} for a p95 wait of ${Number((waits[i] as number).toPrecision(3))} ${unit.name}`)}</title></circle>`);
  });
  parts.push('</svg>');
  return `${combinationLegend(context)}<figure class="wide">${parts.join('')}</figure>`;
}
