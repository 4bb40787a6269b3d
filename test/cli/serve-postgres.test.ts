import { describe, expect, it } from 'vitest';
import { runCli, useBuiltServe } from './built-cli.js';
import { call } from './in-process-server.js';

/*
 * `fairpack serve --store postgres://…` (issue 14 §1) as a user runs it: the built bin on a real
 * PostgreSQL server. Every acknowledged change survives a kill -9; one writer per schema.
 */

const built = useBuiltServe({ postgres: true });
type Json = Record<string, any>;

describe('fairpack serve --store postgres://', () => {
  it('answers a change once committed; after kill -9 a restart on the same store has every acknowledged job', async () => {
    const args = ['--store', built.postgresUrl(), '--store-schema', 'serve_kill', '--capacity', 'cpu=4', '--lease-ttl', '1s', '--lease-renew', '250ms'];
    const first = await built.serve(args);
    const acknowledged: string[] = [];
    for (let i = 0; i < 12; i++) {
      const answer = await call(first.url, 'POST', '/jobs', { id: `j${i}`, resources: { cpu: 1 } });
      expect([201, 202]).toContain(answer.status);
      acknowledged.push(answer.json['job'].id as string);
    }
    await call(first.url, 'POST', '/jobs/j0/release');
    const health = await call(first.url, 'GET', '/healthz');
    expect(health.json['journal']).toMatchObject({ seq: expect.any(Number), store: expect.stringContaining('schema serve_kill') });
    expect(JSON.stringify(health.json)).not.toContain('fairpack:fairpack'); // the password stays out
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    const second = await built.serve(args);
    // the killed server's lease runs out (1 s), then the restarted one leads
    await expect.poll(async () => (await call(second.url, 'GET', '/healthz')).json['role'], { timeout: 4_000, interval: 100 }).toBe('leader');
    const jobs = new Map(((await call(second.url, 'GET', '/jobs')).json['jobs'] as Json[]).map((job) => [job['id'] as string, job['status'] as string]));
    for (const id of acknowledged) expect(jobs.has(id), `acknowledged job ${id}`).toBe(true);
    // j0 was released (completed): 4 cpu, so j1–j4 run, j5–j11 wait — as before the kill
    expect(jobs.get('j0')).toBe('completed');
    expect([...jobs.values()].filter((status) => status === 'running')).toHaveLength(4);
    expect(second.stderr()).toMatch(/(recovered|took over) the store postgres:\/\/fairpack:\*\*\*@/);
    second.child.kill('SIGTERM');
    await new Promise((resolve) => second.child.once('exit', resolve));
  });

  it('a second server on a schema follows the first (replicas); refuses --data with --store, a URL that is not postgres://, lease flags without a store', async () => {
    const args = ['--store', built.postgresUrl(), '--store-schema', 'serve_second'];
    const first = await built.serve(args);
    const second = await built.serve(args);
    expect((await call(first.url, 'GET', '/healthz')).json['role']).toBe('leader');
    expect((await call(second.url, 'GET', '/healthz')).json).toMatchObject({ role: 'follower', leader: first.url });
    // a clean stop resigns the lease: the follower takes over at its next look (2 s), not after the ttl (6 s)
    first.child.kill('SIGTERM');
    await expect.poll(async () => (await call(second.url, 'GET', '/healthz')).json['role'], { timeout: 4_000, interval: 100 }).toBe('leader');
    second.child.kill('SIGTERM');
    const bads = [['--store', 'mysql://x'], ['--store', built.postgresUrl(), '--data', '/tmp/x'], ['--store-schema', 'x'], ['--store', built.postgresUrl(), '--store-schema', 'Bad-Name'], ['--lease-ttl', '3s'], ['--store', built.postgresUrl(), '--lease-ttl', '1s', '--lease-renew', '800ms']];
    for (const bad of bads) {
      const run = await runCli(built.cli(), ['serve', '--port', '0', ...bad], '');
      expect(run.code, bad.join(' ')).toBe(2);
    }
  });
});
