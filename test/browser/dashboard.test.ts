import { AllocationManager } from 'fairpack';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, call, startTestServer } from '../cli/in-process-server.js';
import { launchChromium, openWatchedPage, screenshotIfFailing } from './support/chromium.js';

/*
 * The dashboard of `fairpack serve` in a real headless Chromium: a server on 127.0.0.1 in this
 * process, jobs submitted through the HTTP API, and assertions on what a user sees.
 */

const TOKEN = 'dashboard-test-token';

describe('the dashboard in a real Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let problems: string[] = [];

  beforeAll(async () => {
    // first-fit: jobs land on n1 first, so the figures below are known
    const manager = new AllocationManager({
      nodes: [
        { id: 'n1', capacity: { cpu: 8, memory: 16 } },
        { id: 'n2', capacity: { cpu: 4, memory: 8 }, labels: { zone: 'b' } },
      ],
      placement: 'first-fit',
    });
    server = await startTestServer({ manager, adminToken: TOKEN });
    // the refused admin action is a 401 the page expects (and shows); any other error is a fault
    ({ browser, page, problems } = await openWatchedPage({ width: 1280, height: 800 }, (error) => error.includes('status of 401')));
    // the page talks to its own server only: anything else is a fault (no CDN, no network)
    page.on('request', (request) => {
      if (!request.url().startsWith(server.url)) problems.push(`request to ${request.url()}`);
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.running.close();
  });

  /** Runs a test's steps; on failure, a screenshot of the page goes to test-results/browser/. */
  const seen = (name: string, steps: () => Promise<void>): Promise<void> => screenshotIfFailing(page, `dashboard-${name}`, steps);

  /** The text of the first element matching `selector`, once it is `expected` (polled: the page updates itself). */
  async function expectText(selector: string, expected: string | RegExp, timeout = 10_000): Promise<void> {
    const locator = page.locator(selector).first();
    const deadline = Date.now() + timeout;
    let last: string | null = null;
    while (Date.now() < deadline) {
      last = (await locator.count()) > 0 ? await locator.textContent() : null;
      if (last !== null && (typeof expected === 'string' ? last.includes(expected) : expected.test(last))) return;
      await page.waitForTimeout(50);
    }
    throw new Error(`Expected ${selector} to show ${String(expected)}, it shows ${JSON.stringify(last)}`);
  }

  it('shows the node grid with each node’s dominant utilisation, and updates it live without a reload', async () => {
    await seen('node-grid', async () => {
      // 4 of n1's 8 cpu, 4 of its 16 memory: dominant 50 % (cpu)
      expect((await call(server.url, 'POST', '/jobs', { id: 'first', tenant: 'alpha', resources: { cpu: 4, memory: 4 } })).status).toBe(201);
      await page.goto(`${server.url}/#/cluster`);
      await expectText('[data-node="n1"] .node-use', '50% cpu');
      await expectText('[data-node="n2"] .node-use', '0%');
      await expectText('[data-node="n1"] .node-jobs', '1 job');
      // the utilisation table: cluster cpu 4 of 12
      await expectText('table', '33%');
      await page.evaluate(() => Object.assign(window, { sameDocument: true }));
      // 2 more cpu on n1: (4 + 2) ÷ 8 = 75 %, arriving over GET /events
      expect((await call(server.url, 'POST', '/jobs', { id: 'second', tenant: 'beta', resources: { cpu: 2, memory: 2 } })).status).toBe(201);
      await expectText('[data-node="n1"] .node-use', '75% cpu');
      await expectText('[data-node="n1"] .node-jobs', '2 jobs');
      expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
      await expectText('#live', 'live · position');
    });
  });

  it('shows a queued job in its queue with the manager’s reason and explanation, and its history on the job page', async () => {
    await seen('queued-reason', async () => {
      // n1 has 2 cpu left, n2 4: a job of 5 cpu waits
      expect((await call(server.url, 'POST', '/jobs', { id: 'big', tenant: 'gamma', resources: { cpu: 5 } })).status).toBe(202);
      await page.goto(`${server.url}/#/queues`);
      await expectText('[data-queue="gamma/default"]', 'insufficient-resources');
      await expectText('[data-queue="gamma/default"] .explanation', 'Insufficient resources on the closest node');
      await expectText('[data-queue="gamma/default"]', 'big');
      await page.click('[data-queue="gamma/default"] a');
      await expectText('h2', 'Job big — queued');
      await expectText('.timeline', 'queued because insufficient-resources');
      // it starts once room frees: the page follows live
      expect((await call(server.url, 'POST', '/jobs/first/release', {})).status).toBe(200);
      await expectText('h2', 'Job big — running');
      await expectText('.timeline [data-event="allocated"]', 'allocated on n1');
    });
  });

  it('lists jobs with status, node and a search', async () => {
    await seen('jobs', async () => {
      await page.goto(`${server.url}/#/jobs`);
      await expectText('table', 'second');
      await page.fill('#job-search', 'gamma');
      await expectText('#job-count', '1 job.');
      await expectText('tbody tr', 'big');
      await expectText('tbody tr', 'n1');
    });
  });

  it('refuses the admin action without the token, and does it with the token entered in the page', async () => {
    await seen('admin', async () => {
      await page.goto(`${server.url}/#/nodes/n2`);
      await expectText('h2', 'Node n2 — ready');
      await expectText('.facts', 'zone=b');
      await page.getByRole('button', { name: 'Drain this node' }).click();
      await expectText('.result', 'Refused (401 UNAUTHORIZED)');
      expect((await call(server.url, 'GET', '/nodes/n2')).json['node'].status).toBe('ready');
      // the token goes in the page's memory (the field is emptied), never in the URL
      await page.getByLabel('Admin token').fill(TOKEN);
      await page.getByRole('button', { name: 'Use' }).click();
      await expectText('#token-state', 'Admin token set');
      expect(await page.getByLabel('Admin token').inputValue()).toBe('');
      await page.getByRole('button', { name: 'Drain this node' }).click();
      await expectText('.result', 'Node n2 is now draining');
      expect((await call(server.url, 'GET', '/nodes/n2')).json['node'].status).toBe('draining');
      expect(page.url()).not.toContain(TOKEN);
      await page.click('nav a[data-nav="cluster"]');
      await expectText('[data-node="n2"] .node-status', 'draining');
    });
  });

  it('shows tenants’ usage against the quota set from the page', async () => {
    await seen('tenants', async () => {
      await page.goto(`${server.url}/#/tenants`);
      await expectText('table', 'beta');
      await page.getByLabel('Tenant', { exact: true }).fill('beta');
      await page.getByLabel('Limits').fill('cpu=4');
      await page.getByRole('button', { name: 'Set quota' }).click();
      await expectText('.result', 'Quota of beta: cpu 4.');
      // beta runs 2 cpu of its 4
      await expectText('table', 'cpu 2 / 4');
      expect(problems).toEqual([]);
    });
  });

  it('works from the keyboard: a node of the grid is reached with Tab and opened with Enter', async () => {
    await seen('keyboard', async () => {
      await page.goto(`${server.url}/#/cluster`);
      await expectText('[data-node="n1"] .node-use', '% cpu');
      // from the start of the page: the skip link, the token field and buttons, the nav, … the nodes
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      let focused = '';
      for (let i = 0; i < 30 && focused !== 'n1'; i++) {
        await page.keyboard.press('Tab');
        focused = await page.evaluate(() => document.activeElement?.getAttribute('data-node') ?? '');
      }
      expect(focused).toBe('n1');
      await page.keyboard.press('Enter');
      await expectText('h2', 'Node n1');
    });
  });
});

describe('the dashboard of a follower', () => {
  it('says it is a read-only follower, shows the journal position and lag, and turns the admin actions off', async () => {
    const manager = new AllocationManager({ capacity: { cpu: 4 } });
    // what a replica's /healthz adds (docs/http.md): the page reads it
    const follower = await startTestServer({ manager, adminToken: TOKEN, health: () => ({ role: 'follower', term: 3, leader: 'http://10.0.0.1:8080', journal: { seq: 42, lagMs: 1500 } }) });
    const browser = await launchChromium();
    const page = await browser.newPage();
    try {
      await screenshotIfFailing(page, 'dashboard-follower', async () => {
        await page.goto(`${follower.url}/#/nodes/default`);
        await page.locator('.role-follower').waitFor();
        const header = await page.locator('#health').textContent();
        expect(header).toContain('follower (read-only)');
        expect(header).toContain('term 3');
        expect(header).toContain('journal at 42');
        expect(header).toContain('lag 2s');
        expect(await page.getByRole('button', { name: 'Drain this node' }).isDisabled()).toBe(true);
        await page.goto(`${follower.url}/#/tenants`);
        await page.locator('table, .empty').first().waitFor();
        expect(await page.getByRole('button', { name: 'Set quota' }).isDisabled()).toBe(true);
      });
    } finally {
      await browser.close();
      await follower.running.close();
    }
  });
});
