import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AllocationManager, isFairpackError } from '../../index.js';
import { adminGuard } from './admin-auth.js';
import { HttpError, type Reply, errorReply, send } from './http-io.js';
import { type PromClientModule, createServerMetrics } from './metrics.js';
import { ROUTES, type Route } from './routes.js';
import { fromFairpackError } from './status-codes.js';

export interface ServerOptions {
  readonly manager: AllocationManager;
  readonly prom: PromClientModule;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** 0 picks a free port. @default 8080 */
  readonly port?: number;
  /** Bearer token of the admin routes; without one they answer 403 ADMIN_DISABLED. */
  readonly adminToken?: string | undefined;
  /** Where unexpected (500) errors are logged. */
  readonly log?: (line: string) => void;
  /** How long `close()` waits for requests in flight before cutting connections. @default 5000 */
  readonly shutdownGraceMs?: number;
}

export interface RunningServer {
  /** `http://host:port`, with the port actually bound. */
  readonly url: string;
  readonly server: Server;
  /** Stops accepting, lets requests in flight finish (up to the grace period), then closes the manager. */
  close(): Promise<void>;
}

/** Starts the HTTP API over `manager`; resolves once it listens. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { manager } = options;
  const metrics = createServerMetrics(options.prom, manager);
  const requireAdmin = adminGuard(options.adminToken);
  const log = options.log ?? (() => {});

  const server = createServer((request, response) => {
    const started = process.hrtime.bigint();
    answer(request, response).then(
      (route) => metrics.observeRequest(request.method ?? 'GET', route, response.statusCode, Number(process.hrtime.bigint() - started) / 1e9),
      // answer() catches everything a route throws; this is only a last guard against a crash
      (error: unknown) => {
        log(`fairpack serve: could not answer ${request.method ?? ''} ${request.url ?? ''}: ${String(error)}`);
        if (!response.headersSent) response.destroy();
      },
    );
  });
  // a slow client cannot hold a connection open forever
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;

  /** Answers one request; resolves with the route pattern, the label for metrics. */
  async function answer(request: IncomingMessage, response: ServerResponse): Promise<string> {
    let routeLabel = 'unmatched';
    let reply: Reply;
    try {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const match = matchRoute(url.pathname);
      if (match === undefined) throw new HttpError(404, 'NOT_FOUND', `No route ${url.pathname}. See docs/http.md for the API.`);
      routeLabel = match.route.path;
      const method = request.method ?? 'GET';
      const handler = Object.hasOwn(match.route.methods, method) ? match.route.methods[method as keyof Route['methods']] : undefined;
      const allowed = Object.keys(match.route.methods).join(', ');
      if (handler === undefined) throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${method} is not allowed on ${match.route.path}; allowed: ${allowed}.`, { allow: allowed });
      reply = await handler({ manager, request, params: match.params, query: url.searchParams, metrics, requireAdmin });
    } catch (error) {
      reply = errorReply(toHttpError(error, log));
    }
    if (!response.headersSent && !response.destroyed) send(response, reply);
    return routeLabel;
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8080, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= new Promise<void>((resolve) => {
      const force = setTimeout(() => server.closeAllConnections(), options.shutdownGraceMs ?? 5000);
      force.unref();
      server.close(() => {
        clearTimeout(force);
        manager.close();
        resolve();
      });
      // keep-alive connections with no request in flight would otherwise hold close() open
      server.closeIdleConnections();
    }));

  return { url: `http://${host}:${address.port}`, server, close };
}

function matchRoute(pathname: string): { route: Route; params: Record<string, string> } | undefined {
  const segments = pathname.split('/').slice(1);
  for (const route of ROUTES) {
    const pattern = route.path.split('/').slice(1);
    if (pattern.length !== segments.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < pattern.length && ok; i++) {
      const want = pattern[i] as string;
      const got = segments[i] as string;
      if (want.startsWith(':')) {
        ok = got.length > 0;
        if (ok) params[want.slice(1)] = decodeSegment(got);
      } else ok = want === got;
    }
    if (ok) return { route, params };
  }
  return undefined;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, 'INVALID_PATH', `Expected a URL-encoded path segment, got "${segment}".`);
  }
}

function toHttpError(error: unknown, log: (line: string) => void): HttpError {
  if (error instanceof HttpError) return error;
  if (isFairpackError(error)) {
    const mapped = fromFairpackError(error);
    // a code with no 4xx meaning (a broken custom strategy, say) is a server fault: keep its trace
    if (mapped.status >= 500) log(`fairpack serve: ${error.code}: ${error.stack ?? error.message}`);
    return mapped;
  }
  log(`fairpack serve: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return new HttpError(500, 'INTERNAL_ERROR', 'Internal error; see the server log.');
}
