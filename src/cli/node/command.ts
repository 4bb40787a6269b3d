import { DEFAULT_MAX_LINE_LENGTH, ProtocolHandler } from '../../protocol/index.js';
import { integerFlag } from '../integer-flag.js';
import { type CliCommand, type CliIo, parseFlags } from '../io.js';
import { CLUSTER_FLAGS, CLUSTER_HELP, formatResources, managerFromFlags } from './cluster-options.js';
import { pumpLines } from './line-pump.js';

const HELP = `Usage: fairpack node [options]

A resource node speaking the JSON wire protocol: one message per line on stdin,
{"src","dest","body"}, replies one per line on stdout, logs on stderr. Exits at
the end of stdin. Messages: init, allocate, release, submit_job, cancel,
capacity, allocations, queues, nodes (see docs/protocol.md).

Options:
${CLUSTER_HELP}
  --max-line-length <n>
                       longest message line read, in characters; a longer one is
                       answered MESSAGE_TOO_LARGE and dropped unread (default ${DEFAULT_MAX_LINE_LENGTH.toLocaleString('en-US')})
  -h, --help           this help

Reading pauses while stdout is full: a client must read its replies to be served.

Example:
  echo '{"src":"c1","dest":"n1","body":{"type":"allocate","msg_id":1,"requirements":[{"type":"cpu","amount":2}]}}' | fairpack node
`;

const NODE_FLAGS = { ...CLUSTER_FLAGS, 'max-line-length': { type: 'string' } } as const;

export const nodeCommand: CliCommand = {
  summary: 'a resource node: JSON wire protocol on stdin/stdout',
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const flags = parseFlags(args, NODE_FLAGS);
    if (flags.help === true) {
      io.stdout.write(HELP);
      return 0;
    }
    const maxLineLength = flags['max-line-length'] === undefined ? DEFAULT_MAX_LINE_LENGTH : integerFlag('--max-line-length', flags['max-line-length'], 1, 1 << 28);
    const manager = await managerFromFlags(flags);
    const handler = new ProtocolHandler(manager, {
      maxLineLength,
      // messages that arise between requests (none today: the node has no timers of its own) go out at once
      send: (message) => io.stdout.write(`${JSON.stringify(message)}\n`),
    });
    const { total } = manager.capacity();
    io.stderr.write(`fairpack node: ready — ${manager.nodes().length} node(s), ${formatResources(total)}; one JSON message per line on stdin\n`);
    const stats = await pumpLines(io.stdin, io.stdout, (line) => handler.handleLine(line), maxLineLength);
    handler.close();
    manager.close();
    io.stderr.write(`fairpack node: end of input — ${stats.lines} message(s), ${stats.replies} sent\n`);
    return 0;
  },
};
