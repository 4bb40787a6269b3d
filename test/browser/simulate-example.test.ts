import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCREENSHOT_DIR, type WatchedPage, openWatchedPage, screenshotIfFailing, showOffline } from './support/chromium.js';

/*
 * examples/browser/: the simulator as a library in a web page. The page's script is bundled by
 * esbuild (fairpack/simulate pointed at src/, as the vitest aliases do), inlined into the page,
 * and run in headless Chromium with every request refused: it must simulate and draw its report
 * with no server and no network.
 */
const src = (path: string): string => join(process.cwd(), 'src', path);

describe('examples/browser/simulate.html in a real Chromium', () => {
  let watched: WatchedPage;

  beforeAll(async () => {
    const bundle = await build({
      entryPoints: ['examples/browser/simulate.ts'],
      bundle: true,
      write: false,
      format: 'iife',
      platform: 'browser',
      target: 'es2022',
      alias: { 'fairpack/simulate': src('simulate/index.ts'), fairpack: src('index.ts') },
      logLevel: 'silent',
    });
    const script = (bundle.outputFiles[0] as { text: string }).text;
    const html = readFileSync('examples/browser/simulate.html', 'utf8').replace('<script type="module" src="./simulate.js"></script>', () => `<script>${script}</script>`);
    expect(html).toContain(script.slice(0, 200));
    watched = await openWatchedPage({ width: 1280, height: 900 });
    await showOffline(watched, html);
  });

  afterAll(async () => {
    await watched?.browser.close();
  });

  it('simulates in the page, shows the report with its recommendation, and is screenshotted', async () => {
    const { page, problems } = watched;
    await screenshotIfFailing(page, 'simulate-example', async () => {
      await page.fill('#jobs', '400');
      await page.fill('#nodes', '10');
      await page.click('#run');
      await page.waitForSelector('body[data-state="done"]', { timeout: 90_000 });
      expect(await page.textContent('#status')).toMatch(/^Done in \d+ ms — recommended: \S+ · \S+$/);
      const report = page.frameLocator('#report');
      await report.locator('#recommendation .verdict').waitFor();
      // 3 strategies × 2 policies: one alternative sentence for each other run
      expect(await report.locator('#recommendation .alternatives li').count()).toBe(5);
      expect(await report.locator('section#utilisation svg.chart').count()).toBe(6);
      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'simulate-example.png') });
      expect(problems).toEqual([]);
    });
  });

  it('stops when Stop is pressed', async () => {
    const { page, problems } = watched;
    await screenshotIfFailing(page, 'simulate-example-stop', async () => {
      await page.fill('#jobs', '20000');
      await page.click('#run');
      await page.waitForFunction(() => (document.getElementById('progress') as HTMLProgressElement).value > 0);
      await page.click('#stop');
      await page.waitForSelector('body[data-state="stopped"]', { timeout: 60_000 });
      expect(await page.textContent('#status')).toBe('Stopped.');
      expect(problems).toEqual([]);
    });
  });
});
