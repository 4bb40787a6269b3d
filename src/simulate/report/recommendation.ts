import { inUnit, unitFor, waitUnitFor } from '../format.js';
import type { SeedSpread, SimulationReport } from '../results.js';
import { escapeXml } from './svg.js';

/**
 * The report's answer, first: the run that is best on the objective, one sentence per other run
 * on what it trades, whether the lead is beyond noise — and, with several seeds, the spread.
 */
export function recommendationSection(report: SimulationReport): string {
  const recommendation = report.recommendation;
  if (recommendation === undefined) return '';
  const alternatives = recommendation.alternatives.map((a) => `<li>${escapeXml(a.tradeOff)}</li>`).join('');
  return `<section id="recommendation" class="answer">
<h2>Recommendation</h2>
<p class="verdict"><strong>${escapeXml(recommendation.best)}</strong>${escapeXml(recommendation.summary.slice(recommendation.best.length))}</p>
${alternatives === '' ? '' : `<ul class="alternatives">${alternatives}</ul>`}
<p class="noise">${escapeXml(recommendation.noise)}</p>
${spreadTable(report)}
<p class="note">The objective is chosen with <code>--objective</code> (<code>objective</code> in the library): balanced, wait, p95, makespan, fairness or cost. See <a href="#reading">how to read this report</a>.</p>
</section>`;
}

/** The seed spread's figures as text, each lowest–highest over the seeds, and the units they are in. */
export interface SpreadFigures {
  readonly waitUnit: string;
  readonly timeUnit: string;
  /** Same order as the spread's runs. */
  readonly rows: readonly {
    readonly label: string;
    readonly score: string;
    readonly meanWait: string;
    readonly p95Wait: string;
    readonly makespan: string;
  }[];
}

/**
 * The seed spread as text: each figure lowest–highest over the seeds (one figure where they
 * agree), the score to 3 decimals, waits and makespans in the units that fit the largest. The
 * report's table and the terminal's (src/cli/simulate/table.ts) both show these, so they agree.
 */
export function spreadFigures(spread: SeedSpread): SpreadFigures {
  const waitUnit = waitUnitFor(Math.max(0, ...spread.runs.flatMap((r) => r.p95WaitS)));
  const timeUnit = unitFor(Math.max(0, ...spread.runs.flatMap((r) => r.makespanS)));
  const range = (values: readonly number[], format: (v: number) => string): string => {
    const low = Math.min(...values);
    const high = Math.max(...values);
    return low === high ? format(low) : `${format(low)}–${format(high)}`;
  };
  return {
    waitUnit: waitUnit.name,
    timeUnit: timeUnit.name,
    rows: spread.runs.map((r) => ({
      label: r.label,
      score: range(r.score, (v) => v.toFixed(3)),
      meanWait: range(r.meanWaitS, (v) => inUnit(v, waitUnit)),
      p95Wait: range(r.p95WaitS, (v) => inUnit(v, waitUnit)),
      makespan: range(r.makespanS, (v) => inUnit(v, timeUnit)),
    })),
  };
}

function spreadTable(report: SimulationReport): string {
  const spread = report.seeds;
  if (spread === undefined) return '';
  const { waitUnit, timeUnit, rows } = spreadFigures(spread);
  const body = rows
    .map((r) => `<tr><th>${escapeXml(r.label)}</th><td class="num">${r.score}</td><td class="num">${r.meanWait}</td><td class="num">${r.p95Wait}</td><td class="num">${r.makespan}</td></tr>`)
    .join('');
  return `<h3>Spread over seeds ${spread.seeds[0]}–${spread.seeds[spread.seeds.length - 1]}</h3>
<p>Lowest–highest over the seeds. Score: the objective’s, lower is better, among each seed’s runs.</p>
<div class="table-wrap"><table id="seed-spread"><thead><tr><th></th><th>score</th><th>mean wait (${waitUnit})</th><th>p95 wait (${waitUnit})</th><th>makespan (${timeUnit})</th></tr></thead><tbody>${body}</tbody></table></div>`;
}
