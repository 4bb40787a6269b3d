import type { AllocationManager, JournalEntry } from '../index.js';
import { DataDirectory, type Sequenced } from '../store/index.js';
import { notOurs } from './data-formats.js';
import { SNAPSHOT_EVERY, durableSink } from './durable-sink.js';

/**
 * The clock of a process that logs its inputs: the wall clock, never going back, and held still
 * while one input is handled — every manager call the input makes reads the same time, the one its
 * entry records, so a replay at that time does exactly what the input did.
 */
export class HeldClock {
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

/** A log entry of such a process: an input it handled, at a clock reading, or a tick of the manager's own timer. */
export type TickEntry = { readonly seq: number; readonly at: number; readonly tick: true };

/** An entry before the log gives it its seq (Omit over each member of a union). */
export type Unnumbered<E> = E extends unknown ? Omit<E, 'seq'> : never;

/** What the manager of such a process is built or restored with. */
export interface ManagerHooks {
  readonly journal: (entry: JournalEntry) => void;
  readonly now: () => number;
  readonly timers: true;
}

export interface InputLogSetup<S extends Sequenced, E extends Sequenced, T> {
  /** The snapshot format (`fairpack.node`); any other is refused, naming whose it is. */
  readonly format: string;
  /** The command, for messages: `fairpack node`. */
  readonly command: string;
  readonly note: (line: string) => void;
  /** The state from the newest snapshot, its manager restored with `hooks`. */
  restore(snapshot: S, hooks: ManagerHooks): T;
  /** A new state from the flags, its manager built with `hooks`. */
  build(hooks: ManagerHooks): T;
  manager(state: T): AllocationManager;
  /** Handles a logged input again (the clock held at its time), answers dropped; throws for an entry the command does not write. */
  replay(state: T, entry: E): void;
  snapshot(state: T, seq: number): S;
}

export interface InputLog<E extends Sequenced, T> {
  readonly state: T;
  /** Whether the state was recovered from the directory (else it was new, from the flags). */
  readonly recovered: boolean;
  /**
   * Handles one input: `run` with the clock held at one reading, then its entry `entry(at)` is
   * logged (a snapshot too, every SNAPSHOT_EVERY entries). Release what `run` answers only once
   * `durable()` resolves.
   */
  handle<R>(run: () => R, entry: (at: number) => Unnumbered<E>): R;
  /** Resolves once everything logged so far is durable; rejects once the store failed. */
  durable(): Promise<void>;
  position(): { readonly seq: number | null; readonly snapshotSeq: number | null; readonly directory: string };
  /** Runs `closing` (closing the state changes nothing that needs a log entry), writes a last snapshot, releases the directory. */
  close(closing: () => void): Promise<void>;
}

/**
 * Opens (or creates) the data directory of a process whose log is the inputs it handled: restores
 * the state from the newest snapshot and handles the inputs after it again, at their times (answers
 * dropped: they were sent, or lost with the crash before the client had them), or builds a new state
 * from the flags and writes its first snapshot. Then one `tick()`: what fell due while the process
 * was down happens now.
 *
 * Besides the inputs, the log has a tick `{ seq, at, tick: true }` for each tick of the manager's
 * own timer (an entry the manager journals while no input is being handled). The calls the
 * listeners make during that tick are part of it: replaying the tick replays them.
 */
export async function openInputLog<S extends Sequenced & { readonly format: string }, E extends Sequenced, T>(directory: string, setup: InputLogSetup<S, E, T>): Promise<InputLog<E, T>> {
  const { command } = setup;
  const store = await DataDirectory.open<S, E | TickEntry>(directory);
  for (const line of store.recovered.notes) setup.note(line);
  const sink = durableSink(store);
  const clock = new HeldClock();
  // 'replay': entries are applied again, nothing is logged; 'input': an input is being handled
  // (its entry covers what the manager does); 'idle': only the manager's timer changes state
  let mode: 'replay' | 'input' | 'idle' = 'replay';
  let seq = 0;
  let sinceSnapshot = 0;
  const log = (entry: Unnumbered<E | TickEntry>): void => {
    sink.append({ seq: ++seq, ...entry } as E | TickEntry);
    sinceSnapshot++;
  };
  const hooks: ManagerHooks = {
    journal: (entry) => {
      if (mode === 'idle' && entry.type === 'tick') log({ at: entry.at, tick: true } as Unnumbered<TickEntry>);
    },
    now: clock.now,
    timers: true,
  };

  const { snapshot, entries } = store.recovered;
  let state: T | undefined;
  try {
    if (snapshot !== undefined) {
      if (snapshot.format !== setup.format) throw new Error(notOurs(directory, command, (snapshot as { format?: unknown }).format));
      state = setup.restore(snapshot, hooks);
      seq = snapshot.seq;
      for (const entry of entries) {
        replay(state, entry);
        seq = entry.seq;
      }
      setup.note(`recovered ${store.directory}: snapshot at seq ${snapshot.seq} and ${entries.length} log entries after it`);
    } else {
      if (entries.length > 0) throw new Error(`the data directory ${directory} has log entries but no snapshot to replay them over; it was not written by ${command}`);
      state = setup.build(hooks);
      await store.writeSnapshot(setup.snapshot(state, seq));
      setup.note(`new state in ${store.directory}`);
    }
    mode = 'idle';
    setup.manager(state).tick();
  } catch (error) {
    if (state !== undefined) setup.manager(state).close();
    await store.close();
    throw error;
  }

  function replay(ready: T, entry: E | TickEntry): void {
    const { at } = entry as { at?: unknown };
    if (typeof at !== 'number' || !Number.isFinite(at)) throw new Error(`log entry ${entry.seq} has no clock reading (\`at\`); the data directory was not written by ${command}`);
    if ('tick' in entry && entry.tick === true) clock.at(at, () => setup.manager(ready).tick());
    else clock.at(at, () => setup.replay(ready, entry as E));
  }

  const ready = state;
  return {
    state: ready,
    recovered: snapshot !== undefined,
    handle(run, entry) {
      const at = clock.now();
      mode = 'input';
      let result;
      try {
        result = clock.at(at, run);
      } finally {
        mode = 'idle';
      }
      log(entry(at));
      if (sinceSnapshot >= SNAPSHOT_EVERY && !sink.failed) {
        sinceSnapshot = 0;
        sink.snapshot(setup.snapshot(ready, seq));
      }
      return result;
    },
    durable: sink.durable,
    position: () => {
      const { seq: durableSeq, snapshotSeq } = store.position();
      return { seq: durableSeq, snapshotSeq, directory: store.directory };
    },
    close: async (closing) => {
      mode = 'replay';
      closing();
      if (!sink.failed) await store.writeSnapshot(setup.snapshot(ready, seq)).catch(() => undefined);
      await store.close();
    },
  };
}
