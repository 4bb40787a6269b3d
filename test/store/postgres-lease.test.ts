import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isFairpackError } from '../../src/errors.js';
import { PostgresFollower } from '../../src/store/postgres-follower.js';
import { PostgresLease } from '../../src/store/postgres-lease.js';
import { PostgresStore } from '../../src/store/postgres-store.js';
import { type TestPostgres, startPostgres } from '../support/postgres.js';

/*
 * What replicas stand on (issue 14 §2), against a real PostgreSQL: the lease (campaign, renewal,
 * resignation, by the database's clock), fencing (a store of an old term writes nothing once a
 * newer term exists), the follower's reads and commit notices, and the migration of a version-1
 * schema.
 */

let server: TestPostgres;
let schemas = 0;
const schema = (): string => `l${process.pid}_${++schemas}`;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const codeOf = (promise: Promise<unknown>): Promise<string> => promise.then(() => 'ok', (error: unknown) => (isFairpackError(error) ? error.code : `untyped: ${String(error)}`));

beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(async () => {
  await server?.stop();
});

type Entry = { seq: number; at: number; type: string };

describe('the lease', () => {
  it('one campaign wins while the lease lives; it expires by the database clock; renewal keeps the term; resignation frees it at once', async () => {
    const name = schema();
    const [a, b] = await Promise.all([PostgresLease.open(server.url, { schema: name }), PostgresLease.open(server.url, { schema: name })]);
    expect(await a.read()).toMatchObject({ term: 0, holder: null, live: false });
    // both campaign at once: exactly one wins term 1
    const [wonA, wonB] = await Promise.all([a.campaign('a', 'http://a', 400), b.campaign('b', 'http://b', 400)]);
    expect([wonA, wonB].filter((won) => won !== undefined)).toHaveLength(1);
    const winner = wonA === undefined ? 'b' : 'a';
    expect(await a.read()).toMatchObject({ term: 1, holder: winner, url: `http://${winner}`, live: true });
    // renewal by the holder of term 1 works; by anyone else, or for another term, not
    expect(await a.renew(winner, 1, 400)).toBe(true);
    expect(await a.renew(winner === 'a' ? 'b' : 'a', 1, 400)).toBe(false);
    expect(await a.renew(winner, 2, 400)).toBe(false);
    expect(await b.campaign('c', 'http://c', 400)).toBeUndefined();
    await sleep(500);
    expect((await a.read()).live).toBe(false);
    const third = await b.campaign('c', 'http://c', 10_000);
    expect(third).toMatchObject({ term: 2, holder: 'c', live: true });
    await b.resign('c', 2);
    expect((await a.read()).live).toBe(false);
    expect(await a.campaign('a', 'http://a', 10_000)).toMatchObject({ term: 3 });
    await Promise.all([a.close(), b.close()]);
  });
});

describe('fencing', () => {
  it('a store of term 1 writes nothing once term 2 exists: appends and snapshots fail with STORE_FENCED, sticky', async () => {
    const name = schema();
    const lease = await PostgresLease.open(server.url, { schema: name });
    const won = await lease.campaign('old', 'http://old', 200);
    const old = await PostgresStore.open<Entry & { state?: string }, Entry>(server.url, { schema: name, term: won?.term as number });
    await old.append({ seq: 1, at: 1, type: 'tick' });
    await old.writeSnapshot({ seq: 1, at: 1, type: 'snapshot', state: 'after 1' });
    // the old leader is paused past its lease; a new one takes term 2
    await sleep(250);
    expect(await lease.campaign('new', 'http://new', 10_000)).toMatchObject({ term: 2 });
    expect(await codeOf(old.append({ seq: 2, at: 2, type: 'tick' }))).toBe('STORE_FENCED');
    expect(await codeOf(old.append({ seq: 3, at: 3, type: 'tick' }))).toBe('STORE_FENCED');
    // and so is every later one, in order (not an out-of-order error: the manager numbers on)
    expect(await codeOf(old.append({ seq: 4, at: 4, type: 'tick' }))).toBe('STORE_FENCED');
    // the new leader's store sees exactly what term 1 committed, and writes on
    const fresh = await PostgresStore.open<Entry & { state?: string }, Entry>(server.url, { schema: name, term: 2 });
    expect(fresh.recovered.snapshot?.state).toBe('after 1');
    expect(fresh.recovered.entries).toEqual([]);
    await fresh.append({ seq: 2, at: 20, type: 'tick' });
    await old.close();
    await fresh.close();
    const check = await PostgresStore.open<Entry, Entry>(server.url, { schema: name });
    expect(check.recovered.entries).toEqual([{ seq: 2, at: 20, type: 'tick' }]);
    await check.close();
    await lease.close();
  });

  it('a campaign waits for a write of the old term in flight: that write is either fenced or in the journal the new leader reads', async () => {
    const name = schema();
    const lease = await PostgresLease.open(server.url, { schema: name });
    await lease.campaign('old', 'http://old', 100);
    const old = await PostgresStore.open<Entry, Entry>(server.url, { schema: name, term: 1 });
    await sleep(150);
    const outcomes: string[] = [];
    // 200 appends race one campaign; whatever the old term committed, the new leader recovers
    const appends = Array.from({ length: 200 }, (_, i) => codeOf(old.append({ seq: i + 1, at: i, type: 'tick' })).then((code) => void (outcomes[i] = code)));
    await lease.campaign('new', 'http://new', 10_000);
    await Promise.all(appends);
    const fresh = await PostgresStore.open<Entry, Entry>(server.url, { schema: name, term: 2 });
    const acknowledged = outcomes.filter((code) => code === 'ok').length;
    // appends resolve in order: the acknowledged ones are a prefix, and exactly those are there
    expect(outcomes.slice(0, acknowledged).every((code) => code === 'ok')).toBe(true);
    expect(outcomes.slice(acknowledged).every((code) => code === 'STORE_FENCED')).toBe(true);
    expect(fresh.recovered.entries.map((e) => e.seq)).toEqual(Array.from({ length: acknowledged }, (_, i) => i + 1));
    await Promise.all([old.close(), fresh.close(), lease.close()]);
  });
});

describe('the follower', () => {
  it('reads what the leader commits, hears of each commit, and sees a compaction', async () => {
    const name = schema();
    let notices = 0;
    const follower = await PostgresFollower.open<Entry & { state?: string }, Entry>(server.url, { schema: name, onCommit: () => notices++ });
    expect(follower.listening).toBe(true);
    expect(await follower.readAfter(0, 10)).toEqual({ entries: [], snapshotSeq: null });
    const store = await PostgresStore.open<Entry & { state?: string }, Entry>(server.url, { schema: name });
    for (let seq = 1; seq <= 5; seq++) await store.append({ seq, at: seq, type: 'tick' });
    await expect.poll(() => notices, { timeout: 2_000 }).toBeGreaterThan(0);
    expect((await follower.readAfter(2, 2)).entries.map((e) => e.seq)).toEqual([3, 4]);
    await store.writeSnapshot({ seq: 4, at: 4, type: 'snapshot', state: 'after 4' });
    // entries 1–4 are compacted away: a follower at seq 2 finds 5 and a snapshot at 4 — it must reload
    expect(await follower.readAfter(2, 10)).toEqual({ entries: [{ seq: 5, at: 5, type: 'tick' }], snapshotSeq: 4 });
    expect((await follower.recover()).snapshot?.state).toBe('after 4');
    await store.close();
    await follower.close();
  });

  it('migrates a version-1 schema (no lease table) at open, keeping its journal', async () => {
    const name = schema();
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    await client.query(`CREATE SCHEMA "${name}"`);
    await client.query(`CREATE TABLE "${name}".meta (key text PRIMARY KEY, value json NOT NULL)`);
    await client.query(`CREATE TABLE "${name}".journal (seq bigint PRIMARY KEY, entry json NOT NULL, written_at timestamptz NOT NULL DEFAULT now())`);
    await client.query(`CREATE TABLE "${name}".snapshots (seq bigint PRIMARY KEY, snapshot json NOT NULL, written_at timestamptz NOT NULL DEFAULT now())`);
    await client.query(`INSERT INTO "${name}".meta VALUES ('schema_version', '1')`);
    await client.query(`INSERT INTO "${name}".journal (seq, entry) VALUES (1, '{"seq":1,"at":1,"type":"tick"}')`);
    const lease = await PostgresLease.open(server.url, { schema: name });
    expect(await lease.read()).toMatchObject({ term: 0, live: false });
    const version = await client.query(`SELECT value FROM "${name}".meta WHERE key = 'schema_version'`);
    expect(version.rows[0]?.['value']).toBe(2);
    const store = await PostgresStore.open<Entry, Entry>(server.url, { schema: name });
    expect(store.recovered.entries).toEqual([{ seq: 1, at: 1, type: 'tick' }]);
    await Promise.all([store.close(), lease.close(), client.end()]);
  });
});
