import type { Pool } from 'pg';
import { FairpackError, describeValue } from '../errors.js';
import { loadPg, quietPool, storeLocation } from './postgres-connect.js';
import { type StoreTables, isSchemaName, migrate, storeTables } from './postgres-schema.js';

/*
 * The replicas' lease (docs/high-availability.md): one row with a term, its holder, the holder's
 * advertised URL and an expiry. Every time is PostgreSQL's (`clock_timestamp()`), never a
 * replica's: replicas whose clocks disagree still agree on who leads. A campaign wins only when
 * the lease has expired, and takes the next term; a renewal keeps the term and pushes the expiry;
 * a leader's writes are fenced by its term (PostgresStore `term`), so a deposed leader that wakes
 * up cannot write even before it notices.
 */

/** The lease as read now. */
export interface LeaseState {
  readonly term: number;
  /** The holder's id, or null before the first campaign. */
  readonly holder: string | null;
  /** The holder's advertised URL (where writes go), or null. */
  readonly url: string | null;
  /** Whether the lease has not expired (by the database's clock). */
  readonly live: boolean;
  /** Milliseconds until it expires (negative once expired). */
  readonly remainingMs: number;
}

export interface LeaseOptions {
  readonly schema?: string;
  readonly importPg?: () => Promise<unknown>;
}

interface LeaseRow {
  term: string;
  holder: string | null;
  url: string | null;
  remaining_ms: number;
}

const state = (row: LeaseRow): LeaseState => ({ term: Number(row.term), holder: row.holder, url: row.url, live: row.remaining_ms > 0, remainingMs: row.remaining_ms });

export class PostgresLease {
  readonly location: string;
  readonly #pool: Pool;
  readonly #t: StoreTables;

  private constructor(location: string, pool: Pool, tables: StoreTables) {
    this.location = location;
    this.#pool = pool;
    this.#t = tables;
  }

  /** Connects and creates (or migrates) the schema; STORE_FAILED when the database cannot be reached. */
  static async open(url: string, options: LeaseOptions = {}): Promise<PostgresLease> {
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
      throw new FairpackError('STORE_FAILED', `Could not open the store ${location}: ${error instanceof Error ? error.message : String(error)}. Check that PostgreSQL runs there and the URL's user may create tables.`, { location }, { cause: error });
    }
    return new PostgresLease(location, pool, storeTables(schema));
  }

  /** The lease now. */
  async read(): Promise<LeaseState> {
    const result = await this.#pool.query<LeaseRow>(`SELECT term, holder, url, ${REMAINING} AS remaining_ms FROM ${this.#t.lease} WHERE id = 1`);
    return state(result.rows[0] as LeaseRow);
  }

  /**
   * Takes the lease for `ttlMs` with the next term if it has expired; resolves with the new state,
   * or undefined when someone else holds it. Waits (row lock) for a write of the old term in flight
   * to commit: every write of that term is in the journal once this returns.
   */
  async campaign(holder: string, url: string, ttlMs: number): Promise<LeaseState | undefined> {
    const result = await this.#pool.query<LeaseRow>(
      `UPDATE ${this.#t.lease} SET term = term + 1, holder = $1, url = $2, expires_at = clock_timestamp() + $3 * interval '1 millisecond'
       WHERE id = 1 AND expires_at <= clock_timestamp() RETURNING term, holder, url, ${REMAINING} AS remaining_ms`,
      [holder, url, ttlMs],
    );
    const row = result.rows[0];
    return row === undefined ? undefined : state(row);
  }

  /**
   * Pushes the expiry of `holder`'s lease of `term` to `ttlMs` from now; false when that term is
   * over (a newer leader exists): the holder must step down. A lease that expired but that nobody
   * took is renewed: its term never changed, so no write of another leader can exist.
   */
  async renew(holder: string, term: number, ttlMs: number): Promise<boolean> {
    const result = await this.#pool.query(`UPDATE ${this.#t.lease} SET expires_at = clock_timestamp() + $3 * interval '1 millisecond' WHERE id = 1 AND holder = $1 AND term = $2`, [holder, term, ttlMs]);
    return result.rowCount === 1;
  }

  /** Gives the lease up at once (a clean shutdown): a follower takes over without waiting for the expiry. */
  async resign(holder: string, term: number): Promise<void> {
    await this.#pool.query(`UPDATE ${this.#t.lease} SET expires_at = '-infinity' WHERE id = 1 AND holder = $1 AND term = $2`, [holder, term]);
  }

  async close(): Promise<void> {
    await this.#pool.end().catch(() => undefined);
  }
}

/** Milliseconds until expires_at, by the database's clock (negative once expired; -1e12 for a lease never taken or resigned). */
const REMAINING = `(CASE WHEN expires_at = '-infinity' THEN -1e12 ELSE EXTRACT(EPOCH FROM (expires_at - clock_timestamp())) * 1000 END)::float8`;
