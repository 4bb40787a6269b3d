import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'tsup';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Bundles store-child.ts into one plain .js file (as test/cli/built-cli.ts builds the bin), so
 * that each child starts in a fraction of the time `node --import tsx` takes — the crash test
 * starts one per kill. Returns its path and a cleanup function.
 */
export async function buildStoreChild(): Promise<{ readonly script: string; readonly cleanup: () => void }> {
  const outDir = join(root, 'node_modules', '.cache', 'fairpack-store-test', randomUUID());
  await build({
    entry: { 'store-child': join(root, 'test', 'store', 'store-child.ts') },
    format: ['esm'],
    platform: 'node',
    target: 'node20',
    outDir,
    silent: true,
    config: false,
  });
  const script = join(outDir, 'store-child.js');
  if (!existsSync(script)) throw new Error(`the build produced no ${script}`);
  return { script, cleanup: () => rmSync(outDir, { recursive: true, force: true }) };
}

/** A running child with its stdout split into lines as they come. */
export interface RunningChild {
  readonly process: ChildProcess;
  readonly lines: string[];
  /** Resolves with the first line that satisfies `test`. */
  waitFor(test: (line: string) => boolean): Promise<string>;
  /** Resolves once the process has exited and been reaped (its pid is then free). */
  readonly exited: Promise<void>;
}

export function startStoreChild(script: string, args: readonly string[]): RunningChild {
  const child = spawn(process.execPath, [script, ...args], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiters: { test: (line: string) => boolean; resolve: (line: string) => void }[] = [];
  let partial = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() as string; // a line cut by a kill is not a line
    for (const line of parts) {
      lines.push(line);
      for (const waiter of waiters.filter((w) => w.test(line))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  });
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return {
    process: child,
    lines,
    exited,
    waitFor: (test) => {
      const found = lines.find(test);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        waiters.push({ test, resolve });
        void exited.then(() => reject(new Error(`the child exited before the line expected; stderr: ${stderr}`)));
      });
    },
  };
}
