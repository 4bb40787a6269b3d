import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { runScenario as simulate } from '../../src/simulate/engine.js';
import { renderReport } from '../../src/simulate/report/html.js';
import type { Combination } from '../../src/simulate/results.js';
import { syntheticCluster, syntheticScenario } from '../../src/simulate/workload.js';
import { launchChromium, screenshotOnFailure } from './support/chromium.js';

const COMBINATIONS: Combination[] = [
  { strategy: 'best-fit', policy: 'fifo', preemption: true },
  { strategy: 'worst-fit', policy: 'drf', preemption: false },
];

describe('the simulate report in a real Chromium', () => {
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    const scenario = syntheticScenario({ seed: 3, jobs: 200, nodes: syntheticCluster(8), load: 1, nodeFailures: 0, repairMs: 60_000 });
    const runs = COMBINATIONS.map((c) => simulate(scenario, { ...c, samples: 30, wallClock: () => 0 }));
    const html = renderReport({ scenario: scenario.description, results: runs.map((r) => r.result), series: runs.map((r) => r.series), warnings: [] }, { command: 'fairpack simulate --jobs 200' });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('console', (message) => { if (message.type() === 'error') problems.push(message.text()); });
    page.on('pageerror', (error) => problems.push(error.message));
    // offline, as a reader who saved the file: any request the page makes is a fault
    await page.route('**/*', (route) => { problems.push(`request to ${route.request().url()}`); return route.abort(); });
    await page.setContent(html, { waitUntil: 'load' });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('renders every section with its charts, asks for nothing over the network and logs no error', async () => {
    try {
      for (const id of ['glance', 'summary', 'utilisation', 'waits', 'queue']) expect(await page.locator(`section#${id}`).count()).toBe(1);
      // one utilisation chart per run, drawn with a size (an SVG the browser could not lay out is 0×0)
      const charts = page.locator('section#utilisation svg.chart');
      expect(await charts.count()).toBe(COMBINATIONS.length);
      const box = await charts.first().boundingBox();
      expect(box?.width ?? 0).toBeGreaterThan(100);
      expect(box?.height ?? 0).toBeGreaterThan(50);
      expect(problems).toEqual([]);
    } catch (error) {
      await screenshotOnFailure(page, 'simulate-report');
      throw error;
    }
  });
});
