import { createHash } from 'node:crypto';
import { AllocationManager } from 'fairpack';
import { describe, expect, it } from 'vitest';
import { call, serversClosedAfterEach } from './in-process-server.js';

const startServer = serversClosedAfterEach();
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 10));

describe('the dashboard and its reads', () => {
  it('GET / is one self-contained page whose only script the Content-Security-Policy names by hash', async () => {
    const server = await startServer();
    const response = await fetch(`${server.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await response.text();
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1] as string);
    expect(scripts).toHaveLength(1);
    const hash = `sha256-${createHash('sha256').update(scripts[0] as string).digest('base64')}`;
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain(`script-src '${hash}'`);
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("default-src 'none'");
    // nothing from elsewhere: no src= or href= to another origin, no @import
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).not.toContain('@import');
  });

  it('GET /tenants: usage and quota per dimension, dominant share against weighted fair share, rejections', async () => {
    const manager = new AllocationManager({ capacity: { cpu: 10, memory: 40 }, tenants: { a: { weight: 3, quota: { cpu: 6 } }, b: { weight: 1 } }, timers: false, now: () => 0 });
    const server = await startServer({ manager });
    await call(server.url, 'POST', '/jobs', { tenant: 'a', resources: { cpu: 4, memory: 4 } });
    await call(server.url, 'POST', '/jobs', { tenant: 'b', resources: { cpu: 1, memory: 20 } });
    expect((await call(server.url, 'POST', '/jobs', { tenant: 'a', resources: { cpu: 3 } })).status).toBe(403); // 4 + 3 > 6
    await settle();
    const { json } = await call(server.url, 'GET', '/tenants');
    const byName = new Map((json['tenants'] as { tenant: string }[]).map((t) => [t.tenant, t]));
    // a: cpu 4 of 10 = 0.4, memory 4 of 40 = 0.1 → dominant 0.4; fair share 3 ÷ (3 + 1) = 0.75
    expect(byName.get('a')).toMatchObject({ weight: 3, running: 1, queued: 0, usage: { cpu: 4, memory: 4 }, quota: { cpu: 6 }, dominantShare: 0.4, fairShare: 0.75, quotaRejections: 1, rejections: 1 });
    // b: memory 20 of 40 = 0.5 dominates; fair share 1 ÷ 4
    expect(byName.get('b')).toMatchObject({ weight: 1, running: 1, dominantShare: 0.5, fairShare: 0.25, rejections: 0 });
    expect(byName.get('b')).not.toHaveProperty('quota');
  });

  it("GET /jobs/:id/events: a job's history — queued with the manager's explanation, preempted by whom, allocated, released", async () => {
    const manager = new AllocationManager({ capacity: { cpu: 4 }, timers: false, now: () => 0 });
    const server = await startServer({ manager });
    await call(server.url, 'POST', '/jobs', { id: 'low', tenant: 't', priority: 'low', resources: { cpu: 4 } });
    const queued = await call(server.url, 'POST', '/jobs', { id: 'wait', tenant: 't', priority: 'low', resources: { cpu: 2 } });
    expect(queued.status).toBe(202);
    await settle();
    const waiting = (await call(server.url, 'GET', '/jobs/wait/events')).json;
    expect(waiting['events']).toMatchObject([{ type: 'queued', status: 'queued', reason: 'insufficient-resources', seq: 2 }]);
    expect(waiting['explanation']).toBe(queued.json['queued'].message);
    // a high job evicts low (grace period: it keeps its room until released)
    await call(server.url, 'POST', '/jobs', { id: 'high', tenant: 'u', priority: 'high', resources: { cpu: 4 } });
    await call(server.url, 'POST', '/jobs/low/release', { outcome: 'preempted' });
    await settle();
    const low = (await call(server.url, 'GET', '/jobs/low/events')).json['events'] as { type: string; by?: string }[];
    // released early as preempted: it waits again (the manager announces the re-queue, then the release)
    expect(low.map((e) => e.type)).toEqual(['allocated', 'preempted', 'queued', 'released']);
    expect(low[1]?.by).toBe('high');
    const high = (await call(server.url, 'GET', '/jobs/high/events')).json['events'] as { type: string; victim?: string; nodes?: string[] }[];
    // in the manager's order: the eviction is announced first, then the preemptor's wait for the room
    expect(high.map((e) => e.type)).toEqual(['preempting', 'queued', 'allocated']);
    expect(high[0]?.victim).toBe('low');
    expect(high[2]?.nodes).toEqual(['default']);
    const activity = (await call(server.url, 'GET', '/activity')).json;
    expect(activity['preemptions']).toMatchObject([{ victim: { id: 'low', priority: 'low' }, preemptor: { id: 'high', tenant: 'u' }, nodeId: 'default' }]);
    expect((await call(server.url, 'GET', '/jobs/nobody/events')).status).toBe(404);
  });

  it('GET /jobs?q=&limit=: searched on the server and bounded, with the total that matched', async () => {
    const manager = new AllocationManager({ capacity: { cpu: 100 }, timers: false, now: () => 0 });
    const server = await startServer({ manager });
    for (let i = 0; i < 5; i++) manager.submit({ id: `train-${i}`, tenant: 'Research', resources: { cpu: 1 } });
    manager.submit({ id: 'web', tenant: 'web', category: 'TRAINING', resources: { cpu: 1 } });
    // "train" in 5 ids and one category (case-insensitive): 6 match, 2 answered
    const { json } = await call(server.url, 'GET', '/jobs?q=TRAIN&limit=2');
    expect(json['total']).toBe(6);
    expect((json['jobs'] as { id: string }[]).map((j) => j.id)).toEqual(['train-0', 'train-1']);
    expect((await call(server.url, 'GET', '/jobs?q=research&tenant=Research')).json['jobs']).toHaveLength(5);
    // without limit the answer is as before: every job, no total
    expect((await call(server.url, 'GET', '/jobs')).json).not.toHaveProperty('total');
    for (const bad of ['limit=0', 'limit=10001', 'limit=2.5', 'limit=', `q=${'x'.repeat(201)}`]) {
      const refused = await call(server.url, 'GET', `/jobs?${bad}`);
      expect([refused.status, refused.json['error'].code]).toEqual([400, 'INVALID_QUERY']);
    }
  });

  it('GET /utilisation: the figures now and the samples of the last hour; GET /allocations: the live allocations', async () => {
    const manager = new AllocationManager({ capacity: { cpu: 8 } });
    const server = await startServer({ manager, events: { utilisation: { intervalMs: 20, samples: 3 } } });
    await call(server.url, 'POST', '/jobs', { id: 'j', tenant: 't', resources: { cpu: 2 } });
    // three samples at most, whatever the time: the ring is bounded
    await new Promise((resolve) => setTimeout(resolve, 150));
    const { json } = await call(server.url, 'GET', '/utilisation');
    expect(json['now']).toEqual({ total: { cpu: 8 }, allocated: { cpu: 2 }, reserved: { cpu: 0 } });
    expect(json['samples']).toHaveLength(3);
    expect(json['samples'].at(-1)).toMatchObject({ allocated: { cpu: 2 } });
    const allocations = (await call(server.url, 'GET', '/allocations')).json['allocations'] as { jobId: string }[];
    expect(allocations.map((a) => a.jobId)).toEqual(['j']);
  });
});
