import { describe, expect, it } from 'vitest';
import type { NodeSpec } from '../../src/index.js';
import { type RunOptions, runScenario } from '../../src/simulate/engine.js';
import { handScenario } from './support.js';

const OPTIONS: RunOptions = { strategy: 'first-fit', policy: 'fifo', preemption: true, samples: 50, wallClock: () => 0 };

const twoNodes: NodeSpec[] = [{ id: 'n1', capacity: { cpu: 4 } }, { id: 'n2', capacity: { cpu: 2 } }];

describe("the report's new series, on runs worked out by hand", () => {
  it('wait boxes per tenant: nearest-rank quantiles of each group', () => {
    // one 2-cpu node; a holds it 0–10 s; b's jobs arrive at 1, 2, 3, 4 s and run 1 s each, in turn:
    // they start at 10, 11, 12, 13 s, so they wait 9, 9, 9, 9 s — and a waits 0
    const jobs = [{ at: 0, tenant: 'a', cpu: 2, seconds: 10 }, ...[1, 2, 3, 4].map((at) => ({ at, tenant: 'b', cpu: 2, seconds: 1 }))];
    const { series } = runScenario(handScenario([{ id: 'n1', capacity: { cpu: 2 } }], jobs), OPTIONS);
    expect(series.waitBoxes.byTenant['a']).toEqual({ count: 1, p5S: 0, p25S: 0, p50S: 0, p75S: 0, p95S: 0 });
    expect(series.waitBoxes.byTenant['b']).toEqual({ count: 4, p5S: 9, p25S: 9, p50S: 9, p75S: 9, p95S: 9 });
    expect(series.waitBoxes.byPriority['default']?.count).toBe(5);
  });

  it('the node snapshot: at the instant half of the jobs were submitted, or at a given time', () => {
    // 4 jobs: x (3 cpu, 0 s) goes to n1, y (2 cpu, 1 s) to n2 (n1 has 1 left), z (1 cpu, 2 s) to n1
    const jobs = [
      { at: 0, tenant: 'x', cpu: 3, seconds: 100 },
      { at: 1, tenant: 'y', cpu: 2, seconds: 100 },
      { at: 2, tenant: 'z', cpu: 1, seconds: 100 },
      { at: 3, tenant: 'z', cpu: 1, seconds: 100 },
    ];
    const half = runScenario(handScenario(twoNodes, jobs), OPTIONS).series.nodeSnapshot;
    // the 2nd of 4 jobs arrives at 1 s: n1 holds 3/4, n2 2/2
    expect(half).toEqual({ atS: 1, dimensions: ['cpu'], nodes: [{ id: 'n1', used: [0.75], down: false }, { id: 'n2', used: [1], down: false }], waiting: 0 });
    const later = runScenario(handScenario(twoNodes, jobs), { ...OPTIONS, snapshotAfterMs: 2500 }).series.nodeSnapshot;
    // at 2.5 s z's first job fills n1; the second arrives at 3 s
    expect(later?.nodes.map((n) => n.used[0])).toEqual([1, 1]);
    expect(later?.atS).toBe(2.5);
    expect(runScenario(handScenario(twoNodes, jobs), { ...OPTIONS, snapshotAfterMs: 10_000_000 }).series.nodeSnapshot).toBeUndefined();
  });

  it("Jain's index over time is null while fewer than two tenants wait, and cumulative counts never fall", () => {
    // one 2-cpu node held by a for 10 s; b and c each queue a 2-cpu job at 1 s: two tenants wait
    // with dominant share 0 each — Jain's index is undefined for all-zero shares, so null too
    const jobs = [{ at: 0, tenant: 'a', cpu: 2, seconds: 10 }, { at: 1, tenant: 'b', cpu: 2, seconds: 5 }, { at: 1, tenant: 'c', cpu: 2, seconds: 5 }];
    const { series } = runScenario(handScenario([{ id: 'n1', capacity: { cpu: 2 } }], jobs), OPTIONS);
    expect(series.jain.every((v) => v === null)).toBe(true);
    expect(series.jain).toHaveLength(series.timesS.length);
    expect(series.preemptions.every((v) => v === 0)).toBe(true);
    for (const values of [series.preemptions, series.lostWorkHours]) values.forEach((v, i) => expect(v).toBeGreaterThanOrEqual(values[i - 1] ?? 0));
  });
});
