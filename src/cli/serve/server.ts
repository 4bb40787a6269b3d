import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AllocationManager, isFairpackError } from '../../index.js';
import { adminGuard, nodeGuard } from './admin-auth.js';
import { answerClientError } from './client-errors.js';
import { ClientAbortError, HttpError, INTERNAL_ERROR, type RenderedReply, type Reply, discardBody, errorReply, renderReply, writeReply } from './http-io.js';
import { type LiveOptions, createLiveViews } from './live-views.js';
import { figureReader } from './manager-figures.js';
import { type PromClientModule, createServerMetrics } from './metrics.js';
import { matchRoute } from './route-match.js';
import type { Route } from './routes.js';
import { DEFAULT_LIMITS, type ServerLimits, connectionsCheckingIntervalMs } from './server-limits.js';
import { fromFairpackError } from './status-codes.js';

export interface ServerOptions {
  /** The manager requests are answered from; a function when it changes (a replica's role changes). */
  readonly manager: AllocationManager | (() => AllocationManager);
  /**
   * A replica (docs/high-availability.md): unless it leads, a write (any method but GET/HEAD) is
   * answered `307` to the leader's URL, or `503 NO_LEADER` with `Retry-After` while there is none.
   */
  readonly replica?: { readonly role: () => 'leader' | 'follower' | 'candidate'; readonly leaderUrl: () => string | null };
  readonly prom: PromClientModule;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** 0 picks a free port. @default 8080 */
  readonly port?: number;
  /** Bearer token of the admin routes; without one they answer 403 ADMIN_DISABLED. */
  readonly adminToken?: string | undefined;
  /** Bearer token of the node routes (heartbeats); without one they answer 403 NODE_API_DISABLED. */
  readonly nodeToken?: string | undefined;
  /** Where server faults (500) and client errors are logged, one call per event. */
  readonly log?: (line: string) => void;
  /** How long `close()` waits for requests in flight before cutting connections. @default 5000 */
  readonly shutdownGraceMs?: number;
  /** Time, connection, body and metrics limits; each one left out has its default. @default DEFAULT_LIMITS */
  readonly limits?: Partial<ServerLimits>;
  /**
   * With a data directory: resolves once every change journaled so far is durable. Each reply
   * waits for it, so a change is acknowledged only once it is on disk; a rejection (the store
   * failed) is answered 503 STORE_FAILED and reported to `onStoreFailure`.
   */
  readonly durable?: () => Promise<void>;
  readonly onStoreFailure?: (error: unknown) => void;
  /** Extra fields of `GET /healthz` (the journal's position). */
  readonly health?: () => Readonly<Record<string, unknown>>;
  /** `GET /events` and the dashboard's live figures: stream limits, replay buffer, an outside hub. */
  readonly events?: LiveOptions;
}

export interface RunningServer {
  /** `http://host:port`, with the port actually bound. */
  readonly url: string;
  readonly server: Server;
  /** Stops accepting, lets requests in flight finish (up to the grace period), then closes the manager. */
  close(): Promise<void>;
}

/** Methods that get their own `method` label on /metrics; others (the parser accepts dozens) are `other`. */
const METHOD_LABELS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** Starts the HTTP API over `manager`; resolves once it listens. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const given = options.manager;
  const current = typeof given === 'function' ? given : () => given;
  const limits: ServerLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const figures = figureReader(current);
  const { replica } = options;
  const metrics = createServerMetrics(options.prom, figures, limits.metricsMaxTenants, Date.now, replica === undefined ? undefined : () => ({ role: replica.role() }));
  const requireAdmin = adminGuard(options.adminToken);
  const requireNode = nodeGuard(options.nodeToken);
  const log = options.log ?? (() => {});
  const live = createLiveViews(current, options.events);

  /** The response being prepared on each connection: a client error mid-body is answered through it. */
  const inFlight = new WeakMap<object, ServerResponse>();
  const server = createServer(
    {
      // Node enforces both timeouts only when it checks its connections: see server-limits.ts
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: connectionsCheckingIntervalMs(limits),
    },
    (request, response) => {
      inFlight.set(request.socket, response);
      // (pipelined requests: only this response's own entry)
      response.once('close', () => inFlight.get(request.socket) === response && inFlight.delete(request.socket));
      const started = process.hrtime.bigint();
      const method = request.method !== undefined && METHOD_LABELS.has(request.method) ? request.method : 'other';
      answer(request, response)
        .then((route) => {
          if (route !== undefined) metrics.observeRequest(method, route, response.statusCode, Number(process.hrtime.bigint() - started) / 1e9);
        })
        // answer() renders and writes a 500 for anything that goes wrong before the headers are
        // out; what is left (a failure after them, or in the bookkeeping) must not crash the
        // process: log it, and cut the connection if the reply is unfinished
        .catch((error: unknown) => {
          log(`fairpack serve: internal error: ${method} request, after its reply was written: ${oneLine(error)}`);
          if (!response.writableEnded) response.destroy();
        });
    },
  );
  server.maxConnections = limits.maxConnections;
  server.on('drop', () => metrics.observeDroppedConnection());
  server.on('clientError', (error: Error, socket) => answerClientError(error, socket, inFlight.get(socket)));

  /**
   * Answers one request; resolves with the route pattern (the label for metrics), or `undefined`
   * when the client went away before it could be answered. The reply is serialised before any
   * header is written: if that fails, the answer is still a 500 — never a reset connection, and
   * never an effect without an answer.
   */
  async function answer(request: IncomingMessage, response: ServerResponse): Promise<string | undefined> {
    let routeLabel = 'unmatched';
    const method = request.method ?? 'GET';
    let reply: Reply;
    try {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const match = matchRoute(url.pathname);
      if (match === undefined) throw new HttpError(404, 'NOT_FOUND', `No route ${url.pathname}. See docs/http.md for the API.`);
      routeLabel = match.route.path;
      const handler = Object.hasOwn(match.route.methods, method) ? match.route.methods[method as keyof Route['methods']] : undefined;
      const allowed = Object.keys(match.route.methods).join(', ');
      if (handler === undefined) throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${method} is not allowed on ${match.route.path}; allowed: ${allowed}.`, { allow: allowed });
      // GET and DELETE take no body: one sent all the same is read and dropped first, so that the
      // request is acted on only once it has arrived whole (a client cut off mid-body changes nothing)
      if (method === 'GET' || method === 'DELETE') await discardBody(request, limits.bodyLimitBytes);
      if (replica !== undefined && method !== 'GET' && method !== 'HEAD' && replica.role() !== 'leader') throw notLeader(replica, request.url ?? '/');
      live.follow(); // a replica's manager may have changed since the last request
      reply = await handler({ manager: current(), request, params: match.params, query: url.searchParams, metrics, figures, requireAdmin, requireNode, bodyLimit: limits.bodyLimitBytes, health: options.health ?? (() => ({})), live });
    } catch (error) {
      if (error instanceof ClientAbortError) {
        log(`fairpack serve: client error: ${method} ${routeLabel}: ${error.message}`);
        return undefined;
      }
      reply = errorReply(toHttpError(error, `${method} ${routeLabel}`, log));
    }
    if (options.durable !== undefined) {
      // nothing is acknowledged before it is durable (a read waits only for writes before it)
      try {
        await options.durable();
      } catch (error) {
        options.onStoreFailure?.(error);
        if (isFairpackError(error) && error.code === 'STORE_FENCED') {
          // a replica deposed while it answered: nothing of this change was kept; the new leader takes the retry
          reply = errorReply(new HttpError(503, 'NOT_LEADER', 'This replica lost the lead before it could keep this change; nothing of it was kept. Retry: the new leader answers (with an Idempotency-Key, a retry never doubles a job).', { 'retry-after': '1' }));
        } else {
          log(`fairpack serve: the store failed: ${oneLine(error)}`);
          reply = errorReply(new HttpError(503, 'STORE_FAILED', 'The store could not keep this change durably; the server is stopping. Retry against a restarted server: it recovers every change it acknowledged.'));
        }
      }
    }
    let rendered: RenderedReply;
    try {
      rendered = renderReply(reply);
    } catch (error) {
      log(`fairpack serve: internal error: ${method} ${routeLabel}: could not serialise the ${reply.status} reply: ${oneLine(error)}`);
      rendered = renderReply(errorReply(INTERNAL_ERROR));
    }
    // gone, or already answered (a client error mid-body was answered through this response)
    if (response.destroyed || response.headersSent) return undefined;
    try {
      writeReply(response, rendered);
    } catch (error) {
      // a header Node refuses (a bad character, say) throws before anything is sent
      log(`fairpack serve: internal error: ${method} ${routeLabel}: could not write the ${rendered.status} reply: ${oneLine(error)}`);
      if (response.headersSent) {
        response.destroy();
        return undefined;
      }
      for (const name of response.getHeaderNames()) response.removeHeader(name);
      writeReply(response, renderReply(errorReply(INTERNAL_ERROR)));
    }
    return routeLabel;
  }

  await new Promise<void>((resolve, reject) => {
    const failed = (error: Error): void => {
      live.close();
      reject(error);
    };
    server.once('error', failed);
    server.listen(options.port ?? 8080, options.host ?? '127.0.0.1', () => {
      server.off('error', failed);
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
      // open event streams would hold server.close() for ever: they end first
      live.close();
      server.close(() => {
        clearTimeout(force);
        current().close();
        resolve();
      });
      // keep-alive connections with no request in flight would otherwise hold close() open
      server.closeIdleConnections();
    }));

  return { url: `http://${host}:${address.port}`, server, close };
}

/** A write sent to a replica that does not lead: 307 to the leader, or 503 while there is none. */
function notLeader(replica: NonNullable<ServerOptions['replica']>, path: string): HttpError {
  const leader = replica.leaderUrl();
  if (leader === null || replica.role() === 'candidate') {
    return new HttpError(503, 'NO_LEADER', 'No replica leads right now (an election is under way); nothing was changed. Retry after the Retry-After seconds.', { 'retry-after': '1' });
  }
  return new HttpError(307, 'NOT_LEADER', `This replica follows; writes go to the leader at ${leader}. Nothing was changed here: repeat the request there (clients that follow redirects do it by themselves).`, { location: new URL(path, leader).toString() });
}

/** An HttpError for anything a route threw; server faults are logged (with their stack: they are bugs). */
function toHttpError(error: unknown, where: string, log: (line: string) => void): HttpError {
  if (error instanceof HttpError) return error;
  if (isFairpackError(error)) {
    const mapped = fromFairpackError(error);
    // a code with no 4xx meaning (a broken custom strategy, say) is a server fault: keep its trace
    if (mapped.status >= 500) log(`fairpack serve: internal error: ${where}: ${error.code}: ${error.stack ?? error.message}`);
    return mapped;
  }
  log(`fairpack serve: internal error: ${where}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return INTERNAL_ERROR;
}

/** An error as one log line: its name and message, no stack. */
function oneLine(error: unknown): string {
  return (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).replace(/\s+/g, ' ');
}
