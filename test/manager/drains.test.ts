import { describe, expect, it } from 'vitest';
import { AllocationManager, type InterruptionEvent, type JournalEntry, type NodeStatusChange, isFairpackError } from 'fairpack';

/*
 * Drains and interruptions (issue 15 §2), simulated clock: a drained node takes nothing new and is
 * reported once nothing runs on it; a deadline re-queues what still runs; an interrupted (spot)
 * node warns its jobs, lets the ones that end in time end, and goes offline at the deadline.
 */

function cluster(extra: Record<string, unknown> = {}) {
  const clock = { time: 0 };
  const entries: JournalEntry[] = [];
  const manager = new AllocationManager({
    nodes: [
      { id: 'a', capacity: { cpu: 4 } },
      { id: 'b', capacity: { cpu: 4 } },
    ],
    placement: 'first-fit',
    now: () => clock.time,
    journal: (entry) => entries.push(entry),
    ...extra,
  });
  const log: string[] = [];
  manager.on('node:status', (node, change: NodeStatusChange) => log.push(`status ${node.id} ${change.previous}→${node.status} (${change.reason})`));
  manager.on('node:drained', (node) => log.push(`drained ${node.id}`));
  manager.on('interrupted', (event: InterruptionEvent) => log.push(`interrupted ${event.job.id} on ${event.nodeId} until ${event.deadline}`));
  manager.on('queued', (job) => log.push(`queued ${job.id}: ${job.reason}`));
  return { clock, manager, log, entries };
}

const statusOf = (manager: AllocationManager, id: string): string | undefined => manager.nodes().find((n) => n.id === id)?.status;
const nodeOf = (manager: AllocationManager, jobId: string): string | undefined => manager.allocations().find((a) => a.jobId === jobId)?.placements[0]?.nodeId;

describe('drain', () => {
  it('takes nothing new, lets its jobs run to their end, and reports the node once it is empty', () => {
    const { manager, log } = cluster();
    manager.submit({ id: 'j1', resources: { cpu: 2 } }); // first-fit: a
    expect(manager.drain('a').status).toBe('draining');
    manager.submit({ id: 'j2', resources: { cpu: 1 } }); // a takes nothing new: b
    expect([nodeOf(manager, 'j1'), nodeOf(manager, 'j2')]).toEqual(['a', 'b']);
    expect(manager.metrics().nodes.drained).toEqual([]);
    manager.release(manager.job('j1')?.allocationId as string);
    expect(log).toEqual(['status a ready→draining (drain)', 'drained a']);
    expect(manager.metrics().nodes.drained).toEqual(['a']);
    // a drained node can be removed without force
    expect(manager.removeNode('a').id).toBe('a');
  });

  it('with a deadline, what still runs then waits again, first in line, and starts elsewhere', () => {
    const { clock, manager, log } = cluster();
    manager.submit({ id: 'j1', resources: { cpu: 3 } }); // a: 3 of 4
    manager.submit({ id: 'j2', resources: { cpu: 3 } }); // b: 3 of 4
    manager.drain('b', { deadlineMs: 1_000 });
    manager.release(manager.job('j1')?.allocationId as string); // a is free again
    clock.time = 999;
    manager.tick();
    expect(nodeOf(manager, 'j2')).toBe('b');
    clock.time = 1_000; // the deadline: j2 leaves b and starts on a in the same tick
    manager.tick();
    expect(nodeOf(manager, 'j2')).toBe('a');
    expect(manager.job('j2')?.restarts).toBe(1);
    expect(statusOf(manager, 'b')).toBe('draining');
    expect(log).toEqual(['status b ready→draining (drain)', 'queued j2: node b was drained: its deadline passed', 'drained b']);
  });

  it('set ready by hand ends the drain: its deadline no longer applies', () => {
    const { clock, manager } = cluster();
    manager.submit({ id: 'j1', resources: { cpu: 2 } });
    manager.drain('a', { deadlineMs: 100 });
    manager.setNodeStatus('a', 'ready');
    clock.time = 500;
    manager.tick();
    expect([nodeOf(manager, 'j1'), manager.job('j1')?.restarts]).toEqual(['a', undefined]);
  });
});

describe('interruptNode', () => {
  it('warns every job, lets those that end in time end, and at the deadline goes offline and re-queues the rest', () => {
    const { clock, manager, log } = cluster({ heartbeat: { timeoutMs: 200_000 } });
    manager.submit({ id: 'j1', resources: { cpu: 1 } }); // a
    manager.submit({ id: 'j2', resources: { cpu: 1 } }); // a
    clock.time = 10_000;
    manager.interruptNode('a', { noticeMs: 120_000 }); // the two-minute notice: deadline 130,000
    expect(statusOf(manager, 'a')).toBe('draining');
    clock.time = 20_000;
    manager.heartbeat('b');
    manager.release(manager.job('j1')?.allocationId as string); // j1 checkpointed and ended in time
    expect(manager.job('j1')?.status).toBe('completed');
    clock.time = 130_000;
    manager.heartbeat('b');
    manager.tick();
    expect([statusOf(manager, 'a'), nodeOf(manager, 'j2'), manager.job('j2')?.restarts]).toEqual(['offline', 'b', 1]);
    expect(log).toEqual([
      'status a ready→draining (interrupted)',
      'interrupted j1 on a until 130000',
      'interrupted j2 on a until 130000',
      'status a draining→offline (interrupted)',
      'queued j2: node a was interrupted (spot reclaim): its notice ran out',
    ]);
    // the instance is gone: its agent's heartbeat does not bring it back
    expect(manager.heartbeat('a').status).toBe('offline');
  });

  it('with no notice the node goes offline at once', () => {
    const { manager } = cluster();
    manager.submit({ id: 'j1', resources: { cpu: 1 } });
    expect(manager.interruptNode('a', { noticeMs: 0 }).status).toBe('offline');
    expect(nodeOf(manager, 'j1')).toBe('b');
  });
});

describe('drains and interruptions are state', () => {
  it('journaled and snapshotted: a restored manager ends them at the same times', () => {
    const { clock, manager, entries } = cluster();
    const snapshot = JSON.parse(JSON.stringify(manager.snapshot()));
    manager.submit({ id: 'j1', resources: { cpu: 2 } });
    manager.submit({ id: 'j2', resources: { cpu: 3 } });
    manager.drain('a', { deadlineMs: 50 });
    manager.interruptNode('b', { noticeMs: 80 });
    const middle = JSON.parse(JSON.stringify(manager.snapshot()));
    expect(middle.drains).toEqual([['a', 50, 'draining', false], ['b', 80, 'offline', false]]);
    const replayed = AllocationManager.restore(snapshot, { now: () => clock.time, entries: JSON.parse(JSON.stringify(entries)) });
    const restored = AllocationManager.restore(middle, { now: () => clock.time });
    for (const other of [replayed, restored]) expect(other.snapshot().drains).toEqual(middle.drains);
    clock.time = 100;
    for (const m of [manager, replayed, restored]) m.tick();
    expect(replayed.jobs()).toEqual(manager.jobs());
    expect(restored.jobs()).toEqual(manager.jobs());
    expect(restored.nodes()).toEqual(manager.nodes());
    expect(manager.nodes().map((n) => n.status)).toEqual(['draining', 'offline']);
  });

  it('refuses bad arguments with typed errors, and changes nothing', () => {
    const { manager, entries } = cluster();
    const before = JSON.stringify(manager.snapshot());
    const attempts: [() => unknown, string][] = [
      [() => manager.drain('nope'), 'UNKNOWN_NODE'],
      [() => manager.drain('a', { deadlineMs: -1 }), 'INVALID_OPTION'],
      [() => manager.drain('a', { deadlineMs: 1.5 }), 'INVALID_OPTION'],
      [() => manager.drain('a', { deadline: 5 } as never), 'INVALID_OPTION'],
      [() => manager.interruptNode('a', undefined as never), 'INVALID_OPTION'],
      [() => manager.interruptNode('a', { noticeMs: Infinity }), 'INVALID_OPTION'],
      [() => manager.interruptNode('__proto__', { noticeMs: 5 }), 'UNKNOWN_NODE'],
    ];
    for (const [attempt, code] of attempts) {
      let error: unknown;
      try {
        attempt();
      } catch (caught) {
        error = caught;
      }
      expect(isFairpackError(error) && error.code, String(attempt)).toBe(code);
    }
    expect(JSON.stringify(manager.snapshot())).toBe(before);
    expect(entries).toEqual([]);
  });
});
