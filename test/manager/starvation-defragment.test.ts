import { describe, expect, it } from 'vitest';
import { AllocationManager, type JournalEntry, type MigrationEvent } from 'fairpack';
import { refused } from '../support.js';

/*
 * `starvation: { defragment: true }`: a large job that waited past the starvation bound gets the
 * fewest moves of running jobs that make room for it, instead of a node's room held until enough
 * frees by itself.
 */

function cluster(defragment: boolean) {
  const clock = { time: 0 };
  const journal: JournalEntry[] = [];
  const manager = new AllocationManager({
    nodes: [{ id: 'n1', capacity: { cpu: 4 } }, { id: 'n2', capacity: { cpu: 4 } }],
    placement: 'worst-fit',
    starvation: { afterMs: 1_000, defragment },
    now: () => clock.time,
    timers: false,
    journal: (e) => journal.push(JSON.parse(JSON.stringify(e)) as JournalEntry),
  });
  // a (cpu 2) on n1, b (cpu 2) on n2: 4 cpus free in all, 2 per node; big (cpu 4) waits
  manager.submit({ id: 'a', resources: { cpu: 2 } });
  manager.submit({ id: 'b', resources: { cpu: 2 } });
  manager.submit({ id: 'big', resources: { cpu: 4 } });
  return { manager, clock, journal };
}

describe('starvation: { defragment: true }', () => {
  it('moves one job for the starving head, which starts at once', () => {
    const { manager, clock } = cluster(true);
    const events: MigrationEvent[] = [];
    manager.on('migrated', (event) => events.push(event));
    clock.time = 999;
    manager.tick();
    expect(manager.job('big')?.status).toBe('queued'); // not starving yet
    clock.time = 1_000;
    manager.tick();
    // a: n1 → n2 frees n1 whole; big starts there in the same call
    expect(events.map((e) => [e.job.id, e.from, e.to])).toEqual([['a', 'n1', 'n2']]);
    expect(manager.job('big')).toMatchObject({ status: 'running', startedAt: 1_000 });
    expect(manager.allocations().find((x) => x.jobId === 'big')?.placements[0]?.nodeId).toBe('n1');
    expect(manager.job('a')).toMatchObject({ status: 'running', restarts: 1 });
    expect(manager.reservations()).toEqual([]);
  });

  it('without it, the head holds a node’s room and waits', () => {
    const { manager, clock } = cluster(false);
    clock.time = 1_000;
    manager.tick();
    expect(manager.job('big')?.status).toBe('queued');
    expect(manager.reservations()).toMatchObject([{ jobId: 'big', reason: 'starvation' }]);
  });

  it('moves only jobs of the head’s class or lower; else it reserves as before', () => {
    const clock = { time: 0 };
    const manager = new AllocationManager({ nodes: [{ id: 'n1', capacity: { cpu: 4 } }, { id: 'n2', capacity: { cpu: 4 } }], placement: 'worst-fit', starvation: { afterMs: 1_000, defragment: true }, now: () => clock.time, timers: false });
    manager.submit({ id: 'a', priority: 'high', resources: { cpu: 2 } });
    manager.submit({ id: 'b', priority: 'high', resources: { cpu: 2 } });
    manager.submit({ id: 'big', priority: 'low', resources: { cpu: 4 } });
    clock.time = 1_000;
    manager.tick();
    expect(manager.job('a')?.restarts).toBeUndefined();
    expect(manager.reservations()).toMatchObject([{ jobId: 'big', reason: 'starvation' }]);
  });

  it('is kept by snapshots, replayed from the journal, and checked as an option', () => {
    const { manager, clock, journal } = cluster(true);
    const snapshot = JSON.parse(JSON.stringify(manager.snapshot()));
    expect(snapshot.config.starvation).toEqual({ afterMs: 1_000, defragment: true });
    const seq = snapshot.seq;
    clock.time = 1_000;
    manager.tick();
    const restored = AllocationManager.restore(snapshot, { now: () => clock.time, entries: journal.filter((e) => e.seq > seq) });
    expect(restored.snapshot()).toEqual(manager.snapshot());
    expect(restored.job('big')?.status).toBe('running');
    expect(refused(() => new AllocationManager({ capacity: { cpu: 1 }, starvation: { afterMs: 1, defragment: 'yes' as never } })).code).toBe('INVALID_OPTION');
    expect(refused(() => new AllocationManager({ capacity: { cpu: 1 }, starvation: { afterMs: 1, defrag: true } as never })).code).toBe('INVALID_OPTION');
  });
});
