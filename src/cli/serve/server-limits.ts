/**
 * What one client may cost the server: time, connections, bytes, metric series. The defaults are
 * the documented limits (docs/http.md#limits); `fairpack serve` exposes some as flags and tests
 * pass small ones to `startServer`.
 */
export interface ServerLimits {
  /** The request line and headers must arrive within this time, or the answer is 408 and the connection closes. */
  readonly headersTimeoutMs: number;
  /** The whole request, body included, must arrive within this time (408 otherwise). */
  readonly requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this time. */
  readonly keepAliveTimeoutMs: number;
  /** Connections open at once; more are closed as soon as they are accepted. */
  readonly maxConnections: number;
  /** Largest request body, in bytes (413 beyond it). */
  readonly bodyLimitBytes: number;
  /** Tenants with their own series on /metrics; the rest are summed under `tenant="_other"`. */
  readonly metricsMaxTenants: number;
}

export const DEFAULT_LIMITS: ServerLimits = Object.freeze({
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 1_024,
  bodyLimitBytes: 64 * 1024,
  metricsMaxTenants: 1_000,
});

/**
 * How often Node looks for connections past `headersTimeoutMs` / `requestTimeoutMs`. Node checks
 * the timeouts only on this interval (default 30 s), so a 10 s header limit used to be enforced
 * at 30 s, and a 30 s request limit at 60 s. A tenth of the shorter limit, at most a second,
 * keeps every limit within 10 % (or a second) of its value at the cost of a cheap periodic scan.
 */
export function connectionsCheckingIntervalMs(limits: ServerLimits): number {
  return Math.max(10, Math.min(1_000, Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 10)));
}
