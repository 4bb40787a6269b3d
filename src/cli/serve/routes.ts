import type { IncomingMessage } from 'node:http';
import { type AllocationManager, type JobRequest, type JobStatus, type JobView, type QuotaSettings, type Resources } from '../../index.js';
import { checkKnownKeys, knownKeys } from '../../known-keys.js';
import { HttpError, type Reply, readJsonBody } from './http-io.js';
import { type ManagerFigures, dominantShare } from './manager-figures.js';
import type { ServerMetrics } from './metrics.js';
import { COST_ROUTES } from './cost-routes.js';
import { DASHBOARD_ROUTES } from './dashboard-routes.js';
import { EVENT_ROUTES } from './event-routes.js';
import type { LiveViews } from './live-views.js';
import { NODE_ROUTES } from './node-routes.js';
import { SCALING_ROUTES } from './scaling-routes.js';
import { SNAPSHOT_ROUTES } from './snapshot-routes.js';
import { REJECTED_STATUS } from './status-codes.js';

export interface RouteContext {
  readonly manager: AllocationManager;
  readonly request: IncomingMessage;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly metrics: ServerMetrics;
  /** The manager's figures, read now (see manager-figures.ts). */
  readonly figures: () => ManagerFigures;
  /** Largest request body accepted, in bytes. */
  readonly bodyLimit: number;
  /** Throws 401/403 unless the request carries the admin token. */
  readonly requireAdmin: (request: IncomingMessage) => void;
  /** Throws 401/403 unless the request carries the node token (heartbeats). */
  readonly requireNode: (request: IncomingMessage) => void;
  /** Extra fields of `GET /healthz` (the journal's position with a data directory). */
  readonly health: () => Readonly<Record<string, unknown>>;
  /** The event hub and what hangs off it (GET /events, job histories, recent activity, utilisation). */
  readonly live: LiveViews;
}

type Handler = (context: RouteContext) => Reply | Promise<Reply>;

/** A path pattern (`:name` matches one segment) and its handler per method. */
export interface Route {
  readonly path: string;
  readonly methods: Readonly<Partial<Record<'GET' | 'POST' | 'PATCH' | 'DELETE', Handler>>>;
}

const JOB_STATUSES: readonly JobStatus[] = ['queued', 'running', 'completed', 'failed', 'cancelled', 'expired', 'preempted', 'rejected'];
const QUOTA_FIELDS = knownKeys('quota body field', ['limits', 'onExceed', 'burst', 'burstClasses'], 'INVALID_REQUEST');
const RELEASE_FIELDS = knownKeys('release body field', ['outcome', 'allocationId'], 'INVALID_REQUEST');

export const ROUTES: readonly Route[] = [
  { path: '/healthz', methods: { GET: ({ health }) => ({ status: 200, body: { status: 'ok', ...health() } }) } },
  { path: '/metrics', methods: { GET: async ({ metrics }) => ({ status: 200, text: await metrics.render(), contentType: metrics.contentType }) } },
  { path: '/jobs', methods: { GET: listJobs, POST: submitJob } },
  { path: '/jobs/:id', methods: { GET: getJob, DELETE: cancelJob } },
  { path: '/jobs/:id/release', methods: { POST: releaseJob } },
  ...NODE_ROUTES,
  { path: '/queues', methods: { GET: listQueues } },
  { path: '/tenants/:id/quota', methods: { GET: getQuota, PATCH: patchQuota } },
  ...COST_ROUTES,
  ...SCALING_ROUTES,
  ...EVENT_ROUTES,
  ...DASHBOARD_ROUTES,
  ...SNAPSHOT_ROUTES,
];

/** A lone surrogate: a string with one is not Unicode text, and no URI can name it. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * What makes a retried `POST /jobs` safe (docs/http.md#retries): the `Idempotency-Key` header, or
 * else a client-given job `id` — a retry within the window gets the first answer, not a second
 * job. Refused: an empty key, or one longer than 250 characters.
 */
function idempotencyKey(request: IncomingMessage, body: unknown): string | undefined {
  const header = request.headers['idempotency-key'];
  if (header !== undefined) {
    if (typeof header !== 'string' || header.length === 0 || header.length > 250) throw new HttpError(400, 'INVALID_REQUEST', `Expected one Idempotency-Key header of 1 to 250 characters, got ${Array.isArray(header) ? `${header.length} of them` : `one of ${header.length}`}. Send a fresh random key (a UUID) per new job, and the same one on its retries.`);
    return `key:${header}`;
  }
  const id = (body as { id?: unknown } | null)?.id;
  return typeof id === 'string' && id.length > 0 && id.length <= 250 ? `id:${id}` : undefined;
}

async function submitJob({ manager, request, bodyLimit, live }: RouteContext): Promise<Reply> {
  const body = await readJsonBody(request, bodyLimit);
  // a job is addressed by its id in URLs (/jobs/:id): one that no URL can hold is refused before
  // anything is submitted — the fuzz suite's `"id": "\ud800"` was submitted, then answered 500
  // (encodeURIComponent throws on it) and could never be reached again
  const id = (body as { id?: unknown } | null)?.id;
  if (typeof id === 'string' && LONE_SURROGATE.test(id)) {
    throw new HttpError(400, 'INVALID_REQUEST', `Expected \`id\` to be Unicode text that a URL can hold, got a string with a lone surrogate (${JSON.stringify(id).slice(0, 80)}). Use another id, or leave it out to get a generated one.`);
  }
  const key = idempotencyKey(request, body);
  const result = manager.submit(body as JobRequest, key === undefined ? undefined : { idempotencyKey: key });
  const job = manager.job(result.jobId) as JobView;
  const location = { location: `/jobs/${encodeURIComponent(result.jobId)}` };
  switch (result.status) {
    case 'allocated':
      return { status: 201, body: { job, allocation: result.allocation }, headers: location };
    case 'queued': {
      const { reason, message, available, required, position } = result;
      live.timelines.explain(result.jobId, message);
      return { status: 202, body: { job, queued: { reason, message, available, required, position } }, headers: location };
    }
    case 'rejected': {
      const status = Object.hasOwn(REJECTED_STATUS, result.code) ? (REJECTED_STATUS[result.code] as number) : 409;
      const quota = result.quota === undefined ? {} : { quota: result.quota };
      return { status, body: { error: { code: result.code, message: result.reason, ...quota }, job } };
    }
  }
}

/** Most jobs one `GET /jobs?limit=` answers; the search (`q`) is at most this many characters. */
const MAX_JOBS_LIMIT = 10_000;
const MAX_SEARCH_LENGTH = 200;

/**
 * The jobs, filtered by `status` and `tenant`; `q` keeps those whose id, tenant or category
 * contains it (case-insensitive), and `limit` answers the first `limit` of them with `total`, the
 * count of all that matched — so a page (the dashboard's) never pulls 100,000 queued jobs at once.
 */
function listJobs({ manager, query }: RouteContext): Reply {
  const status = query.get('status') ?? undefined;
  if (status !== undefined && !(JOB_STATUSES as readonly string[]).includes(status)) {
    throw new HttpError(400, 'INVALID_QUERY', `Expected \`status\` to be one of ${JOB_STATUSES.join(', ')}, got "${status}".`);
  }
  const tenant = query.get('tenant') ?? undefined;
  const q = query.get('q')?.toLowerCase();
  if (q !== undefined && q.length > MAX_SEARCH_LENGTH) throw new HttpError(400, 'INVALID_QUERY', `Expected \`q\` to be at most ${MAX_SEARCH_LENGTH} characters, got ${q.length}.`);
  const rawLimit = query.get('limit');
  if (rawLimit !== null && (!/^\d{1,6}$/.test(rawLimit) || Number(rawLimit) < 1 || Number(rawLimit) > MAX_JOBS_LIMIT)) {
    throw new HttpError(400, 'INVALID_QUERY', `Expected \`limit\` to be a whole number from 1 to ${MAX_JOBS_LIMIT}, got "${rawLimit.slice(0, 80)}".`);
  }
  const filter = { ...(status === undefined ? {} : { status: status as JobStatus }), ...(tenant === undefined ? {} : { tenant }) };
  let jobs = manager.jobs(filter);
  if (q !== undefined && q !== '') jobs = jobs.filter((job) => job.id.toLowerCase().includes(q) || job.tenant.toLowerCase().includes(q) || (job.category ?? '').toLowerCase().includes(q));
  if (rawLimit === null) return { status: 200, body: { jobs } };
  return { status: 200, body: { jobs: jobs.slice(0, Number(rawLimit)), total: jobs.length } };
}

function getJob({ manager, params }: RouteContext): Reply {
  const job = requireJob(manager, params['id'] as string);
  // the allocation says where it runs (its nodes); only live jobs hold one
  const allocation = job.allocationId === undefined || (job.status !== 'running' && job.status !== 'preempted') ? undefined : manager.allocations({ tenant: job.tenant }).find((a) => a.id === job.allocationId);
  return { status: 200, body: { job, ...(allocation === undefined ? {} : { allocation }) } };
}

function cancelJob({ manager, params }: RouteContext): Reply {
  return { status: 200, body: { job: manager.cancel(params['id'] as string) } };
}

async function releaseJob({ manager, request, params, bodyLimit }: RouteContext): Promise<Reply> {
  const body = hasBody(request) ? await readJsonBody(request, bodyLimit) : {};
  if (!isObject(body)) throw new HttpError(400, 'INVALID_BODY', 'Expected a body { "outcome"?: "completed" | "failed" | "preempted", "allocationId"?: string } or none.');
  checkKnownKeys(body, RELEASE_FIELDS); // 400 INVALID_REQUEST, with the closest field
  const expected = body['allocationId'];
  if (expected !== undefined && (typeof expected !== 'string' || expected.length === 0)) throw new HttpError(400, 'INVALID_REQUEST', `Expected \`allocationId\` to be the id of the allocation you ran, got ${JSON.stringify(expected)}.`);
  const job = requireJob(manager, params['id'] as string);
  if (job.allocationId === undefined || (job.status !== 'running' && job.status !== 'preempted')) {
    throw new HttpError(409, 'JOB_NOT_RUNNING', `Expected a running job, but job ${job.id} is ${job.status}. Cancel a queued job with DELETE /jobs/${job.id}.`);
  }
  // a node agent that ran an earlier allocation of a job (its node was declared dead, the job runs
  // elsewhere now) must not end the run that replaced it
  if (expected !== undefined && expected !== job.allocationId) {
    throw new HttpError(409, 'ALLOCATION_REPLACED', `Expected job ${job.id} to hold allocation ${expected}, but it now holds ${job.allocationId} (it was re-queued and started again). Nothing was released.`);
  }
  const outcome = body['outcome'];
  const result = manager.release(job.allocationId, outcome === undefined ? {} : { outcome: outcome as 'completed' });
  return { status: 200, body: { job: result.job, freed: result.freed } };
}

/**
 * Each queue with its tenant's weight and dominant share, and its head job (`headJob`, the job
 * tried next) with the manager's explanation of why it waits when this server answered its
 * submission (`explanation`): what the dashboard shows per queue, in one read.
 */
function listQueues({ manager, figures, live }: RouteContext): Reply {
  const { tenants, total } = figures();
  const queues = manager.queues().map((queue) => {
    const tenant = tenants.get(queue.tenant);
    const headJob = queue.head === undefined ? undefined : manager.job(queue.head);
    const explanation = queue.head === undefined ? undefined : live.timelines.explanationOf(queue.head);
    return {
      ...queue,
      weight: tenant?.weight ?? 1,
      dominantShare: tenant === undefined ? 0 : dominantShare(tenant.usage, total),
      ...(headJob === undefined ? {} : { headJob }),
      ...(explanation === undefined ? {} : { explanation }),
    };
  });
  return { status: 200, body: { queues } };
}

function getQuota({ manager, params }: RouteContext): Reply {
  return { status: 200, body: { quota: manager.quota(params['id'] as string) } };
}

/**
 * A partial update: fields left out keep their current values; `"limits": null` removes the quota.
 * The admin token is checked before the body is read.
 */
async function patchQuota({ manager, request, params, requireAdmin, bodyLimit }: RouteContext): Promise<Reply> {
  requireAdmin(request);
  const tenant = params['id'] as string;
  const body = await readJsonBody(request, bodyLimit);
  if (!isObject(body)) {
    throw new HttpError(400, 'INVALID_BODY', `Expected a body with some of ${QUOTA_FIELDS.list.join(', ')}, e.g. { "limits": { "cpu": 8 }, "onExceed": "queue" }.`);
  }
  checkKnownKeys(body, QUOTA_FIELDS);
  const current = manager.quota(tenant);
  const limits = body['limits'] === undefined ? (current.limits ?? null) : body['limits'];
  const settings = {
    onExceed: body['onExceed'] ?? current.onExceed,
    burst: body['burst'] ?? current.burst,
    burstClasses: body['burstClasses'] ?? current.burstClasses,
  } as QuotaSettings;
  return { status: 200, body: { quota: manager.setQuota(tenant, limits as Resources | null, settings) } };
}

function requireJob(manager: AllocationManager, id: string): JobView {
  const job = manager.job(id);
  if (job === undefined) throw new HttpError(404, 'UNKNOWN_JOB', `No job "${id}" (it never existed, or finished long enough ago to be forgotten).`);
  return job;
}

function hasBody(request: IncomingMessage): boolean {
  return request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? '0') > 0;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
