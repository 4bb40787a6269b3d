import { AllocationManager } from 'fairpack';
import { describe, expect, it } from 'vitest';
import { type TenantFigures, figureReader } from '../../src/cli/serve/manager-figures.js';
import { createServerMetrics, loadPromClient } from '../../src/cli/serve/metrics.js';
import { OTHER_TENANTS, tenantSeries } from '../../src/cli/serve/tenant-series.js';
import { call, serversClosedAfterEach } from './in-process-server.js';

const start = serversClosedAfterEach();

/** The value of one series in exposition text, or undefined when it is absent. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const rendered = Object.entries(labels)
    .map(([key, value]) => `${key}="${value}"`)
    .join(',');
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${rendered}} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

function tenantLabels(text: string): string[] {
  return [...new Set([...text.matchAll(/^fairpack_tenant_jobs\{tenant="([^"]*)"/gm)].map((m) => m[1] as string))].sort();
}

describe('fairpack serve /metrics: hostile tenant names', () => {
  it('a tenant called __proto__ is only a label value; Object.prototype is untouched', async () => {
    const prototypeKeys = Object.getOwnPropertyNames(Object.prototype);
    const { url } = await start({ manager: new AllocationManager({ capacity: { cpu: 1 } }) });

    // a full node: `a` takes all of it, `__proto__` waits
    expect((await call(url, 'POST', '/jobs', { tenant: 'a', resources: { cpu: 1 } })).status).toBe(201);
    expect((await call(url, 'POST', '/jobs', { tenant: '__proto__', resources: { cpu: 1 } })).status).toBe(202);
    const metrics = await call(url, 'GET', '/metrics');

    expect(metrics.status).toBe(200);
    expect(sample(metrics.text, 'fairpack_tenant_jobs', { tenant: 'a', state: 'running' })).toBe(1);
    expect(sample(metrics.text, 'fairpack_tenant_usage', { tenant: 'a', dimension: 'cpu' })).toBe(1);
    expect(sample(metrics.text, 'fairpack_tenant_jobs', { tenant: '__proto__', state: 'queued' })).toBe(1);
    expect(sample(metrics.text, 'fairpack_queue_depth', { tenant: '__proto__', priority: 'default' })).toBe(1);
    expect(Object.getOwnPropertyNames(Object.prototype)).toEqual(prototypeKeys);
    expect(({} as Record<string, unknown>)['default']).toBeUndefined();
  });

  it('constructor and toString too, on /metrics and /queues', async () => {
    const globals = [Object, Object.prototype, Function.prototype, Object.prototype.toString].map((o) => Object.getOwnPropertyNames(o));
    const { url } = await start({ manager: new AllocationManager({ capacity: { cpu: 1 } }) });
    await call(url, 'POST', '/jobs', { tenant: 'a', resources: { cpu: 1 } });
    for (const tenant of ['constructor', 'toString', '__proto__']) expect((await call(url, 'POST', '/jobs', { tenant, resources: { cpu: 1 } })).status).toBe(202);

    const metrics = await call(url, 'GET', '/metrics');
    expect(tenantLabels(metrics.text)).toEqual(['__proto__', 'a', 'constructor', 'toString']);
    const queues = await call(url, 'GET', '/queues');
    expect(queues.status).toBe(200);
    expect(queues.json['queues'].map((q: Record<string, unknown>) => [q['tenant'], q['weight'], q['dominantShare']])).toEqual([
      ['__proto__', 1, 0],
      ['constructor', 1, 0],
      ['toString', 1, 0],
    ]);
    expect([Object, Object.prototype, Function.prototype, Object.prototype.toString].map((o) => Object.getOwnPropertyNames(o))).toEqual(globals);
  });
});

describe('fairpack serve /metrics: per-tenant cardinality', () => {
  it('only tenants with live jobs or limits, at most --metrics-max-tenants, the rest summed under _other', async () => {
    const manager = new AllocationManager({ capacity: { cpu: 100 } });
    const run = (tenant: string, n: number) => Array.from({ length: n }, () => manager.submit({ tenant, resources: { cpu: 1 } }));
    run('t1', 3);
    run('b2', 2);
    run('t2', 2);
    run('t3', 1);
    manager.setQuota('quota-only', { cpu: 5 });
    // a tenant whose jobs all ended: no series at all
    for (const result of run('gone', 2)) if (result.status === 'allocated') manager.release(result.allocation.id);
    const { url } = await start({ manager, limits: { metricsMaxTenants: 2 } });

    const { text } = await call(url, 'GET', '/metrics');
    // most live jobs first, then by name: t1 (3), b2 (2) keep theirs; t2, t3 and quota-only are summed
    expect(tenantLabels(text)).toEqual(['_other', 'b2', 't1']);
    expect(sample(text, 'fairpack_tenant_jobs', { tenant: 't1', state: 'running' })).toBe(3);
    expect(sample(text, 'fairpack_tenant_jobs', { tenant: '_other', state: 'running' })).toBe(3);
    expect(sample(text, 'fairpack_tenant_usage', { tenant: '_other', dimension: 'cpu' })).toBe(3);
    // 3 of 100 cpu
    expect(sample(text, 'fairpack_tenant_dominant_share', { tenant: '_other' })).toBe(0.03);
    expect(text).not.toMatch(/tenant="gone"/);
  });
});

describe('tenantSeries', () => {
  const figures = (queued: number, running: number, extra: Partial<TenantFigures> = {}): TenantFigures => ({
    queued,
    running,
    queuedByClass: new Map(queued > 0 ? [['default', queued]] : []),
    headSubmittedAtByClass: new Map(),
    usage: new Map(running > 0 ? [['cpu', running]] : []),
    weight: 1,
    hasQuota: false,
    quota: undefined,
    quotaRejections: 0,
    ...extra,
  });

  it('orders by live jobs, then name, whatever the input order', () => {
    const a = new Map([['z', figures(1, 0)], ['b', figures(0, 1)], ['a', figures(1, 1)], ['y', figures(0, 0, { weight: 2 })]]);
    const b = new Map([...a].reverse());
    expect([...tenantSeries(a, 10).keys()]).toEqual(['a', 'b', 'z', 'y']);
    expect([...tenantSeries(b, 10).keys()]).toEqual(['a', 'b', 'z', 'y']);
  });

  it('sums the rest under _other: counts, classes, usage, quota rejections', () => {
    const tenants = new Map([
      ['big', figures(5, 5)],
      ['x', figures(1, 2, { quotaRejections: 4, queuedByClass: new Map([['high', 1]]) })],
      ['y', figures(2, 0, { hasQuota: true, quotaRejections: 1 })],
      ['idle', figures(0, 0)],
    ]);
    const series = tenantSeries(tenants, 1);
    expect([...series.keys()]).toEqual(['big', OTHER_TENANTS]);
    expect(series.get(OTHER_TENANTS)).toEqual({ queued: 3, running: 2, quotaRejections: 5, queuedByClass: new Map([['high', 1], ['default', 2]]), headSubmittedAtByClass: new Map(), usage: new Map([['cpu', 2]]) });
    expect([...tenantSeries(tenants, 0).keys()]).toEqual([OTHER_TENANTS]);
  });

  it('_other: the earliest head submission per class (the longest wait, not a sum), and no quota', () => {
    const tenants = new Map([
      ['big', figures(5, 0)],
      ['x', figures(1, 0, { headSubmittedAtByClass: new Map([['default', 500], ['low', 900]]), hasQuota: true, quota: new Map([['cpu', 4]]) })],
      ['y', figures(1, 0, { headSubmittedAtByClass: new Map([['default', 300]]), hasQuota: true, quota: new Map([['cpu', 8]]) })],
    ]);
    const other = tenantSeries(tenants, 1).get(OTHER_TENANTS);
    expect(other?.headSubmittedAtByClass).toEqual(new Map([['default', 300], ['low', 900]]));
    expect(other?.quota).toBeUndefined();
    // a tenant with its own series keeps its quota
    expect(tenantSeries(tenants, 3).get('x')?.quota).toEqual(new Map([['cpu', 4]]));
  });

  it('a tenant named _other is always summed there, so the label means one thing', () => {
    const series = tenantSeries(new Map([['_other', figures(9, 0)], ['a', figures(1, 0)]]), 10);
    expect([...series.keys()]).toEqual(['a', OTHER_TENANTS]);
    expect(series.get(OTHER_TENANTS)?.queued).toBe(9);
  });

  it('keys are only Map keys: __proto__ is a tenant like any other', () => {
    const series = tenantSeries(new Map([['__proto__', figures(1, 0)], ['constructor', figures(0, 1)]]), 10);
    expect([...series.keys()]).toEqual(['__proto__', 'constructor']);
  });
});

describe('fairpack serve: held room', () => {
  it('GET /nodes lists reservations and /metrics has fairpack_reserved per dimension', async () => {
    const manager = new AllocationManager({ capacity: { cpu: 4 }, starvation: { afterMs: 0 }, now: () => 0, timers: false });
    const { url } = await start({ manager });
    await call(url, 'POST', '/jobs', { tenant: 'a', resources: { cpu: 3 } });
    // the 4-cpu job starves at once (afterMs 0): the 1 free cpu is held for it
    await call(url, 'POST', '/jobs', { id: 'big', tenant: 'b', resources: { cpu: 4 } });
    const nodes = await call(url, 'GET', '/nodes');
    expect(nodes.json).toMatchObject({ nodes: [{ allocated: { cpu: 3 }, reserved: { cpu: 1 }, available: { cpu: 0 } }], reservations: [{ jobId: 'big', reason: 'starvation', resources: { cpu: 1 } }] });
    const metrics = await call(url, 'GET', '/metrics');
    expect(sample(metrics.text, 'fairpack_reserved', { dimension: 'cpu' })).toBe(1);
    expect(sample(metrics.text, 'fairpack_capacity', { dimension: 'cpu', kind: 'allocated' })).toBe(3);
  });
});

describe('fairpack serve /metrics: queue head wait and tenant quotas (issue 15 §5)', () => {
  /** The registry over `manager`, read with the manager's own clock. */
  async function scrape(manager: AllocationManager, now: () => number, maxTenants = 10): Promise<string> {
    return createServerMetrics(await loadPromClient(), figureReader(manager), maxTenants, now).render();
  }

  it("fairpack_queue_head_wait_seconds: now minus the head job's submission, per queue; _other shows the longest", async () => {
    let clock = 1_000_000;
    const manager = new AllocationManager({ capacity: { cpu: 1 }, now: () => clock, timers: false });
    const submit = (at: number, tenant: string, extra: Record<string, unknown> = {}) => {
      clock = at;
      return manager.submit({ tenant, resources: { cpu: 1 }, ...extra }).status;
    };
    expect(submit(1_000_000, 'a')).toBe('allocated');
    expect(submit(1_060_000, 'b')).toBe('queued');
    expect(submit(1_070_000, 'e')).toBe('queued');
    expect(submit(1_090_000, 'b')).toBe('queued');
    expect(submit(1_100_000, 'c', { priority: 'low' })).toBe('queued');
    expect(submit(1_120_000, 'd')).toBe('queued');
    // a deadline goes first in its queue (EDF): d's head is this newer job
    expect(submit(1_150_000, 'd', { deadline: 5_000_000 })).toBe('queued');
    clock = 1_300_000;

    const text = await scrape(manager, () => clock);
    // b's head came at 1,060,000: 240 s; the second b job does not change it
    expect(sample(text, 'fairpack_queue_head_wait_seconds', { tenant: 'b', priority: 'default' })).toBe(240);
    expect(sample(text, 'fairpack_queue_head_wait_seconds', { tenant: 'c', priority: 'low' })).toBe(200);
    expect(sample(text, 'fairpack_queue_head_wait_seconds', { tenant: 'd', priority: 'default' })).toBe(150);
    expect(sample(text, 'fairpack_queue_head_wait_seconds', { tenant: 'e', priority: 'default' })).toBe(230);
    // a, running, has no queue and no series
    expect(text).not.toMatch(/^fairpack_queue_head_wait_seconds\{tenant="a"/m);
    expect(sample(text, 'fairpack_queue_depth', { tenant: 'b', priority: 'default' })).toBe(2);

    // capped at 1: b (2 queued, then by name before d) keeps its own; d, a, c, e are summed and
    // _other shows each class's longest head wait: e's 230 s (not d's 150), c's 200 s
    const capped = await scrape(manager, () => clock, 1);
    expect(sample(capped, 'fairpack_queue_head_wait_seconds', { tenant: 'b', priority: 'default' })).toBe(240);
    expect(sample(capped, 'fairpack_queue_head_wait_seconds', { tenant: '_other', priority: 'default' })).toBe(230);
    expect(sample(capped, 'fairpack_queue_head_wait_seconds', { tenant: '_other', priority: 'low' })).toBe(200);
    expect(sample(capped, 'fairpack_queue_depth', { tenant: '_other', priority: 'default' })).toBe(3);

    // room frees and b's head starts (DRF: b, e, d tie at 0, then by name): b's next job is its
    // head now, submitted at 1,090,000, so 310 s at 1,400,000; e's head has not moved (330 s)
    clock = 1_400_000;
    manager.release(manager.allocations()[0]?.id as string);
    expect(manager.allocations().map((a) => a.tenant)).toEqual(['b']);
    const later = await scrape(manager, () => clock);
    expect(sample(later, 'fairpack_queue_head_wait_seconds', { tenant: 'b', priority: 'default' })).toBe(310);
    expect(sample(later, 'fairpack_queue_head_wait_seconds', { tenant: 'e', priority: 'default' })).toBe(330);
  });

  it('fairpack_tenant_quota: the hard limit per limited dimension, for tenants with a quota and their own series only', async () => {
    const manager = new AllocationManager({ capacity: { cpu: 8, gpu: 2 }, now: () => 0, timers: false });
    manager.setQuota('q', { cpu: 2, gpu: 1 }, { burst: 1.5 });
    manager.setQuota('r', { cpu: 1 });
    // a low job runs on burst room: 3 cpu = ⌊2 × 1.5⌋, 150 % of the hard limit
    expect(manager.submit({ tenant: 'q', priority: 'low', resources: { cpu: 3 } }).status).toBe('allocated');
    expect(manager.submit({ tenant: 'x-free', resources: { cpu: 2 } }).status).toBe('allocated');

    const text = await scrape(manager, () => 0);
    expect(sample(text, 'fairpack_tenant_quota', { tenant: 'q', dimension: 'cpu' })).toBe(2);
    expect(sample(text, 'fairpack_tenant_quota', { tenant: 'q', dimension: 'gpu' })).toBe(1);
    expect(sample(text, 'fairpack_tenant_quota', { tenant: 'r', dimension: 'cpu' })).toBe(1);
    expect(sample(text, 'fairpack_tenant_usage', { tenant: 'q', dimension: 'cpu' })).toBe(3);
    // what FairpackTenantOverQuota divides: 3 / 2 = 1.5 > 1.2; gpu has no usage series, so no ratio
    expect(sample(text, 'fairpack_tenant_usage', { tenant: 'q', dimension: 'gpu' })).toBeUndefined();
    // no quota, no series; `r` (quota, no jobs) and `x-free` (no quota) are shown for other reasons
    expect(text).not.toMatch(/^fairpack_tenant_quota\{tenant="x-free"/m);

    // capped at 1: q keeps its own (1 live job, and first by name); r and x-free are summed under _other, which has no quota series
    const capped = await scrape(manager, () => 0, 1);
    expect([...capped.matchAll(/^fairpack_tenant_quota\{tenant="([^"]*)",dimension="([^"]*)"\} (\S+)$/gm)].map((m) => m.slice(1))).toEqual([
      ['q', 'cpu', '2'],
      ['q', 'gpu', '1'],
    ]);
    expect(sample(capped, 'fairpack_tenant_usage', { tenant: '_other', dimension: 'cpu' })).toBe(2);
  });
});
