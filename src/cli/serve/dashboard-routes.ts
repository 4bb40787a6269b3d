import { DASHBOARD_HTML, DASHBOARD_SCRIPT_HASH } from './dashboard/dashboard-asset.generated.js';
import { HttpError, type Reply } from './http-io.js';
import { dominantShare } from './manager-figures.js';
import type { Route, RouteContext } from './routes.js';

/**
 * The dashboard (`GET /`, one self-contained page: docs/dashboard.md) and the reads it needs that
 * the rest of the API has no place for: every tenant's figures, utilisation over the last hour,
 * a job's event history, recent preemptions and rejections, the live allocations.
 */
export const DASHBOARD_ROUTES: readonly Route[] = [
  { path: '/', methods: { GET: dashboardPage } },
  { path: '/tenants', methods: { GET: listTenants } },
  { path: '/utilisation', methods: { GET: utilisation } },
  { path: '/jobs/:id/events', methods: { GET: jobEvents } },
  { path: '/activity', methods: { GET: ({ live }) => ({ status: 200, body: live.activity.view() }) } },
  { path: '/allocations', methods: { GET: ({ manager }) => ({ status: 200, body: { allocations: manager.allocations() } }) } },
];

/**
 * The page's only script is inline, so the policy names it by hash: nothing else runs, and the
 * page may talk only to this server (`connect-src 'self'`) — no CDN, no network beyond it.
 */
const CSP = ["default-src 'none'", `script-src '${DASHBOARD_SCRIPT_HASH}'`, "style-src 'unsafe-inline'", "connect-src 'self'", "img-src 'self' data:", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'"].join('; ');

function dashboardPage(): Reply {
  return { status: 200, text: DASHBOARD_HTML, contentType: 'text/html; charset=utf-8', headers: { 'content-security-policy': CSP, 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' } };
}

/**
 * Every tenant with live jobs or books: usage and quota per dimension, weight, dominant share and
 * weighted fair share (weight ÷ the weights of the tenants with running or queued jobs), jobs,
 * rejections. Fair share is what DRF aims each active tenant's dominant share at.
 */
function listTenants({ figures, live }: RouteContext): Reply {
  const { tenants, total } = figures();
  const rejections = live.activity.view().rejectionsByTenant;
  let activeWeight = 0;
  for (const t of tenants.values()) if (t.running + t.queued > 0) activeWeight += t.weight;
  const rows = [...tenants].map(([tenant, t]) => ({
    tenant,
    weight: t.weight,
    running: t.running,
    queued: t.queued,
    usage: Object.fromEntries(t.usage),
    ...(t.quota === undefined ? {} : { quota: Object.fromEntries(t.quota) }),
    dominantShare: dominantShare(t.usage, total),
    fairShare: t.running + t.queued > 0 && activeWeight > 0 ? t.weight / activeWeight : 0,
    quotaRejections: t.quotaRejections,
    rejections: Object.hasOwn(rejections, tenant) ? rejections[tenant] : 0,
  }));
  return { status: 200, body: { tenants: rows } };
}

function utilisation({ live, manager }: RouteContext): Reply {
  const { total, allocated, reserved } = manager.capacity();
  return { status: 200, body: { intervalMs: live.utilisation.intervalMs, now: { total, allocated, reserved }, samples: live.utilisation.samples() } };
}

function jobEvents({ manager, params, live }: RouteContext): Reply {
  const id = params['id'] as string;
  const history = live.timelines.get(id);
  const job = manager.job(id);
  if (history === undefined && job === undefined) throw new HttpError(404, 'UNKNOWN_JOB', `No job "${id}" (it never existed, or finished long enough ago to be forgotten).`);
  return { status: 200, body: { jobId: id, ...(job === undefined ? {} : { job }), events: history?.events ?? [], omitted: history?.omitted ?? 0, ...(history?.explanation === undefined ? {} : { explanation: history.explanation }) } };
}
