import { FairpackError } from '../errors.js';
import type { Allocation, JobRequest, JobStatus, JobView, NodeView, QueueView, QuotaSettings, QuotaView, Resources } from '../index.js';
import { errorFromAnswer } from './http-error.js';
import { SseParser } from './sse.js';
import { type FetchLike, type ResponseLike, type SignalLike, web } from './web-types.js';

/*
 * fairpack/client: a typed client of `fairpack serve` over `fetch` (Node ≥ 18, browsers, Deno,
 * Bun; no dependency). It follows the leader of replicas (a 307 from a follower: the next calls go
 * straight to the leader), retries what is safe to retry — every submit carries an
 * Idempotency-Key, so a retry after a timeout or a failover never makes a second job — with
 * back-off until a deadline, and throws the server's error codes as FairpackErrors. docs/client.md.
 */

export interface ClientOptions {
  /** The server's URL, or the replicas' (tried in turn when one cannot be reached). */
  readonly url: string | readonly string[];
  /** The admin token, sent as a bearer token (quota changes and other admin routes). */
  readonly token?: string;
  /** How long one call may take, retries included, in ms. @default 30_000 */
  readonly deadlineMs?: number;
  /** The first wait between retries, doubled up to 2 s (0: no waits, for tests). @default 50 */
  readonly retryDelayMs?: number;
  /** The fetch to use. @default globalThis.fetch */
  readonly fetch?: FetchLike;
}

/** What a submission came to: as the manager's SubmitResult, with the job's view. */
export type SubmitAnswer =
  | { readonly status: 'allocated'; readonly job: JobView; readonly allocation: Allocation }
  | { readonly status: 'queued'; readonly job: JobView; readonly queued: { readonly reason: string; readonly message: string; readonly available: Resources; readonly required: Resources; readonly position: number } }
  | { readonly status: 'rejected'; readonly job: JobView; readonly code: 'UNSATISFIABLE' | 'QUEUE_FULL' | 'QUOTA_EXCEEDED'; readonly message: string; readonly quota?: unknown };

export interface ServerHealth {
  readonly status: string;
  readonly role?: 'leader' | 'follower' | 'candidate';
  readonly term?: number;
  readonly leader?: string | null;
  readonly journal?: { readonly seq: number | null; readonly lagMs?: number; readonly [field: string]: unknown };
}

/** One event of `GET /events`: the manager's event name, its payload, and its journal position. */
export interface ServerEvent {
  readonly event: string;
  readonly data: unknown;
  /** The stream's last event id (a journal seq) after this event: where a reconnection resumes. */
  readonly lastEventId: string;
}

interface CallOptions {
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** Whether repeating the request could not change anything twice (reads, keyed submits). */
  readonly idempotent: boolean;
  /** Statuses that are answers, not errors (a rejected submission). */
  readonly answers?: readonly number[];
}

/** 503s after which nothing was changed, so any call may be repeated. */
const NOTHING_CHANGED = new Set(['NO_LEADER', 'NOT_LEADER', 'MANAGER_CLOSED']);

export class FairpackClient {
  readonly #urls: readonly string[];
  readonly #token: string | undefined;
  readonly #deadlineMs: number;
  readonly #retryDelayMs: number;
  readonly #fetch: (url: string, init?: Record<string, unknown>) => Promise<ResponseLike>;
  /** Where writes go: the leader a follower named, or the URL that answered last. */
  #base: string;

  constructor(options: ClientOptions) {
    const urls = typeof options.url === 'string' ? [options.url] : [...options.url];
    if (urls.length === 0 || urls.some((url) => !/^https?:\/\//.test(url))) throw new FairpackError('INVALID_OPTION', `Expected \`url\` to be an http(s) URL of fairpack serve or a non-empty list of them, got ${JSON.stringify(options.url)}.`, { option: 'url' });
    this.#urls = urls.map((url) => url.replace(/\/+$/, ''));
    this.#base = this.#urls[0] as string;
    this.#token = options.token;
    this.#deadlineMs = options.deadlineMs ?? 30_000;
    this.#retryDelayMs = options.retryDelayMs ?? 50;
    const given = options.fetch ?? web.fetch;
    if (typeof given !== 'function') throw new FairpackError('INVALID_OPTION', 'Expected a global fetch (Node >= 18, browsers, Deno, Bun) or a `fetch` option, found none.', { option: 'fetch' });
    this.#fetch = (url, init) => given.call(globalThis, url, init) as Promise<ResponseLike>;
  }

  /**
   * Submits a job. The Idempotency-Key (a fresh UUID unless given) makes retries safe: the server
   * answers a repeat with the first answer. A refusal (no node could hold it, queue full, over
   * quota) is an answer with status 'rejected', not an exception.
   */
  async submit(request: JobRequest, options: { readonly idempotencyKey?: string } = {}): Promise<SubmitAnswer> {
    const key = options.idempotencyKey ?? web.crypto.randomUUID();
    const { status, body } = await this.#call('POST', '/jobs', { body: request, headers: { 'idempotency-key': key }, idempotent: true, answers: [403, 422, 429] });
    const answer = body as Record<string, any>;
    if (status === 201) return { status: 'allocated', job: answer['job'], allocation: answer['allocation'] };
    if (status === 202) return { status: 'queued', job: answer['job'], queued: answer['queued'] };
    const code = answer['error']?.['code'];
    if (answer['job'] === undefined || (code !== 'UNSATISFIABLE' && code !== 'QUEUE_FULL' && code !== 'QUOTA_EXCEEDED')) throw errorFromAnswer(status, body, 'POST /jobs');
    return { status: 'rejected', job: answer['job'], code, message: answer['error']['message'], ...(answer['error']['quota'] === undefined ? {} : { quota: answer['error']['quota'] }) };
  }

  /** A job's view, with its allocation while it runs. */
  async job(id: string): Promise<{ readonly job: JobView; readonly allocation?: Allocation }> {
    return (await this.#call('GET', `/jobs/${encodeURIComponent(id)}`, { idempotent: true })).body as { job: JobView; allocation?: Allocation };
  }

  async jobs(filter: { readonly status?: JobStatus; readonly tenant?: string } = {}): Promise<JobView[]> {
    const query = new web.URLSearchParams(Object.entries(filter).filter(([, value]) => value !== undefined) as [string, string][]).toString();
    return ((await this.#call('GET', `/jobs${query === '' ? '' : `?${query}`}`, { idempotent: true })).body as { jobs: JobView[] }).jobs;
  }

  /**
   * Releases a running job's allocation. Give the `allocationId` you ran under: a job that was
   * re-queued and started again meanwhile is then refused (ALLOCATION_REPLACED), not released.
   */
  async release(jobId: string, options: { readonly outcome?: 'completed' | 'failed' | 'preempted'; readonly allocationId?: string } = {}): Promise<{ readonly job: JobView; readonly freed: unknown }> {
    return (await this.#call('POST', `/jobs/${encodeURIComponent(jobId)}/release`, { body: options, idempotent: false })).body as { job: JobView; freed: unknown };
  }

  async cancel(jobId: string): Promise<JobView> {
    return ((await this.#call('DELETE', `/jobs/${encodeURIComponent(jobId)}`, { idempotent: false })).body as { job: JobView }).job;
  }

  async nodes(): Promise<{ readonly nodes: NodeView[]; readonly reservations: unknown[] }> {
    return (await this.#call('GET', '/nodes', { idempotent: true })).body as { nodes: NodeView[]; reservations: unknown[] };
  }

  async queues(): Promise<(QueueView & { readonly weight: number; readonly dominantShare: number })[]> {
    return ((await this.#call('GET', '/queues', { idempotent: true })).body as { queues: (QueueView & { weight: number; dominantShare: number })[] }).queues;
  }

  async quota(tenant: string): Promise<QuotaView> {
    return ((await this.#call('GET', `/tenants/${encodeURIComponent(tenant)}/quota`, { idempotent: true })).body as { quota: QuotaView }).quota;
  }

  /** Sets a tenant's quota (admin token needed); `limits: null` removes it. Repeating it sets the same. */
  async setQuota(tenant: string, limits: Resources | null, settings: Omit<QuotaSettings, 'limits'> = {}): Promise<QuotaView> {
    return ((await this.#call('PATCH', `/tenants/${encodeURIComponent(tenant)}/quota`, { body: { limits, ...settings }, idempotent: true })).body as { quota: QuotaView }).quota;
  }

  async health(): Promise<ServerHealth> {
    return (await this.#call('GET', '/healthz', { idempotent: true })).body as ServerHealth;
  }

  /**
   * The manager's events as they happen (`GET /events`), from `lastEventId` on when given. A
   * dropped connection is resumed with `Last-Event-ID`, so nothing is missed; an event `reset`
   * says the server could not resume there (reload what you hold). Stops when `signal` aborts.
   */
  async *watch(options: { readonly lastEventId?: string; readonly signal?: SignalLike } = {}): AsyncGenerator<ServerEvent> {
    const parser = new SseParser(options.lastEventId ?? '');
    let failures = 0;
    while (!isAborted(options.signal)) {
      let response: ResponseLike;
      try {
        response = await this.#fetch(`${this.#base}/events`, { headers: { accept: 'text/event-stream', ...this.#auth(), ...(parser.lastEventId === '' ? {} : { 'last-event-id': parser.lastEventId }) }, ...(options.signal === undefined ? {} : { signal: options.signal }) });
      } catch (error) {
        if (isAborted(options.signal)) return;
        this.#rotate();
        await this.#sleep(this.#delay(failures++), options.signal);
        if (failures > 50) throw new FairpackError('CONNECTION_FAILED', `Could not reach GET /events at any of ${this.#urls.join(', ')}: ${error instanceof Error ? error.message : String(error)}.`);
        continue;
      }
      if (!response.ok || response.body === null) throw errorFromAnswer(response.status, await response.json().catch(() => undefined), 'GET /events');
      failures = 0;
      const decoder = new web.TextDecoder();
      const reader = response.body.getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          for (const event of parser.push(decoder.decode(value, { stream: true }))) yield { event: event.event, data: parseData(event.data), lastEventId: event.lastEventId };
        }
      } catch {
        if (isAborted(options.signal)) return;
      } finally {
        reader.releaseLock();
      }
      await this.#sleep(this.#delay(0), options.signal);
    }
  }

  #auth(): Record<string, string> {
    return this.#token === undefined ? {} : { authorization: `Bearer ${this.#token}` };
  }

  /** One call, retried while that is safe and time remains. */
  async #call(method: string, path: string, options: CallOptions): Promise<{ status: number; body: unknown }> {
    const deadline = Date.now() + this.#deadlineMs;
    const what = `${method} ${path}`;
    let redirects = 0;
    for (let attempt = 0; ; attempt++) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new FairpackError('CLIENT_TIMEOUT', `${what} got no answer within ${this.#deadlineMs} ms (retries included). ${options.idempotent ? 'Nothing was done twice; retry later.' : 'It may or may not have taken effect: check before repeating it.'}`, { deadlineMs: this.#deadlineMs });
      let response: ResponseLike;
      try {
        response = await this.#fetch(`${this.#base}${path}`, {
          method,
          redirect: 'manual',
          signal: web.AbortSignal.timeout(remaining),
          headers: { accept: 'application/json', ...this.#auth(), ...options.headers, ...(options.body === undefined ? {} : { 'content-type': 'application/json' }) },
          ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
        });
      } catch (error) {
        // not reached, or no answer: a request that may have arrived is repeated only if that is harmless
        if (!options.idempotent && !refused(error)) throw new FairpackError('CONNECTION_FAILED', `${what} failed without an answer (${describe(error)}); it may or may not have taken effect: check before repeating it.`, {}, { cause: error });
        this.#rotate();
        await this.#sleep(Math.min(this.#delay(attempt), Math.max(0, deadline - Date.now())));
        continue;
      }
      if ((response.status === 307 || response.status === 308) && redirects < 5) {
        // a follower names the leader: go there, and keep going there
        const location = response.headers.get('location');
        await response.body?.cancel().catch(() => undefined);
        if (location !== null) {
          this.#base = new web.URL(location, this.#base).origin;
          redirects++;
          continue;
        }
      }
      const body: unknown = await response.json().catch(() => undefined);
      if (response.ok || options.answers?.includes(response.status) === true) return { status: response.status, body };
      const error = errorFromAnswer(response.status, body, what);
      if (response.status === 503 && (NOTHING_CHANGED.has(error.code) || (options.idempotent && error.code === 'STORE_FAILED'))) {
        const after = Number(response.headers.get('retry-after'));
        if (error.code === 'STORE_FAILED' || error.code === 'MANAGER_CLOSED') this.#rotate();
        await this.#sleep(Math.min(Number.isFinite(after) && after > 0 ? after * 1000 : this.#delay(attempt), Math.max(0, deadline - Date.now()), this.#delay(attempt) * 4));
        continue;
      }
      throw error;
    }
  }

  /** The next URL of the list (after a connection failure): the leader may have moved. */
  #rotate(): void {
    const at = this.#urls.indexOf(this.#base);
    this.#base = this.#urls[(at + 1) % this.#urls.length] as string;
  }

  #delay(attempt: number): number {
    if (this.#retryDelayMs === 0) return 0;
    const base = Math.min(2_000, this.#retryDelayMs * 2 ** Math.min(attempt, 10));
    return base / 2 + Math.random() * (base / 2);
  }

  #sleep(ms: number, signal?: SignalLike): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = web.setTimeout(resolve, ms);
      signal?.addEventListener('abort', () => {
        web.clearTimeout(timer);
        resolve();
      }, { once: true });
    });
  }
}

/** Whether a fetch failure means the connection was refused (nothing was sent), as Node reports it. */
function refused(error: unknown): boolean {
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  return cause?.code === 'ECONNREFUSED';
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  return typeof cause?.code === 'string' ? cause.code : error instanceof Error ? error.message : String(error);
}

/** Read through a call: the flag changes while the stream is read, which narrowing cannot see. */
function isAborted(signal: SignalLike | undefined): boolean {
  return signal?.aborted === true;
}

function parseData(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return data;
  }
}
