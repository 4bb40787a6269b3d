import type { Client, Pool } from 'pg';
import { FairpackError, describeValue } from '../errors.js';
import type { Recovered, Sequenced, StoredObject } from './data-directory.js';
import { type PgModule, loadPg, quietPool, storeLocation } from './postgres-connect.js';
import { recoverFrom } from './postgres-store.js';
import { JOURNAL_CHANNEL, type StoreTables, isSchemaName, migrate, storeTables } from './postgres-schema.js';

/*
 * A follower's view of the store (docs/high-availability.md): it reads what the leader committed —
 * the newest snapshot with the journal after it, then the entries after a seq — and hears of new
 * commits through LISTEN (the leader's commit sends a NOTIFY in the same statement). The notice is
 * only a hint to read now; a follower also reads on a timer, so a lost notice or a broken listening
 * connection delays it by one poll at most. It never writes.
 */

export interface FollowerOptions {
  readonly schema?: string;
  readonly importPg?: () => Promise<unknown>;
  /** Called when the leader committed entries (a hint: read with `readAfter`). */
  readonly onCommit?: () => void;
}

/** What `readAfter` found: entries in order from `after + 1`, or a sign that they were compacted away. */
export interface JournalTail<E> {
  readonly entries: readonly E[];
  /** The newest snapshot's seq: when it is past the reader's seq and the entries do not follow on, reload. */
  readonly snapshotSeq: number | null;
}

export class PostgresFollower<S extends Sequenced = StoredObject, E extends Sequenced = StoredObject> {
  readonly location: string;
  readonly #pg: PgModule;
  readonly #url: string;
  readonly #pool: Pool;
  readonly #t: StoreTables;
  readonly #schema: string;
  readonly #onCommit: () => void;
  #listener: Client | undefined;
  #closed = false;

  private constructor(parts: { location: string; pg: PgModule; url: string; pool: Pool; schema: string; onCommit: () => void }) {
    this.location = parts.location;
    this.#pg = parts.pg;
    this.#url = parts.url;
    this.#pool = parts.pool;
    this.#schema = parts.schema;
    this.#t = storeTables(parts.schema);
    this.#onCommit = parts.onCommit;
  }

  static async open<S extends Sequenced = StoredObject, E extends Sequenced = StoredObject>(url: string, options: FollowerOptions = {}): Promise<PostgresFollower<S, E>> {
    const schema = options.schema ?? 'fairpack';
    if (!isSchemaName(schema)) throw new FairpackError('STORE_INVALID_INPUT', `Expected the schema to be a lower-case SQL identifier (letters, digits, _), got ${describeValue(schema)}.`);
    const location = storeLocation(url, schema);
    const pg = await loadPg(options.importPg);
    const pool = quietPool(pg, url, 2);
    try {
      const client = await pool.connect();
      try {
        await migrate(client, schema, location);
      } finally {
        client.release();
      }
    } catch (error) {
      await pool.end().catch(() => undefined);
      if (error instanceof FairpackError) throw error;
      throw new FairpackError('STORE_FAILED', `Could not open the store ${location}: ${error instanceof Error ? error.message : String(error)}. Check that PostgreSQL runs there.`, { location }, { cause: error });
    }
    const follower = new PostgresFollower<S, E>({ location, pg, url, pool, schema, onCommit: options.onCommit ?? (() => undefined) });
    await follower.listen();
    return follower;
  }

  /** Whether commit notices arrive (else only the timer reads). */
  get listening(): boolean {
    return this.#listener !== undefined;
  }

  /** (Re)starts listening for commit notices; a failure leaves the follower on its timer. */
  async listen(): Promise<void> {
    if (this.#listener !== undefined || this.#closed) return;
    const client = new this.#pg.Client({ connectionString: this.#url });
    const drop = (): void => {
      if (this.#listener === client) this.#listener = undefined;
      void client.end().catch(() => undefined);
    };
    client.on('error', drop);
    client.on('end', drop);
    client.on('notification', (message) => {
      if (message.channel === JOURNAL_CHANNEL && message.payload?.startsWith(`${this.#schema}:`) === true) this.#onCommit();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${JOURNAL_CHANNEL}`);
      if (this.#closed) throw new Error('closed');
      this.#listener = client;
    } catch {
      drop();
    }
  }

  /** The newest snapshot and the whole journal after it (a follower's start, or its reload after compaction). */
  recover(): Promise<Recovered<S, E>> {
    return recoverFrom<S, E>(this.#pool, this.#t, this.location);
  }

  /** Up to `limit` committed entries after `after`, in order, and the newest snapshot's seq. */
  async readAfter(after: number, limit: number): Promise<JournalTail<E>> {
    const result = await this.#pool.query<{ seq: string; entry: E; snapshot_seq: string | null }>(
      `SELECT j.seq, j.entry, (SELECT max(seq) FROM ${this.#t.snapshots}) AS snapshot_seq FROM ${this.#t.journal} j WHERE j.seq > $1 ORDER BY j.seq LIMIT $2`,
      [after, limit],
    );
    if (result.rows.length > 0) return { entries: result.rows.map((row) => row.entry), snapshotSeq: toSeq(result.rows[0]?.snapshot_seq) };
    const newest = await this.#pool.query<{ seq: string | null }>(`SELECT max(seq) AS seq FROM ${this.#t.snapshots}`);
    return { entries: [], snapshotSeq: toSeq(newest.rows[0]?.seq) };
  }

  async close(): Promise<void> {
    this.#closed = true;
    const listener = this.#listener;
    this.#listener = undefined;
    await listener?.end().catch(() => undefined);
    await this.#pool.end().catch(() => undefined);
  }
}

const toSeq = (value: string | null | undefined): number | null => (value === null || value === undefined ? null : Number(value));
