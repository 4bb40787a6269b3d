import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

/*
 * DESIGN.md: `simulate` is a core layer (fairpack/simulate). It runs in a browser, so it imports
 * no `node:` module and nothing from the cli, reads no clock and sets no timer: time is simulated
 * and the wall clock for the timing figures is injected.
 */
const root = fileURLToPath(new URL('../../src/simulate', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((item) => (item.isDirectory() ? sources(join(dir, item.name)) : item.name.endsWith('.ts') ? [join(dir, item.name)] : []));
}

it('src/simulate imports no node: module and nothing from the cli or the store, and reads no clock', () => {
  const wrong: string[] = [];
  for (const file of sources(root)) {
    // comments may name what the code must not do
    const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
    const path = relative(root, file);
    for (const [, specifier] of text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)) {
      if (/^node:|(^|\/)(cli|store)(\/|$)/.test(specifier as string)) wrong.push(`${path} imports ${specifier}`);
    }
    for (const call of ['Date.now(', 'new Date(', 'performance.now(', 'Math.random(', 'setTimeout(', 'setInterval(', 'process.']) {
      if (text.includes(call)) wrong.push(`${path} uses ${call}`);
    }
  }
  expect(wrong).toEqual([]);
  expect(sources(root).length).toBeGreaterThan(15);
});
