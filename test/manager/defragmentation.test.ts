import { describe, expect, it } from 'vitest';
import { AllocationManager, type JournalEntry, type MigrationEvent, type PriorityClassSpec } from 'fairpack';
import { refused } from '../support.js';

/*
 * mgr.planDefragmentation() (a read) and mgr.applyDefragmentation(plan) (one journaled, atomic
 * call): the fewest restarts that make room for a request, or that empty whole nodes.
 */

const CLASSES: PriorityClassSpec[] = [
  { name: 'high', value: 100 },
  { name: 'default', value: 0 },
  { name: 'pinned', value: 0, preemptible: false },
  { name: 'young', value: 0, minRuntimeMs: 1_000 },
];

function cluster(nodes: number, extra: Record<string, unknown> = {}) {
  const clock = { time: 0 };
  const journal: JournalEntry[] = [];
  const manager = new AllocationManager({
    nodes: Array.from({ length: nodes }, (_, i) => ({ id: `n${i + 1}`, capacity: { cpu: 4, memory: 16 }, costPerHour: 1 })),
    placement: 'worst-fit',
    priorityClasses: CLASSES,
    now: () => clock.time,
    timers: false,
    journal: (e) => journal.push(JSON.parse(JSON.stringify(e)) as JournalEntry),
    ...extra,
  });
  return { manager, clock, journal };
}

const on = (manager: AllocationManager, jobId: string): string | undefined => manager.allocations().find((a) => a.jobId === jobId)?.placements[0]?.nodeId;

describe('planDefragmentation({ for })', () => {
  it('one move makes room that only exists in total', () => {
    // n1 and n2 (cpu 4) each run a cpu-2 job (worst-fit spreads them): 4 cpus are free in all,
    // but no node has 4. Moving a (n1 → n2) frees n1 whole: one move, fits n1.
    const { manager } = cluster(2);
    manager.submit({ id: 'a', resources: { cpu: 2 } });
    manager.submit({ id: 'b', resources: { cpu: 2 } });
    expect([on(manager, 'a'), on(manager, 'b')]).toEqual(['n1', 'n2']);
    const plan = manager.planDefragmentation({ for: { resources: { cpu: 4 } } });
    expect(plan).toEqual({ moves: [{ jobId: 'a', allocationId: manager.job('a')?.allocationId, from: 'n1', to: 'n2' }], fits: 'n1' });
  });

  it('no move when the request fits now; a reason when no plan within maxMoves does', () => {
    const { manager } = cluster(2);
    manager.submit({ id: 'a', resources: { cpu: 3 } });
    // best fit: n1 (1 cpu left) is tighter than n2 (4 left)
    expect(manager.planDefragmentation({ for: { resources: { cpu: 1 } } })).toEqual({ moves: [], fits: 'n1' });
    // n1 runs 3, n2 runs 3: a cpu-4 request needs 3 cpus freed on one node, and the other has
    // only 1 free: no plan
    manager.submit({ id: 'b', resources: { cpu: 3 } });
    const none = manager.planDefragmentation({ for: { resources: { cpu: 4 } } });
    expect(none.fits).toBeNull();
    expect(none.moves).toEqual([]);
    expect(none.reason).toMatch(/no set of at most 10 movable jobs/);
  });

  it('the fewest moves, worked', () => {
    // first-fit, n1 full (s1, s2: cpu 1; L: cpu 2), n2 holds x (cpu 2), n3 holds y (cpu 2) — y
    // is kept off n2 by a selector. Free: 0, 2, 2. A cpu-3 request: on n1, L alone frees 2 (too
    // little), L and s1 free 3 (two moves); on n2, x → n3 frees 4: one move — the plan.
    const { manager } = cluster(3, { placement: 'first-fit' });
    manager.updateNode('n3', { labels: { pool: 'y' } });
    manager.submit({ id: 's1', resources: { cpu: 1 } });
    manager.submit({ id: 's2', resources: { cpu: 1 } });
    manager.submit({ id: 'L', resources: { cpu: 2 } });
    manager.submit({ id: 'x', resources: { cpu: 2 } });
    manager.submit({ id: 'y', resources: { cpu: 2 }, nodeSelector: { pool: 'y' } });
    expect(['s1', 's2', 'L', 'x', 'y'].map((id) => on(manager, id))).toEqual(['n1', 'n1', 'n1', 'n2', 'n3']);
    const plan = manager.planDefragmentation({ for: { resources: { cpu: 3 } } });
    expect(plan.moves.map((m) => `${m.jobId}:${m.from}→${m.to}`)).toEqual(['x:n2→n3']);
    expect(plan.fits).toBe('n2');
    // with n3 out of reach (draining), x has nowhere to go, and n1's two moves (3 cpus) do not
    // fit in n2's 2 free: no plan
    manager.setNodeStatus('n3', 'draining');
    expect(manager.planDefragmentation({ for: { resources: { cpu: 3 } } }).fits).toBeNull();
    // with maxMoves 1, the answer on the full cluster is the same one move
    manager.setNodeStatus('n3', 'ready');
    expect(manager.planDefragmentation({ for: { resources: { cpu: 3 } }, maxMoves: 1 }).moves).toHaveLength(1);
  });

  it('respects priorityAtMost, preemptible classes and minRuntimeMs', () => {
    const { manager, clock } = cluster(2);
    manager.submit({ id: 'a', priority: 'high', resources: { cpu: 2 } });
    manager.submit({ id: 'b', priority: 'high', resources: { cpu: 2 } });
    expect(manager.planDefragmentation({ for: { resources: { cpu: 4 } }, priorityAtMost: 'default' }).fits).toBeNull();
    expect(manager.planDefragmentation({ for: { resources: { cpu: 4 } } }).fits).toBe('n1');
    const pinned = cluster(2);
    pinned.manager.submit({ id: 'a', priority: 'pinned', resources: { cpu: 2 } });
    pinned.manager.submit({ id: 'b', priority: 'pinned', resources: { cpu: 2 } });
    expect(pinned.manager.planDefragmentation({ for: { resources: { cpu: 4 } } }).fits).toBeNull();
    const young = cluster(2);
    young.manager.submit({ id: 'a', priority: 'young', resources: { cpu: 2 } });
    young.manager.submit({ id: 'b', priority: 'young', resources: { cpu: 2 } });
    expect(young.manager.planDefragmentation({ for: { resources: { cpu: 4 } } }).fits).toBeNull();
    young.clock.time = 1_000;
    young.manager.tick();
    expect(young.manager.planDefragmentation({ for: { resources: { cpu: 4 } } }).fits).toBe('n1');
    void clock;
  });
});

describe('planDefragmentation() without a request: empty whole nodes', () => {
  it('the nodes with the fewest jobs go first, onto nodes that keep running', () => {
    // worst-fit: a → n1, b → n2, c → n3, d (cpu 2) → n1 (n1 has 1 + 2). n2 and n3 hold one job
    // each: b → n1 (the tightest fit), c → n1 would not fit (n1: 1 + 2 + 1 = 4, then c needs 1: 5)
    // … the plan checks room move by move: b → n1 fills n1; c then goes to n2? n2 is being
    // emptied, so c stays unless room is found: frees [n2] only, or [n2, n3] with room.
    const { manager } = cluster(3);
    manager.submit({ id: 'a', resources: { cpu: 1 } });
    manager.submit({ id: 'b', resources: { cpu: 1 } });
    manager.submit({ id: 'c', resources: { cpu: 1 } });
    const plan = manager.planDefragmentation();
    expect(plan.frees).toEqual(['n1', 'n3']);
    expect(plan.moves.map((m) => `${m.jobId}:${m.from}→${m.to}`)).toEqual(['a:n1→n2', 'c:n3→n2']);
    expect(manager.planDefragmentation({ maxMoves: 1 }).frees).toEqual(['n1']);
    expect(manager.planDefragmentation({ maxMoves: 0 })).toEqual({ moves: [], frees: [] });
  });
});

describe('applyDefragmentation(plan)', () => {
  it('moves each job to a new allocation on its target, atomically, with a migrated event and a journal entry', () => {
    const { manager, clock, journal } = cluster(2);
    manager.submit({ id: 'a', resources: { cpu: 2 }, ttlMs: 10_000 });
    manager.submit({ id: 'b', resources: { cpu: 2 } });
    const before = manager.job('a');
    clock.time = 500;
    const plan = manager.planDefragmentation({ for: { resources: { cpu: 4 } } });
    const events: MigrationEvent[] = [];
    manager.on('migrated', (event) => events.push(event));
    const entries = journal.length;
    const result = manager.applyDefragmentation(plan);
    expect(journal.length).toBe(entries + 1);
    expect(journal.at(-1)).toMatchObject({ type: 'applyDefragmentation', at: 500, moves: plan.moves });
    const after = manager.job('a');
    expect(result.migrated).toEqual([{ jobId: 'a', from: 'n1', to: 'n2', previousAllocationId: before?.allocationId, allocationId: after?.allocationId }]);
    expect(after?.allocationId).not.toBe(before?.allocationId);
    // a move is a restart: counted, and the job starts again now — but its TTL ends when it did
    expect(after).toMatchObject({ status: 'running', restarts: 1, startedAt: 500, expiresAt: 10_000 });
    expect(events.map((e) => [e.job.id, e.from, e.to, e.previous.id, e.allocation.id])).toEqual([['a', 'n1', 'n2', before?.allocationId, after?.allocationId]]);
    expect(on(manager, 'a')).toBe('n2');
    expect(manager.nodes().map((n) => n.allocationCount)).toEqual([0, 2]);
    // the room made is there: the request now starts on n1
    const big = manager.submit({ id: 'big', resources: { cpu: 4 } });
    expect(big.status === 'allocated' && big.allocation.placements[0]?.nodeId).toBe('n1');
    // the TTL still fires at 10,000 with the new allocation
    clock.time = 10_000;
    expect(manager.tick().expired).toEqual(['a']);
  });

  it('a stale plan is refused with STALE_PLAN and changes nothing', () => {
    const { manager, journal } = cluster(2);
    manager.submit({ id: 'a', resources: { cpu: 2 } });
    manager.submit({ id: 'b', resources: { cpu: 2 } });
    const plan = manager.planDefragmentation({ for: { resources: { cpu: 4 } } });
    const move = plan.moves[0] as (typeof plan.moves)[number];
    for (const stale of [
      { ...move, allocationId: 'gone' }, // not a live allocation
      { ...move, jobId: 'b' }, // not that job's allocation
      { ...move, from: 'n2' }, // the job is not there
      { ...move, to: 'n9' }, // no such node
      { ...move, to: 'n1' }, // not another node
    ]) {
      const snapshot = JSON.stringify(manager.snapshot());
      const count = journal.length;
      const error = refused(() => manager.applyDefragmentation({ moves: [stale] }));
      expect(error.code, JSON.stringify(stale)).toBe('STALE_PLAN');
      expect(error.message).toMatch(/Nothing was moved; plan again/);
      expect(JSON.stringify(manager.snapshot())).toBe(snapshot);
      expect(journal.length).toBe(count);
    }
    // the job ended after the plan was made
    manager.release(manager.job('a')?.allocationId as string);
    expect(refused(() => manager.applyDefragmentation(plan)).code).toBe('STALE_PLAN');
  });

  it('a plan whose second move no longer fits changes nothing, not even the first move', () => {
    const { manager, journal } = cluster(3);
    manager.submit({ id: 'a', resources: { cpu: 1 } });
    manager.submit({ id: 'b', resources: { cpu: 1 } });
    manager.submit({ id: 'c', resources: { cpu: 1 } });
    const plan = manager.planDefragmentation();
    expect(plan.moves).toHaveLength(2);
    // n2, the target of both moves, fills up: the first move would still fit, the second not
    manager.submit({ id: 'fill', resources: { cpu: 2 } });
    expect(on(manager, 'fill')).toBe('n1');
    manager.submit({ id: 'fill2', resources: { cpu: 2 } });
    const target = plan.moves[1]?.to as string;
    const used = manager.nodes().find((n) => n.id === target);
    expect(used?.available['cpu']).toBeLessThan(2);
    const snapshot = JSON.stringify(manager.snapshot());
    const count = journal.length;
    expect(refused(() => manager.applyDefragmentation(plan)).code).toBe('STALE_PLAN');
    expect(JSON.stringify(manager.snapshot())).toBe(snapshot);
    expect(journal.length).toBe(count);
  });

  it('an empty plan is a no-op without a journal entry; a malformed one is INVALID_OPTION', () => {
    const { manager, journal } = cluster(1);
    const count = journal.length;
    expect(manager.applyDefragmentation({ moves: [] })).toEqual({ migrated: [] });
    expect(journal.length).toBe(count);
    for (const bad of [undefined, null, {}, { moves: 'x' }, { moves: [{}] }, { moves: [{ jobId: 'a', allocationId: 'b', from: 'c', to: 5 }] }]) {
      expect(refused(() => manager.applyDefragmentation(bad as never)).code).toBe('INVALID_OPTION');
    }
    expect(refused(() => manager.planDefragmentation({ maxMoves: -1 })).code).toBe('INVALID_OPTION');
    expect(refused(() => manager.planDefragmentation({ maxMoves: 1_001 })).code).toBe('INVALID_OPTION');
    expect(refused(() => manager.planDefragmentation({ priorityAtMost: 'nope' })).code).toBe('UNKNOWN_PRIORITY_CLASS');
    expect(refused(() => manager.planDefragmentation({ for: { resources: { cpu: 1 }, replicas: 2 } })).code).toBe('INVALID_OPTION');
    expect(refused(() => manager.planDefragmentation({ for: { resources: { cpu: -1 } } })).code).toBe('INVALID_RESOURCES');
  });

  it('restore(snapshot, journal) after a defragmentation equals the original', () => {
    const { manager, clock, journal } = cluster(3);
    const snapshot = JSON.parse(JSON.stringify(manager.snapshot()));
    for (const id of ['a', 'b', 'c']) manager.submit({ id, resources: { cpu: 1 }, ttlMs: 5_000 });
    clock.time = 100;
    manager.applyDefragmentation(manager.planDefragmentation());
    manager.submit({ id: 'big', resources: { cpu: 4 } });
    const restored = AllocationManager.restore(snapshot, { now: () => clock.time, entries: journal });
    expect(restored.snapshot()).toEqual(manager.snapshot());
    expect(restored.jobs()).toEqual(manager.jobs());
    expect(restored.costs()).toEqual(manager.costs());
    clock.time = 5_000;
    expect(restored.tick()).toEqual(manager.tick());
    expect(restored.snapshot()).toEqual(manager.snapshot());
  });
});
