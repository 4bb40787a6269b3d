import type { Pool } from 'pg';
import { FairpackError, describeValue } from '../errors.js';
import { type PgModule, loadPg, quietPool, storeLocation } from './postgres-connect.js';
import { isSchemaName, migrate } from './postgres-schema.js';

export interface StoreConnectionOptions {
  readonly schema?: string;
  readonly importPg?: () => Promise<unknown>;
}

/** A pool on a store's database whose schema exists at the current version. */
export interface StoreConnection {
  readonly pg: PgModule;
  readonly pool: Pool;
  readonly schema: string;
  /** For messages: the URL without its password, and the schema. */
  readonly location: string;
}

/**
 * Checks the schema name, loads `pg`, opens a pool of `max` connections and creates or migrates
 * the schema. STORE_INVALID_INPUT for a bad schema name, STORE_FAILED when `pg` is missing or the
 * database cannot be reached, STORE_CORRUPT for a schema at a newer version; nothing is left open.
 */
export async function connectStore(url: string, options: StoreConnectionOptions, max: number): Promise<StoreConnection> {
  const schema = options.schema ?? 'fairpack';
  if (!isSchemaName(schema)) throw new FairpackError('STORE_INVALID_INPUT', `Expected the schema to be a lower-case SQL identifier (letters, digits, _), got ${describeValue(schema)}.`);
  const location = storeLocation(url, schema);
  const pg = await loadPg(options.importPg);
  const pool = quietPool(pg, url, max);
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
  return { pg, pool, schema, location };
}
