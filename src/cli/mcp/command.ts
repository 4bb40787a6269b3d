import { isFairpackError } from '../../errors.js';
import { fairnessPolicyNames, placementStrategyNames } from '../../index.js';
import { AllocationTools, type AllocationToolsOptions } from '../../mcp/index.js';
import { loadNodesFile } from '../cluster.js';
import { integerFlag } from '../integer-flag.js';
import { type CliCommand, type CliIo, UsageError, parseFlags } from '../io.js';
import { QUEUE_FLAGS, QUEUE_HELP, queueBoundsFromFlags, queueOptions } from '../manager-options.js';
import { formatResources } from '../node/cluster-options.js';
import { packageVersion } from '../version.js';
import type { ManagerHooks } from '../input-log.js';
import { type DurableMcp, openDurableMcp } from './durable-mcp.js';
import { amountFlag } from './number-flag.js';
import { loadMcpSdk } from './sdk.js';
import { startMcpServer } from './server.js';
import { TestClock } from './test-clock.js';

const HELP = `Usage: fairpack mcp [options]

An MCP server on stdin/stdout (the MCP SDK's stdio transport) with the cortex
Resource Allocation tools: request_resources, release_resources, get_capacity,
get_allocation, list_allocations, cleanup_expired, and fairpack's submit_job,
wait_for_allocation, queues, explain; resources fairpack://capacity and
fairpack://allocations. Logs on stderr. Needs @modelcontextprotocol/sdk
(npm install @modelcontextprotocol/sdk). See docs/mcp.md.

Cluster (one node "default" unless --nodes):
  --cpu <cores>        total cpu (default 16)
  --memory <mb>        total memory in MB (default 32768)
  --workers <n>        worker slots (default 10)
  --nodes <file>       the nodes, from a JSON file: [{ "id", "capacity": { "cpu",
                       "memory", "workers" }, "labels"? }]; an allocation's workers
                       share one node
  --worker-cpu <cores> cpu each worker takes (default 1)
  --worker-memory <mb> memory each worker takes, in MB (default 2048)
  --default-ttl <s>    ttl_seconds of a request that gives none (default 3600)
  --placement <name>   ${placementStrategyNames.join(' | ')} (default best-fit)
  --fairness <name>    ${fairnessPolicyNames.join(' | ')} (default drf)
${QUEUE_HELP}
  --data <dir>         keep the state in this directory (FAIRPACK_DATA): every tool call
                       is logged and fsynced before it is answered, and a restart goes on
                       where the last answered call left it (docs/durability.md); the
                       cluster flags apply only to a new directory
  -h, --help           this help

Testing only:
  --test-clock <iso>   start the clock at this time and move it only with the extra
                       tool advance_clock; TTLs then expire at cleanup_expired

Register it in an MCP client (mcpServers):
  { "command": "npx", "args": ["-y", "-p", "fairpack", "-p", "@modelcontextprotocol/sdk", "fairpack", "mcp"] }
`;

/** `util.parseArgs` options that take a value, from their names. */
function valueFlags<const N extends string>(...names: N[]): { readonly [K in N]: { readonly type: 'string' } } {
  return Object.fromEntries(names.map((name) => [name, { type: 'string' }])) as { readonly [K in N]: { readonly type: 'string' } };
}

const MCP_FLAGS = {
  ...QUEUE_FLAGS,
  ...valueFlags('cpu', 'memory', 'workers', 'nodes', 'worker-cpu', 'worker-memory', 'default-ttl', 'placement', 'fairness', 'test-clock', 'data'),
  help: { type: 'boolean', short: 'h' },
} as const;

/** Past any machine: a larger amount is a typo. */
const MAX_AMOUNT = 1_000_000_000;

type McpFlags = ReturnType<typeof parseFlags<typeof MCP_FLAGS>>;

/** The flags that shape a new cluster: a recovered one keeps its own, and says so. */
const CLUSTER_FLAGS = ['cpu', 'memory', 'workers', 'nodes', 'worker-cpu', 'worker-memory', 'default-ttl', 'placement', 'fairness', 'max-queued', 'max-queued-per-tenant'] as const;

/**
 * The tools the flags describe (read and checked now: the nodes file too), built by the function
 * returned, with the test clock or the hooks of a data directory; anything the library refuses is a
 * usage error.
 */
async function toolsFromFlags(flags: McpFlags): Promise<(clock: { readonly now: () => number } | undefined, hooks?: ManagerHooks) => AllocationTools> {
  const totals = flags.cpu !== undefined || flags.memory !== undefined || flags.workers !== undefined;
  if (totals && flags.nodes !== undefined) throw new UsageError('Expected --cpu/--memory/--workers or --nodes, got both. Give each node its cpu, memory and workers in the file.');
  const amount = (flag: keyof McpFlags, text: string | undefined) => (text === undefined ? undefined : amountFlag(`--${flag}`, text, 0, MAX_AMOUNT));
  const options: Record<string, unknown> = {
    totalCpu: amount('cpu', flags.cpu),
    totalMemory: amount('memory', flags.memory),
    totalWorkers: flags.workers === undefined ? undefined : integerFlag('--workers', flags.workers, 0, MAX_AMOUNT),
    nodes: flags.nodes === undefined ? undefined : await loadNodesFile(flags.nodes),
    workerCpu: amount('worker-cpu', flags['worker-cpu']),
    workerMemory: amount('worker-memory', flags['worker-memory']),
    defaultTtlSeconds: flags['default-ttl'] === undefined ? undefined : integerFlag('--default-ttl', flags['default-ttl'], 1, 365 * 24 * 3600),
    managerOptions: {
      ...queueOptions(queueBoundsFromFlags(flags)),
      ...(flags.placement === undefined ? {} : { placement: flags.placement }),
      ...(flags.fairness === undefined ? {} : { fairness: flags.fairness }),
    },
  };
  return (clock, hooks) => {
    const built = {
      ...options,
      now: hooks?.now ?? clock?.now,
      ...(hooks === undefined ? {} : { managerOptions: { ...(options['managerOptions'] as object), journal: hooks.journal, timers: hooks.timers } }),
    };
    try {
      return new AllocationTools(Object.fromEntries(Object.entries(built).filter(([, value]) => value !== undefined)) as AllocationToolsOptions);
    } catch (error) {
      if (isFairpackError(error)) throw new UsageError(error.message);
      throw error;
    }
  };
}

export const mcpCommand: CliCommand = {
  summary: 'an MCP server (stdio) with the cortex resource allocation tools',
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const flags = parseFlags(args, MCP_FLAGS);
    if (flags.help !== true) return serve(flags, io);
    io.stdout.write(HELP);
    return 0;
  },
};

/** Serves the tools until the client goes (end of stdin) or a signal; the exit code. */
async function serve(flags: McpFlags, io: CliIo): Promise<number> {
  const log = (line: string): void => void io.stderr.write(`${line}\n`);
  const dataDirectory = flags.data ?? io.env['FAIRPACK_DATA'];
  if (dataDirectory !== undefined && dataDirectory.length === 0) throw new UsageError('Expected a directory for --data (or FAIRPACK_DATA), got an empty one.');
  if (dataDirectory !== undefined && flags['test-clock'] !== undefined) throw new UsageError('Expected --test-clock or --data, got both: the test clock is for tests of one process, and is not kept.');
  const clock = flags['test-clock'] === undefined ? undefined : new TestClock(flags['test-clock']);
  const build = await toolsFromFlags(flags);
  let durable: DurableMcp | undefined;
  let tools: AllocationTools;
  let running: Awaited<ReturnType<typeof startMcpServer>> | undefined;
  // the first failure of the data directory: the call is not answered, and the server stops
  let failure: unknown;
  if (dataDirectory === undefined) tools = build(clock);
  else {
    const note = (line: string): void => log(`fairpack mcp: ${line}`);
    try {
      durable = await openDurableMcp(dataDirectory, {
        build: (hooks) => build(undefined, hooks),
        note,
        failed: (error) => {
          if (failure !== undefined) return;
          failure = error;
          void running?.close();
        },
      });
    } catch (error) {
      if (error instanceof UsageError) throw error;
      // another process holds the directory, or it is damaged, or another command's: say so in one line, change nothing
      note(error instanceof Error ? error.message : String(error));
      return 1;
    }
    tools = durable.tools;
    const ignored = CLUSTER_FLAGS.filter((flag) => flags[flag] !== undefined);
    if (durable.recovered && ignored.length > 0) note(`--${ignored.join(', --')} ignored: the MCP server recovered from the data directory keeps its settings`);
  }
  const close = async (): Promise<void> => {
    if (durable === undefined) tools.close();
    else await durable.close();
  };
  // with the real clock the manager's timer expires TTLs on its own; a listener that throws there must not end the process
  tools.manager.on('error', (error) => log(`fairpack mcp: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`));
  try {
    const sdk = await loadMcpSdk();
    const extraTools = clock === undefined ? [] : [{ definition: clock.definition, run: (input: unknown) => clock.advance(input) }];
    running = await startMcpServer({ sdk, tools, version: packageVersion(), input: io.stdin, output: io.stdout, log, extraTools, ...(durable === undefined ? {} : { call: durable.call }) });
  } catch (error) {
    // a missing optional dependency: say so in one line, no stack
    log(`fairpack mcp: ${error instanceof Error ? error.message : String(error)}`);
    await close();
    return 1;
  }
  const { total } = tools.manager.capacity();
  const state = dataDirectory === undefined ? 'state in memory only (not persisted: use --data <dir>)' : `state in ${dataDirectory}`;
  log(`fairpack mcp: ready — ${tools.manager.nodes().length} node(s), ${formatResources(total)}${clock === undefined ? '' : ', test clock'}; ${state}; MCP over stdio`);

  const server = running;
  const stop = (signal: NodeJS.Signals): void => {
    log(`fairpack mcp: ${signal}, shutting down`);
    void server.close();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await server.closed;
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  if (failure !== undefined) {
    // the calls not answered were never given: a restart recovers every call that was answered
    log(`fairpack mcp: the data directory failed: ${failure instanceof Error ? failure.message : String(failure)}; stopping`);
    return 1;
  }
  await close();
  log('fairpack mcp: stopped');
  return 0;
}
