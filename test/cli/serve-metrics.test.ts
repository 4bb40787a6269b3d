import { AllocationManager } from 'fairpack';
import { describe, expect, it } from 'vitest';
import type { TenantFigures } from '../../src/cli/serve/manager-figures.js';
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
    usage: new Map(running > 0 ? [['cpu', running]] : []),
    weight: 1,
    hasQuota: false,
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
    expect(series.get(OTHER_TENANTS)).toEqual({ queued: 3, running: 2, quotaRejections: 5, queuedByClass: new Map([['high', 1], ['default', 2]]), usage: new Map([['cpu', 2]]) });
    expect([...tenantSeries(tenants, 0).keys()]).toEqual([OTHER_TENANTS]);
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
