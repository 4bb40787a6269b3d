import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { didYouMean, didYouMeanHint } from '../did-you-mean.js';
import { type CliCommand, type CliIo, UsageError } from './io.js';
import { packageVersion } from './version.js';

/**
 * `fairpack <command>`: each command is loaded only when it runs, so `fairpack node` never loads
 * the optional dependencies of `serve` (prom-client) or `mcp` (the MCP SDK).
 */
const COMMANDS: Readonly<Record<string, { readonly summary: string; load(): Promise<CliCommand> }>> = {
  node: { summary: 'a resource node: JSON wire protocol on stdin/stdout', load: async () => (await import('./node/command.js')).nodeCommand },
  serve: { summary: 'the HTTP API, with Prometheus metrics', load: async () => (await import('./serve/command.js')).serveCommand },
  mcp: { summary: 'an MCP server (stdio) with the cortex resource allocation tools', load: async () => (await import('./mcp/command.js')).mcpCommand },
  simulate: { summary: 'compare placement strategies × fairness policies on a workload', load: async () => (await import('./simulate/command.js')).simulateCommand },
};

export function usage(): string {
  const width = Math.max(0, ...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`);
  return ['Usage: fairpack <command> [options]', '', 'Commands:', ...lines, '', 'Run `fairpack <command> --help` for its options, `fairpack --version` for the version.', ''].join('\n');
}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (entry === undefined) {
    const hint = didYouMeanHint(didYouMean(name, Object.keys(COMMANDS)), (command) => `"${command}"`);
    io.stderr.write(`fairpack: unknown command "${name}".${hint}\n\n${usage()}`);
    return 2;
  }
  try {
    return await (await entry.load()).run(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`fairpack ${name}: ${error.message}\nRun \`fairpack ${name} --help\` for the options.\n`);
      return 2;
    }
    io.stderr.write(`fairpack ${name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  main(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`fairpack: ${String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
