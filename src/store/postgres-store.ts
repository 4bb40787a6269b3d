import type { Pool, PoolClient } from 'pg';
import { FairpackError, describeValue } from '../errors.js';
import type { Recovered, Sequenced, StoredObject } from './data-directory.js';
import { loadPg, quietPool, storeLocation } from './postgres-connect.js';
import { JOURNAL_CHANNEL, type StoreTables, isSchemaName, migrate, storeTables } from './postgres-schema.js';

/*
 * The journal and snapshots in PostgreSQL (`fairpack serve --store postgres://…`), the store a
 * team already runs and backs up. Same contract as the data directory: an append resolves only
 * once its entry is committed, appends made while a commit is in flight share the next one (group
 * commit: one INSERT of many rows, one transaction), a snapshot compacts the journal. Who writes:
 * one process at a time (a session advisory lock, held for the store's life: a second writer gets
 * STORE_LOCKED) — or, for replicas, the leader of a term, every write fenced by that term (`term`;
 * docs/high-availability.md).
 */

export { POSTGRES_SCHEMA_VERSION } from './postgres-schema.js';

export interface PostgresStoreOptions {
  /** Tables live in this schema (created when missing). @default 'fairpack' */
  readonly schema?: string;
  /** Loads the `pg` driver (a parameter so that the missing-module message can be tested). */
  readonly importPg?: () => Promise<unknown>;
  /**
   * Write as the leader of this term (replicas, docs/high-availability.md): no writer's lock, but
   * every commit checks in the same statement that the lease still has this term, so a deposed
   * leader's writes fail with STORE_FENCED and change nothing. Without it, one writer per schema
   * (a session advisory lock; a second gets STORE_LOCKED).
   */
  readonly term?: number;
}

/** Group commits and rows since open (for tests and benches). */
export interface PostgresStoreStats {
  readonly appends: number;
  readonly commits: number;
}

export class PostgresStore<S extends Sequenced = StoredObject, E extends Sequenced = StoredObject> {
  /** Where the store is, for messages: the URL without its password, and the schema. */
  readonly location: string;
  readonly recovered: Recovered<S, E>;
  /** The leader's term this store writes under, or undefined for the single writer (lock) mode. */
  readonly term: number | undefined;
  readonly #pool: Pool;
  /** Without a term: the connection holding the writer's advisory lock (released by closing it). */
  readonly #lockClient: PoolClient | undefined;
  readonly #schema: string;
  readonly #tables: StoreTables;
  #nextSeq: number | undefined;
  #durableSeq: number | undefined;
  #snapshotSeq: number | undefined;
  /** Entries waiting for the next commit, with their waiters. */
  #pending: { readonly seq: number; readonly json: string; readonly done: { resolve: () => void; reject: (error: unknown) => void } }[] = [];
  #flushing: Promise<void> | undefined;
  /** The last append's promise: a snapshot is written only once everything it covers is committed. */
  #lastAppend: Promise<void> = Promise.resolve();
  #snapshotWork: Promise<void> = Promise.resolve();
  #failure: unknown;
  #closing: Promise<void> | undefined;
  #appends = 0;
  #commits = 0;

  private constructor(parts: { location: string; recovered: Recovered<S, E>; pool: Pool; lockClient: PoolClient | undefined; schema: string; term: number | undefined; nextSeq: number | undefined; snapshotSeq: number | undefined }) {
    this.location = parts.location;
    this.recovered = parts.recovered;
    this.term = parts.term;
    this.#pool = parts.pool;
    this.#lockClient = parts.lockClient;
    this.#schema = parts.schema;
    this.#tables = storeTables(parts.schema);
    this.#nextSeq = parts.nextSeq;
    this.#durableSeq = parts.nextSeq === undefined ? undefined : parts.nextSeq - 1;
    this.#snapshotSeq = parts.snapshotSeq;
  }

  /**
   * Connects, creates (or migrates, or checks) the schema, takes the writer's lock (without a
   * `term`) and reads the newest snapshot with the journal after it. Rejects with STORE_LOCKED when
   * another process writes to this schema, STORE_CORRUPT when the journal has a gap or the schema is
   * at a newer version, and STORE_FAILED when the database cannot be reached or `pg` is missing.
   */
  static async open<S extends Sequenced = StoredObject, E extends Sequenced = StoredObject>(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore<S, E>> {
    const schema = options.schema ?? 'fairpack';
    if (!isSchemaName(schema)) throw new FairpackError('STORE_INVALID_INPUT', `Expected the schema to be a lower-case SQL identifier (letters, digits, _), got ${describeValue(schema)}.`);
    const { term } = options;
    if (term !== undefined && !(Number.isSafeInteger(term) && term >= 1)) throw new FairpackError('STORE_INVALID_INPUT', `Expected the term to be an integer >= 1, got ${describeValue(term)}.`);
    const location = storeLocation(url, schema);
    const pg = await loadPg(options.importPg);
    const pool = quietPool(pg, url, 4);
    let client: PoolClient | undefined;
    try {
      client = await pool.connect();
      client.on('error', () => undefined);
      if (term === undefined) {
        const locked = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [`fairpack:${schema}`]);
        if (locked.rows[0]?.locked !== true) {
          throw new FairpackError('STORE_LOCKED', `The store ${location} is in use by another process (it holds the writer's lock). One writer at a time: stop the other one, or give this one a schema of its own (--store-schema).`, { location });
        }
      }
      await migrate(client, schema, location);
      const recovered = await recoverFrom<S, E>(client, storeTables(schema), location);
      const last = recovered.entries.at(-1)?.seq ?? recovered.snapshot?.seq;
      if (term !== undefined) client.release();
      return new PostgresStore<S, E>({ location, recovered, pool, lockClient: term === undefined ? client : undefined, schema, term, nextSeq: last === undefined ? undefined : last + 1, snapshotSeq: recovered.snapshot?.seq });
    } catch (error) {
      client?.release(true);
      await pool.end().catch(() => undefined);
      if (error instanceof FairpackError) throw error;
      throw new FairpackError('STORE_FAILED', `Could not open the store ${location}: ${error instanceof Error ? error.message : String(error)}. Check that PostgreSQL runs there and the URL's user may create tables.`, { location }, { cause: error });
    }
  }

  /**
   * Appends one journal entry; resolves once it is committed with every entry before it. Appends
   * made while a commit is in flight go into the next one, in order. STORE_INVALID_INPUT at once
   * for an entry out of order; STORE_FAILED once a commit failed, STORE_FENCED once a newer term
   * leads (this and every later append).
   */
  append(entry: E): Promise<void> {
    const seq = entry?.seq;
    if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0 || (this.#nextSeq !== undefined && seq !== this.#nextSeq)) {
      throw new FairpackError('STORE_INVALID_INPUT', `Expected the entry's seq to be ${this.#nextSeq ?? 'an integer >= 0'}, got ${describeValue(seq)}. Append the journal's entries in order, each once.`, { expected: this.#nextSeq ?? null });
    }
    // the seq moves on even when the append is refused below: the next one then gets the same
    // refusal (the failure sticks), not an out-of-order error
    this.#nextSeq = seq + 1;
    if (this.#closing !== undefined) return Promise.reject(closed(this.location));
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    const json = JSON.stringify(entry);
    this.#appends++;
    const appended = new Promise<void>((resolve, reject) => {
      this.#pending.push({ seq, json, done: { resolve, reject } });
      this.#flushing ??= this.#flush();
    });
    this.#lastAppend = appended;
    return appended;
  }

  /**
   * Writes a snapshot (one row) once every entry appended before it is committed — a snapshot never
   * holds a change the journal could still lose — then compacts: the journal rows it covers and the
   * older snapshots go. Snapshots are written in call order; appends go on meanwhile.
   */
  writeSnapshot(snapshot: S): Promise<void> {
    const seq = snapshot?.seq;
    if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) throw new FairpackError('STORE_INVALID_INPUT', `Expected the snapshot's seq to be an integer >= 0, got ${describeValue(seq)}.`);
    if (this.#closing !== undefined) return Promise.reject(closed(this.location));
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    if (this.#nextSeq === undefined || seq >= this.#nextSeq) this.#nextSeq = seq + 1;
    const json = JSON.stringify(snapshot);
    const covered = this.#lastAppend;
    const done = this.#snapshotWork.then(async () => {
      try {
        await covered;
        const written = await this.#pool.query(`WITH ${this.#leaseCheck(3)} INSERT INTO ${this.#tables.snapshots} (seq, snapshot) SELECT $1, $2::json FROM lease ON CONFLICT (seq) DO UPDATE SET snapshot = EXCLUDED.snapshot RETURNING seq`, [seq, json, this.term ?? null]);
        if (written.rowCount !== 1) throw this.#fenced();
        this.#snapshotSeq = Math.max(this.#snapshotSeq ?? seq, seq);
        await this.#pool.query(`DELETE FROM ${this.#tables.journal} WHERE seq <= $1`, [seq]);
        await this.#pool.query(`DELETE FROM ${this.#tables.snapshots} WHERE seq < $1`, [seq]);
      } catch (error) {
        throw this.#fail(error, 'write a snapshot');
      }
    });
    this.#snapshotWork = done.catch(() => undefined);
    return done;
  }

  /** The last committed seq and the newest snapshot's. */
  position(): { readonly seq: number | null; readonly snapshotSeq: number | null } {
    const seq = this.#durableSeq === undefined ? this.#snapshotSeq : Math.max(this.#durableSeq, this.#snapshotSeq ?? -1);
    return { seq: seq ?? null, snapshotSeq: this.#snapshotSeq ?? null };
  }

  stats(): PostgresStoreStats {
    return { appends: this.#appends, commits: this.#commits };
  }

  /** Waits for every append and snapshot made, releases the writer's lock and the connections. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.#flushing?.catch(() => undefined);
      await this.#snapshotWork;
      this.#lockClient?.release();
      await this.#pool.end().catch(() => undefined);
    })();
    return this.#closing;
  }

  /**
   * A CTE named `lease` with one row while this store may write: always for the single writer
   * (its lock keeps others out), and for a leader only while the lease has its term — read FOR
   * SHARE, so a campaign for the next term waits until this statement has committed, and every
   * statement after the campaign sees the new term (docs/high-availability.md, fencing).
   */
  #leaseCheck(termParameter: number): string {
    return this.term === undefined
      ? `lease AS (SELECT 1 AS one WHERE $${termParameter}::bigint IS NULL)`
      : `lease AS (SELECT term FROM ${this.#tables.lease} WHERE id = 1 AND term = $${termParameter}::bigint FOR SHARE)`;
  }

  /** Commits what is pending in one statement, again while appends arrived meanwhile. */
  async #flush(): Promise<void> {
    while (this.#pending.length > 0) {
      const batch = this.#pending;
      this.#pending = [];
      try {
        const last = (batch.at(-1) as (typeof batch)[number]).seq;
        // one statement: the fence, the rows, and the notice to followers (delivered at commit)
        const written = await this.#pool.query<{ written: number }>(
          `WITH ${this.#leaseCheck(3)}, rows AS (INSERT INTO ${this.#tables.journal} (seq, entry) SELECT u.seq, u.entry FROM unnest($1::bigint[], $2::json[]) AS u(seq, entry), lease RETURNING seq)
           SELECT count(*)::int AS written, CASE WHEN count(*) > 0 THEN pg_notify('${JOURNAL_CHANNEL}', $4::text) END AS notified FROM rows`,
          [batch.map((p) => p.seq), batch.map((p) => p.json), this.term ?? null, `${this.#schema}:${last}`],
        );
        if (written.rows[0]?.written !== batch.length) throw this.#fenced();
        this.#commits++;
        this.#durableSeq = last;
        for (const { done } of batch) done.resolve();
      } catch (error) {
        const failure = this.#fail(error, 'commit journal entries');
        for (const { done } of [...batch, ...this.#pending]) done.reject(failure);
        this.#pending = [];
      }
    }
    this.#flushing = undefined;
  }

  #fenced(): FairpackError {
    return new FairpackError('STORE_FENCED', `The store ${this.location} has a newer leader than term ${String(this.term)}: this process was deposed (paused or cut off past its lease) and may no longer write. Nothing of this write was kept; step down and follow the new leader.`, { location: this.location, term: this.term ?? null });
  }

  /** The first failure sticks: nothing after it is written. */
  #fail(error: unknown, what: string): unknown {
    this.#failure ??=
      error instanceof FairpackError && error.code === 'STORE_FENCED'
        ? error
        : new FairpackError('STORE_FAILED', `Could not ${what} in ${this.location}: ${error instanceof Error ? error.message : String(error)}. Nothing after it is written; restart against a working database: every acknowledged change is there.`, { location: this.location }, { cause: error });
    return this.#failure;
  }
}

function closed(location: string): FairpackError {
  return new FairpackError('STORE_CLOSED', `The store ${location} is closed. Open it again to write.`, { location });
}

/** The newest snapshot and the journal after it, which must run on without a gap. */
export async function recoverFrom<S extends Sequenced, E extends Sequenced>(client: Pick<PoolClient, 'query'>, t: StoreTables, location: string): Promise<Recovered<S, E>> {
  const newest = await client.query<{ seq: string; snapshot: S }>(`SELECT seq, snapshot FROM ${t.snapshots} ORDER BY seq DESC LIMIT 1`);
  const snapshot = newest.rows[0]?.snapshot;
  const after = snapshot === undefined ? -1 : snapshot.seq;
  const rows = await client.query<{ seq: string; entry: E }>(`SELECT seq, entry FROM ${t.journal} WHERE seq > $1 ORDER BY seq`, [after]);
  const entries = rows.rows.map((row) => row.entry);
  let expected = snapshot === undefined ? entries[0]?.seq : after + 1;
  for (const entry of entries) {
    if (entry.seq !== expected) throw new FairpackError('STORE_CORRUPT', `The store ${location} has a gap in its journal: expected seq ${String(expected)}, found ${entry.seq}. Nothing was changed.`, { location });
    expected = entry.seq + 1;
  }
  return Object.freeze({ snapshot, entries: Object.freeze(entries), notes: Object.freeze([]) });
}
