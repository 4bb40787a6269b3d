import { AllocationManager } from 'fairpack';
import { describe, expect, it } from 'vitest';
import { serversClosedAfterEach } from './in-process-server.js';

/* GET /snapshot over a real socket on 127.0.0.1: admin only, the manager's snapshot(), restorable. */

const TOKEN = 'admin-s3cret';
const startServer = serversClosedAfterEach();

describe('fairpack serve GET /snapshot', () => {
  it('answers the manager snapshot to the admin, which restores to an equal manager; nothing changes', async () => {
    const clock = { time: 1_000 };
    const manager = new AllocationManager({ nodes: [{ id: 'n1', capacity: { cpu: 4 }, costPerHour: 1 }], now: () => clock.time, timers: false });
    manager.submit({ id: 'a', tenant: 't', resources: { cpu: 3 }, estimatedRuntimeMs: 60_000 });
    manager.submit({ id: 'b', tenant: 'u', resources: { cpu: 2 } });
    const server = await startServer({ manager, adminToken: TOKEN });
    const get = (path: string, headers: Record<string, string>): Promise<Response> => fetch(`${server.url}${path}`, { headers });

    expect((await get('/snapshot', {})).status).toBe(401);
    expect((await get('/snapshot', { authorization: 'Bearer nope' })).status).toBe(403);
    const bad = await get('/snapshot?x=1', { authorization: `Bearer ${TOKEN}` });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'INVALID_QUERY' } });

    const response = await get('/snapshot', { authorization: `Bearer ${TOKEN}` });
    expect(response.status).toBe(200);
    const snapshot = (await response.json()) as Record<string, unknown>;
    expect(snapshot).toMatchObject({ format: 'fairpack.snapshot', version: 1 });
    expect(snapshot).toEqual(JSON.parse(JSON.stringify(manager.snapshot())));
    const restored = AllocationManager.restore(snapshot, { now: () => clock.time, timers: false });
    expect(restored.jobs().map((job) => [job.id, job.status])).toEqual([['a', 'running'], ['b', 'queued']]);
  });
});
