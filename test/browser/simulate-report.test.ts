import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScenario as simulate } from '../../src/simulate/engine.js';
import { renderReport } from '../../src/simulate/report/html.js';
import type { Combination } from '../../src/simulate/results.js';
import { syntheticCluster, syntheticScenario } from '../../src/simulate/workload.js';
import { recommend } from '../../src/simulate/recommend.js';
import { type WatchedPage, openWatchedPage, screenshotIfFailing, showOffline } from './support/chromium.js';

const COMBINATIONS: Combination[] = [
  { strategy: 'best-fit', policy: 'fifo', preemption: true },
  { strategy: 'worst-fit', policy: 'drf', preemption: false },
];

describe('the simulate report in a real Chromium', () => {
  let watched: WatchedPage;

  beforeAll(async () => {
    const scenario = syntheticScenario({ seed: 3, jobs: 200, nodes: syntheticCluster(8), load: 1, nodeFailures: 0, repairMs: 60_000 });
    const runs = COMBINATIONS.map((c) => simulate(scenario, { ...c, samples: 30, wallClock: () => 0 }));
    const results = runs.map((r) => r.result);
    const recommendation = recommend('balanced', [results], scenario.nodes.length);
    const html = renderReport({ scenario: scenario.description, results, ...(recommendation === undefined ? {} : { recommendation }), series: runs.map((r) => r.series), warnings: [] }, { command: 'fairpack simulate --jobs 200' });
    watched = await openWatchedPage({ width: 1280, height: 800 });
    await showOffline(watched, html);
  });

  afterAll(async () => {
    await watched?.browser.close();
  });

  it('renders every section with its charts, asks for nothing over the network and logs no error', async () => {
    const { page, problems } = watched;
    await screenshotIfFailing(page, 'simulate-report', async () => {
      for (const id of ['recommendation', 'glance', 'summary', 'utilisation', 'waits', 'wait-boxes', 'queue', 'fairness', 'shares', 'restarts', 'heatmap', 'groups', 'reading']) {
        expect(await page.locator(`section#${id}`).count(), id).toBe(1);
      }
      // the answer comes first, and names one of the runs
      expect(await page.locator('main > section').first().getAttribute('id')).toBe('recommendation');
      expect(await page.locator('#recommendation .verdict strong').textContent()).toMatch(/^(best-fit · fifo|worst-fit · drf · no preemption)$/);
      expect(await page.locator('#recommendation .alternatives li').count()).toBe(COMBINATIONS.length - 1);
      // every chart, drawn with a size
      const expected: [string, number][] = [
        ['section#waits .chart-cdf svg.chart', 1],
        ['section#wait-boxes svg.chart', 2],
        ['section#queue svg.chart', 1],
        ['section#fairness svg.chart', 1],
        ['section#shares svg.chart', COMBINATIONS.length],
        ['section#restarts svg.chart', 2],
        ['section#heatmap svg.heatmap-grid', COMBINATIONS.length],
      ];
      for (const [selector, count] of expected) {
        expect(await page.locator(selector).count(), selector).toBe(count);
        const size = await page.locator(selector).first().boundingBox();
        expect(size?.width ?? 0, selector).toBeGreaterThan(40);
        expect(size?.height ?? 0, selector).toBeGreaterThan(10);
      }
      // one utilisation chart per run, drawn with a size (an SVG the browser could not lay out is 0×0)
      const charts = page.locator('section#utilisation svg.chart');
      expect(await charts.count()).toBe(COMBINATIONS.length);
      const box = await charts.first().boundingBox();
      expect(box?.width ?? 0).toBeGreaterThan(100);
      expect(box?.height ?? 0).toBeGreaterThan(50);
      expect(problems).toEqual([]);
    });
  });

  it('lets the reader pick the runs on the wait CDF: unticking a legend box hides that line, no script', async () => {
    const { page, problems } = watched;
    await screenshotIfFailing(page, 'simulate-report-toggles', async () => {
      expect(await page.locator('script').count()).toBe(0);
      const line = page.locator('section#waits polyline.cdf-run-0');
      expect(await line.isVisible()).toBe(true);
      await page.locator('#cdf-toggle-0').uncheck();
      expect(await line.isVisible()).toBe(false);
      expect(await page.locator('section#waits polyline.cdf-run-1').isVisible()).toBe(true);
      await page.locator('#cdf-toggle-0').check();
      expect(await line.isVisible()).toBe(true);
      expect(problems).toEqual([]);
    });
  });
});
