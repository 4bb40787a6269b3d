import { type Socket, connect } from 'node:net';
import { AllocationManager } from 'fairpack';
import { afterEach } from 'vitest';
import { loadPromClient } from '../../src/cli/serve/metrics.js';
import { type RunningServer, startServer } from '../../src/cli/serve/server.js';
import type { LiveOptions } from '../../src/cli/serve/live-views.js';
import type { ServerLimits } from '../../src/cli/serve/server-limits.js';

/*
 * `startServer` in this process, over a manager the test holds: for what the built bin cannot
 * show — small limits, a stubbed manager, this process's Object.prototype. Real sockets on
 * 127.0.0.1 all the same.
 */

export interface TestServer {
  readonly url: string;
  readonly port: number;
  readonly manager: AllocationManager;
  /** Every line the server logged. */
  readonly logs: string[];
  readonly running: RunningServer;
}

export async function startTestServer(options: { readonly manager?: AllocationManager; readonly limits?: Partial<ServerLimits>; readonly events?: LiveOptions; readonly adminToken?: string; readonly health?: () => Readonly<Record<string, unknown>> } = {}): Promise<TestServer> {
  const manager = options.manager ?? new AllocationManager({ capacity: { cpu: 8, memory: 16, gpu: 2 } });
  const logs: string[] = [];
  const running = await startServer({ manager, prom: await loadPromClient(), port: 0, limits: options.limits ?? {}, log: (line) => logs.push(line), ...(options.events === undefined ? {} : { events: options.events }), ...(options.adminToken === undefined ? {} : { adminToken: options.adminToken }), ...(options.health === undefined ? {} : { health: options.health }) });
  return { url: running.url, port: Number(new URL(running.url).port), manager, logs, running };
}

/** `startTestServer` for one test file: every server it starts is closed after each test. */
export function serversClosedAfterEach(): typeof startTestServer {
  const servers: TestServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.running.close()));
  });
  return async (options) => {
    const server = await startTestServer(options);
    servers.push(server);
    return server;
  };
}

type Json = Record<string, any>;

/**
 * One JSON request to a server (in this process or a built bin's); the answer as it came: a
 * follower's 307 is returned, not followed, so that a test sees where it points.
 */
export async function call(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: Json; text: string; headers: Headers }> {
  const response = await fetch(`${base}${path}`, { method, redirect: 'manual', headers: { 'content-type': 'application/json', ...headers }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await response.text();
  return { status: response.status, json: text.startsWith('{') ? (JSON.parse(text) as Json) : {}, text, headers: response.headers };
}

/** A raw TCP connection to the server, for clients no HTTP library would be: slow, aborting, many. */
export function rawConnect(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Everything the server sends on `socket` until it closes, and how long after `since` it closed. */
export function untilClosed(socket: Socket, since: number): Promise<{ received: string; afterMs: number }> {
  return new Promise((resolve) => {
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('error', () => {});
    socket.on('close', () => resolve({ received, afterMs: performance.now() - since }));
  });
}

/**
 * A client that sends `head` and then `drip` every 50 ms, never finishing its request: resolves
 * with what the server sent and how long it took to close the connection.
 */
export async function slowClient(port: number, head: string, drip: string): Promise<{ received: string; afterMs: number }> {
  const socket = await rawConnect(port);
  const closed = untilClosed(socket, performance.now());
  socket.write(head);
  const timer = setInterval(() => socket.writable && socket.write(drip), 50);
  try {
    return await closed;
  } finally {
    clearInterval(timer);
  }
}

/** Sends one HTTP/1.1 request on an open socket and reads one whole response (content-length framed). */
export function rawRequest(socket: Socket, request: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    let received = '';
    const onData = (chunk: Buffer | string): void => {
      received += String(chunk);
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/^content-length: *(\d+)/im.exec(received.slice(0, end))?.[1] ?? '0');
      if (Buffer.byteLength(received.slice(end + 4)) < length) return;
      socket.off('data', onData);
      resolve({ status: Number(received.slice(9, 12)), body: received.slice(end + 4) });
    };
    socket.on('data', onData);
    socket.once('close', () => reject(new Error(`the connection closed; received ${JSON.stringify(received)}`)));
    socket.write(request);
  });
}

/** Resolves once `predicate` holds, polling; rejects after `ms` (generous: the machine is shared). */
export async function eventually(predicate: () => boolean, ms = 10_000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!predicate()) {
    if (performance.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
