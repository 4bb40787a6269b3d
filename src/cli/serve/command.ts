import { type CliCommand, type CliIo, UsageError, parseFlags } from '../io.js';
import { CLUSTER_FLAGS, CLUSTER_HELP, formatResources, managerFromFlags } from '../node/cluster-options.js';
import { loadPromClient } from './metrics.js';
import { startServer } from './server.js';

const HELP = `Usage: fairpack serve [options]

The HTTP API over one AllocationManager: POST/GET/DELETE /jobs, /nodes, /queues,
/tenants/:id/quota, /metrics (Prometheus), /healthz (see docs/http.md).
Stops on SIGINT/SIGTERM, letting requests in flight finish.

Options:
  --host <address>     address to bind (default 127.0.0.1; 0.0.0.0 exposes it to the network)
  --port <number>      port to bind (default 8080; 0 picks a free one)
  --admin-token <t>    bearer token for PATCH /tenants/:id/quota (prefer the
                       FAIRPACK_ADMIN_TOKEN environment variable: flags show in ps)
${CLUSTER_HELP}

Example:
  FAIRPACK_ADMIN_TOKEN=s3cret fairpack serve --port 8080 --capacity cpu=16,memory=64,gpu=8
`;

const SERVE_FLAGS = { ...CLUSTER_FLAGS, host: { type: 'string' }, port: { type: 'string' }, 'admin-token': { type: 'string' } } as const;

export const serveCommand: CliCommand = {
  summary: 'the HTTP API, with Prometheus metrics',
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const flags = parseFlags(args, SERVE_FLAGS);
    if (flags.help === true) {
      io.stdout.write(HELP);
      return 0;
    }
    const port = parsePort(flags.port);
    const adminToken = flags['admin-token'] ?? io.env['FAIRPACK_ADMIN_TOKEN'];
    if (adminToken !== undefined && adminToken.length === 0) throw new UsageError('Expected a non-empty admin token (--admin-token or FAIRPACK_ADMIN_TOKEN), got an empty one.');
    const manager = await managerFromFlags(flags);
    const host = flags.host ?? '127.0.0.1';
    let running: Awaited<ReturnType<typeof startServer>>;
    try {
      const prom = await loadPromClient();
      running = await startServer({ manager, prom, host, port, adminToken, log: (line) => io.stderr.write(`${line}\n`) });
    } catch (error) {
      // a missing optional dependency or a port in use: say so in one line, no stack
      io.stderr.write(`fairpack serve: ${error instanceof Error ? error.message : String(error)}\n`);
      manager.close();
      return 1;
    }

    const { total } = manager.capacity();
    io.stdout.write(`fairpack serve: listening on ${running.url}\n`);
    io.stderr.write(`fairpack serve: ${manager.nodes().length} node(s), ${formatResources(total)}; admin API ${adminToken === undefined ? 'off (no token)' : 'on'}\n`);

    // resolves on the first SIGINT/SIGTERM, once requests in flight are done
    await new Promise<void>((resolve) => {
      const stop = (signal: NodeJS.Signals): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        io.stderr.write(`fairpack serve: ${signal}, shutting down\n`);
        void running.close().then(resolve);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    io.stderr.write('fairpack serve: stopped\n');
    return 0;
  },
};

function parsePort(text: string | undefined): number {
  if (text === undefined) return 8080;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65_535) throw new UsageError(`Expected --port to be an integer from 0 to 65535, got "${text}".`);
  return port;
}
