import { AllocationManager, type JournalEntry, type ManagerSnapshot } from '../index.js';
import { DataDirectory, type JournalStore, PostgresStore } from '../store/index.js';
import { SNAPSHOT_EVERY, durableSink } from './durable-sink.js';
import { SERVE_SNAPSHOT_FORMAT, ownerOf } from './data-formats.js';

/** Where the state lives: a data directory (`--data`), or PostgreSQL (`--store postgres://…`, tables in `schema`). */
export type StateLocation = { readonly directory: string } | { readonly url: string; readonly schema?: string; readonly term?: number };

/**
 * An AllocationManager whose state lives in a data directory (`--data <dir>`) or in PostgreSQL
 * (`--store postgres://…`): every journal entry
 * goes to the write-ahead log as the call that made it returns, and `durable()` resolves once
 * everything journaled so far is on disk — a request is answered only then. Snapshots compact the
 * log every `SNAPSHOT_EVERY` entries and at `close()`.
 */
export interface DurableState {
  readonly manager: AllocationManager;
  /** Whether the state was recovered from the directory (else it was new, from the flags). */
  readonly recovered: boolean;
  /** Resolves once every entry journaled so far is durable; rejects once the store failed. */
  durable(): Promise<void>;
  /** For `GET /healthz`: where the journal and the last snapshot stand. */
  position(): { readonly seq: number | null; readonly snapshotSeq: number | null; readonly directory?: string; readonly store?: string };
  /** A last snapshot, then the directory is closed (the lock released). The manager must be closed first. */
  close(): Promise<void>;
}

/**
 * Opens (or creates) the data directory and builds the manager: restored from its snapshot and log
 * when there is one, else new from `build` — written as the first snapshot before any request.
 * TTLs, grace periods and back-offs continue from the wall clock: what fell due while the process
 * was down happens now, in order (one `tick()` at start). `hot`: a replica's copy of the state;
 * used instead of the store's snapshot and journal when it is at the store's last entry.
 */
export async function openDurableState(location: StateLocation, build: (journal: (entry: JournalEntry) => void) => AllocationManager, note: (line: string) => void, hot?: ManagerSnapshot): Promise<DurableState> {
  let store: JournalStore<ManagerSnapshot, JournalEntry>;
  /** For messages: `the data directory /srv/fairpack`, `the store postgres://…`. */
  let named: string;
  let where: { readonly directory: string } | { readonly store: string };
  if ('directory' in location) {
    const opened = await DataDirectory.open<ManagerSnapshot, JournalEntry>(location.directory);
    [store, named, where] = [opened, `the data directory ${opened.directory}`, { directory: opened.directory }];
  } else {
    const { schema, term } = location;
    const opened = await PostgresStore.open<ManagerSnapshot, JournalEntry>(location.url, { ...(schema === undefined ? {} : { schema }), ...(term === undefined ? {} : { term }) });
    [store, named, where] = [opened, `the store ${opened.location}`, { store: opened.location }];
  }
  for (const line of store.recovered.notes) note(line);
  const sink = durableSink(store);
  let sinceSnapshot = 0;
  let manager: AllocationManager | undefined;
  const journal = (entry: JournalEntry): void => {
    sink.append(entry);
    if (++sinceSnapshot >= SNAPSHOT_EVERY && manager !== undefined) {
      sinceSnapshot = 0;
      // a snapshot may be ahead of the log's durable part: the store writes later entries after it
      sink.snapshot(manager.snapshot());
    }
  };
  const { snapshot, entries } = store.recovered;
  try {
    const last = entries.at(-1)?.seq ?? snapshot?.seq;
    if (hot !== undefined && snapshot !== undefined && last === hot.seq) {
      // a replica's hot copy, at exactly the store's last entry: no journal to replay (a takeover
      // that replays thousands of entries on a loaded machine can outlive its own lease)
      manager = AllocationManager.restore(hot, { journal });
      note(`took over ${named} from the follower's copy at seq ${hot.seq}`);
      manager.tick();
    } else if (snapshot !== undefined) {
      const format = (snapshot as { format?: unknown }).format;
      if (format !== SERVE_SNAPSHOT_FORMAT && ownerOf(format) !== undefined) throw new Error(`${named} holds the state of a \`${ownerOf(format) as string}\`, not of a server: give fairpack serve one of its own`);
      manager = AllocationManager.restore(snapshot, { entries, journal });
      note(`recovered ${named}: snapshot at seq ${snapshot.seq} and ${entries.length} journal entries after it`);
      manager.tick();
    } else {
      if (entries.length > 0) throw new Error(`${named} has journal entries but no snapshot to replay them over; it was not written by fairpack serve`);
      manager = build(journal);
      await store.writeSnapshot(manager.snapshot());
      note(`new state in ${named}`);
    }
  } catch (error) {
    await store.close();
    throw error;
  }
  const ready = manager;
  return {
    manager: ready,
    recovered: snapshot !== undefined,
    durable: sink.durable,
    position: () => {
      const { seq, snapshotSeq } = store.position();
      return { seq, snapshotSeq, ...where };
    },
    close: async () => {
      if (!sink.failed) await store.writeSnapshot(ready.snapshot()).catch(() => undefined);
      await store.close();
    },
  };
}
