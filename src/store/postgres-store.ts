import type { Pool, PoolClient } from 'pg';
import { FairpackError, describeValue } from '../errors.js';
import type { Recovered, Sequenced, StoredObject } from './data-directory.js';

/*
 * The journal and snapshots in PostgreSQL (`fairpack serve --store postgres://…`), the store a
 * team already runs and backs up. Same contract as the data directory: an append resolves only
 * once its entry is committed, appends made while a commit is in flight share the next one (group
 * commit: one INSERT of many rows, one transaction), a snapshot compacts the journal, and one
 * process at a time writes (a session advisory lock, held for the store's life: a second writer
 * gets STORE_LOCKED). Leader election with terms and fencing builds on this (docs/durability.md).
 */

/** The schema this code writes; a database at another version is refused, not migrated blindly. */
export const POSTGRES_SCHEMA_VERSION = 1;

export interface PostgresStoreOptions {
  /** Tables live in this schema (created when missing). @default 'fairpack' */
  readonly schema?: string;
  /** Loads the `pg` driver (a parameter so that the missing-module message can be tested). */
  readonly importPg?: () => Promise<unknown>;
}

/** Group commits and rows since open (for tests and benches). */
export interface PostgresStoreStats {
  readonly appends: number;
  readonly commits: number;
}

type PgModule = { readonly Pool: new (config: { connectionString: string; max: number }) => Pool };

/** Loads `pg`, an optional peer dependency of the CLI, with a clear message when it is missing. */
async function loadPg(importer: () => Promise<unknown>): Promise<PgModule> {
  let loaded: unknown;
  try {
    loaded = await importer();
  } catch (error) {
    throw new FairpackError('STORE_FAILED', `--store postgres:// needs pg, an optional peer dependency of fairpack, and it could not be loaded (${error instanceof Error ? error.message : String(error)}). Install it next to fairpack: npm install pg`);
  }
  const module = loaded as Partial<PgModule> & { default?: PgModule };
  return typeof module.Pool === 'function' ? (module as PgModule) : (module.default as PgModule);
}

/** The URL as notes may show it: without its password. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an unparsable URL)';
  }
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

export class PostgresStore<S extends Sequenced = StoredObject, E extends Sequenced = StoredObject> {
  /** Where the store is, for messages: the URL without its password, and the schema. */
  readonly location: string;
  readonly recovered: Recovered<S, E>;
  readonly #pool: Pool;
  /** The connection holding the writer's advisory lock (released by closing it). */
  readonly #lockClient: PoolClient;
  readonly #tables: { readonly journal: string; readonly snapshots: string };
  #nextSeq: number | undefined;
  #durableSeq: number | undefined;
  #snapshotSeq: number | undefined;
  /** Entries waiting for the next commit, with their waiters. */
  #pending: { readonly seq: number; readonly json: string; readonly done: { resolve: () => void; reject: (error: unknown) => void } }[] = [];
  #flushing: Promise<void> | undefined;
  #snapshotWork: Promise<void> = Promise.resolve();
  #failure: unknown;
  #closing: Promise<void> | undefined;
  #appends = 0;
  #commits = 0;

  private constructor(parts: { location: string; recovered: Recovered<S, E>; pool: Pool; lockClient: PoolClient; schema: string; nextSeq: number | undefined; snapshotSeq: number | undefined }) {
    this.location = parts.location;
    this.recovered = parts.recovered;
    this.#pool = parts.pool;
    this.#lockClient = parts.lockClient;
    this.#tables = { journal: `"${parts.schema}".journal`, snapshots: `"${parts.schema}".snapshots` };
    this.#nextSeq = parts.nextSeq;
    this.#durableSeq = parts.nextSeq === undefined ? undefined : parts.nextSeq - 1;
    this.#snapshotSeq = parts.snapshotSeq;
  }

  /**
   * Connects, creates (or checks) the schema, takes the writer's lock and reads the newest snapshot
   * with the journal after it. Rejects with STORE_LOCKED when another process writes to this
   * schema, STORE_CORRUPT when the journal has a gap or the schema is at another version, and
   * STORE_FAILED when the database cannot be reached or `pg` is missing.
   */
  static async open<S extends Sequenced = StoredObject, E extends Sequenced = StoredObject>(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore<S, E>> {
    const schema = options.schema ?? 'fairpack';
    if (!IDENTIFIER.test(schema)) throw new FairpackError('STORE_INVALID_INPUT', `Expected the schema to be a lower-case SQL identifier (letters, digits, _), got ${describeValue(schema)}.`);
    const location = `${redactUrl(url)} (schema ${schema})`;
    const pg = await loadPg(options.importPg ?? (() => import('pg')));
    const pool = new pg.Pool({ connectionString: url, max: 4 });
    // an idle connection that breaks must not crash the process: the next query reports it
    pool.on('error', () => undefined);
    let lockClient: PoolClient | undefined;
    try {
      lockClient = await pool.connect();
      lockClient.on('error', () => undefined);
      const locked = await lockClient.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [`fairpack:${schema}`]);
      if (locked.rows[0]?.locked !== true) {
        throw new FairpackError('STORE_LOCKED', `The store ${location} is in use by another process (it holds the writer's lock). One writer at a time: stop the other one, or give this one a schema of its own (--store-schema).`, { location });
      }
      await migrate(lockClient, schema, location);
      const recovered = await recoverFrom<S, E>(lockClient, schema, location);
      const last = recovered.entries.at(-1)?.seq ?? recovered.snapshot?.seq;
      return new PostgresStore<S, E>({ location, recovered, pool, lockClient, schema, nextSeq: last === undefined ? undefined : last + 1, snapshotSeq: recovered.snapshot?.seq });
    } catch (error) {
      lockClient?.release(true);
      await pool.end().catch(() => undefined);
      if (error instanceof FairpackError) throw error;
      throw new FairpackError('STORE_FAILED', `Could not open the store ${location}: ${error instanceof Error ? error.message : String(error)}. Check that PostgreSQL runs there and the URL's user may create tables.`, { location }, { cause: error });
    }
  }

  /**
   * Appends one journal entry; resolves once it is committed with every entry before it. Appends
   * made while a commit is in flight go into the next one, in order. STORE_INVALID_INPUT at once
   * for an entry out of order; STORE_FAILED once a commit failed (this and every later append).
   */
  append(entry: E): Promise<void> {
    const seq = entry?.seq;
    if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0 || (this.#nextSeq !== undefined && seq !== this.#nextSeq)) {
      throw new FairpackError('STORE_INVALID_INPUT', `Expected the entry's seq to be ${this.#nextSeq ?? 'an integer >= 0'}, got ${describeValue(seq)}. Append the journal's entries in order, each once.`, { expected: this.#nextSeq ?? null });
    }
    if (this.#closing !== undefined) return Promise.reject(closed(this.location));
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    const json = JSON.stringify(entry);
    this.#nextSeq = seq + 1;
    this.#appends++;
    return new Promise<void>((resolve, reject) => {
      this.#pending.push({ seq, json, done: { resolve, reject } });
      this.#flushing ??= this.#flush();
    });
  }

  /**
   * Writes a snapshot (one row), then compacts: the journal rows it covers that are committed and
   * the older snapshots go. Snapshots are written in call order; appends go on meanwhile.
   */
  writeSnapshot(snapshot: S): Promise<void> {
    const seq = snapshot?.seq;
    if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) throw new FairpackError('STORE_INVALID_INPUT', `Expected the snapshot's seq to be an integer >= 0, got ${describeValue(seq)}.`);
    if (this.#closing !== undefined) return Promise.reject(closed(this.location));
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    if (this.#nextSeq === undefined || seq >= this.#nextSeq) this.#nextSeq = seq + 1;
    const json = JSON.stringify(snapshot);
    const done = this.#snapshotWork.then(async () => {
      try {
        await this.#pool.query(`INSERT INTO ${this.#tables.snapshots} (seq, snapshot) VALUES ($1, $2::json) ON CONFLICT (seq) DO UPDATE SET snapshot = EXCLUDED.snapshot`, [seq, json]);
        this.#snapshotSeq = Math.max(this.#snapshotSeq ?? seq, seq);
        // only what is committed and covered goes: a snapshot may be ahead of the commits
        const covered = Math.min(seq, this.#durableSeq ?? -1);
        await this.#pool.query(`DELETE FROM ${this.#tables.journal} WHERE seq <= $1`, [covered]);
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
      this.#lockClient.release();
      await this.#pool.end().catch(() => undefined);
    })();
    return this.#closing;
  }

  /** Commits what is pending in one INSERT, again while appends arrived meanwhile. */
  async #flush(): Promise<void> {
    while (this.#pending.length > 0) {
      const batch = this.#pending;
      this.#pending = [];
      try {
        await this.#pool.query(
          `INSERT INTO ${this.#tables.journal} (seq, entry) SELECT * FROM unnest($1::bigint[], $2::json[])`,
          [batch.map((p) => p.seq), batch.map((p) => p.json)],
        );
        this.#commits++;
        this.#durableSeq = batch.at(-1)?.seq;
        for (const { done } of batch) done.resolve();
      } catch (error) {
        const failure = this.#fail(error, 'commit journal entries');
        for (const { done } of [...batch, ...this.#pending]) done.reject(failure);
        this.#pending = [];
      }
    }
    this.#flushing = undefined;
  }

  /** The first failure sticks: nothing after it is written. */
  #fail(error: unknown, what: string): unknown {
    this.#failure ??= new FairpackError('STORE_FAILED', `Could not ${what} in ${this.location}: ${error instanceof Error ? error.message : String(error)}. Nothing after it is written; restart against a working database: every acknowledged change is there.`, { location: this.location }, { cause: error });
    return this.#failure;
  }
}

function closed(location: string): FairpackError {
  return new FairpackError('STORE_CLOSED', `The store ${location} is closed. Open it again to write.`, { location });
}

/** Creates the schema at POSTGRES_SCHEMA_VERSION, or checks that it is there. */
async function migrate(client: PoolClient, schema: string, location: string): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await client.query(`CREATE TABLE IF NOT EXISTS "${schema}".meta (key text PRIMARY KEY, value json NOT NULL)`);
    const found = await client.query<{ value: unknown }>(`SELECT value FROM "${schema}".meta WHERE key = 'schema_version'`);
    const version = found.rows[0]?.value;
    if (version === undefined) {
      await client.query(`CREATE TABLE "${schema}".journal (seq bigint PRIMARY KEY, entry json NOT NULL, written_at timestamptz NOT NULL DEFAULT now())`);
      await client.query(`CREATE TABLE "${schema}".snapshots (seq bigint PRIMARY KEY, snapshot json NOT NULL, written_at timestamptz NOT NULL DEFAULT now())`);
      await client.query(`INSERT INTO "${schema}".meta (key, value) VALUES ('schema_version', $1::json)`, [JSON.stringify(POSTGRES_SCHEMA_VERSION)]);
    } else if (version !== POSTGRES_SCHEMA_VERSION) {
      throw new FairpackError('STORE_CORRUPT', `The store ${location} is at schema version ${JSON.stringify(version)}; this fairpack writes version ${POSTGRES_SCHEMA_VERSION}. Nothing was changed. Use the fairpack version that wrote it, or a schema of its own.`, { location });
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** The newest snapshot and the journal after it, which must run on without a gap. */
async function recoverFrom<S extends Sequenced, E extends Sequenced>(client: PoolClient, schema: string, location: string): Promise<Recovered<S, E>> {
  const newest = await client.query<{ seq: string; snapshot: S }>(`SELECT seq, snapshot FROM "${schema}".snapshots ORDER BY seq DESC LIMIT 1`);
  const snapshot = newest.rows[0]?.snapshot;
  const after = snapshot === undefined ? -1 : snapshot.seq;
  const rows = await client.query<{ seq: string; entry: E }>(`SELECT seq, entry FROM "${schema}".journal WHERE seq > $1 ORDER BY seq`, [after]);
  const entries = rows.rows.map((row) => row.entry);
  let expected = snapshot === undefined ? entries[0]?.seq : after + 1;
  for (const entry of entries) {
    if (entry.seq !== expected) throw new FairpackError('STORE_CORRUPT', `The store ${location} has a gap in its journal: expected seq ${String(expected)}, found ${entry.seq}. Nothing was changed.`, { location });
    expected = entry.seq + 1;
  }
  return Object.freeze({ snapshot, entries: Object.freeze(entries), notes: Object.freeze([]) });
}
