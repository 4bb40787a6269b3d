import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AllocationManager, type JournalEntry, type NodeTypeSpec } from 'fairpack';
import { refused } from '../support.js';

/*
 * scalingAdvice({ scaleUp: { waitTargetMs } }): new nodes only for the jobs the nodes there are
 * would not start within the target — by the room running jobs give back at their
 * estimatedRuntimeMs or TTL (docs/costs-and-scaling.md#a-wait-target). Prices: $1/h = 1,000,000 µ/h.
 */

const MINUTE = 60_000;
const SMALL: NodeTypeSpec = { name: 'small', capacity: { cpu: 4 }, costPerHour: 1 };

/** One node n1 { cpu 4 } at $1/h; the clock starts at 0 and moves by hand. */
function cluster(nodes: { id: string; capacity: Record<string, number>; costPerHour?: number }[] = [{ id: 'n1', capacity: { cpu: 4 }, costPerHour: 1 }]) {
  const clock = { time: 0 };
  const journal: JournalEntry[] = [];
  const manager = new AllocationManager({ nodes, now: () => clock.time, timers: false, journal: (e) => journal.push(e) });
  manager.tick();
  return { manager, clock, journal };
}

const advise = (manager: AllocationManager, waitTargetMs?: number) =>
  manager.scalingAdvice({ nodeTypes: [SMALL], scaleDown: false, ...(waitTargetMs === undefined ? {} : { scaleUp: { waitTargetMs } }) });

describe('scalingAdvice: a wait target (scaleUp.waitTargetMs)', () => {
  it('buys nothing for a job that room coming back will start within the target', () => {
    // a (cpu 4, 10 min) runs on n1 from 0; b (cpu 4, 10 min) waits from 0.
    // Target 15 min: b's deadline is 0 + 15 = 15 min; a gives n1 back at 0 + 10 = 10 min ≤ 15:
    // b is expected at 10 min on n1 — nothing to buy, the price stays 1,000,000 µ/h.
    const { manager } = cluster();
    manager.submit({ id: 'a', resources: { cpu: 4 }, estimatedRuntimeMs: 10 * MINUTE });
    manager.submit({ id: 'b', resources: { cpu: 4 }, estimatedRuntimeMs: 10 * MINUTE });
    const advice = advise(manager, 15 * MINUTE);
    expect(advice.add).toEqual([]);
    expect(advice.expectedStarts).toEqual([{ jobId: 'b', at: 10 * MINUTE }]);
    expect(advice.cost).toEqual({ before: 1_000_000, after: 1_000_000, unit: 'micro' });
    // without a target (the default, and 0): one small for b at once, 1,000,000 → 2,000,000
    for (const target of [undefined, 0]) {
      const untargeted = advise(manager, target);
      expect(untargeted.add).toEqual([{ type: 'small', count: 1, for: ['b'] }]);
      expect(untargeted.expectedStarts).toEqual([]);
      expect(untargeted.cost.after).toBe(2_000_000);
    }
  });

  it('buys at once for a job the room would start only after the target', () => {
    // Same cluster, target 5 min: b's deadline 5 min < a's end at 10 min → small × 1 for b now,
    // not after b has waited 5 minutes (the projection already says it would wait 10).
    const { manager } = cluster();
    manager.submit({ id: 'a', resources: { cpu: 4 }, estimatedRuntimeMs: 10 * MINUTE });
    manager.submit({ id: 'b', resources: { cpu: 4 }, estimatedRuntimeMs: 10 * MINUTE });
    const advice = advise(manager, 5 * MINUTE);
    expect(advice.add).toEqual([{ type: 'small', count: 1, for: ['b'] }]);
    expect(advice.expectedStarts).toEqual([]);
  });

  it('counts room the projected jobs give back in turn (a queue served one after another)', () => {
    // a runs 0–10 min; b and c (cpu 4, 10 min each) wait from 0.
    // Projection: b starts at 10 (a's room), ends at 20; c starts at 20 (b's room).
    // Target 25 min: both by their deadline (25) → nothing bought.
    // Target 15 min: b at 10 ≤ 15, c at 20 > 15 → one small, for c only.
    const { manager } = cluster();
    for (const id of ['a', 'b', 'c']) manager.submit({ id, resources: { cpu: 4 }, estimatedRuntimeMs: 10 * MINUTE });
    const patient = advise(manager, 25 * MINUTE);
    expect(patient.add).toEqual([]);
    expect(patient.expectedStarts).toEqual([{ jobId: 'b', at: 10 * MINUTE }, { jobId: 'c', at: 20 * MINUTE }]);
    const hurried = advise(manager, 15 * MINUTE);
    expect(hurried.add).toEqual([{ type: 'small', count: 1, for: ['c'] }]);
    expect(hurried.expectedStarts).toEqual([{ jobId: 'b', at: 10 * MINUTE }]);
  });

  it('a TTL is an end the manager can count on; a job without an estimate or a TTL runs on', () => {
    // a has a TTL of 10 min (expires at 10 min): b (target 15 min) is expected at 10 → nothing bought.
    const ttl = cluster();
    ttl.manager.submit({ id: 'a', resources: { cpu: 4 }, ttlMs: 10 * MINUTE });
    ttl.manager.submit({ id: 'b', resources: { cpu: 4 } });
    expect(advise(ttl.manager, 15 * MINUTE)).toMatchObject({ add: [], expectedStarts: [{ jobId: 'b', at: 10 * MINUTE }] });
    // a has neither: nothing is known to come back, so the target cannot be shown to hold → buy
    const unknown = cluster();
    unknown.manager.submit({ id: 'a', resources: { cpu: 4 } });
    unknown.manager.submit({ id: 'b', resources: { cpu: 4 } });
    expect(advise(unknown.manager, 15 * MINUTE).add).toEqual([{ type: 'small', count: 1, for: ['b'] }]);
  });

  it('over time: a job that has waited its target, or whose room is late, is bought for', () => {
    // a (cpu 4) estimated 10 min, still running at 12 min (past its estimate): the estimate says
    // nothing more, so a is expected to run as long again as it has run (Gott's rule: the median
    // guess from its age), to 12 + 12 = 24 min. b waits from 0. At 5 min b is expected at 10
    // (nothing to buy); at 12 min b is expected at 24 with a target of 60 min (deadline 60),
    // but 24 > 20 with a target of 20 min → small × 1 for b.
    const { manager, clock } = cluster();
    manager.submit({ id: 'a', resources: { cpu: 4 }, estimatedRuntimeMs: 10 * MINUTE });
    manager.submit({ id: 'b', resources: { cpu: 4 } });
    clock.time = 5 * MINUTE;
    manager.tick();
    expect(advise(manager, 60 * MINUTE)).toMatchObject({ add: [], expectedStarts: [{ jobId: 'b', at: 10 * MINUTE }] });
    clock.time = 12 * MINUTE;
    manager.tick();
    expect(advise(manager, 60 * MINUTE)).toMatchObject({ add: [], expectedStarts: [{ jobId: 'b', at: 24 * MINUTE }] });
    expect(advise(manager, 20 * MINUTE).add).toEqual([{ type: 'small', count: 1, for: ['b'] }]);
    // the guess never holds a job past its target: once b has waited it (60 min), b is bought for
    clock.time = 60 * MINUTE;
    manager.tick();
    expect(advise(manager, 60 * MINUTE).add).toEqual([{ type: 'small', count: 1, for: ['b'] }]);
    // `now` moves the deadlines' reference, not the jobs' queue times: b entered at 0, so with a
    // 10-minute target its deadline (10 min) has passed at 12 min whatever room comes back
    const late = cluster();
    late.manager.submit({ id: 'a', resources: { cpu: 4 }, estimatedRuntimeMs: 20 * MINUTE });
    late.manager.submit({ id: 'b', resources: { cpu: 4 } });
    expect(late.manager.scalingAdvice({ nodeTypes: [SMALL], scaleDown: false, scaleUp: { waitTargetMs: 30 * MINUTE } }).add).toEqual([]);
    expect(late.manager.scalingAdvice({ nodeTypes: [SMALL], scaleDown: false, scaleUp: { waitTargetMs: 10 * MINUTE }, now: 12 * MINUTE }).add).toEqual([{ type: 'small', count: 1, for: ['b'] }]);
  });

  it('room expected later is not free now: consolidation still sees today\'s room', () => {
    // n1 { cpu 4 }: a (cpu 4, 10 min). n2 { cpu 2 }: c (cpu 0.5), 25 % used — a consolidation
    // candidate. b (cpu 2) waits (n2 has 1.5 left); target 15 min: b expected on n1 at 10.
    // Nothing is bought, so consolidation is considered: c could only move to n1, which is full
    // now (the 2 cpus the projection gave b's wait are not free today) → no removal.
    const { manager } = cluster([{ id: 'n1', capacity: { cpu: 4 }, costPerHour: 1 }, { id: 'n2', capacity: { cpu: 2 }, costPerHour: 1 }]);
    manager.submit({ id: 'a', resources: { cpu: 4 }, estimatedRuntimeMs: 10 * MINUTE });
    manager.submit({ id: 'c', resources: { cpu: 0.5 } });
    manager.submit({ id: 'b', resources: { cpu: 2 } });
    const advice = manager.scalingAdvice({ nodeTypes: [SMALL], cooldownMs: 0, scaleDown: { utilisationBelow: 0.5 }, scaleUp: { waitTargetMs: 15 * MINUTE } });
    expect(advice.add).toEqual([]);
    expect(advice.expectedStarts).toEqual([{ jobId: 'b', at: 10 * MINUTE }]);
    expect(advice.remove).toEqual([]);
  });

  it('follows at most 2,000 waiting jobs; the rest count as late (bounded work)', () => {
    // n1 (cpu 1) runs a (1 min); 2,001 one-second cpu-1 jobs wait. With a 1-hour target the
    // projection serves them one after another from 1 min on (the k-th at 60 + k − 1 s): the first
    // 2,000 are expected, the 2,001st is not followed and gets a node.
    const { manager } = cluster([{ id: 'n1', capacity: { cpu: 1 }, costPerHour: 1 }]);
    manager.submit({ id: 'a', resources: { cpu: 1 }, estimatedRuntimeMs: MINUTE });
    for (let i = 0; i < 2_001; i++) manager.submit({ id: `q${i}`, resources: { cpu: 1 }, estimatedRuntimeMs: 1_000 });
    const advice = manager.scalingAdvice({ nodeTypes: [{ name: 'c1', capacity: { cpu: 1 }, costPerHour: 1 }], scaleDown: false, scaleUp: { waitTargetMs: 60 * MINUTE } });
    expect(advice.expectedStarts).toHaveLength(2_000);
    expect(advice.expectedStarts.at(-1)).toEqual({ jobId: 'q1999', at: MINUTE + 1_999_000 });
    expect(advice.add).toEqual([{ type: 'c1', count: 1, for: ['q2000'] }]);
  });

  it('is a read: no state change, no journal entry, no clock reading', () => {
    let reads = 0;
    const clock = { time: 0 };
    const journal: JournalEntry[] = [];
    const manager = new AllocationManager({ nodes: [{ id: 'n1', capacity: { cpu: 4 }, costPerHour: 1 }], now: () => (reads++, clock.time), timers: false, journal: (e) => journal.push(e) });
    for (const id of ['a', 'b', 'c']) manager.submit({ id, resources: { cpu: 4 }, estimatedRuntimeMs: 10 * MINUTE });
    const before = JSON.stringify(manager.snapshot());
    const [entries, readsBefore] = [journal.length, reads];
    manager.scalingAdvice({ nodeTypes: [SMALL], scaleUp: { waitTargetMs: 15 * MINUTE } });
    expect(reads).toBe(readsBefore);
    expect(journal.length).toBe(entries);
    expect(JSON.stringify(manager.snapshot())).toBe(before);
  });

  it('bad targets throw INVALID_OPTION, say what was expected, and change nothing', () => {
    const { manager, journal } = cluster();
    const entries = journal.length;
    for (const bad of [{ waitTargetMs: -1 }, { waitTargetMs: Number.NaN }, { waitTargetMs: '10m' }, { waitTargetMs: 8 * 24 * 60 * MINUTE }, { waitTargetMs: 1, typo: 1 }, 5, null, []]) {
      const error = refused(() => manager.scalingAdvice({ nodeTypes: [SMALL], scaleUp: bad as never }));
      expect(error.code, JSON.stringify(bad)).toBe('INVALID_OPTION');
      expect(error.message).toMatch(/Expected|Unknown/);
    }
    expect(journal.length).toBe(entries);
  });
});

describe('scalingAdvice: wait target properties', () => {
  // random clusters of 1–3 nodes, 0–8 jobs of cpu 1–4 with estimates, random queue times
  const scenario = fc.record({
    nodes: fc.array(fc.integer({ min: 2, max: 6 }), { minLength: 1, maxLength: 3 }),
    jobs: fc.array(fc.record({ cpu: fc.integer({ min: 1, max: 4 }), minutes: fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }), at: fc.integer({ min: 0, max: 20 }) }), { maxLength: 8 }),
    target: fc.integer({ min: 0, max: 60 }),
    advanceTo: fc.integer({ min: 20, max: 40 }),
  });

  it('every waiting job is provided for exactly once, expected starts keep their deadlines, and a target never buys more', () => {
    fc.assert(
      fc.property(scenario, ({ nodes, jobs, target, advanceTo }) => {
        const { manager, clock } = cluster(nodes.map((cpu, i) => ({ id: `n${i}`, capacity: { cpu }, costPerHour: 1 })));
        const queuedAt = new Map<string, number>();
        [...jobs].sort((a, b) => a.at - b.at).forEach((job, i) => {
          clock.time = job.at * MINUTE;
          const id = `j${i}`;
          const result = manager.submit({ id, resources: { cpu: job.cpu }, ...(job.minutes === undefined ? {} : { estimatedRuntimeMs: job.minutes * MINUTE }) });
          if (result.status === 'queued') queuedAt.set(id, job.at * MINUTE);
        });
        clock.time = advanceTo * MINUTE;
        manager.tick();
        const now = advanceTo * MINUTE;
        const waiting = [...queuedAt.keys()].filter((id) => manager.job(id)?.status === 'queued');
        const withTarget = advise(manager, target * MINUTE);
        const without = advise(manager);
        const bought = withTarget.add.flatMap((a) => a.for);
        const expected = withTarget.expectedStarts.map((e) => e.jobId);
        const unschedulable = withTarget.unschedulable.map((u) => u.jobId);
        // disjoint, and within the waiting jobs
        const all = [...bought, ...expected, ...unschedulable];
        expect(new Set(all).size).toBe(all.length);
        for (const id of all) expect(waiting).toContain(id);
        // each expected start is at or after now and by its deadline (queued time + target)
        for (const { jobId, at } of withTarget.expectedStarts) {
          expect(at).toBeGreaterThanOrEqual(now);
          expect(at).toBeLessThanOrEqual((queuedAt.get(jobId) as number) + target * MINUTE);
        }
        // what a target buys for is a subset of what no target buys for; on these small
        // instances the packing is optimal, so it costs no more
        const boughtWithout = new Set(without.add.flatMap((a) => a.for));
        for (const id of bought) expect(boughtWithout.has(id)).toBe(true);
        if (withTarget.search.optimal && without.search.optimal) expect(withTarget.cost.after).toBeLessThanOrEqual(without.cost.after);
        if (target === 0) expect(withTarget).toEqual(without);
      }),
      { numRuns: 200 },
    );
  });
});
