import { durationFlag } from '../duration-flag.js';
import { integerFlag } from '../integer-flag.js';
import { type CliCommand, type CliIo, UsageError, parseFlags } from '../io.js';
import type { StateLocation } from '../durable-state.js';
import { redactUrl } from '../../store/index.js';
import { CLUSTER_FLAGS, CLUSTER_HELP, formatResources, managerFactoryFromFlags } from '../node/cluster-options.js';
import { DEFAULT_STREAM_LIMITS } from './event-streams.js';
import { loadPromClient } from './metrics.js';
import { startServer } from './server.js';
import { type ServeState, leaseFlags, openServeState } from './serve-state.js';
import { DEFAULT_LIMITS, type ServerLimits } from './server-limits.js';

const count = (n: number): string => n.toLocaleString('en-US');

const HELP = `Usage: fairpack serve [options]

The HTTP API over one AllocationManager: POST/GET/DELETE /jobs, /nodes, /queues,
/tenants/:id/quota, /metrics (Prometheus), /healthz, /events (Server-Sent Events)
(see docs/http.md), and a live dashboard at / (docs/dashboard.md).
Stops on SIGINT/SIGTERM, letting requests in flight finish.

Options:
  --host <address>     address to bind (default 127.0.0.1; 0.0.0.0 exposes it to the network)
  --port <number>      port to bind (default 8080; 0 picks a free one)
  --admin-token <t>    bearer token for PATCH /tenants/:id/quota and for adding, changing
                       and removing nodes (prefer the FAIRPACK_ADMIN_TOKEN environment
                       variable: flags show in ps)
  --heartbeat-timeout <duration>
                       a node that sends no POST /nodes/:id/heartbeat for this long
                       (e.g. 20s) goes offline and its jobs run elsewhere; off by default
  --idempotency-window <duration>
                       how long a POST /jobs Idempotency-Key (or job id) gets the first
                       answer again on a retry (default 24h; at most 100,000 keys)
  --node-token <t>     bearer token of the node agents' heartbeats, not the admin one
                       (prefer FAIRPACK_NODE_TOKEN)
  --data <dir>         keep the state in this directory (FAIRPACK_DATA): a snapshot and a
                       write-ahead log; a change is answered only once it is on disk, and a
                       restart recovers every change answered. Without it, state is in
                       memory only. With a directory that holds state, the cluster flags
                       are ignored: the recovered cluster is used (see docs/durability.md)
  --store <url>        keep the state in PostgreSQL instead (FAIRPACK_STORE, e.g.
                       postgres://user:pass@host:5432/db): the journal and snapshots in
                       tables of their own schema, a change answered once committed; needs
                       the pg package (npm install pg). Not with --data
  --store-schema <s>   the schema of those tables (default fairpack)
                       Several servers on one store are replicas: one leads (holds a lease
                       in PostgreSQL) and takes writes, the others follow, answer reads and
                       redirect writes (307) to it, and take over when it dies
                       (docs/high-availability.md)
  --advertise-url <u>  where this replica takes writes when it leads, as the others
                       redirect to it (FAIRPACK_ADVERTISE_URL; default the URL it listens on)
  --lease-ttl <duration>
                       a leader that does not renew its lease for this long is replaced
                       (default 6s)
  --lease-renew <duration>
                       how often the leader renews it (default 2s; less than the ttl)
${CLUSTER_HELP}
  -h, --help           this help

Limits (see docs/http.md#limits):
  --max-connections <n>
                       connections open at once; more are closed as soon as they are
                       accepted (default ${count(DEFAULT_LIMITS.maxConnections)})
  --max-body-bytes <n> largest request body; larger ones get 413 (default ${count(DEFAULT_LIMITS.bodyLimitBytes)})
  --metrics-max-tenants <n>
                       tenants with their own series on /metrics; the others are summed
                       under tenant="_other" (default ${count(DEFAULT_LIMITS.metricsMaxTenants)})
  --max-event-streams <n>
                       GET /events streams open at once (the dashboard holds one per open
                       page); one more gets 503 TOO_MANY_STREAMS (default ${DEFAULT_STREAM_LIMITS.maxStreams})
  Fixed: request headers within ${DEFAULT_LIMITS.headersTimeoutMs / 1000} s and the whole request within
  ${DEFAULT_LIMITS.requestTimeoutMs / 1000} s (else 408); idle keep-alive connections close after ${DEFAULT_LIMITS.keepAliveTimeoutMs / 1000} s.

Example:
  FAIRPACK_ADMIN_TOKEN=s3cret fairpack serve --port 8080 --capacity cpu=16,memory=64,gpu=8
`;

const SERVE_FLAGS = {
  ...CLUSTER_FLAGS,
  host: { type: 'string' },
  port: { type: 'string' },
  'admin-token': { type: 'string' },
  'heartbeat-timeout': { type: 'string' },
  'idempotency-window': { type: 'string' },
  'node-token': { type: 'string' },
  store: { type: 'string' },
  'store-schema': { type: 'string' },
  'advertise-url': { type: 'string' },
  'lease-ttl': { type: 'string' },
  'lease-renew': { type: 'string' },
  data: { type: 'string' },
  'max-connections': { type: 'string' },
  'max-body-bytes': { type: 'string' },
  'metrics-max-tenants': { type: 'string' },
  'max-event-streams': { type: 'string' },
} as const;

export const serveCommand: CliCommand = {
  summary: 'the HTTP API, with Prometheus metrics',
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const flags = parseFlags(args, SERVE_FLAGS);
    if (flags.help === true) {
      io.stdout.write(HELP);
      return 0;
    }
    const port = flags.port === undefined ? 8080 : integerFlag('--port', flags.port, 0, 65_535);
    const limits: Partial<ServerLimits> = {
      ...(flags['max-connections'] === undefined ? {} : { maxConnections: integerFlag('--max-connections', flags['max-connections'], 1, 1_000_000) }),
      ...(flags['max-body-bytes'] === undefined ? {} : { bodyLimitBytes: integerFlag('--max-body-bytes', flags['max-body-bytes'], 1, 1 << 30) }),
      ...(flags['metrics-max-tenants'] === undefined ? {} : { metricsMaxTenants: integerFlag('--metrics-max-tenants', flags['metrics-max-tenants'], 0, 1_000_000) }),
    };
    const events = flags['max-event-streams'] === undefined ? {} : { events: { maxStreams: integerFlag('--max-event-streams', flags['max-event-streams'], 1, 100_000) } };
    const adminToken = flags['admin-token'] ?? io.env['FAIRPACK_ADMIN_TOKEN'];
    if (adminToken !== undefined && adminToken.length === 0) throw new UsageError('Expected a non-empty admin token (--admin-token or FAIRPACK_ADMIN_TOKEN), got an empty one.');
    const nodeToken = flags['node-token'] ?? io.env['FAIRPACK_NODE_TOKEN'];
    if (nodeToken !== undefined && nodeToken.length === 0) throw new UsageError('Expected a non-empty node token (--node-token or FAIRPACK_NODE_TOKEN), got an empty one.');
    if (nodeToken !== undefined && nodeToken === adminToken) throw new UsageError('Expected the node token to differ from the admin token: a node agent must not hold admin rights.');
    // 24 days: the longest a timer can wait
    const heartbeat = flags['heartbeat-timeout'] === undefined ? {} : { heartbeat: { timeoutMs: durationFlag('--heartbeat-timeout', flags['heartbeat-timeout'], 1, 2 ** 31 - 1) } };
    // how long a POST /jobs Idempotency-Key (or job id) answers a retry with the first answer
    const idempotency = flags['idempotency-window'] === undefined ? {} : { idempotency: { windowMs: durationFlag('--idempotency-window', flags['idempotency-window'], 1_000, 2 ** 31 - 1) } };
    const location = stateLocation(flags.data ?? io.env['FAIRPACK_DATA'], flags.store ?? io.env['FAIRPACK_STORE'], flags['store-schema']);
    const build = await managerFactoryFromFlags(flags);
    const note = (line: string): void => void io.stderr.write(`fairpack serve: ${line}\n`);
    const lease = leaseFlags(flags);
    const replicaFlags = (['advertise-url', 'lease-ttl', 'lease-renew'] as const).filter((flag) => flags[flag] !== undefined);
    if (replicaFlags.length > 0 && (location === undefined || !('url' in location))) throw new UsageError(`Expected --${replicaFlags.join(', --')} with --store postgres://…: replicas share a PostgreSQL store.`);
    let state: ServeState;
    try {
      state = await openServeState(location, (journal) => build(journal === undefined ? { ...heartbeat, ...idempotency } : { journal, ...heartbeat, ...idempotency }), lease, note);
    } catch (error) {
      // another process holds the directory, or it is damaged: say so in one line, change nothing
      note(error instanceof Error ? error.message : String(error));
      return 1;
    }
    const clusterFlags = (['capacity', 'nodes', 'placement', 'fairness', 'max-queued', 'max-queued-per-tenant', 'heartbeat-timeout', 'idempotency-window'] as const).filter((flag) => flags[flag] !== undefined);
    if (state.recovered && clusterFlags.length > 0) note(`--${clusterFlags.join(', --')} ignored: the cluster recovered from the ${location !== undefined && 'url' in location ? 'store' : 'data directory'} is used`);
    const heartbeats = state.manager().metrics().nodes.heartbeat;
    if (heartbeats !== undefined && nodeToken === undefined) {
      // nothing else can send heartbeats to this server: every node would go offline after the timeout
      note(`heartbeats are on (timeout ${heartbeats.timeoutMs} ms${state.recovered ? `, recovered from the ${location !== undefined && 'url' in location ? 'store' : 'data directory'}` : ''}) but there is no node token for POST /nodes/:id/heartbeat: set FAIRPACK_NODE_TOKEN (or --node-token)`);
      await state.close();
      return 1;
    }
    const host = flags.host ?? '127.0.0.1';
    let running: Awaited<ReturnType<typeof startServer>>;
    let storeFailed: ((error: unknown) => void) | undefined;
    try {
      const prom = await loadPromClient();
      running = await startServer({ manager: state.manager, prom, host, port, adminToken, nodeToken, limits, log: (line) => io.stderr.write(`${line}\n`), ...state.serverOptions((error) => storeFailed?.(error)), ...events });
      await state.listening(flags['advertise-url'] ?? io.env['FAIRPACK_ADVERTISE_URL'] ?? running.url);
    } catch (error) {
      // a missing optional dependency or a port in use: say so in one line, no stack
      note(error instanceof Error ? error.message : String(error));
      await state.close();
      return 1;
    }
    const manager = state.manager();
    const { total } = manager.capacity();
    io.stdout.write(`fairpack serve: listening on ${running.url} (dashboard: ${running.url}/)\n`);
    io.stderr.write(`fairpack serve: ${manager.nodes().length} node(s), ${formatResources(total)}; admin API ${adminToken === undefined ? 'off (no token)' : 'on'}; heartbeats ${heartbeats === undefined ? 'off' : `on (timeout ${heartbeats.timeoutMs} ms)`}; state ${state.where}\n`);

    // resolves on the first SIGINT/SIGTERM (or a failed data directory), once requests in flight are done
    const code = await new Promise<number>((resolve) => {
      let stopping = false;
      const stop = (reason: string, exitCode: number): void => {
        if (stopping) return;
        stopping = true;
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        note(`${reason}, shutting down`);
        void running
          .close()
          .then(() => state.close())
          .then(() => resolve(exitCode));
      };
      const onSignal = (signal: NodeJS.Signals): void => stop(signal, 0);
      // a data directory that failed stops the server; a replica steps down instead (serve-state.ts)
      storeFailed = () => stop('the data directory failed', 1);
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    });
    io.stderr.write('fairpack serve: stopped\n');
    return code;
  },
};

/** `--data <dir>` or `--store <postgres url>` (with `--store-schema`), or neither: state in memory. */
function stateLocation(directory: string | undefined, url: string | undefined, schema: string | undefined): StateLocation | undefined {
  if (directory !== undefined && directory.length === 0) throw new UsageError('Expected a directory for --data (or FAIRPACK_DATA), got an empty one.');
  if (url !== undefined && !/^postgres(ql)?:\/\//.test(url)) throw new UsageError(`Expected --store (or FAIRPACK_STORE) to be a postgres:// URL, got ${url.length === 0 ? 'an empty one' : `"${redactUrl(url)}"`}.`);
  if (directory !== undefined && url !== undefined) throw new UsageError('Expected --data or --store, got both: the state lives in one place.');
  if (schema !== undefined && (url === undefined || !/^[a-z_][a-z0-9_]{0,62}$/.test(schema))) throw new UsageError(`Expected --store-schema with --store, as a lower-case SQL identifier, got "${schema}".`);
  if (url !== undefined) return { url, ...(schema === undefined ? {} : { schema }) };
  return directory === undefined ? undefined : { directory };
}
