import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Options, build } from 'tsup';
import { afterAll, beforeAll } from 'vitest';
import tsupConfig from '../../tsup.config.js';
import type { TestPostgres } from '../support/postgres.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Builds the `fairpack` bin exactly as `npm run build` does — the cli entry of tsup.config.ts —
 * but into a private folder, so these tests need no earlier build, never race another test file
 * (or `npm run build`, which cleans dist/), and always run today's sources. The folder sits under
 * node_modules/.cache so the bundle resolves prom-client (external, as in dist/) from the project.
 * Returns the path of the built cli.js and a cleanup function.
 */
export async function buildCli(): Promise<{ readonly cli: string; readonly cleanup: () => void }> {
  const configs = (Array.isArray(tsupConfig) ? tsupConfig : [tsupConfig]) as Options[];
  const cliConfig = configs.find((config) => typeof config.entry === 'object' && config.entry !== null && 'cli' in config.entry);
  if (cliConfig === undefined) throw new Error('tsup.config.ts has no `cli` entry');
  const outDir = join(root, 'node_modules', '.cache', 'fairpack-cli-test', randomUUID());
  await build({ ...cliConfig, outDir, clean: false, sourcemap: false, silent: true, config: false });
  const cli = join(outDir, 'cli.js');
  if (!existsSync(cli)) throw new Error(`the cli build produced no ${cli}`);
  return { cli, cleanup: () => rmSync(outDir, { recursive: true, force: true }) };
}

/**
 * The `fairpack` bin built from today's sources for this test file (see `buildCli`): built
 * before its tests, removed after them. Returns a getter of its path.
 */
export function useBuiltCli(): () => string {
  let built: Awaited<ReturnType<typeof buildCli>> | undefined;
  beforeAll(async () => {
    built = await buildCli();
  }, 120_000);
  afterAll(() => built?.cleanup());
  return () => built?.cli ?? '';
}

export interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built cli to completion with `input` on stdin (text, or raw bytes). */
export function runCli(cli: string, args: readonly string[], input: string | Uint8Array, env: Record<string, string> = {}): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

/** Starts the built cli and leaves it running (for `serve` and interactive `node` sessions). */
export function startCli(cli: string, args: readonly string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [cli, ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
}

/**
 * Starts `fairpack serve --port 0 …` and resolves with its URL (the line it prints on stdout) once
 * it listens; the child is added to `started`, for the caller to kill.
 */
export async function startServe(cli: string, args: readonly string[], env: Record<string, string>, started: ChildProcess[]): Promise<{ url: string; child: ChildProcess; stderr: () => string }> {
  const child = startCli(cli, ['serve', '--port', '0', ...args], env);
  started.push(child);
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(stdout);
      if (match !== null) resolve(match[1] as string);
    });
    child.on('close', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
  });
  return { url, child, stderr: () => stderr };
}

/** What `useBuiltServe` gives a test file; the getters answer once the file's `beforeAll` has run. */
export interface BuiltServe {
  /** The built cli.js. */
  readonly cli: () => string;
  /** The test PostgreSQL's connection URL (with `{ postgres: true }` only). */
  readonly postgresUrl: () => string;
  /** `startServe` with the built bin; the child is killed after the file's tests. */
  serve(args: readonly string[], env?: Record<string, string>): ReturnType<typeof startServe>;
}

/**
 * The set-up of a test file that runs `fairpack serve` as a user does: the bin built (see
 * `buildCli`) — and with `{ postgres: true }` a PostgreSQL started beside it, in parallel — before
 * the file's tests; after them every serve child still running is killed, the bin removed and the
 * database stopped.
 */
export function useBuiltServe(options: { readonly postgres?: boolean } = {}): BuiltServe {
  let built: Awaited<ReturnType<typeof buildCli>> | undefined;
  let db: TestPostgres | undefined;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    // loaded only when asked for: most files that build the bin need no database
    const postgres = options.postgres === true ? import('../support/postgres.js').then(({ startPostgres }) => startPostgres()) : undefined;
    [built, db] = await Promise.all([buildCli(), postgres]);
  }, 120_000);
  afterAll(async () => {
    for (const child of children) {
      if (child.exitCode === null) {
        // a test may have paused it with SIGSTOP: woken first, so that nothing waits on it
        child.kill('SIGCONT');
        child.kill('SIGKILL');
      }
    }
    built?.cleanup();
    await db?.stop();
  });
  return {
    cli: () => built?.cli ?? '',
    postgresUrl: () => {
      if (db === undefined) throw new Error('useBuiltServe({ postgres: true }) starts the database; this file did not ask for one');
      return db.url;
    },
    serve: (args, env = {}) => startServe(built?.cli ?? '', args, env, children),
  };
}

/**
 * Polls `GET /healthz` of each replica until one says it leads; resolves with its index in `urls`.
 * Each look gives up after 3 s: a replica paused with SIGSTOP takes the connection and never answers.
 */
export async function leaderAmong(urls: readonly string[], deadlineMs: number): Promise<number> {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    for (const [i, url] of urls.entries()) {
      const health = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(3_000) })
        .then((response) => response.json() as Promise<{ role?: string }>)
        .catch(() => undefined);
      if (health?.role === 'leader') return i;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no leader within ${deadlineMs} ms`);
}
