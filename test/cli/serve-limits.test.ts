import { AllocationManager } from 'fairpack';
import { describe, expect, it } from 'vitest';
import { connectionsCheckingIntervalMs, DEFAULT_LIMITS } from '../../src/cli/serve/server-limits.js';
import { call, eventually, rawConnect, rawRequest, serversClosedAfterEach, slowClient, untilClosed } from './in-process-server.js';

/*
 * Slow and hostile clients against `startServer`, with small limits so that the tests are fast.
 * Timing bounds are generous (the machine is shared): they tell "enforced at the limit" from
 * "enforced at Node's 30 s check", not milliseconds apart.
 */

const start = serversClosedAfterEach();

describe('fairpack serve: time limits', () => {
  it('the documented defaults, checked every second so that they hold within one', () => {
    expect(DEFAULT_LIMITS).toMatchObject({ headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5_000, maxConnections: 1_024, bodyLimitBytes: 65_536, metricsMaxTenants: 1_000 });
    // Node's own default is 30 s: the 10 s header limit used to be enforced at 30 s, the 30 s request limit at 60 s
    expect(connectionsCheckingIntervalMs(DEFAULT_LIMITS)).toBe(1_000);
    expect(connectionsCheckingIntervalMs({ ...DEFAULT_LIMITS, headersTimeoutMs: 400, requestTimeoutMs: 800 })).toBe(40);
  });

  it('sets the limits on the node:http server', async () => {
    const { running } = await start();
    const { server } = running;
    expect([server.headersTimeout, server.requestTimeout, server.keepAliveTimeout, server.maxConnections]).toEqual([10_000, 30_000, 5_000, 1_024]);
  });

  it('a client sending its headers slowly gets 408 at the header limit', async () => {
    const { port } = await start({ limits: { headersTimeoutMs: 400, requestTimeoutMs: 800 } });
    // one more header line every 50 ms: the connection is never idle, the headers never end
    const { received, afterMs } = await slowClient(port, 'GET /healthz HTTP/1.1\r\nHost: localhost\r\n', 'X-Slow: 1\r\n');
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
    expect(afterMs).toBeGreaterThanOrEqual(350);
    expect(afterMs).toBeLessThan(5_000);
  });

  it('a client sending its body slowly gets 408 at the request limit, logged as a client error', async () => {
    const { port, logs } = await start({ limits: { headersTimeoutMs: 300, requestTimeoutMs: 800 } });
    const head = 'POST /jobs HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n';
    const { received, afterMs } = await slowClient(port, head, ' ');
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
    expect(afterMs).toBeGreaterThanOrEqual(700);
    expect(afterMs).toBeLessThan(5_000);
    await eventually(() => logs.length > 0);
    expect(logs).toEqual([expect.stringMatching(/^fairpack serve: client error: POST \/jobs: the connection closed after \d+ of 1000 body bytes/)]);
  });
});

describe('fairpack serve: connections and bodies', () => {
  it('closes connections past maxConnections at once, and counts them', async () => {
    const { port } = await start({ limits: { maxConnections: 2 } });
    const first = await rawConnect(port);
    const second = await rawConnect(port);
    const healthz = 'GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n';
    expect((await rawRequest(first, healthz)).status).toBe(200);
    expect((await rawRequest(second, healthz)).status).toBe(200);

    const third = await rawConnect(port);
    const { received } = await untilClosed(third, performance.now());
    expect(received).toBe('');

    // the two open connections are still served; the refusal is on /metrics
    const metrics = await rawRequest(first, 'GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n');
    expect(metrics.body).toMatch(/^fairpack_http_connections_dropped_total 1$/m);
    expect((await rawRequest(second, healthz)).status).toBe(200);
    first.destroy();
    second.destroy();
  });

  it('refuses a body past the configured limit with 413', async () => {
    const { url } = await start({ limits: { bodyLimitBytes: 100 } });
    const refused = await call(url, 'POST', '/jobs', { resources: { cpu: 1 }, metadata: { pad: 'x'.repeat(100) } });
    expect([refused.status, refused.json['error'].code, refused.json['error'].message]).toEqual([413, 'PAYLOAD_TOO_LARGE', expect.stringMatching(/at most 100 bytes/)]);
    expect((await call(url, 'POST', '/jobs', { resources: { cpu: 1 } })).status).toBe(201);
  });

  it('a client that aborts its upload mid-body is one client-error line, no stack; the server goes on', async () => {
    const { port, url, logs, manager } = await start();
    const socket = await rawConnect(port);
    const closed = untilClosed(socket, performance.now());
    socket.write('POST /jobs HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"resources":');
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.destroy();
    await closed;
    await eventually(() => logs.length > 0);
    expect((await call(url, 'GET', '/healthz')).status).toBe(200);
    expect(logs).toEqual(['fairpack serve: client error: POST /jobs: the connection closed after 13 of 1000 body bytes, before the request was complete']);
    expect(manager.jobs()).toEqual([]);
  });
});

describe('fairpack serve: every request is answered', () => {
  it('a reply that cannot be serialised is a 500 INTERNAL_ERROR, logged once in one line — not a reset', async () => {
    const manager = new AllocationManager({ capacity: { cpu: 8 } });
    // a manager stub: its job view carries a value JSON cannot hold
    const view = manager.job.bind(manager);
    Object.assign(manager, { job: (id: string) => ({ ...view(id), huge: 10n ** 30n }) });
    const { url, logs } = await start({ manager });

    const submitted = await call(url, 'POST', '/jobs', { tenant: 'a', resources: { cpu: 1 } });
    expect([submitted.status, submitted.json]).toEqual([500, { error: { code: 'INTERNAL_ERROR', message: 'Internal error; see the server log.' } }]);
    // the effect happened, and the answer said something went wrong: the job exists
    const [job] = manager.jobs();
    expect(job).toMatchObject({ tenant: 'a', status: 'running' });

    const read = await call(url, 'GET', `/jobs/${job?.id}`);
    expect([read.status, read.json['error']?.code]).toEqual([500, 'INTERNAL_ERROR']);
    expect(logs).toEqual([
      'fairpack serve: internal error: POST /jobs: could not serialise the 201 reply: TypeError: Do not know how to serialize a BigInt',
      'fairpack serve: internal error: GET /jobs/:id: could not serialise the 200 reply: TypeError: Do not know how to serialize a BigInt',
    ]);
    // the same connection pool still works
    expect((await call(url, 'GET', '/healthz')).status).toBe(200);
  });
});
