import { AllocationManager, type JournalEntry, type ManagerSnapshot, ProtocolHandler, type ProtocolEnvelope, type ProtocolHandlerSnapshot } from '../../index.js';
import { DataDirectory } from '../../store/index.js';
import { SNAPSHOT_EVERY, durableSink } from '../durable-sink.js';

export const NODE_SNAPSHOT_FORMAT = 'fairpack.node';

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

/** An entry before the log gives it its seq (Omit over each member of the union). */
type UnnumberedEntry = Unnumbered<NodeEntry>;
type Unnumbered<E> = E extends unknown ? Omit<E, 'seq'> : never;

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
  readonly build: (extra: { readonly journal: (entry: JournalEntry) => void; readonly now: () => number; readonly timers: true }) => AllocationManager;
  /** The handler's longest line, for a new node. */
  readonly maxLineLength: number;
  /** Where unsolicited messages go (a job started by the manager's own timer). */
  readonly send: (message: ProtocolEnvelope) => void;
  readonly note: (line: string) => void;
}

/**
 * The clock of a durable node: the wall clock, never going back, and held still while one line is
 * answered — every manager call of a message reads the same time, the one its entry records, so
 * a replay at that time does exactly what the message did.
 */
class NodeClock {
  #held: number | undefined;
  #latest = -Infinity;

  readonly now = (): number => {
    if (this.#held !== undefined) return this.#held;
    this.#latest = Math.max(this.#latest, Date.now());
    return this.#latest;
  };

  at<T>(time: number, run: () => T): T {
    this.#held = time;
    this.#latest = Math.max(this.#latest, time);
    try {
      return run();
    } finally {
      this.#held = undefined;
    }
  }
}

/**
 * Opens (or creates) the data directory of `fairpack node --data`: restores the manager and the
 * handler from the newest snapshot and replays the lines after it (answers dropped: they were
 * sent, or lost with the crash before the client had them), or builds a new node from the flags
 * and writes its first snapshot. Then one `tick()`: what fell due while the process was down
 * happens now.
 */
export async function openDurableNode(directory: string, setup: DurableNodeSetup): Promise<DurableNode> {
  const store = await DataDirectory.open<DurableNodeSnapshot, NodeEntry>(directory);
  for (const line of store.recovered.notes) setup.note(line);
  const sink = durableSink(store);
  const clock = new NodeClock();
  // 'replay': entries are applied again, nothing is logged or sent; 'line': a line is being answered
  // (its entry covers what the manager does); 'idle': only the manager's timer changes state
  let mode: 'replay' | 'line' | 'idle' = 'replay';
  let seq = 0;
  let sinceSnapshot = 0;
  const log = (entry: UnnumberedEntry): void => {
    sink.append({ seq: ++seq, ...entry } as NodeEntry);
    sinceSnapshot++;
  };
  const journal = (entry: JournalEntry): void => {
    if (mode !== 'idle') return;
    // the only call outside a message is the timer's tick()
    log({ at: entry.at, tick: true });
  };
  const send = (message: ProtocolEnvelope): void => {
    if (mode !== 'replay') setup.send(message);
  };

  const { snapshot, entries } = store.recovered;
  let manager: AllocationManager | undefined;
  let handler: ProtocolHandler;
  let maxLineLength: number;
  try {
    if (snapshot !== undefined) {
      if (snapshot.format !== NODE_SNAPSHOT_FORMAT) throw new Error(`the data directory ${directory} was not written by fairpack node (its snapshot is ${JSON.stringify((snapshot as { format?: unknown }).format)}); give each process a directory of its own`);
      manager = AllocationManager.restore(snapshot.manager, { now: clock.now, timers: true, journal });
      handler = ProtocolHandler.restore(manager, snapshot.protocol, { send });
      maxLineLength = snapshot.protocol.settings.maxLineLength;
      seq = snapshot.seq;
      for (const entry of entries) {
        replay(entry, manager, handler, clock, maxLineLength);
        seq = entry.seq;
      }
      setup.note(`recovered ${store.directory}: snapshot at seq ${snapshot.seq} and ${entries.length} log entries after it`);
    } else {
      if (entries.length > 0) throw new Error(`the data directory ${directory} has log entries but no snapshot to replay them over; it was not written by fairpack node`);
      manager = setup.build({ journal, now: clock.now, timers: true });
      maxLineLength = setup.maxLineLength;
      handler = new ProtocolHandler(manager, { maxLineLength, send });
      await store.writeSnapshot({ format: NODE_SNAPSHOT_FORMAT, version: 1, seq, manager: manager.snapshot(), protocol: handler.snapshot() });
      setup.note(`new state in ${store.directory}`);
    }
    mode = 'idle';
    manager.tick();
  } catch (error) {
    manager?.close();
    await store.close();
    throw error;
  }
  const ready = manager;
  const takeSnapshot = (): DurableNodeSnapshot => ({ format: NODE_SNAPSHOT_FORMAT, version: 1, seq, manager: ready.snapshot(), protocol: handler.snapshot() });
  return {
    manager: ready,
    handler,
    recovered: snapshot !== undefined,
    maxLineLength,
    answer(line) {
      const at = clock.now();
      mode = 'line';
      let answers: string[];
      try {
        answers = clock.at(at, () => handler.handleLine(line));
      } finally {
        mode = 'idle';
      }
      log(line.length > maxLineLength ? { at, oversize: true as const } : { at, line });
      if (sinceSnapshot >= SNAPSHOT_EVERY && !sink.failed) {
        sinceSnapshot = 0;
        sink.snapshot(takeSnapshot());
      }
      return answers;
    },
    durable: sink.durable,
    position: () => {
      const { seq: durableSeq, snapshotSeq } = store.position();
      return { seq: durableSeq, snapshotSeq, directory: store.directory };
    },
    close: async () => {
      handler.close();
      mode = 'replay'; // closing changes nothing that needs a log entry
      ready.close();
      if (!sink.failed) await store.writeSnapshot(takeSnapshot()).catch(() => undefined);
      await store.close();
    },
  };
}

/** Applies one log entry again, at its time; a line's answers are dropped. */
function replay(entry: NodeEntry, manager: AllocationManager, handler: ProtocolHandler, clock: NodeClock, maxLineLength: number): void {
  if (typeof entry.at !== 'number' || !Number.isFinite(entry.at)) throw new Error(`log entry ${entry.seq} has no clock reading (\`at\`); the data directory was not written by fairpack node`);
  if ('line' in entry && typeof entry.line === 'string') clock.at(entry.at, () => handler.handleLine(entry.line));
  else if ('oversize' in entry) clock.at(entry.at, () => handler.handleLine(' '.repeat(maxLineLength + 1)));
  else if ('tick' in entry) clock.at(entry.at, () => manager.tick());
  else throw new Error(`log entry ${entry.seq} is not one fairpack node writes (a line, an over-long line or a tick); the data directory was not written by fairpack node`);
}
