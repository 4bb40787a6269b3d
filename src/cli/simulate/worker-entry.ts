import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** How to start a simulate worker: its file, and the code that loads it when that is not plain `new Worker(file)`. */
export interface WorkerEntry {
  /** The worker's module. */
  readonly url: URL;
  /** A CommonJS script run in the worker (`eval: true`) in place of `url`, which it imports. */
  readonly bootstrap?: string;
}

/**
 * The worker of `--workers`: dist/simulate-worker.js beside the bundle (tsup.config.ts builds it
 * with the cli, into the same folder, so the chunk this code is in finds it), or, run from the
 * sources (tests, `tsx src/cli/main.ts`), worker.ts imported through tsx's `tsImport` — tsx's
 * `--import` flag does not reach a worker's own entry module on Node 20.
 */
export function simulateWorkerEntry(from: string = import.meta.url): WorkerEntry {
  if (!fileURLToPath(from).endsWith('.ts')) return { url: new URL('./simulate-worker.js', from) };
  const url = new URL('./worker.ts', from);
  const tsxApi = pathToFileURL(join(dirname(createRequire(from).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then(({ tsImport }) => tsImport(${JSON.stringify(url.href)}, ${JSON.stringify(url.href)}))`;
  return { url, bootstrap };
}

/** Whether the entry's file is there (a bundle copied without its worker is not). */
export function entryExists(entry: WorkerEntry): boolean {
  return entry.url.protocol !== 'file:' || existsSync(fileURLToPath(entry.url));
}
