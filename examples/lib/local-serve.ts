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
  const server = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--port', '0', ...args], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', options.stderr ?? 'ignore'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    server.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const match = /listening on (\S+)/.exec(out);
      if (match !== null) resolve(match[1] as string);
    });
    server.once('exit', (code) => reject(new Error(`fairpack serve exited (${code})`)));
  });
  return { url, server };
}
