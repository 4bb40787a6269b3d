import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isFairpackError } from '../../src/errors.js';
import { redactUrl } from '../../src/store/postgres-connect.js';
import { POSTGRES_SCHEMA_VERSION, PostgresStore } from '../../src/store/postgres-store.js';
import { type TestPostgres, startPostgres } from '../support/postgres.js';

/*
 * The journal and snapshots in a real PostgreSQL server (issue 14 §1): an append resolves once
 * committed, concurrent appends share commits (group commit), a restart recovers the newest
 * snapshot and the journal after it, a snapshot compacts the journal, one writer at a time.
 * Each test has a schema of its own on one server.
 */

let server: TestPostgres;
let schemas = 0;
const schema = (): string => `t${process.pid}_${++schemas}`;

beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(async () => {
  await server?.stop();
});

type Entry = { seq: number; at: number; type: string; data?: unknown };
type Snap = { seq: number; state: string };

describe('PostgresStore', () => {
  it('an append resolves once committed; a reopened store recovers every entry, in order, exactly', async () => {
    const name = schema();
    const store = await PostgresStore.open<Snap, Entry>(server.url, { schema: name });
    expect(store.recovered).toEqual({ snapshot: undefined, entries: [], notes: [] });
    // key order and number forms as written: the journal keeps the entry's text
    const entries: Entry[] = Array.from({ length: 50 }, (_, i) => ({ seq: i + 1, at: 1_000 + i, type: 'submit', data: { z: 1, a: [0.1, 1e21, -0], k: 'é\u2028' } }));
    await Promise.all(entries.map((entry) => store.append(entry)));
    expect(store.position()).toEqual({ seq: 50, snapshotSeq: null });
    // 50 appends made at once: the first commit takes one, the next the other 49 (group commit)
    expect(store.stats().appends).toBe(50);
    expect(store.stats().commits).toBeLessThan(50);
    await store.close();
    const again = await PostgresStore.open<Snap, Entry>(server.url, { schema: name });
    expect(JSON.stringify(again.recovered.entries)).toBe(JSON.stringify(entries.map((e) => JSON.parse(JSON.stringify(e)))));
    // the next seq is 51: anything else is refused at once, nothing written
    expect(() => again.append({ seq: 52, at: 0, type: 'tick' })).toThrow(expect.objectContaining({ code: 'STORE_INVALID_INPUT' }));
    await again.close();
  });

  it('a snapshot compacts the journal: a reopened store has the snapshot and only the entries after it', async () => {
    const name = schema();
    const store = await PostgresStore.open<Snap, Entry>(server.url, { schema: name });
    for (let seq = 1; seq <= 10; seq++) await store.append({ seq, at: seq, type: 'tick' });
    await store.writeSnapshot({ seq: 7, state: 'after 7' });
    await store.append({ seq: 11, at: 11, type: 'tick' });
    expect(store.position()).toEqual({ seq: 11, snapshotSeq: 7 });
    await store.close();
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    const rows = await client.query(`SELECT seq FROM "${name}".journal ORDER BY seq`);
    expect(rows.rows.map((r) => Number(r['seq']))).toEqual([8, 9, 10, 11]);
    await client.end();
    const again = await PostgresStore.open<Snap, Entry>(server.url, { schema: name });
    expect(again.recovered.snapshot).toEqual({ seq: 7, state: 'after 7' });
    expect(again.recovered.entries.map((e) => e.seq)).toEqual([8, 9, 10, 11]);
    await again.close();
  });

  it('one writer at a time: a second open gets STORE_LOCKED until the first closes', async () => {
    const name = schema();
    const first = await PostgresStore.open(server.url, { schema: name });
    const second = await PostgresStore.open(server.url, { schema: name }).then(
      () => 'opened',
      (error: unknown) => (isFairpackError(error) ? error.code : 'untyped'),
    );
    expect(second).toBe('STORE_LOCKED');
    await first.close();
    const third = await PostgresStore.open(server.url, { schema: name });
    await third.close();
  });

  it('refuses what it cannot trust: a journal with a gap, another schema version, an unreachable server, a bad schema name', async () => {
    const name = schema();
    const store = await PostgresStore.open<Snap, Entry>(server.url, { schema: name });
    for (let seq = 1; seq <= 3; seq++) await store.append({ seq, at: seq, type: 'tick' });
    await store.close();
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    await client.query(`DELETE FROM "${name}".journal WHERE seq = 2`);
    const codeOf = (promise: Promise<unknown>): Promise<string> => promise.then(() => 'opened', (error: unknown) => (isFairpackError(error) ? error.code : 'untyped'));
    expect(await codeOf(PostgresStore.open(server.url, { schema: name }))).toBe('STORE_CORRUPT');
    await client.query(`UPDATE "${name}".meta SET value = '99' WHERE key = 'schema_version'`);
    expect(await codeOf(PostgresStore.open(server.url, { schema: name }))).toBe('STORE_CORRUPT');
    await client.end();
    expect(POSTGRES_SCHEMA_VERSION).toBe(2);
    expect(await codeOf(PostgresStore.open('postgres://nobody:secret@127.0.0.1:1/none', { schema: schema() }))).toBe('STORE_FAILED');
    expect(await codeOf(PostgresStore.open(server.url, { schema: 'Robert"; DROP TABLE x; --' }))).toBe('STORE_INVALID_INPUT');
    expect(await codeOf(PostgresStore.open(server.url, { schema: schema(), importPg: () => Promise.reject(new Error("Cannot find module 'pg'")) }))).toBe('STORE_FAILED');
    expect(redactUrl('postgres://u:secret@h:5432/db')).toBe('postgres://u:***@h:5432/db');
  });
});
