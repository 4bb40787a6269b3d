/**
 * fairpack/simulate as a library — the companion of docs/simulate.md ("The library").
 * Run it with `npx tsx examples/simulate.ts`. It compares two placement strategies under DRF on
 * a small synthetic workload with two seeds, prints the recommendation and writes nothing: the
 * HTML report is a string (renderReport) for you to save or serve. The figures are the same on
 * every run and every machine (only `timing` reads the wall clock, and only when you pass one).
 */
import { renderReport, simulate } from 'fairpack/simulate';

const results = await simulate({
  workload: { jobs: 1500, load: 0.9 },
  nodes: 20,
  strategies: ['best-fit', 'worst-fit'],
  policies: ['drf'],
  objective: 'p95',
  seeds: 2,
  onProgress: ({ run, runs, label, fraction }) => {
    if (fraction === 0) console.log(`run ${run}/${runs}: ${label}`);
  },
});

for (const r of results.results) {
  console.log(`${r.label}: ${r.jobs.completed} jobs, mean wait ${r.wait.meanS} s, p95 ${r.wait.p95S} s, makespan ${r.makespanS} s`);
}
const recommendation = results.recommendation;
if (recommendation !== undefined) {
  console.log(`\nRecommended: ${recommendation.summary}`);
  for (const alternative of recommendation.alternatives) console.log(`  - ${alternative.tradeOff}`);
  console.log(recommendation.noise);
}
const html = renderReport(results, { command: 'npx tsx examples/simulate.ts' });
console.log(`\nThe report: ${html.length.toLocaleString('en-US')} characters of self-contained HTML.`);
