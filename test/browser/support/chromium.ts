import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type Page, chromium } from 'playwright-core';

/*
 * A real headless Chromium for the browser tests: Debian's `chromium` package (installed by
 * `.ci/run`), or the executable FAIRPACK_CHROMIUM names. playwright-core drives it and never
 * downloads a browser of its own.
 */

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export function chromiumPath(): string {
  const given = process.env['FAIRPACK_CHROMIUM'];
  if (given !== undefined && given !== '') return given;
  const found = CANDIDATES.find((path) => existsSync(path));
  if (found === undefined) {
    throw new Error(`No Chromium found (looked for ${CANDIDATES.join(', ')}). Install Debian's package (apt-get install chromium) or set FAIRPACK_CHROMIUM to an executable.`);
  }
  return found;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true });
}

/** Where failing tests leave their screenshots (kept by CI logs; ignored by git). */
export const SCREENSHOT_DIR = join(process.cwd(), 'test-results', 'browser');

/** Writes a full-page screenshot named after the test, for a test that failed. */
export async function screenshotOnFailure(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name.replace(/[^a-z0-9-]+/gi, '-')}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** A fresh headless Chromium with one page, and what went wrong in the page so far. */
export interface WatchedPage {
  readonly browser: Browser;
  readonly page: Page;
  /** The page's console errors and uncaught errors (and, offline, its requests): a test asserts it empty. */
  readonly problems: string[];
}

/**
 * Launches Chromium and opens one page of the given size whose console errors and uncaught errors
 * go to `problems` — but for the console errors `expected` accepts (a refusal the page shows).
 */
export async function openWatchedPage(viewport: { readonly width: number; readonly height: number }, expected: (consoleError: string) => boolean = () => false): Promise<WatchedPage> {
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport });
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && !expected(message.text())) problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  return { browser, page, problems };
}

/** Shows `html` offline, as a reader who saved the file sees it: any request the page makes is refused, and a problem. */
export async function showOffline({ page, problems }: WatchedPage, html: string): Promise<void> {
  await page.route('**/*', (route) => {
    problems.push(`request to ${route.request().url()}`);
    return route.abort();
  });
  await page.setContent(html, { waitUntil: 'load' });
}

/** Runs a test's steps; when they fail, a screenshot named `name` goes to SCREENSHOT_DIR before the failure is passed on. */
export async function screenshotIfFailing(page: Page, name: string, steps: () => Promise<void>): Promise<void> {
  try {
    await steps();
  } catch (error) {
    await screenshotOnFailure(page, name);
    throw error;
  }
}
