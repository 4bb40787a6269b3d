import type { Pool } from 'pg';
import { FairpackError } from '../errors.js';

/** What fairpack uses of the `pg` module. */
export type PgModule = {
  readonly Pool: new (config: { connectionString: string; max: number }) => Pool;
  readonly Client: new (config: { connectionString: string }) => import('pg').Client;
};

/** Loads `pg`, an optional peer dependency of the CLI, with a clear message when it is missing. */
export async function loadPg(importer: () => Promise<unknown> = () => import('pg')): Promise<PgModule> {
  let loaded: unknown;
  try {
    loaded = await importer();
  } catch (error) {
    throw new FairpackError('STORE_FAILED', `--store postgres:// needs pg, an optional peer dependency of fairpack, and it could not be loaded (${error instanceof Error ? error.message : String(error)}). Install it next to fairpack: npm install pg`);
  }
  const module = loaded as Partial<PgModule> & { default?: PgModule };
  return typeof module.Pool === 'function' ? (module as PgModule) : (module.default as PgModule);
}

/** A pool whose idle connections may break without crashing the process: the next query reports it. */
export function quietPool(pg: PgModule, url: string, max: number): Pool {
  const pool = new pg.Pool({ connectionString: url, max });
  pool.on('error', () => undefined);
  return pool;
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

/** Where a store is, for messages: the URL without its password, and the schema. */
export function storeLocation(url: string, schema: string): string {
  return `${redactUrl(url)} (schema ${schema})`;
}
