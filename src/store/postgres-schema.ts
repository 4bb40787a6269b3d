import type { PoolClient } from 'pg';
import { FairpackError } from '../errors.js';

/*
 * The tables of a fairpack store in PostgreSQL, in a schema of their own, and their migrations.
 * Version 1: `meta`, `journal`, `snapshots`. Version 2 adds `lease`: the one row replicas campaign
 * for (term, holder, its advertised URL, expiry), which every leader's write is fenced by
 * (docs/high-availability.md). A database at a newer version is refused, never written.
 */

/** The schema version this code writes; older ones are migrated at open, in one transaction. */
export const POSTGRES_SCHEMA_VERSION = 2;

/** The one NOTIFY channel of committed journal entries; the payload is `<schema>:<last seq>`. */
export const JOURNAL_CHANNEL = 'fairpack_journal';

export interface StoreTables {
  readonly meta: string;
  readonly journal: string;
  readonly snapshots: string;
  readonly lease: string;
}

export function storeTables(schema: string): StoreTables {
  return { meta: `"${schema}".meta`, journal: `"${schema}".journal`, snapshots: `"${schema}".snapshots`, lease: `"${schema}".lease` };
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** Whether `schema` is a lower-case SQL identifier (it is quoted into statements, so nothing else is). */
export function isSchemaName(schema: string): boolean {
  return IDENTIFIER.test(schema);
}

/** Each migration brings a schema from version `i + 1` to `i + 2`. */
const MIGRATIONS: readonly ((client: PoolClient, t: StoreTables) => Promise<unknown>)[] = [
  // 1 → 2: the replicas' lease (term 0: nobody has led yet; expired, so the first campaign wins)
  (client, t) => client.query(`CREATE TABLE ${t.lease} (id int PRIMARY KEY CHECK (id = 1), term bigint NOT NULL, holder text, url text, expires_at timestamptz NOT NULL)`).then(() => client.query(`INSERT INTO ${t.lease} (id, term, holder, url, expires_at) VALUES (1, 0, NULL, NULL, '-infinity')`)),
];

/**
 * Creates the schema at POSTGRES_SCHEMA_VERSION, or migrates an older one up to it, or checks that
 * it is there. Serialised between processes by a transaction-level advisory lock, so that replicas
 * started together do not race to create the same tables.
 */
export async function migrate(client: PoolClient, schema: string, location: string): Promise<void> {
  const t = storeTables(schema);
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`fairpack-migrate:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${t.meta} (key text PRIMARY KEY, value json NOT NULL)`);
    const found = await client.query<{ value: unknown }>(`SELECT value FROM ${t.meta} WHERE key = 'schema_version'`);
    let version = found.rows[0]?.value;
    if (version === undefined) {
      await client.query(`CREATE TABLE ${t.journal} (seq bigint PRIMARY KEY, entry json NOT NULL, written_at timestamptz NOT NULL DEFAULT now())`);
      await client.query(`CREATE TABLE ${t.snapshots} (seq bigint PRIMARY KEY, snapshot json NOT NULL, written_at timestamptz NOT NULL DEFAULT now())`);
      await client.query(`INSERT INTO ${t.meta} (key, value) VALUES ('schema_version', '1'::json)`);
      version = 1;
    }
    if (typeof version !== 'number' || !Number.isInteger(version) || version < 1 || version > POSTGRES_SCHEMA_VERSION) {
      throw new FairpackError('STORE_CORRUPT', `The store ${location} is at schema version ${JSON.stringify(version)}; this fairpack reads versions 1 to ${POSTGRES_SCHEMA_VERSION}. Nothing was changed. Use the fairpack version that wrote it, or a schema of its own.`, { location });
    }
    for (let v = version; v < POSTGRES_SCHEMA_VERSION; v++) await (MIGRATIONS[v - 1] as (typeof MIGRATIONS)[number])(client, t);
    if (version !== POSTGRES_SCHEMA_VERSION) await client.query(`UPDATE ${t.meta} SET value = $1::json WHERE key = 'schema_version'`, [JSON.stringify(POSTGRES_SCHEMA_VERSION)]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
