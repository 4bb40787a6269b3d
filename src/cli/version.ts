import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * fairpack's version, from its package.json, found by walking up from this file: that is the
 * package root from dist/cli.js (installed or not), from src/cli/ under tsx, and from a test build
 * under node_modules/.cache/. Read at run time rather than inlined by the bundler so that one
 * way works for the built bin and for the sources alike.
 */
export function packageVersion(from: string = fileURLToPath(import.meta.url)): string {
  for (let dir = dirname(from); ; ) {
    const version = versionIn(join(dir, 'package.json'));
    if (version !== undefined) return version;
    const parent = dirname(dir);
    if (parent === dir) return 'unknown';
    dir = parent;
  }
}

function versionIn(file: string): string | undefined {
  try {
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
    return manifest.name === 'fairpack' && typeof manifest.version === 'string' ? manifest.version : undefined;
  } catch {
    return undefined; // no package.json here (or not ours): look further up
  }
}
