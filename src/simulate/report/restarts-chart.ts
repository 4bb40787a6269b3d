import type { RunSeries } from '../results.js';
import { type ReportContext, combinationLegend, midpoints, runStyle, xTime } from './charts.js';
import { type Series, lineChart } from './svg.js';
import { thousands } from '../format.js';

/**
 * Preemptions and the work restarts threw away, cumulative over time, one line per run: when the
 * evictions happened (a burst of high-priority work, a failing node) and what they cost.
 */
export function restartCharts(context: ReportContext): string {
  const cumulative = (values: (s: RunSeries) => readonly number[]): Series[] =>
    context.results.map((r, i) => {
      const s = context.series[i] as RunSeries;
      const xs = midpoints(s);
      const style = runStyle(context, r);
      return { name: r.label, color: style.colour, dash: style.dash, opacity: style.opacity, points: xs.map((x, j) => [x / context.time.unit, values(s)[j] ?? 0] as const) };
    });
  const top = (values: (s: RunSeries) => readonly number[]): number => Math.max(1, ...context.series.flatMap(values)) * 1.05;
  const preempted = lineChart({
    width: 515,
    height: 280,
    title: 'jobs preempted so far',
    description: 'Cumulative preemptions over time, one line per run',
    x: xTime(context),
    y: { min: 0, max: top((s) => s.preemptions), format: (v) => thousands(v) },
    series: cumulative((s) => s.preemptions),
  });
  const lost = lineChart({
    width: 515,
    height: 280,
    title: 'job-hours of work lost so far',
    description: 'Cumulative lost work over time, one line per run',
    x: xTime(context),
    y: { min: 0, max: top((s) => s.lostWorkHours), format: (v) => String(Number(v.toPrecision(3))) },
    series: cumulative((s) => s.lostWorkHours),
  });
  return `${combinationLegend(context)}<div class="pair"><figure class="panel chart-preemptions">${preempted}</figure><figure class="panel chart-lost-work">${lost}</figure></div>`;
}
