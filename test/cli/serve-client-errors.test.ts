import { AllocationManager } from 'fairpack';
import { describe, expect, it } from 'vitest';
import { call, rawConnect, serversClosedAfterEach, untilClosed } from './in-process-server.js';

/*
 * Regression tests for what the HTTP fuzzer (test/fuzz/serve-http.test.ts) found: requests Node's
 * own parser refuses were answered with a bare status line (no JSON), and a DELETE whose body was
 * cut off was acted on before its request was complete.
 */

const start = serversClosedAfterEach();

/** Sends raw bytes on a new connection, half-closes when `end`, and resolves with everything the server sent. */
async function exchange(port: number, bytes: string, end = false): Promise<{ status: number; json: unknown; raw: string }> {
  const socket = await rawConnect(port);
  const closed = untilClosed(socket, performance.now());
  socket.write(bytes);
  if (end) socket.end();
  const { received } = await closed;
  const final = received.replace(/^HTTP\/1\.1 100 Continue\r\n\r\n/, '');
  const body = final.slice(final.indexOf('\r\n\r\n') + 4);
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  return { status: Number(final.slice(9, 12)), json, raw: received };
}

describe('fairpack serve: requests the HTTP parser refuses are answered in JSON', () => {
  it('a malformed request line: 400 BAD_REQUEST', async () => {
    const { port } = await start();
    // before: "HTTP/1.1 400 Bad Request" and no body
    for (const request of ['get /healthz HTTP/1.1\r\nHost: x\r\n\r\n', 'GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n', 'GET /healthz HTTP/1.1\r\nBad Header\r\n\r\n']) {
      expect(await exchange(port, request)).toMatchObject({ status: 400, json: { error: { code: 'BAD_REQUEST' } } });
    }
  });

  it('broken chunked framing mid-body, with or without Expect: 100-continue: 400 BAD_REQUEST, nothing submitted', async () => {
    const { port, manager } = await start();
    for (const expect100 of ['', 'Expect: 100-continue\r\n']) {
      const request = `POST /jobs HTTP/1.1\r\nHost: x\r\n${expect100}Transfer-Encoding: chunked\r\n\r\nzz\r\n{"resources":{"cpu":1}}\r\n0\r\n\r\n`;
      // before: with Expect the connection was closed unanswered (the 100 Continue counted as an answer begun)
      expect(await exchange(port, request)).toMatchObject({ status: 400, json: { error: { code: 'BAD_REQUEST' } } });
    }
    expect(manager.jobs()).toEqual([]);
  });

  it('headers past Node\'s size limit: 431 HEADERS_TOO_LARGE', async () => {
    const { port } = await start();
    expect(await exchange(port, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'y'.repeat(20_000)}\r\n\r\n`)).toMatchObject({ status: 431, json: { error: { code: 'HEADERS_TOO_LARGE' } } });
  });

  it('headers not in within the limit: 408 REQUEST_TIMEOUT, in JSON too', async () => {
    const { port } = await start({ limits: { headersTimeoutMs: 300, requestTimeoutMs: 600 } });
    expect(await exchange(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\n')).toMatchObject({ status: 408, json: { error: { code: 'REQUEST_TIMEOUT' } } });
  });
});

describe('fairpack serve: GET and DELETE act only on a complete request', () => {
  it('a DELETE whose body is cut off cancels nothing', async () => {
    const manager = new AllocationManager({ capacity: { cpu: 1 }, now: () => 0, timers: false });
    const { port, url } = await start({ manager });
    const job = manager.submit({ id: 'keep', resources: { cpu: 1 } });
    expect(job.status).toBe('allocated');
    // before: the job was cancelled at once, though the client went away before its request was whole
    const cut = await exchange(port, 'DELETE /jobs/keep HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"par', true);
    expect(cut).toMatchObject({ status: 400, json: { error: { code: 'INCOMPLETE_REQUEST' } } });
    expect(manager.job('keep')?.status).toBe('running');
    // a complete one (a body is read and dropped) still works
    const whole = await exchange(port, 'DELETE /jobs/keep HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}');
    expect(whole).toMatchObject({ status: 200, json: { job: { status: 'cancelled' } } });
    expect((await call(url, 'GET', '/healthz')).status).toBe(200);
  });

  it('a GET with a body past the limit is 413, as a POST is', async () => {
    const { port } = await start({ limits: { bodyLimitBytes: 10 } });
    expect(await exchange(port, 'GET /jobs HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 11\r\n\r\n{"x":"yyy"}')).toMatchObject({ status: 413, json: { error: { code: 'PAYLOAD_TOO_LARGE' } } });
  });
});
