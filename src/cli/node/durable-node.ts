import { AllocationManager, type ManagerSnapshot, ProtocolHandler, type ProtocolEnvelope, type ProtocolHandlerSnapshot } from '../../index.js';
import { NODE_SNAPSHOT_FORMAT } from '../data-formats.js';
import { type ManagerHooks, openInputLog } from '../input-log.js';

export { NODE_SNAPSHOT_FORMAT };

/** What `fairpack node --data` snapshots: the manager and the protocol handler, taken between two messages. */
export interface DurableNodeSnapshot {
  readonly format: typeof NODE_SNAPSHOT_FORMAT;
  readonly version: 1;
  readonly seq: number;
  readonly manager: ManagerSnapshot;
  readonly protocol: ProtocolHandlerSnapshot;
}

/**
 * One entry of the node's log: a line it answered, with the clock reading it was answered at
 * (an over-long line, refused unread, is kept as `oversize`), or a tick of the manager's own timer.
 * Replaying the lines at their times over the snapshot rebuilds the state — job ids, allocation
 * ids and `msg_id`s included: the handler and the manager generate them from their state.
 */
export type NodeEntry =
  | { readonly seq: number; readonly at: number; readonly line: string }
  | { readonly seq: number; readonly at: number; readonly oversize: true }
  | { readonly seq: number; readonly at: number; readonly tick: true };

export interface DurableNode {
  readonly manager: AllocationManager;
  readonly handler: ProtocolHandler;
  readonly recovered: boolean;
  /** The handler's longest line (a recovered node keeps the one it was started with). */
  readonly maxLineLength: number;
  /** Answers one line and logs it; write the answers only once `durable()` resolves. */
  answer(line: string): string[];
  /** Resolves once everything answered so far is durable; rejects once the store failed. */
  durable(): Promise<void>;
  position(): { readonly seq: number | null; readonly snapshotSeq: number | null; readonly directory: string };
  /** Closes the handler and the manager, writes a last snapshot, releases the directory. */
  close(): Promise<void>;
}

export interface DurableNodeSetup {
  /** Builds a new manager from the flags, with these options added. */
  readonly build: (extra: ManagerHooks) => AllocationManager;
  /** The handler's longest line, for a new node. */
  readonly maxLineLength: number;
  /** Where unsolicited messages go (a job started by the manager's own timer). */
  readonly send: (message: ProtocolEnvelope) => void;
  readonly note: (line: string) => void;
}

/**
 * Opens (or creates) the data directory of `fairpack node --data` (see `openInputLog`): restores
 * the manager and the handler from the newest snapshot and answers the lines after it again, or
 * builds a new node from the flags.
 */
export async function openDurableNode(directory: string, setup: DurableNodeSetup): Promise<DurableNode> {
  // nothing is sent until the log is open: what a replayed line causes was sent before the crash, or lost with it
  let live = false;
  const send = (message: ProtocolEnvelope): void => {
    if (live) setup.send(message);
  };
  interface Node {
    readonly manager: AllocationManager;
    readonly handler: ProtocolHandler;
    readonly maxLineLength: number;
  }
  const log = await openInputLog<DurableNodeSnapshot, Exclude<NodeEntry, { tick: true }>, Node>(directory, {
    format: NODE_SNAPSHOT_FORMAT,
    command: 'fairpack node',
    note: setup.note,
    restore: (snapshot, hooks) => {
      const manager = AllocationManager.restore(snapshot.manager, hooks);
      return { manager, handler: ProtocolHandler.restore(manager, snapshot.protocol, { send }), maxLineLength: snapshot.protocol.settings.maxLineLength };
    },
    build: (hooks) => {
      const manager = setup.build(hooks);
      return { manager, handler: new ProtocolHandler(manager, { maxLineLength: setup.maxLineLength, send }), maxLineLength: setup.maxLineLength };
    },
    manager: (node) => node.manager,
    replay: ({ handler, maxLineLength }, entry) => {
      if ('line' in entry && typeof entry.line === 'string') handler.handleLine(entry.line);
      else if ('oversize' in entry) handler.handleLine(' '.repeat(maxLineLength + 1));
      else throw new Error(`log entry ${entry.seq} is not one fairpack node writes (a line, an over-long line or a tick); the data directory was not written by fairpack node`);
    },
    snapshot: ({ manager, handler }, seq) => ({ format: NODE_SNAPSHOT_FORMAT, version: 1, seq, manager: manager.snapshot(), protocol: handler.snapshot() }),
  });
  live = true;
  const { manager, handler, maxLineLength } = log.state;
  return {
    manager,
    handler,
    recovered: log.recovered,
    maxLineLength,
    answer: (line) => log.handle(() => handler.handleLine(line), (at) => (line.length > maxLineLength ? { at, oversize: true as const } : { at, line })),
    durable: log.durable,
    position: log.position,
    close: () =>
      log.close(() => {
        handler.close();
        manager.close();
      }),
  };
}
