import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

/*
 * DESIGN.md's layers: the store is Node-only, below the line. The core (src/ but cli/ and store/)
 * never imports it; the store imports the core but never the cli above it.
 */
const src = fileURLToPath(new URL('../../src', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((item) => (item.isDirectory() ? sources(join(dir, item.name)) : item.name.endsWith('.ts') ? [join(dir, item.name)] : []));
}

const importsOf = (file: string): string[] => [...readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((match) => match[1] as string);

it('the core never imports the store, and the store never imports the cli', () => {
  const wrong: string[] = [];
  for (const file of sources(src)) {
    const path = relative(src, file).replaceAll('\\', '/');
    const layer = path.split('/')[0];
    for (const specifier of importsOf(file)) {
      if (layer !== 'cli' && layer !== 'store' && /(^|\/)store(\/|$)/.test(specifier)) wrong.push(`${path} imports ${specifier}`);
      if (layer === 'store' && /(^|\/)cli(\/|$)/.test(specifier)) wrong.push(`${path} imports ${specifier}`);
    }
  }
  expect(wrong).toEqual([]);
  expect(sources(join(src, 'store')).length).toBeGreaterThan(5);
});
