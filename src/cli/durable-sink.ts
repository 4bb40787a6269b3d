import type { JournalStore, Sequenced } from '../store/index.js';

/** A snapshot after this many journal entries: restarts replay at most that many. */
export const SNAPSHOT_EVERY = 10_000;

/**
 * The journal's side of a data directory for a process that answers requests: entries are
 * appended as they come (not awaited one by one, so concurrent ones share an fsync), and
 * `durable()` tells when everything appended so far is on disk. The first failure of the store
 * (an append or a snapshot) sticks: `durable()` rejects with it from then on.
 */
export interface DurableSink<S extends Sequenced, E extends Sequenced> {
  append(entry: E): void;
  /** Writes a snapshot in the background (a failure sticks like an append's). */
  snapshot(snapshot: S): void;
  /** Resolves once every entry appended so far is durable; rejects once the store failed. */
  durable(): Promise<void>;
  readonly failed: boolean;
}

export function durableSink<S extends Sequenced, E extends Sequenced>(store: JournalStore<S, E>): DurableSink<S, E> {
  let last: Promise<void> = Promise.resolve();
  let failure: unknown;
  const fail = (error: unknown): void => {
    failure ??= error;
  };
  return {
    append(entry) {
      const appended = store.append(entry);
      appended.catch(fail);
      last = appended;
    },
    snapshot(snapshot) {
      store.writeSnapshot(snapshot).catch(fail);
    },
    durable: () => (failure === undefined ? last : Promise.reject(failure)),
    get failed() {
      return failure !== undefined;
    },
  };
}
