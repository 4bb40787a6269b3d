import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPromClient } from '../../src/cli/serve/metrics.js';
import { runCli, useBuiltServe } from './built-cli.js';

/*
 * `fairpack serve` as a user runs it: the built bin, started on an ephemeral loopback port, and
 * real HTTP requests with fetch.
 */

const { cli, serve } = useBuiltServe();

let base = '';
beforeAll(async () => {
  ({ url: base } = await serve(['--capacity', 'cpu=8,memory=16,gpu=2'], { FAIRPACK_ADMIN_TOKEN: 's3cret' }));
}, 120_000);

type Json = Record<string, any>;
async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: Json; headers: Headers }> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text.startsWith('{') ? (JSON.parse(text) as Json) : { text }, headers: response.headers };
}

describe('fairpack serve: jobs', () => {
  it('--idempotency-window: a retry within it gets the first answer; a window under 1 s or without a unit is refused', async () => {
    for (const bad of ['500ms', '60']) expect((await runCli(cli(), ['serve', '--port', '0', '--idempotency-window', bad], '')).code, bad).toBe(2);
    const { url } = await serve(['--idempotency-window', '1h', '--capacity', 'cpu=1']);
    const post = async (): Promise<Record<string, any>> => (await fetch(`${url}/jobs`, { method: 'POST', headers: { 'idempotency-key': 'once' }, body: JSON.stringify({ resources: { cpu: 1 } }) })).json();
    const [first, again] = [await post(), await post()];
    expect(again['job']['id']).toBe(first['job']['id']);
  });

  it('POST /jobs: 201 when it starts, 202 when it waits, 422 when nothing could ever hold it', async () => {
    const started = await call('POST', '/jobs', { tenant: 'a', resources: { cpu: 6, memory: 4 } });
    expect(started.status).toBe(201);
    expect(started.json).toMatchObject({ job: { tenant: 'a', status: 'running' }, allocation: { resources: { cpu: 6, memory: 4 }, placements: [{ nodeId: 'default' }] } });
    expect(started.headers.get('location')).toBe(`/jobs/${started.json['job'].id}`);

    // 2 cpu left: 4 waits
    const waiting = await call('POST', '/jobs', { tenant: 'b', resources: { cpu: 4 } });
    expect(waiting.status).toBe(202);
    expect(waiting.json).toMatchObject({ job: { status: 'queued' }, queued: { reason: 'insufficient-resources', available: { cpu: 2 }, required: { cpu: 4 }, position: 0 } });

    // an id no URL can hold (a lone surrogate) is refused before anything is submitted (was: submitted, then 500)
    const before = (await call('GET', '/jobs')).json;
    const unnamable = await call('POST', '/jobs', { id: '\ud800', resources: { cpu: 1 } });
    expect(unnamable).toMatchObject({ status: 400, json: { error: { code: 'INVALID_REQUEST', message: expect.stringContaining('lone surrogate') } } });
    expect((await call('GET', '/jobs')).json).toEqual(before);

    const never = await call('POST', '/jobs', { resources: { gpu: 4 } });
    expect(never.status).toBe(422);
    expect(never.json).toMatchObject({ error: { code: 'UNSATISFIABLE' }, job: { status: 'rejected' } });

    // GET shows where it runs; release frees it and the waiting job starts
    expect((await call('GET', `/jobs/${started.json['job'].id}`)).json).toMatchObject({ job: { status: 'running' }, allocation: { placements: [{ nodeId: 'default' }] } });
    const released = await call('POST', `/jobs/${started.json['job'].id}/release`, { outcome: 'completed' });
    expect(released).toMatchObject({ status: 200, json: { job: { status: 'completed' }, freed: { cpu: 6, memory: 4 } } });
    expect((await call('GET', `/jobs/${waiting.json['job'].id}`)).json).toMatchObject({ job: { status: 'running' } });
    expect((await call('POST', `/jobs/${started.json['job'].id}/release`)).json).toMatchObject({ error: { code: 'JOB_NOT_RUNNING' } });

    // DELETE cancels; the list filters by status
    expect((await call('DELETE', `/jobs/${waiting.json['job'].id}`)).json).toMatchObject({ job: { status: 'cancelled' } });
    const cancelled = await call('GET', '/jobs?status=cancelled');
    expect(cancelled.json['jobs'].map((job: Json) => job['id'])).toEqual([waiting.json['job'].id]);
  });

  it('bad input: typed 4xx errors', async () => {
    const cases: [string, string, unknown, number, string][] = [
      ['POST', '/jobs', { resources: { cpu: -1 } }, 400, 'INVALID_RESOURCES'],
      ['POST', '/jobs', { resources: { cpu: 1 }, priority: 'urgent' }, 400, 'UNKNOWN_PRIORITY_CLASS'],
      ['POST', '/jobs', '{"resources":', 400, 'MALFORMED_JSON'],
      ['POST', '/jobs', '', 400, 'MALFORMED_JSON'],
      ['POST', '/jobs', { resources: { cpu: 1 }, pad: 'x'.repeat(70 * 1024) }, 413, 'PAYLOAD_TOO_LARGE'],
      ['GET', '/jobs/nope', undefined, 404, 'UNKNOWN_JOB'],
      ['DELETE', '/jobs/nope', undefined, 404, 'UNKNOWN_JOB'],
      ['GET', '/jobs?status=lost', undefined, 400, 'INVALID_QUERY'],
      ['GET', '/nowhere', undefined, 404, 'NOT_FOUND'],
      ['PUT', '/jobs', {}, 405, 'METHOD_NOT_ALLOWED'],
      ['GET', '/jobs/%E0%A4%A', undefined, 400, 'INVALID_PATH'],
    ];
    for (const [method, path, body, status, code] of cases) {
      const response = await call(method, path, body);
      expect([method, path, response.status, response.json['error']?.code]).toEqual([method, path, status, code]);
    }
    expect((await call('PUT', '/jobs', {})).headers.get('allow')).toBe('GET, POST');
  });

  it('a body past 64 KiB sent without content-length (chunked) is refused too', async () => {
    const chunks = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 20; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(8 * 1024)));
        controller.close();
      },
    });
    const response = await fetch(`${base}/jobs`, { method: 'POST', body: chunks, duplex: 'half' } as RequestInit);
    expect(response.status).toBe(413);
  });
});

describe('fairpack serve: strict bodies', () => {
  const jobCount = async () => ((await call('GET', '/jobs')).json['jobs'] as unknown[]).length;

  it('POST /jobs: an unknown field is 400 INVALID_REQUEST with the closest field, and no job is created', async () => {
    const before = await jobCount();
    const typo = await call('POST', '/jobs', { resources: { cpu: 1 }, nodeSelectors: { zone: 'eu' } });
    expect(typo.status).toBe(400);
    expect(typo.json['error']).toEqual({
      code: 'INVALID_REQUEST',
      message: expect.stringMatching(/^Unknown job request field `nodeSelectors`\. Did you mean `nodeSelector`\? Accepted: resources, /) as unknown,
      field: 'nodeSelectors',
      accepted: expect.arrayContaining(['resources', 'nodeSelector', 'ttlMs']) as unknown,
      suggestion: 'nodeSelector',
    });
    expect((await call('POST', '/jobs', { resources: { cpu: 1 }, ttl: 1000 })).json['error']).toMatchObject({ code: 'INVALID_REQUEST', suggestion: 'ttlMs' });
    expect(await jobCount()).toBe(before);
  });

  it('POST /jobs: metadata nested 4,100 deep (8 KB) is 400, not a job whose reply cannot be written', async () => {
    const before = await jobCount();
    const body = `{"resources":{"cpu":1},"metadata":{"deep":${'['.repeat(4100)}1${']'.repeat(4100)}}}`;
    expect(body.length).toBeLessThan(8300);
    const deep = await call('POST', '/jobs', body);
    expect([deep.status, deep.json['error']?.code]).toEqual([400, 'INVALID_REQUEST']);
    expect(deep.json['error'].message).toContain('at most 32 levels deep');
    expect(await jobCount()).toBe(before);
  });

  it('POST /jobs: `__proto__` in metadata comes back as an ordinary key', async () => {
    const created = await call('POST', '/jobs', '{"resources":{"cpu":0.001},"metadata":{"__proto__":{"x":1},"owner":"ana"}}');
    expect(created.status).toBe(201);
    expect(Object.keys(created.json['allocation'].metadata as object)).toEqual(['__proto__', 'owner']);
    expect(Object.getOwnPropertyDescriptor(created.json['allocation'].metadata, '__proto__')?.value).toEqual({ x: 1 });
    await call('DELETE', `/jobs/${created.json['job'].id}`);
  });

  it('POST /jobs/:id/release: an unknown field is 400 INVALID_REQUEST and the job keeps running', async () => {
    const created = await call('POST', '/jobs', { resources: { cpu: 0.001 } });
    const id = created.json['job'].id as string;
    const typo = await call('POST', `/jobs/${id}/release`, { outcom: 'failed' });
    expect([typo.status, typo.json['error']?.code, typo.json['error']?.suggestion]).toEqual([400, 'INVALID_REQUEST', 'outcome']);
    expect((await call('GET', `/jobs/${id}`)).json['job'].status).toBe('running');
    expect((await call('POST', `/jobs/${id}/release`, { outcome: 'failed' })).json['job'].status).toBe('failed');
  });
});

describe('fairpack serve: cluster views and metrics', () => {
  it('GET /nodes, /queues, /healthz', async () => {
    expect((await call('GET', '/healthz')).json).toEqual({ status: 'ok' });
    expect((await call('GET', '/nodes')).json).toMatchObject({ nodes: [{ id: 'default', capacity: { cpu: 8, memory: 16, gpu: 2 }, reserved: { cpu: 0, memory: 0, gpu: 0 }, status: 'ready' }], reservations: [] });
    const hog = await call('POST', '/jobs', { tenant: 'q', resources: { cpu: 8 } });
    const queued = await call('POST', '/jobs', { tenant: 'q', resources: { cpu: 1 } });
    const id = queued.json['job'].id;
    // with the head job's view and the manager's words for why it waits, as its submission was answered
    expect((await call('GET', '/queues')).json).toEqual({
      queues: [{ tenant: 'q', priority: 'default', length: 1, head: id, weight: 1, dominantShare: 1, headJob: queued.json['job'], explanation: queued.json['queued'].message }],
    });
    await call('DELETE', `/jobs/${queued.json['job'].id}`);
    await call('DELETE', `/jobs/${hog.json['job'].id}`);
  });

  it('GET /metrics: Prometheus text from prom-client', async () => {
    const response = await fetch(`${base}/metrics`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).toMatch(/^# TYPE fairpack_jobs gauge$/m);
    expect(text).toMatch(/^fairpack_capacity\{dimension="cpu",kind="total"\} 8$/m);
    expect(text).toMatch(/^fairpack_jobs_finished_total\{status="completed"\} \d+$/m);
    expect(text).toMatch(/^fairpack_http_requests_total\{method="POST",route="\/jobs",status="201"\} \d+$/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
  });

  it('a missing prom-client is reported with what to install', async () => {
    await expect(loadPromClient(() => Promise.reject(new Error("Cannot find package 'prom-client'")))).rejects.toThrow(/npm install prom-client/);
  });
});

describe('fairpack serve: the admin API', () => {
  it('PATCH /tenants/:id/quota: 401 without a token, 403 with a wrong one, 200 with the right one', async () => {
    expect((await call('GET', '/tenants/t1/quota')).json).toMatchObject({ quota: { tenant: 't1', used: {}, onExceed: 'reject' } });
    const none = await call('PATCH', '/tenants/t1/quota', { limits: { cpu: 2 } });
    expect([none.status, none.json['error'].code, none.headers.get('www-authenticate')]).toEqual([401, 'UNAUTHORIZED', 'Bearer realm="fairpack"']);
    const wrong = await call('PATCH', '/tenants/t1/quota', { limits: { cpu: 2 } }, { authorization: 'Bearer s3cre' });
    expect([wrong.status, wrong.json['error'].code]).toEqual([403, 'FORBIDDEN']);
    const right = await call('PATCH', '/tenants/t1/quota', { limits: { cpu: 2 } }, { authorization: 'Bearer s3cret' });
    expect(right).toMatchObject({ status: 200, json: { quota: { tenant: 't1', limits: { cpu: 2 } } } });

    // the quota holds: cpu 3 is past it
    expect((await call('POST', '/jobs', { tenant: 't1', resources: { cpu: 3 } })).json).toMatchObject({ error: { code: 'QUOTA_EXCEEDED', quota: { dimension: 'cpu', limit: 2, requested: 3 } } });
    expect((await call('POST', '/jobs', { tenant: 't1', resources: { cpu: 3 } })).status).toBe(403);

    // a partial update keeps the limits; null removes them; unknown fields are refused
    const auth = { authorization: 'Bearer s3cret' };
    expect((await call('PATCH', '/tenants/t1/quota', { onExceed: 'queue' }, auth)).json).toMatchObject({ quota: { limits: { cpu: 2 }, onExceed: 'queue' } });
    expect((await call('PATCH', '/tenants/t1/quota', { limits: { cpu: -2 } }, auth)).json).toMatchObject({ error: { code: 'INVALID_RESOURCES' } });
    expect(await call('PATCH', '/tenants/t1/quota', { limit: {} }, auth)).toMatchObject({ status: 400, json: { error: { code: 'INVALID_REQUEST', field: 'limit', suggestion: 'limits' } } });
    expect((await call('PATCH', '/tenants/t1/quota', { limits: null }, auth)).json['quota']).not.toHaveProperty('limits');
  });

  it('without an admin token the admin API is off', async () => {
    const other = await serve([]);
    const response = await fetch(`${other.url}/tenants/t1/quota`, { method: 'PATCH', body: '{}', headers: { authorization: 'Bearer anything' } });
    expect([response.status, ((await response.json()) as Json)['error'].code]).toEqual([403, 'ADMIN_DISABLED']);
    other.child.kill('SIGTERM');
  });
});

describe('fairpack serve: queue bounds', () => {
  it('--max-queued: a client that floods gets 429 QUEUE_FULL past the bound, others keep being served', async () => {
    const node = await serve(['--capacity', 'cpu=1', '--max-queued', '3']);
    const at = (path: string, method = 'GET', body?: unknown) =>
      fetch(`${node.url}${path}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) }).then(async (r) => ({ status: r.status, json: (await r.json()) as Json }));
    const other = await at('/jobs', 'POST', { tenant: 'other', resources: { cpu: 1 } });
    expect(other.status).toBe(201);

    const flood = await Promise.all(Array.from({ length: 20 }, () => at('/jobs', 'POST', { tenant: 'flood', resources: { cpu: 1 } })));
    expect(flood.filter((r) => r.status === 202)).toHaveLength(3);
    const refused = flood.filter((r) => r.status !== 202);
    expect(refused).toHaveLength(17);
    for (const r of refused) expect([r.status, r.json['error'].code]).toEqual([429, 'QUEUE_FULL']);

    // the server goes on answering the others: reads, a release (a flood job starts), a new submission
    expect((await at(`/jobs/${other.json['job'].id}`)).json['job'].status).toBe('running');
    expect((await at(`/jobs/${other.json['job'].id}/release`, 'POST')).status).toBe(200);
    expect((await at('/jobs?tenant=flood&status=running')).json['jobs']).toHaveLength(1);
    expect((await at('/jobs', 'POST', { tenant: 'other', resources: { cpu: 1 } })).status).toBe(202);
    expect((await at('/healthz')).status).toBe(200);
    node.child.kill('SIGTERM');
  });
});

describe('fairpack serve: load and lifecycle', () => {
  it('a short loopback load test (submit + release pairs) answers everything with 2xx', async () => {
    type Result = { errors: number; timeouts: number; non2xx: number; requests: { total: number } };
    const autocannon = createRequire(import.meta.url)('autocannon') as (options: object) => Promise<Result>;
    const result = await autocannon({
      url: base,
      connections: 10,
      duration: 1,
      requests: [
        {
          method: 'POST',
          path: '/jobs',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ tenant: 'load', resources: { cpu: 0.001 } }),
          onResponse: (_status: number, body: string, context: Json) => (context['id'] = (JSON.parse(body) as Json)['job'].id),
        },
        { method: 'POST', setupRequest: (request: Json, context: Json) => ({ ...request, path: `/jobs/${context['id']}/release` }) },
      ],
    });
    expect(result.requests.total).toBeGreaterThan(100);
    expect([result.errors, result.timeouts, result.non2xx]).toEqual([0, 0, 0]);
  });

  it('stops on SIGTERM with exit code 0, even with keep-alive connections open', async () => {
    const server = await serve([]);
    await fetch(`${server.url}/healthz`, { keepalive: true });
    const exited = new Promise<number | null>((resolve) => server.child.on('close', resolve));
    server.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(server.stderr()).toMatch(/SIGTERM, shutting down\n.*stopped/s);
  });

  it('refuses bad flags with exit code 2', async () => {
    const bad = [['--port', 'http'], ['--port', '70000'], ['--admin-token', ''], ['--max-queued=-1'], ['--max-queued-per-tenant', 'many'], ['--max-connections', '0'], ['--max-body-bytes', '1.5'], ['--metrics-max-tenants', 'x']];
    for (const args of bad) {
      const run = await runCli(cli(), ['serve', ...args], '');
      expect(run.code, args.join(' ')).toBe(2);
    }
    const help = await runCli(cli(), ['serve', '--help'], '');
    expect(help.code).toBe(0);
    for (const text of ['--max-queued', '--max-queued-per-tenant', '--max-connections', '--max-body-bytes', '--metrics-max-tenants', 'headers within 10 s', 'within\n  30 s']) expect(help.stdout).toContain(text);
  });
});
