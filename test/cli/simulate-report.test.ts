import { describe, expect, it } from 'vitest';
import { runScenario as simulate } from '../../src/simulate/engine.js';
import { renderReport } from '../../src/simulate/report/html.js';
import { lineChart, niceTicks } from '../../src/simulate/report/svg.js';
import type { Combination, RunResult, RunSeries } from '../../src/simulate/results.js';
import { type Scenario } from '../../src/simulate/scenario.js';
import { traceScenario } from '../../src/simulate/trace.js';
import { syntheticCluster, syntheticScenario } from '../../src/simulate/workload.js';

function runAll(scenario: Scenario, combinations: readonly Combination[]): { results: RunResult[]; series: RunSeries[] } {
  const runs = combinations.map((c) => simulate(scenario, { ...c, samples: 40, wallClock: () => 0 }));
  return { results: runs.map((r) => r.result), series: runs.map((r) => r.series) };
}

const COMBINATIONS: Combination[] = [
  { strategy: 'best-fit', policy: 'fifo', preemption: true },
  { strategy: 'worst-fit', policy: 'drf', preemption: true },
  { strategy: 'worst-fit', policy: 'drf', preemption: false },
];

describe('the HTML report', () => {
  const scenario = syntheticScenario({ seed: 5, jobs: 300, nodes: syntheticCluster(10), load: 1, nodeFailures: 1, repairMs: 60_000 });
  const { results, series } = runAll(scenario, COMBINATIONS);
  const html = renderReport({ scenario: scenario.description, results, series, warnings: [] }, { command: 'fairpack simulate --jobs 300' });

  it('is one self-contained page: no scripts, no external URLs, nothing to fetch', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<style>');
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(|\ssrc=/i);
  });

  it('has the charts: utilisation and dominant shares per run, the wait CDF, the queue', () => {
    for (const id of ['glance', 'summary', 'utilisation', 'waits', 'queue', 'shares', 'groups', 'reading']) expect(html).toContain(`<section id="${id}">`);
    const section = (id: string): string => html.slice(html.indexOf(`<section id="${id}">`), html.indexOf('</section>', html.indexOf(`<section id="${id}">`)));
    const charts = (id: string): number => section(id).split('<svg class="chart"').length - 1;
    expect(charts('utilisation')).toBe(COMBINATIONS.length);
    expect(charts('shares')).toBe(COMBINATIONS.length);
    expect(charts('waits')).toBe(1);
    expect(charts('queue')).toBe(1);
    // one line per dimension in each utilisation panel, one per run in the CDF
    expect(section('utilisation').split('<polyline').length - 1).toBe(COMBINATIONS.length * 3);
    expect(section('waits').split('<polyline').length - 1).toBe(COMBINATIONS.length);
  });

  it('names every combination, tenant and priority class, and the command', () => {
    for (const label of ['best-fit · fifo', 'worst-fit · drf', 'worst-fit · drf · no preemption']) expect(html).toContain(label);
    for (const tenant of ['ci', 'batch', 'analytics', 'ml']) expect(html).toContain(`>${tenant}<`);
    expect(html).toContain('fairpack simulate --jobs 300');
    expect(html).toContain('1 node failure, each down 1 min');
  });

  it('escapes names that come from a trace', () => {
    const trace = traceScenario({
      file: 'evil<trace>.csv',
      jobs: [{ submitAt: 0, tenant: '<b>&"x"', priority: 'default', resources: { cpu: 1 }, durationMs: 1000 }],
      nodes: [{ id: 'n1', capacity: { cpu: 1 } }],
      seed: 1,
      nodeFailures: 0,
      repairMs: 1,
    });
    const run = runAll(trace, COMBINATIONS.slice(0, 1));
    const page = renderReport({ scenario: trace.description, results: run.results, series: run.series, warnings: [] }, { command: 'fairpack simulate --trace "evil<trace>.csv"' });
    expect(page).not.toContain('<b>&');
    expect(page).toContain('&lt;b&gt;&amp;&quot;x&quot;');
    expect(page).toContain('evil&lt;trace&gt;.csv');
  });
});

describe('SVG charts', () => {
  it('draw one polyline per series inside the plot, and a message when there is nothing to draw', () => {
    const svg = lineChart({
      width: 300,
      height: 200,
      description: 'test',
      x: { min: 0, max: 10, format: String },
      y: { min: 0, max: 1, format: String },
      series: [
        { name: 'a', color: '#000', points: [[0, 0], [10, 1]] },
        { name: 'b', color: '#f00', dash: '4 2', points: [[5, 0.5]] },
      ],
    });
    expect(svg.split('<polyline').length - 1).toBe(2);
    expect(svg).toContain('stroke-dasharray="4 2"');
    // x 0 → the left margin (52 px), x 10 → 300 − 14 (right margin); y 0 → 200 − 40 (bottom
    // margin), y 1 → the top margin (10 px without a title)
    expect(svg).toContain('points="52,160 286,10"');
    const empty = lineChart({ width: 300, height: 200, description: 'none', x: { min: 0, max: 1, format: String }, y: { min: 0, max: 1, format: String }, series: [], empty: 'no data' });
    expect(empty).toContain('no data');
  });

  it('choose round ticks', () => {
    expect(niceTicks({ min: 0, max: 100 })).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks({ min: 0, max: 7.3 })).toEqual([0, 2, 4, 6]);
    expect(niceTicks({ min: 1, max: 1000, log: true })).toEqual([1, 10, 100, 1000]);
  });
});
