import type { Writable } from 'node:stream';
import type { AllocationManager } from '../../index.js';
import { DEFAULT_MAX_LINE_LENGTH, ProtocolHandler } from '../../protocol/index.js';
import { integerFlag } from '../integer-flag.js';
import { type CliCommand, type CliIo, UsageError, parseFlags } from '../io.js';
import { CLUSTER_FLAGS, CLUSTER_HELP, formatResources, managerFactoryFromFlags, managerFromFlags } from './cluster-options.js';
import { type DurableNode, openDurableNode } from './durable-node.js';
import { durableOutput } from './durable-output.js';
import { pumpLines } from './line-pump.js';

const HELP = `Usage: fairpack node [options]

A resource node speaking the JSON wire protocol: one message per line on stdin,
{"src","dest","body"}, replies one per line on stdout, logs on stderr. Exits at
the end of stdin. Messages: init, allocate, release, submit_job, cancel,
capacity, allocations, queues, nodes, node_add, node_remove, node_status and
heartbeat (heartbeats need a manager with a heartbeat timeout, which this
command does not set: they are answered HEARTBEATS_OFF; see docs/protocol.md).

Options:
${CLUSTER_HELP}
  --max-line-length <n>
                       longest message line read, in characters; a longer one is
                       answered MESSAGE_TOO_LARGE and dropped unread (default ${DEFAULT_MAX_LINE_LENGTH.toLocaleString('en-US')})
  --data <dir>         keep the state in this directory (FAIRPACK_DATA): every line is
                       logged and fsynced before its answer is written, and a restart
                       goes on where the last answered line left it (docs/durability.md);
                       the cluster flags apply only to a new directory
  -h, --help           this help

Reading pauses while stdout is full: a client must read its replies to be served.

Example:
  echo '{"src":"c1","dest":"n1","body":{"type":"allocate","msg_id":1,"requirements":[{"type":"cpu","amount":2}]}}' | fairpack node
`;

const NODE_FLAGS = { ...CLUSTER_FLAGS, 'max-line-length': { type: 'string' }, data: { type: 'string' } } as const;

export const nodeCommand: CliCommand = {
  summary: 'a resource node: JSON wire protocol on stdin/stdout',
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const flags = parseFlags(args, NODE_FLAGS);
    if (flags.help === true) {
      io.stdout.write(HELP);
      return 0;
    }
    const maxLineLength = flags['max-line-length'] === undefined ? DEFAULT_MAX_LINE_LENGTH : integerFlag('--max-line-length', flags['max-line-length'], 1, 1 << 28);
    const dataDirectory = flags.data ?? io.env['FAIRPACK_DATA'];
    if (dataDirectory !== undefined && dataDirectory.length === 0) throw new UsageError('Expected a directory for --data (or FAIRPACK_DATA), got an empty one.');
    if (dataDirectory !== undefined) return runDurable(dataDirectory, flags, maxLineLength, io);
    const manager = await managerFromFlags(flags);
    const handler = new ProtocolHandler(manager, {
      maxLineLength,
      // messages that arise between requests (none today: the node has no timers of its own) go out at once
      send: (message) => io.stdout.write(`${JSON.stringify(message)}\n`),
    });
    io.stderr.write(`fairpack node: ready — ${describeCluster(manager)}; state in memory only (not persisted: use --data <dir>); one JSON message per line on stdin\n`);
    const stats = await pumpLines(io.stdin, io.stdout, (line) => handler.handleLine(line), maxLineLength);
    handler.close();
    manager.close();
    io.stderr.write(`fairpack node: end of input — ${stats.lines} message(s), ${stats.replies} sent\n`);
    return 0;
  },
};

/** `fairpack node --data <dir>`: the same, with every answer written only once its line is durable. */
async function runDurable(directory: string, flags: NodeFlagValues, maxLineLength: number, io: CliIo): Promise<number> {
  const note = (line: string): void => void io.stderr.write(`fairpack node: ${line}\n`);
  const build = await managerFactoryFromFlags(flags);
  let output: Writable | undefined;
  let node: DurableNode;
  try {
    node = await openDurableNode(directory, {
      build: (extra) => build({ ...extra }),
      maxLineLength,
      // a job started by the manager's own timer: its `allocated` goes out once the tick is durable
      send: (message) => void output?.write(`${JSON.stringify(message)}\n`),
      note,
    });
  } catch (error) {
    // another process holds the directory, or it is damaged: say so in one line, change nothing
    note(error instanceof Error ? error.message : String(error));
    return 1;
  }
  const ignored = (['capacity', 'nodes', 'placement', 'fairness', 'max-queued', 'max-queued-per-tenant', 'max-line-length'] as const).filter((flag) => flags[flag] !== undefined);
  if (node.recovered && ignored.length > 0) note(`--${ignored.join(', --')} ignored: the node recovered from the data directory keeps its settings`);
  const gate = durableOutput(io.stdout, node.durable);
  output = gate;
  let failure: unknown;
  gate.on('error', (error) => {
    failure ??= error;
  });
  io.stderr.write(`fairpack node: ready — ${describeCluster(node.manager)}; state in ${directory}; one JSON message per line on stdin\n`);
  const stats = await pumpLines(io.stdin, gate, (line) => node.answer(line), node.maxLineLength);
  if (failure !== undefined) {
    // the answers not written were never given: a restart recovers every line that was answered
    note(`the data directory failed: ${failure instanceof Error ? failure.message : String(failure)}; stopping`);
    return 1;
  }
  await node.close();
  io.stderr.write(`fairpack node: end of input — ${stats.lines} message(s), ${stats.replies} sent\n`);
  return 0;
}

function describeCluster(manager: AllocationManager): string {
  return `${manager.nodes().length} node(s), ${formatResources(manager.capacity().total)}`;
}

type NodeFlagValues = Parameters<typeof managerFactoryFromFlags>[0] & { readonly 'max-line-length'?: string | undefined };
