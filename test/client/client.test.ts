import { AllocationManager } from 'fairpack';
import { FairpackClient, SseParser, isFairpackError } from 'fairpack/client';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadPromClient } from '../../src/cli/serve/metrics.js';
import { type RunningServer, startServer } from '../../src/cli/serve/server.js';
import { serversClosedAfterEach } from '../cli/in-process-server.js';

/*
 * fairpack/client (issue 14 §4) against real `fairpack serve` servers on 127.0.0.1: typed answers
 * and errors, the leader followed on 307, retries on 503 and lost answers without a second job,
 * a deadline; and the SSE parser `watch` stands on.
 */

const start = serversClosedAfterEach();
const codeOf = (promise: Promise<unknown>): Promise<string> => promise.then(() => 'ok', (error: unknown) => (isFairpackError(error) ? error.code : `untyped: ${String(error)}`));

/** A server that plays a replica whose role the test sets. */
async function replicaServer(manager: AllocationManager, role: { current: 'leader' | 'follower' | 'candidate'; leader: string | null }): Promise<RunningServer> {
  return startServer({ manager, prom: await loadPromClient(), port: 0, log: () => undefined, replica: { role: () => role.current, leaderUrl: () => role.leader } });
}

describe('FairpackClient', () => {
  it('submits, reads, releases, cancels and sets quotas, with the server typed answers; errors are FairpackErrors with the server codes', async () => {
    const { url } = await start({ manager: new AllocationManager({ capacity: { cpu: 2 } }) });
    const client = new FairpackClient({ url, retryDelayMs: 0 });
    const running = await client.submit({ tenant: 'a', resources: { cpu: 2 } });
    const waiting = await client.submit({ tenant: 'b', resources: { cpu: 1 } });
    const never = await client.submit({ tenant: 'b', resources: { cpu: 3 } });
    expect([running.status, waiting.status, never.status]).toEqual(['allocated', 'queued', 'rejected']);
    if (never.status === 'rejected') expect(never.code).toBe('UNSATISFIABLE');
    expect((await client.jobs({ status: 'queued' })).map((job) => job.id)).toEqual([waiting.job.id]);
    expect((await client.queues()).map((queue) => queue.tenant)).toEqual(['b']);
    const released = await client.release(running.job.id, running.status === 'allocated' ? { allocationId: running.allocation.id } : {});
    expect(released.job.status).toBe('completed');
    expect((await client.job(waiting.job.id)).job.status).toBe('running');
    expect(await codeOf(client.release(running.job.id))).toBe('JOB_NOT_RUNNING');
    expect(await codeOf(client.job('nope'))).toBe('UNKNOWN_JOB');
    expect((await client.cancel(waiting.job.id)).status).toBe('cancelled');
    expect(await client.quota('a')).toMatchObject({ tenant: 'a', used: {} });
    // quota changes need the admin token: this server has none
    expect(await codeOf(client.setQuota('a', { cpu: 1 }))).toBe('ADMIN_DISABLED');
    expect((await client.health()).status).toBe('ok');
  });

  it('follows a follower 307 to the leader, and keeps going there; waits out 503 NO_LEADER', async () => {
    const leaderManager = new AllocationManager({ capacity: { cpu: 4 } });
    const leader = await replicaServer(leaderManager, { current: 'leader', leader: null });
    const followerRole = { current: 'follower' as 'leader' | 'follower' | 'candidate', leader: leader.url };
    const follower = await replicaServer(new AllocationManager({ capacity: { cpu: 4 } }), followerRole);
    try {
      const seen: string[] = [];
      const client = new FairpackClient({ url: follower.url, retryDelayMs: 1, fetch: (url, init) => (seen.push(`${init?.method ?? 'GET'} ${url}`), fetch(url, init)) });
      const answer = await client.submit({ tenant: 't', resources: { cpu: 1 } });
      expect(answer.status).toBe('allocated');
      expect(leaderManager.jobs()).toHaveLength(1);
      await client.submit({ tenant: 't', resources: { cpu: 1 } });
      // the first submit went to the follower, was redirected; the second went straight to the leader
      expect(seen).toEqual([`POST ${follower.url}/jobs`, `POST ${leader.url}/jobs`, `POST ${leader.url}/jobs`]);
      // an election: every replica answers 503 NO_LEADER until one leads
      const electing = { current: 'candidate' as 'leader' | 'follower' | 'candidate', leader: null as string | null };
      const candidateManager = new AllocationManager({ capacity: { cpu: 4 } });
      const candidate = await replicaServer(candidateManager, electing);
      setTimeout(() => (electing.current = 'leader'), 150);
      const during = new FairpackClient({ url: candidate.url, retryDelayMs: 10 });
      expect((await during.submit({ tenant: 't', resources: { cpu: 1 } })).status).toBe('allocated');
      expect(candidateManager.jobs()).toHaveLength(1);
      await candidate.close();
    } finally {
      await Promise.all([leader.close(), follower.close()]);
    }
  });

  it('a submit whose answer was lost is retried with the same Idempotency-Key: one job; a release whose answer was lost is not retried', async () => {
    const { url, manager } = await start({ manager: new AllocationManager({ capacity: { cpu: 4 } }) });
    let lose = 1;
    // the request reaches the server and is acted on; the answer is lost on the way back
    const lossy = async (target: string, init?: Record<string, unknown>) => {
      const response = await fetch(target, init);
      if (lose-- > 0) throw new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } });
      return response;
    };
    const client = new FairpackClient({ url, retryDelayMs: 1, fetch: lossy });
    const answer = await client.submit({ tenant: 't', resources: { cpu: 1 } });
    expect(manager.jobs().map((job) => job.id)).toEqual([answer.job.id]);
    lose = 1;
    expect(await codeOf(client.release(answer.job.id))).toBe('CONNECTION_FAILED');
    expect(manager.job(answer.job.id)?.status).toBe('completed');
  });

  it('gives up at the deadline with CLIENT_TIMEOUT; refuses a bad URL', async () => {
    const client = new FairpackClient({ url: 'http://127.0.0.1:1', deadlineMs: 200, retryDelayMs: 5 });
    expect(await codeOf(client.jobs())).toBe('CLIENT_TIMEOUT');
    expect(() => new FairpackClient({ url: 'ftp://x' })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => new FairpackClient({ url: [] })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });
});

describe('SseParser', () => {
  const stream = 'retry: 100\n: keep-alive\n\nevent: queued\ndata: {"id":"j1"}\n\nevent: allocated\ndata: {"a":1}\nid: 7\n\r\nevent: released\r\ndata: line one\r\ndata: line two\r\nid: 8\r\n\r\n';
  const expected = [
    { event: 'queued', data: '{"id":"j1"}', lastEventId: '' },
    { event: 'allocated', data: '{"a":1}', lastEventId: '7' },
    { event: 'released', data: 'line one\nline two', lastEventId: '8' },
  ];

  it('reads events, comments, multi-line data, CRLF, and keeps the last id as the spec says', () => {
    expect(new SseParser().push(stream)).toEqual(expected);
  });

  it('gives the same events however the stream is cut into chunks', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: stream.length - 1 }), { maxLength: 12 }), (cuts) => {
        const parser = new SseParser();
        const points = [0, ...cuts.sort((a, b) => a - b), stream.length];
        const events = points.slice(1).flatMap((end, i) => parser.push(stream.slice(points[i], end)));
        expect(events).toEqual(expected);
      }),
    );
  });
});
