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
