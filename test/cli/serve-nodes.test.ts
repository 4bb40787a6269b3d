import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, useBuiltServe } from './built-cli.js';
import { call } from './in-process-server.js';

/*
 * Nodes over HTTP (issue 15 §1 and §3), as a user runs `fairpack serve`: the built bin on a
 * loopback port, a node agent heartbeating with its own token, an admin adding, changing and
 * removing nodes. Real sockets, the wall clock, a 1 s heartbeat timeout.
 */

const { cli, serve } = useBuiltServe();
let directory = '';
const ADMIN = { authorization: 'Bearer admin-s3cret' };
const NODE = { authorization: 'Bearer node-s3cret' };
type Json = Record<string, any>;

let nodesFile = '';
beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'fairpack-serve-nodes-'));
  nodesFile = join(directory, 'nodes.json');
  writeFileSync(nodesFile, JSON.stringify([{ id: 'a', capacity: { cpu: 4 } }, { id: 'b', capacity: { cpu: 4 } }]));
});
afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

const env = { FAIRPACK_ADMIN_TOKEN: 'admin-s3cret', FAIRPACK_NODE_TOKEN: 'node-s3cret' };

describe('fairpack serve: heartbeats', () => {
  it("a node that stops heartbeating goes offline and its job runs on the other node, without anybody's call", async () => {
    const { url, stderr } = await serve(['--nodes', nodesFile, '--placement', 'first-fit', '--heartbeat-timeout', '1s'], env);
    const submitted = await call(url, 'POST', '/jobs', { id: 'j1', resources: { cpu: 3 } });
    expect(submitted.json['allocation'].placements[0].nodeId).toBe('a');
    // b's agent reports every 200 ms; a's is silent. After 1 s a goes offline and j1 moves to b.
    const started = Date.now();
    let job: Json = {};
    while (Date.now() - started < 5_000) {
      expect((await call(url, 'POST', '/nodes/b/heartbeat', undefined, NODE)).status).toBe(200);
      job = (await call(url, 'GET', '/jobs/j1')).json;
      if (job['allocation']?.placements[0].nodeId === 'b') break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const movedAfter = Date.now() - started;
    expect(stderr()).toContain('heartbeats on (timeout 1000 ms)');
    expect(job['job']).toMatchObject({ status: 'running', restarts: 1 });
    expect(job['allocation'].placements[0].nodeId).toBe('b');
    // 1 s timeout + the poll (200 ms) + slack for a loaded machine: well within the seed's 30 s
    expect(movedAfter).toBeLessThan(4_000);
    const nodes = (await call(url, 'GET', '/nodes')).json['nodes'] as Json[];
    expect(nodes.map((n) => `${n['id']}:${n['status']}`)).toEqual(['a:offline', 'b:ready']);
    const metrics = (await call(url, 'GET', '/metrics')).text;
    expect(metrics).toMatch(/^fairpack_nodes\{status="offline"\} 1$/m);
    expect(metrics).toMatch(/^fairpack_node_offline_seconds\{node="a"\} [\d.]+$/m);
    expect(metrics).toMatch(/^fairpack_node_loss_reschedules_total 1$/m);
    expect(metrics).toMatch(/^fairpack_node_heartbeat_timeout_seconds 1$/m);
    expect(metrics).toMatch(/^fairpack_node_heartbeat_max_silence_seconds [\d.]+$/m);
    // a's agent comes back: a is ready again
    const back = await call(url, 'POST', '/nodes/a/heartbeat', undefined, NODE);
    expect([back.status, back.json['node'].status]).toEqual([200, 'ready']);
  });

  it('heartbeats take the node token only: not the admin one, not none', async () => {
    const { url } = await serve(['--nodes', nodesFile, '--heartbeat-timeout', '1m'], env);
    const none = await call(url, 'POST', '/nodes/a/heartbeat');
    expect([none.status, none.json['error'].code]).toEqual([401, 'UNAUTHORIZED']);
    const admin = await call(url, 'POST', '/nodes/a/heartbeat', undefined, ADMIN);
    expect([admin.status, admin.json['error'].code]).toEqual([403, 'FORBIDDEN']);
    const unknown = await call(url, 'POST', '/nodes/nope/heartbeat', undefined, NODE);
    expect([unknown.status, unknown.json['error'].code]).toEqual([404, 'UNKNOWN_NODE']);
    // a heartbeat may say what runs on the node: an unknown allocation is reported, not adopted
    const drift = await call(url, 'POST', '/nodes/a/heartbeat', { running: ['ghost'] }, NODE);
    expect(drift.status).toBe(200);
    expect((await call(url, 'GET', '/metrics')).text).toMatch(/^fairpack_node_unknown_allocations_total 1$/m);
    const badReport = await call(url, 'POST', '/nodes/a/heartbeat', { running: 'ghost' }, NODE);
    expect([badReport.status, badReport.json['error'].code]).toEqual([400, 'INVALID_OPTION']);
    // and the node token opens nothing else
    const patch = await call(url, 'PATCH', '/nodes/a', { status: 'offline' }, NODE);
    expect([patch.status, patch.json['error'].code]).toEqual([403, 'FORBIDDEN']);
  });

  it('without --heartbeat-timeout a heartbeat is refused with 409 HEARTBEATS_OFF; without a node token the node API is off', async () => {
    const { url } = await serve(['--nodes', nodesFile], env);
    const off = await call(url, 'POST', '/nodes/a/heartbeat', undefined, NODE);
    expect([off.status, off.json['error'].code]).toEqual([409, 'HEARTBEATS_OFF']);
    const { url: other } = await serve(['--nodes', nodesFile], { FAIRPACK_ADMIN_TOKEN: 'admin-s3cret' });
    const disabled = await call(other, 'POST', '/nodes/a/heartbeat', undefined, NODE);
    expect([disabled.status, disabled.json['error'].code]).toEqual([403, 'NODE_API_DISABLED']);
  });

  it('refuses flags that would fail every node: no unit, no node token, the admin token reused', async () => {
    for (const [args, code] of [[['--heartbeat-timeout', '20'], 2], [['--heartbeat-timeout', '0s'], 2], [['--heartbeat-timeout', '1.0005s'], 2], [['--node-token', 'admin-s3cret'], 2]] as const) {
      const run = await runCli(cli(), ['serve', '--port', '0', ...args], '', { FAIRPACK_ADMIN_TOKEN: 'admin-s3cret' });
      expect(run.code, args.join(' ')).toBe(code);
    }
    const noToken = await runCli(cli(), ['serve', '--port', '0', '--heartbeat-timeout', '20s'], '');
    expect(noToken.code).toBe(1);
    expect(noToken.stderr).toContain('no node token');
  });
});

describe('fairpack serve: node management (admin)', () => {
  it('adds, changes and removes nodes; a node with running jobs is removed only with ?force=true', async () => {
    const { url } = await serve(['--nodes', nodesFile, '--placement', 'first-fit'], env);
    const added = await call(url, 'POST', '/nodes', { id: 'c', capacity: { cpu: 2 }, labels: { zone: 'z1' } }, ADMIN);
    expect([added.status, added.headers.get('location'), added.json['node'].available]).toEqual([201, '/nodes/c', { cpu: 2 }]);
    const twice = await call(url, 'POST', '/nodes', { id: 'c', capacity: { cpu: 2 } }, ADMIN);
    expect([twice.status, twice.json['error'].code]).toEqual([409, 'DUPLICATE_NODE']);
    const bad = await call(url, 'POST', '/nodes', { id: 'd', capacity: { cpu: -1 } }, ADMIN);
    expect(bad.status).toBe(400);
    // j1 (3 cpu) on a; a drained keeps it running but takes nothing new
    await call(url, 'POST', '/jobs', { id: 'j1', resources: { cpu: 3 } });
    const drained = await call(url, 'PATCH', '/nodes/a', { status: 'draining' }, ADMIN);
    expect(drained.json['node'].status).toBe('draining');
    const next = await call(url, 'POST', '/jobs', { id: 'j2', resources: { cpu: 1 } });
    expect(next.json['allocation'].placements[0].nodeId).toBe('b');
    const one = await call(url, 'GET', '/nodes/a');
    expect(one.json['allocations'].map((a: Json) => a['jobId'])).toEqual(['j1']);
    const refused = await call(url, 'DELETE', '/nodes/a', undefined, ADMIN);
    expect([refused.status, refused.json['error'].code]).toEqual([409, 'NODE_NOT_EMPTY']);
    // forced: j1 (3 cpu) is re-queued at the head and starts on b (4 − 1 = 3 cpu free)
    const forced = await call(url, 'DELETE', '/nodes/a?force=true', undefined, ADMIN);
    expect([forced.status, forced.json['requeued']]).toEqual([200, ['j1']]);
    const moved = (await call(url, 'GET', '/jobs/j1')).json;
    expect(moved['allocation'].placements[0].nodeId).toBe('b');
    // the agent of a that ran j1's first allocation reports it done: refused, the run on b goes on
    const stale = await call(url, 'POST', '/jobs/j1/release', { allocationId: 'an-earlier-one' });
    expect([stale.status, stale.json['error'].code]).toEqual([409, 'ALLOCATION_REPLACED']);
    const current = await call(url, 'POST', '/jobs/j1/release', { allocationId: moved['job'].allocationId });
    expect([current.status, current.json['job'].status]).toEqual([200, 'completed']);
    const patchBad = await call(url, 'PATCH', '/nodes/b', { status: 'gone' }, ADMIN);
    expect([patchBad.status, patchBad.json['error'].code]).toEqual([400, 'INVALID_REQUEST']);
    const relabel = await call(url, 'PATCH', '/nodes/b', { labels: { zone: 'z2' }, taints: [{ key: 'gpu', effect: 'PreferNoSchedule' }] }, ADMIN);
    expect([relabel.status, relabel.json['node'].labels, relabel.json['node'].taints]).toEqual([200, { zone: 'z2' }, [{ key: 'gpu', effect: 'PreferNoSchedule' }]]);
    const badTaint = await call(url, 'PATCH', '/nodes/b', { taints: [{ key: 'gpu', effect: 'Never' }], status: 'offline' }, ADMIN);
    expect([badTaint.status, badTaint.json['error'].code]).toEqual([400, 'INVALID_NODE']);
    expect((await call(url, 'GET', '/nodes/b')).json['node'].status).toBe('ready'); // nothing changed
    const patchField = await call(url, 'PATCH', '/nodes/b', { stat: 'ready' }, ADMIN);
    expect([patchField.status, patchField.json['error'].code]).toEqual([400, 'INVALID_REQUEST']);
    const noAdmin = await call(url, 'POST', '/nodes', { id: 'e', capacity: { cpu: 1 } });
    expect(noAdmin.status).toBe(401);
    const nodes = (await call(url, 'GET', '/nodes')).json['nodes'] as Json[];
    expect(nodes.map((n) => n['id'])).toEqual(['b', 'c']);
    expect((await call(url, 'GET', '/nodes/a')).status).toBe(404);
    // drain and interrupt: b drains (j1 and j2 run on), c is reclaimed at once (nothing on it)
    const drain = await call(url, 'POST', '/nodes/b/drain', { deadlineMs: 60_000 }, ADMIN);
    expect([drain.status, drain.json['node'].status]).toEqual([200, 'draining']);
    const interrupt = await call(url, 'POST', '/nodes/c/interrupt', { noticeMs: 0 }, ADMIN);
    expect([interrupt.status, interrupt.json['node'].status]).toEqual([200, 'offline']);
    const noNotice = await call(url, 'POST', '/nodes/b/interrupt', {}, ADMIN);
    expect([noNotice.status, noNotice.json['error'].code]).toEqual([400, 'INVALID_OPTION']);
    const badDrain = await call(url, 'POST', '/nodes/b/drain', { deadline: 5 }, ADMIN);
    expect([badDrain.status, badDrain.json['error'].code]).toEqual([400, 'INVALID_REQUEST']);
    expect((await call(url, 'POST', '/nodes/b/drain', undefined, NODE)).status).toBe(403);
    // a node called __proto__ is just a node
    expect((await call(url, 'POST', '/nodes', { id: '__proto__', capacity: { cpu: 1 } }, ADMIN)).status).toBe(201);
    expect((await call(url, 'GET', '/nodes/__proto__')).json['node'].id).toBe('__proto__');
  });
});
