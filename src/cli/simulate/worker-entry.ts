import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Where a simulate worker's code is, and the Node flags it needs. */
export interface WorkerEntry {
  readonly url: URL;
  readonly execArgv?: readonly string[];
}

/**
 * The worker of `--workers`: dist/simulate-worker.js beside the bundle (tsup.config.ts builds it
 * with the cli, into the same folder, so the chunk this code is in finds it), or, run from the
 * sources (tests, `tsx src/cli/main.ts`), worker.ts loaded through tsx — which a worker inherits
 * from `tsx`'s own flags, and is given here when the main thread has none (vitest).
 */
export function simulateWorkerEntry(from: string = import.meta.url): WorkerEntry {
  if (!fileURLToPath(from).endsWith('.ts')) return { url: new URL('./simulate-worker.js', from) };
  const url = new URL('./worker.ts', from);
  if (process.execArgv.some((flag) => flag.includes('tsx'))) return { url };
  return { url, execArgv: [...process.execArgv, '--import', pathToFileURL(createRequire(from).resolve('tsx')).href] };
}

/** Whether the entry's file is there (a bundle copied without its worker is not). */
export function entryExists(entry: WorkerEntry): boolean {
  return existsSync(fileURLToPath(entry.url));
}
