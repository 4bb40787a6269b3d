import { describe, expect, it } from 'vitest';
import { AllocationManager, type JournalEntry, type NodeStatusChange, type NodeView, isFairpackError } from 'fairpack';

/*
 * Heartbeats (issue 15 §1): a node that stops reporting goes offline at the first tick past its
 * timeout, its jobs are re-queued at the head of their queues and placed elsewhere in the same
 * cycle; a heartbeat brings it back; the timeout counts from the later of the last heartbeat and
 * the manager's start (or restore), so nothing is declared dead early. Simulated clock throughout.
 */

function cluster(timeoutMs = 20_000) {
  const clock = { time: 1_000 };
  const manager = new AllocationManager({
    nodes: [
      { id: 'a', capacity: { cpu: 4 } },
      { id: 'b', capacity: { cpu: 4 } },
    ],
    placement: 'first-fit',
    now: () => clock.time,
    heartbeat: { timeoutMs },
  });
  const statuses: [string, NodeStatusChange][] = [];
  manager.on('node:status', (node, change) => statuses.push([`${node.id}:${node.status}`, change]));
  return { clock, manager, statuses };
}

function errorCode(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (isFairpackError(error)) return error.code;
    throw error;
  }
  return undefined;
}

describe('heartbeats', () => {
  it("a silent node's jobs run elsewhere within timeoutMs plus one tick: within the seed's 30 s at 20 s", () => {
    const { clock, manager, statuses } = cluster(20_000);
    // first-fit: the job goes to a (3 of 4 cpu)
    const job = manager.submit({ id: 'j1', resources: { cpu: 3 } });
    expect(job.status === 'allocated' && job.allocation.placements[0]?.nodeId).toBe('a');
    const queuedReasons: string[] = [];
    manager.on('queued', (view) => queuedReasons.push(`${view.id}: ${view.reason}`));
    // b reports every 5 s, a never after the start (t = 1,000): a's deadline is 1,000 + 20,000 = 21,000
    for (let t = 6_000; t <= 21_000; t += 5_000) {
      clock.time = t;
      manager.heartbeat('b');
      manager.tick();
    }
    // at t = 21,000 a has been silent for the whole timeout (21,000 − 1,000 = 20,000 ms): offline
    expect(manager.nodes().find((n) => n.id === 'a')?.status).toBe('offline');
    const moved = manager.job('j1');
    // re-queued at the head and placed on b in the same cycle: 20 s after the last sign of life
    expect(moved?.status).toBe('running');
    expect(manager.allocations()[0]?.placements[0]?.nodeId).toBe('b');
    expect(moved?.restarts).toBe(1);
    expect(queuedReasons).toEqual(['j1: node a sent no heartbeat for 20000 ms']);
    expect(statuses).toEqual([['a:offline', { previous: 'ready', reason: 'heartbeat-timeout' }]]);
    const metrics = manager.metrics().nodes;
    expect(metrics.byStatus).toEqual({ ready: 1, draining: 0, offline: 1 });
    expect(metrics.offlineSince).toEqual({ a: 21_000 });
    expect(metrics.reschedules).toBe(1);
    // b last reported at 21,000: the most silent node up is silent since then
    expect(metrics.heartbeat).toEqual({ timeoutMs: 20_000, silentSince: 21_000 });
  });

  it('is never early: one ms before the deadline the node is still ready', () => {
    const { clock, manager } = cluster(20_000);
    clock.time = 5_000;
    manager.heartbeat('a'); // a's deadline: 25,000; b's: start 1,000 + 20,000 = 21,000
    clock.time = 20_999;
    manager.tick();
    expect(manager.nodes().map((n) => n.status)).toEqual(['ready', 'ready']);
    clock.time = 21_000;
    manager.tick();
    expect(manager.nodes().map((n) => n.status)).toEqual(['ready', 'offline']);
    clock.time = 24_999;
    manager.tick();
    expect(manager.nodes().map((n) => n.status)).toEqual(['ready', 'offline']);
    clock.time = 25_000;
    manager.tick();
    expect(manager.nodes().map((n) => n.status)).toEqual(['offline', 'offline']);
  });

  it('a heartbeat brings back a node that went silent, as it was (ready or draining); one set offline by hand stays offline', () => {
    const { clock, manager, statuses } = cluster(1_000);
    manager.setNodeStatus('a', 'draining');
    clock.time = 2_000; // both silent since the start (1,000): due at 2,000
    manager.tick();
    expect(manager.nodes().map((n) => n.status)).toEqual(['offline', 'offline']);
    expect(manager.heartbeat('a').status).toBe('draining');
    expect(manager.heartbeat('b').status).toBe('ready');
    manager.setNodeStatus('b', 'offline');
    expect(manager.heartbeat('b').status).toBe('offline');
    expect(statuses).toEqual([
      ['a:draining', { previous: 'ready', reason: 'set' }],
      ['a:offline', { previous: 'draining', reason: 'heartbeat-timeout' }],
      ['b:offline', { previous: 'ready', reason: 'heartbeat-timeout' }],
      ['a:draining', { previous: 'offline', reason: 'heartbeat' }],
      ['b:ready', { previous: 'offline', reason: 'heartbeat' }],
      ['b:offline', { previous: 'ready', reason: 'set' }],
    ]);
    // set ready by hand: a fresh timeout from then (2,000 + 1,000), not from its last heartbeat
    manager.setNodeStatus('b', 'ready');
    clock.time = 2_999;
    manager.tick();
    expect(manager.nodes().find((n) => n.id === 'b')?.status).toBe('ready');
  });

  it('a node added later counts from its addition; a removed node is forgotten', () => {
    const { clock, manager } = cluster(1_000);
    clock.time = 1_500;
    manager.addNode({ id: 'c', capacity: { cpu: 1 } });
    manager.removeNode('b');
    clock.time = 2_000; // a: due (1,000 + 1,000); c: due at 2,500
    manager.tick();
    expect(manager.nodes().map((n) => `${n.id}:${n.status}`)).toEqual(['a:offline', 'c:ready']);
    clock.time = 2_500;
    manager.tick();
    expect(manager.nodes().map((n) => `${n.id}:${n.status}`)).toEqual(['a:offline', 'c:offline']);
  });

  it('a restored manager gives every node a fresh timeout: a restarted scheduler does not fail them all at once', () => {
    const { clock, manager } = cluster(20_000);
    manager.submit({ id: 'j1', resources: { cpu: 2 } });
    clock.time = 10_000;
    manager.heartbeat('a');
    manager.heartbeat('b');
    const snapshot = JSON.parse(JSON.stringify(manager.snapshot()));
    // the scheduler was down for a minute: the nodes' deadlines (30,000) passed meanwhile
    clock.time = 70_000;
    const restored = AllocationManager.restore(snapshot, { now: () => clock.time });
    restored.tick();
    expect(restored.nodes().map((n) => n.status)).toEqual(['ready', 'ready']);
    expect(restored.job('j1')?.status).toBe('running');
    // silent for the whole timeout after the restart: offline
    clock.time = 90_000;
    restored.tick();
    expect(restored.nodes().map((n) => n.status)).toEqual(['offline', 'offline']);
    expect(restored.job('j1')?.status).toBe('queued');
  });

  it('heartbeats are journaled and replay exactly: a restored manager times out the same nodes', () => {
    const entries: JournalEntry[] = [];
    const clock = { time: 0 };
    const options = { nodes: [{ id: 'a', capacity: { cpu: 4 } }, { id: 'b', capacity: { cpu: 4 } }], now: () => clock.time, heartbeat: { timeoutMs: 100 } };
    const manager = new AllocationManager({ ...options, journal: (entry) => entries.push(entry) });
    const snapshot = manager.snapshot();
    manager.submit({ id: 'j1', resources: { cpu: 4 } });
    clock.time = 60;
    manager.heartbeat('a'); // a: due at 160; b: due at 100
    clock.time = 120;
    manager.tick(); // b offline; j1 stays on a
    expect(entries.map((e) => e.type)).toEqual(['submit', 'heartbeat', 'tick']);
    expect(entries[1]).toEqual({ seq: 2, at: 60, type: 'heartbeat', id: 'a' });
    const replayed = AllocationManager.restore(JSON.parse(JSON.stringify(snapshot)), { now: () => clock.time, entries: JSON.parse(JSON.stringify(entries)) });
    expect(replayed.nodes()).toEqual(manager.nodes());
    expect(replayed.jobs()).toEqual(manager.jobs());
    // the snapshot keeps the timeout, each node's last heartbeat, offline times and the count
    const health = manager.snapshot().nodeHealth;
    expect(health).toEqual({ timeoutMs: 100, nodes: [['a', 60, 60, null, null], ['b', null, 0, 120, 'ready']], reschedules: 0, missed: [], lost: 0, unknown: 0 });
  });

  it("a restore's grace is journaled: replaying that journal later gives the same grace, not a node failed early", () => {
    const clock = { time: 0 };
    const nodes = [{ id: 'a', capacity: { cpu: 4 } }];
    const first: JournalEntry[] = [];
    const manager = new AllocationManager({ nodes, now: () => clock.time, heartbeat: { timeoutMs: 100 }, journal: (entry) => first.push(entry) });
    const snapshot = JSON.parse(JSON.stringify(manager.snapshot()));
    manager.submit({ id: 'j1', resources: { cpu: 1 } });
    // the process stops at 50 and comes back at 500: a's deadline (100) passed while it was away
    clock.time = 500;
    const second: JournalEntry[] = [];
    const restarted = AllocationManager.restore(snapshot, { now: () => clock.time, entries: first, journal: (entry) => second.push(entry) });
    clock.time = 550;
    restarted.tick(); // within the grace (500 + 100): a stays ready
    expect(second.map((e) => e.type)).toEqual(['resumeHeartbeats', 'tick']);
    expect(restarted.nodes()[0]?.status).toBe('ready');
    // a second restart replays both journals: the tick at 550 finds a ready again, as it did
    clock.time = 560;
    const again = AllocationManager.restore(snapshot, { now: () => clock.time, entries: [...first, ...second] });
    expect(again.jobs()).toEqual(restarted.jobs());
    expect(again.nodes()).toEqual(restarted.nodes());
    expect(() => new AllocationManager({ capacity: { cpu: 1 }, now: () => 0 }).resumeHeartbeats()).toThrow(expect.objectContaining({ code: 'HEARTBEATS_OFF' }));
  });

  it('refuses what it cannot do, and changes nothing', () => {
    const plain = new AllocationManager({ capacity: { cpu: 1 }, now: () => 0 });
    expect(errorCode(() => plain.heartbeat('node-1'))).toBe('HEARTBEATS_OFF');
    const entries: unknown[] = [];
    const manager = new AllocationManager({ nodes: [{ id: 'a', capacity: { cpu: 1 } }], now: () => 0, heartbeat: { timeoutMs: 10 }, journal: (entry) => entries.push(entry) });
    const before = JSON.stringify(manager.snapshot());
    expect(errorCode(() => manager.heartbeat('nope'))).toBe('UNKNOWN_NODE');
    expect(errorCode(() => manager.heartbeat(42 as never))).toBe('UNKNOWN_NODE');
    expect(errorCode(() => manager.heartbeat('__proto__'))).toBe('UNKNOWN_NODE');
    expect(JSON.stringify(manager.snapshot())).toBe(before);
    expect(entries).toEqual([]);
    for (const heartbeat of [{ timeoutMs: 0 }, { timeoutMs: 1.5 }, { timeoutMs: -1 }, { timeoutMs: 2 ** 31 }, { timeoutMs: '20s' }, { timeout: 5 }, true, 20_000]) {
      expect(errorCode(() => new AllocationManager({ capacity: { cpu: 1 }, now: () => 0, heartbeat: heartbeat as never })), JSON.stringify(heartbeat)).toBe('INVALID_OPTION');
    }
  });

  it('a snapshot with damaged heartbeat state is refused, naming the field', () => {
    const { manager } = cluster();
    const snapshot = JSON.parse(JSON.stringify(manager.snapshot()));
    const damaged = [
      (s: any) => (s.nodeHealth.nodes[0][0] = 'ghost'),
      (s: any) => (s.nodeHealth.nodes[0][2] = 'soon'),
      (s: any) => (s.nodeHealth.nodes[0][4] = 'offline'),
      (s: any) => s.nodeHealth.nodes[0].pop(),
      (s: any) => (s.nodeHealth.timeoutMs = 0),
      (s: any) => (s.nodeHealth.extra = 1),
    ];
    for (const damage of damaged) {
      const copy = structuredClone(snapshot);
      damage(copy);
      let message = '';
      try {
        AllocationManager.restore(copy, { now: () => 0 });
      } catch (error) {
        expect(isFairpackError(error) && error.code).toBe('INVALID_SNAPSHOT');
        message = (error as Error).message;
      }
      expect(message).toContain('nodeHealth');
    }
    // a snapshot from before heartbeats (no nodeHealth) restores with heartbeats off
    delete snapshot.nodeHealth;
    expect(AllocationManager.restore(snapshot, { now: () => 0 }).metrics().nodes.heartbeat).toBeUndefined();
  });

  it('with its own timer, a silent node goes offline without anybody calling tick()', async () => {
    const manager = new AllocationManager({ nodes: [{ id: 'a', capacity: { cpu: 1 } }], heartbeat: { timeoutMs: 30 } });
    const offline = new Promise<NodeView>((resolve) => manager.once('node:status', (node) => resolve(node)));
    expect((await offline).status).toBe('offline');
    manager.close();
  });
});

describe('drift: heartbeats that say what runs on the node', () => {
  function reconciling() {
    const clock = { time: 0 };
    const manager = new AllocationManager({ nodes: [{ id: 'a', capacity: { cpu: 4 } }, { id: 'b', capacity: { cpu: 4 } }], placement: 'first-fit', now: () => clock.time, heartbeat: { timeoutMs: 10_000 } });
    const drift: unknown[] = [];
    manager.on('node:drift', (event) => drift.push(event));
    return { clock, manager, drift };
  }

  it('an allocation the node leaves out of two heartbeats in a row is released as failed (lost); one reported again starts over', () => {
    const { clock, manager, drift } = reconciling();
    const j1 = manager.submit({ id: 'j1', resources: { cpu: 1 } });
    const j2 = manager.submit({ id: 'j2', resources: { cpu: 1 } });
    const [a1, a2] = [j1, j2].map((r) => (r.status === 'allocated' ? r.allocation.id : ''));
    clock.time = 1_000;
    manager.heartbeat('a', { running: [a1 as string] }); // j2 missing: 1
    clock.time = 2_000;
    manager.heartbeat('a', { running: [a1 as string, a2 as string] }); // j2 back: starts over
    clock.time = 3_000;
    manager.heartbeat('a', { running: [a2 as string] }); // j1 missing: 1
    expect(manager.job('j1')?.status).toBe('running');
    clock.time = 4_000;
    manager.heartbeat('a', { running: [a2 as string] }); // j1 missing: 2 — lost
    expect(manager.job('j1')).toMatchObject({ status: 'failed', reason: 'lost: node a did not report it in 2 heartbeats in a row' });
    expect(manager.job('j2')?.status).toBe('running');
    expect(drift).toEqual([{ nodeId: 'a', lost: [a1], unknown: [] }]);
    expect(manager.metrics().nodes).toMatchObject({ lostAllocations: 1, unknownAllocations: 0 });
    expect(manager.nodes()[0]?.allocated).toEqual({ cpu: 1 });
  });

  it('an allocation the node reports that the scheduler does not have there is reported, never adopted', () => {
    const { manager, drift } = reconciling();
    const j1 = manager.submit({ id: 'j1', resources: { cpu: 1 } }); // on a
    const a1 = j1.status === 'allocated' ? j1.allocation.id : '';
    manager.heartbeat('b', { running: ['ghost', a1] }); // b runs something unknown, and claims a's
    expect(drift).toEqual([{ nodeId: 'b', lost: [], unknown: ['ghost', a1] }]);
    expect(manager.allocations().map((a) => a.id)).toEqual([a1]);
    expect(manager.nodes()[1]?.allocated).toEqual({ cpu: 0 });
    expect(manager.metrics().nodes.unknownAllocations).toBe(2);
  });

  it('is journaled and snapshotted: a replay loses the same allocation at the same heartbeat', () => {
    const entries: JournalEntry[] = [];
    const clock = { time: 0 };
    const manager = new AllocationManager({ nodes: [{ id: 'a', capacity: { cpu: 4 } }], now: () => clock.time, heartbeat: { timeoutMs: 10_000 }, journal: (entry) => entries.push(entry) });
    const snapshot = JSON.parse(JSON.stringify(manager.snapshot()));
    manager.submit({ id: 'j1', resources: { cpu: 1 } });
    manager.heartbeat('a', { running: [] });
    const middle = JSON.parse(JSON.stringify(manager.snapshot()));
    expect(middle.nodeHealth.missed).toEqual([['a', manager.job('j1')?.allocationId, 1]]);
    const fromMiddle = AllocationManager.restore(middle, { now: () => clock.time });
    manager.heartbeat('a', { running: [] });
    fromMiddle.heartbeat('a', { running: [] });
    const replayed = AllocationManager.restore(snapshot, { now: () => clock.time, entries: JSON.parse(JSON.stringify(entries)) });
    for (const other of [fromMiddle, replayed]) expect(other.jobs()).toEqual(manager.jobs());
    expect(manager.job('j1')?.status).toBe('failed');
  });

  it('refuses a report that is not a bounded list of ids, and changes nothing', () => {
    const { manager } = reconciling();
    const before = JSON.stringify(manager.snapshot());
    for (const observed of [{ running: 'a1' }, { running: [''] }, { running: [7] }, { running: ['x'.repeat(1_025)] }, { running: Array.from({ length: 100_001 }, (_, i) => `a${i}`) }, { runing: [] }, 'all']) {
      expect(errorCode(() => manager.heartbeat('a', observed as never)), JSON.stringify(observed).slice(0, 40)).toBe('INVALID_OPTION');
    }
    expect(JSON.stringify(manager.snapshot())).toBe(before);
  });
});
