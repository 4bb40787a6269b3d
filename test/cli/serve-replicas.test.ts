import { describe, expect, it } from 'vitest';
import { leaderAmong, useBuiltServe } from './built-cli.js';
import { call } from './in-process-server.js';

/*
 * Replicas of `fairpack serve --store postgres://…` (issue 14 §2) as a user runs them: built bins
 * on one real PostgreSQL. One leads, the others follow and redirect writes; a killed leader is
 * replaced within the lease's ttl with every acknowledged job; a paused one is fenced.
 */

const built = useBuiltServe({ postgres: true });
type Json = Record<string, any>;

const LEASE = ['--lease-ttl', '1s', '--lease-renew', '250ms'];

describe('fairpack serve replicas on one PostgreSQL', () => {
  it('one leads, followers answer reads and redirect writes (307 to the leader); a killed leader is replaced with every acknowledged job', async () => {
    const args = ['--store', built.postgresUrl(), '--store-schema', 'replicas_basic', '--capacity', 'cpu=4', ...LEASE];
    const replicas = [];
    for (let i = 0; i < 3; i++) replicas.push(await built.serve(args));
    const urls = replicas.map((r) => r.url);
    const first = await leaderAmong(urls, 5_000);
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
    const next = rest[await leaderAmong(rest, 3_000)] as string;
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
