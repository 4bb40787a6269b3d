import type { Recovered, Sequenced } from './data-directory.js';

/**
 * What a process that journals needs of a store, whichever it is — a data directory
 * (`DataDirectory`) or PostgreSQL (`PostgresStore`): what was recovered at open, appends that
 * resolve once durable (group-committed), snapshots that compact, where it stands, and close.
 */
export interface JournalStore<S extends Sequenced, E extends Sequenced> {
  readonly recovered: Recovered<S, E>;
  append(entry: E): Promise<void>;
  writeSnapshot(snapshot: S): Promise<void>;
  /** Durable figures only: the last durable seq and the newest durable snapshot's. */
  position(): { readonly seq: number | null; readonly snapshotSeq: number | null };
  close(): Promise<void>;
}
