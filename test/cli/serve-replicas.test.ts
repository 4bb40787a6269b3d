import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestPostgres, startPostgres } from '../support/postgres.js';
import { buildCli, startServe } from './built-cli.js';

/*
 * Replicas of `fairpack serve --store postgres://…` (issue 14 §2) as a user runs them: built bins
 * on one real PostgreSQL. One leads, the others follow and redirect writes; a killed leader is
 * replaced within the lease's ttl with every acknowledged job; a paused one is fenced.
 */

let cli = '';
let cleanup = (): void => {};
let db: TestPostgres;
const servers: ChildProcess[] = [];

beforeAll(async () => {
  [{ cli, cleanup }, db] = await Promise.all([buildCli(), startPostgres()]);
}, 120_000);
afterAll(async () => {
  for (const child of servers) if (child.exitCode === null) child.kill('SIGKILL');
  cleanup();
  await db?.stop();
});

type Json = Record<string, any>;
async function call(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: Json; headers: Headers }> {
  const response = await fetch(`${base}${path}`, { method, redirect: 'manual', headers: { 'content-type': 'application/json', ...headers }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await response.text();
  return { status: response.status, json: text.startsWith('{') ? (JSON.parse(text) as Json) : {}, headers: response.headers };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `GET /healthz` of each replica until one leads; returns its index. */
async function leaderOf(urls: readonly string[], deadlineMs: number): Promise<number> {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    for (const [i, url] of urls.entries()) {
      const health = await call(url, 'GET', '/healthz').catch(() => undefined);
      if (health?.json['role'] === 'leader') return i;
    }
    await sleep(50);
  }
  throw new Error(`no leader within ${deadlineMs} ms`);
}

const LEASE = ['--lease-ttl', '1s', '--lease-renew', '250ms'];

describe('fairpack serve replicas on one PostgreSQL', () => {
  it('one leads, followers answer reads and redirect writes (307 to the leader); a killed leader is replaced with every acknowledged job', async () => {
    const args = ['--store', db.url, '--store-schema', 'replicas_basic', '--capacity', 'cpu=4', ...LEASE];
    const replicas = [];
    for (let i = 0; i < 3; i++) replicas.push(await startServe(cli, args, {}, servers));
    const urls = replicas.map((r) => r.url);
    const first = await leaderOf(urls, 5_000);
    const leader = urls[first] as string;
    const follower = urls[(first + 1) % 3] as string;
    const health = await call(follower, 'GET', '/healthz');
    expect(health.json).toMatchObject({ status: 'ok', role: 'follower', leader, term: expect.any(Number), journal: { seq: expect.any(Number), lagMs: expect.any(Number) } });
    // a write to a follower: 307 with the leader's URL, nothing changed there
    const redirected = await call(follower, 'POST', '/jobs', { id: 'r1', resources: { cpu: 1 } });
    expect(redirected.status).toBe(307);
    expect(redirected.headers.get('location')).toBe(`${leader}/jobs`);
    const acknowledged: string[] = [];
    for (let i = 0; i < 10; i++) {
      const answer = await call(leader, 'POST', '/jobs', { id: `j${i}`, resources: { cpu: 1 } });
      expect([201, 202]).toContain(answer.status);
      acknowledged.push(`j${i}`);
    }
    // the follower catches up (LISTEN/NOTIFY, else its poll) and answers reads with the leader's jobs
    await expect.poll(async () => ((await call(follower, 'GET', '/jobs')).json['jobs'] as Json[]).length, { timeout: 3_000 }).toBe(10);
    const metrics = await fetch(`${follower}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/fairpack_jobs\{status="running",role="follower"\} 4/);
    // kill -9 the leader: another replica leads within ttl + 2 s, with every acknowledged job
    const killedAt = Date.now();
    replicas[first]?.child.kill('SIGKILL');
    const rest = urls.filter((_, i) => i !== first);
    const next = rest[await leaderOf(rest, 3_000)] as string;
    expect(Date.now() - killedAt).toBeLessThan(3_000);
    const jobs = new Map(((await call(next, 'GET', '/jobs')).json['jobs'] as Json[]).map((job) => [job['id'] as string, job['status'] as string]));
    for (const id of acknowledged) expect(jobs.has(id), `acknowledged job ${id}`).toBe(true);
    expect([...jobs.values()].filter((status) => status === 'running')).toHaveLength(4);
    // and it takes writes: j0's release starts j4
    expect((await call(next, 'POST', '/jobs/j0/release')).status).toBe(200);
    expect((await call(next, 'GET', '/jobs/j4')).json['job']?.['status'] ?? (await call(next, 'GET', '/jobs/j4')).json['status']).toBe('running');
    expect((await call(next, 'GET', '/healthz')).json['term']).toBeGreaterThan(health.json['term'] as number);
  });
});
