import type { RunSeries } from '../results.js';
import { type ReportContext, combinationLegend, midpoints, runStyle, xTime } from './charts.js';
import { type Series, lineChart } from './svg.js';

/**
 * Jain's index over time, one line per run: how evenly the backlogged tenants shared the cluster
 * as the run went on. Buckets where fewer than two tenants were backlogged leave a gap.
 */
export function jainChart(context: ReportContext): string {
  const lines: Series[] = context.results.flatMap((r, i) => {
    const s = context.series[i] as RunSeries;
    const xs = midpoints(s);
    // one polyline per stretch of defined values: a gap means "nobody was competing"
    const segments: (readonly [number, number])[][] = [];
    let current: (readonly [number, number])[] = [];
    s.jain.forEach((value, j) => {
      if (value === null) {
        if (current.length > 0) segments.push(current);
        current = [];
      } else current.push([(xs[j] as number) / context.time.unit, value] as const);
    });
    if (current.length > 0) segments.push(current);
    const style = runStyle(context, r);
    return segments.map((points) => ({ name: r.label, color: style.colour, dash: style.dash, opacity: style.opacity, points }));
  });
  const chart = lineChart({
    width: 1040,
    height: 300,
    description: "Jain's index over time, one line per run",
    x: xTime(context),
    y: { min: 0, max: 1, label: "Jain's index", format: (v) => v.toFixed(2), ticks: [0, 0.25, 0.5, 0.75, 1] },
    series: lines,
    empty: 'never two tenants waiting at once',
  });
  return `${combinationLegend(context)}<figure class="wide chart-jain">${chart}</figure>`;
}
