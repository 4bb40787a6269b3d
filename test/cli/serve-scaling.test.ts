import { AllocationManager } from 'fairpack';
import { describe, expect, it } from 'vitest';
import { call as httpCall, serversClosedAfterEach } from './in-process-server.js';

/*
 * GET/POST /scaling-advice and POST /defragment over real sockets on 127.0.0.1: admin only,
 * bad input 400 with the manager's words, a stale plan 409, a dry run changes nothing.
 */

const TOKEN = 'admin-s3cret';
const ADMIN = { authorization: `Bearer ${TOKEN}` };
const startServer = serversClosedAfterEach();

async function start(manager: AllocationManager): Promise<string> {
  return (await startServer({ manager, adminToken: TOKEN })).url;
}

/** A call as the admin unless other headers are given. */
const call = (url: string, method: string, path: string, body?: unknown, headers: Record<string, string> = ADMIN): ReturnType<typeof httpCall> => httpCall(url, method, path, body, headers);

/** Two cpu-4 nodes at $1/h, each running one cpu-2 job (worst-fit spreads them); a cpu-4 job waits. */
function cluster(): AllocationManager {
  const clock = { time: 0 };
  const manager = new AllocationManager({ nodes: [{ id: 'n1', capacity: { cpu: 4 }, costPerHour: 1 }, { id: 'n2', capacity: { cpu: 4 }, costPerHour: 1 }], placement: 'worst-fit', now: () => clock.time, timers: false });
  manager.submit({ id: 'a', resources: { cpu: 2 } });
  manager.submit({ id: 'b', resources: { cpu: 2 } });
  manager.submit({ id: 'big', resources: { cpu: 4 } });
  return manager;
}

const TYPES = [{ name: 'c4', capacity: { cpu: 4 }, costPerHour: 0.5 }, { name: 'c8', capacity: { cpu: 8 }, costPerHour: 2 }];

describe('fairpack serve /scaling-advice', () => {
  it('GET with the node types as a JSON query parameter, POST with a body: the same advice', async () => {
    const url = await start(cluster());
    const query = `/scaling-advice?types=${encodeURIComponent(JSON.stringify(TYPES))}&scaleDown=false`;
    const got = await call(url, 'GET', query);
    expect(got.status).toBe(200);
    // `big` (cpu 4) waits: one c4 (500,000 µ/h) holds it. 2,000,000 → 2,500,000 µ/h.
    expect(got.json).toMatchObject({ add: [{ type: 'c4', count: 1, for: ['big'] }], remove: [], cost: { before: 2_000_000, after: 2_500_000, unit: 'micro' } });
    const posted = await call(url, 'POST', '/scaling-advice', { nodeTypes: TYPES, scaleDown: false });
    expect(posted.json).toEqual(got.json);
  });

  it('admin only; bad queries and options are 400', async () => {
    const url = await start(cluster());
    const types = encodeURIComponent(JSON.stringify(TYPES));
    expect((await call(url, 'GET', `/scaling-advice?types=${types}`, undefined, {})).status).toBe(401);
    expect((await call(url, 'GET', `/scaling-advice?types=${types}`, undefined, { authorization: 'Bearer nope' })).status).toBe(403);
    for (const [query, code] of [
      ['', 'INVALID_QUERY'],
      ['types=[', 'INVALID_QUERY'],
      [`types=${types}&minNodes=-1`, 'INVALID_QUERY'],
      [`types=${types}&scaleDown=yes`, 'INVALID_QUERY'],
      [`types=${types}&colour=red`, 'INVALID_QUERY'],
      ['types=[]', 'INVALID_OPTION'],
      [`types=${encodeURIComponent(JSON.stringify([{ name: 'x', capacity: { cpu: 1 }, costPerHour: -1 }]))}`, 'INVALID_OPTION'],
      [`types=${types}&utilisationBelow=2`, 'INVALID_OPTION'],
      [`types=${types}&waitTargetMs=soon`, 'INVALID_QUERY'],
      [`types=${types}&waitTargetMs=${8 * 24 * 3_600_000}`, 'INVALID_OPTION'],
    ] as const) {
      const answer = await call(url, 'GET', `/scaling-advice?${query}`);
      expect(answer.status, query).toBe(400);
      expect(answer.json['error'].code, query).toBe(code);
    }
  });
});

describe('fairpack serve /scaling-advice with a wait target', () => {
  it('GET ?waitTargetMs= and POST { scaleUp: { waitTargetMs } }: nothing bought for a job the cluster starts within the target', async () => {
    // n1 { cpu 4 } runs a (cpu 4, estimated 10 min) from 0; b (cpu 4) waits. With a 15-minute
    // target b is expected on n1 at 10 min (600,000 ms): no node to add. Without one: one c4.
    const manager = new AllocationManager({ nodes: [{ id: 'n1', capacity: { cpu: 4 }, costPerHour: 1 }], now: () => 0, timers: false });
    manager.submit({ id: 'a', resources: { cpu: 4 }, estimatedRuntimeMs: 600_000 });
    manager.submit({ id: 'b', resources: { cpu: 4 } });
    const url = await start(manager);
    const types = encodeURIComponent(JSON.stringify(TYPES));
    const got = await call(url, 'GET', `/scaling-advice?types=${types}&scaleDown=false&waitTargetMs=900000`);
    expect(got.status).toBe(200);
    expect(got.json).toMatchObject({ add: [], expectedStarts: [{ jobId: 'b', at: 600_000 }] });
    const posted = await call(url, 'POST', '/scaling-advice', { nodeTypes: TYPES, scaleDown: false, scaleUp: { waitTargetMs: 900_000 } });
    expect(posted.json).toEqual(got.json);
    expect((await call(url, 'GET', `/scaling-advice?types=${types}&scaleDown=false`)).json).toMatchObject({ add: [{ type: 'c4', count: 1, for: ['b'] }], expectedStarts: [] });
  });
});

describe('fairpack serve POST /defragment', () => {
  it('a dry run by default changes nothing; dryRun false applies; a stale plan is 409', async () => {
    const manager = cluster();
    const url = await start(manager);
    const before = JSON.stringify(manager.snapshot());
    const dry = await call(url, 'POST', '/defragment', { for: { resources: { cpu: 4 } } });
    expect(dry.status).toBe(200);
    expect(dry.json).toEqual({ dryRun: true, plan: { moves: [{ jobId: 'a', allocationId: manager.job('a')?.allocationId, from: 'n1', to: 'n2' }], fits: 'n1' } });
    expect(JSON.stringify(manager.snapshot())).toBe(before);
    const plan = dry.json['plan'];
    const applied = await call(url, 'POST', '/defragment', { plan, dryRun: false });
    expect(applied.status).toBe(200);
    expect(applied.json['migrated']).toMatchObject([{ jobId: 'a', from: 'n1', to: 'n2' }]);
    // the room made went to the job that waited for it
    expect(manager.job('big')).toMatchObject({ status: 'running' });
    const again = await call(url, 'POST', '/defragment', { plan, dryRun: false });
    expect(again.status).toBe(409);
    expect(again.json['error'].code).toBe('STALE_PLAN');
  });

  it('plans and applies in one request; admin only; bad bodies are 400', async () => {
    const manager = cluster();
    const url = await start(manager);
    expect((await call(url, 'POST', '/defragment', {}, {})).status).toBe(401);
    const done = await call(url, 'POST', '/defragment', { dryRun: false, maxMoves: 5 });
    expect(done.status).toBe(200);
    expect(done.json['plan'].frees).toEqual(['n1']);
    expect(done.json['migrated']).toHaveLength(1);
    for (const body of [[], { dryRun: 'no' }, { maxMoves: -1 }, { plan: { moves: [] } }, { colour: 1 }, { plan: { moves: 'x' }, dryRun: false }]) {
      const answer = await call(url, 'POST', '/defragment', body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
    }
  });
});
