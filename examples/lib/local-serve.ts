/**
 * The server the HTTP examples start for themselves when they are given none: `fairpack serve`
 * from this repository (through tsx, as the examples run), on a free port. Not part of what the
 * examples show: against your own server, they skip it.
 */
import { type ChildProcess, spawn } from 'node:child_process';

/**
 * Starts `fairpack serve --port 0 <args>` and resolves with its URL once it listens (the line it
 * prints); `env` is added to this process's environment; its stderr is dropped unless `stderr: 'inherit'`.
 */
export async function startLocalServe(args: readonly string[], options: { readonly env?: Record<string, string>; readonly stderr?: 'inherit' | 'ignore' } = {}): Promise<{ url: string; server: ChildProcess }> {
  // hooked before the server exists: it shows in /proc while `spawn` is still returning, and a
  // SIGTERM before the hook would end this process without stopping it (seen under load)
  stopServersOnExit();
  const server = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--port', '0', ...args], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', options.stderr ?? 'ignore'],
  });
  // a signal's handler runs on a later turn of the event loop, after these lines
  started.add(server);
  server.once('exit', () => started.delete(server));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    server.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const match = /listening on (\S+)/.exec(out);
      if (match !== null) resolve(match[1] as string);
    });
    // killed because this example was interrupted: it is ending anyway, no error to report
    server.once('exit', (code) => interrupted || reject(new Error(`fairpack serve exited (${code})`)));
  });
  return { url, server };
}

/** Servers started here and still running: stopped when this process ends, however it ends but SIGKILL. */
const started = new Set<ChildProcess>();
/** Further clean-up for an interrupted example (a throw-away PostgreSQL): see `onInterrupt`. */
const interruptCleanups: (() => Promise<unknown>)[] = [];
let hooked = false;
let interrupted = false;

/**
 * Runs `cleanup` (at most 10 s) if the example is stopped by SIGINT or SIGTERM — a test runner's
 * time limit, Ctrl-C — after the servers are killed; an example's own `finally` does not run then.
 */
export function onInterrupt(cleanup: () => Promise<unknown>): void {
  interruptCleanups.push(cleanup);
  stopServersOnExit();
}

function stopServersOnExit(): void {
  if (hooked) return;
  hooked = true;
  // `exit` also runs after process.exit() and an uncaught error; kill() is synchronous enough here
  process.once('exit', () => {
    for (const server of started) server.kill('SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      interrupted = true;
      for (const server of started) server.kill('SIGKILL');
      const limit = new Promise((resolve) => setTimeout(resolve, 10_000).unref());
      void Promise.race([Promise.allSettled(interruptCleanups.map((cleanup) => cleanup())), limit]).finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    });
  }
}
