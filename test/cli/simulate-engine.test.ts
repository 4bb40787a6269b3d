import { describe, expect, it } from 'vitest';
import type { NodeSpec } from '../../src/index.js';
import { runScenario as simulate, type RunOptions } from '../../src/simulate/engine.js';
import { Random } from '../../src/simulate/random.js';
import type { Scenario } from '../../src/simulate/scenario.js';
import { Timeline } from '../../src/simulate/timeline.js';
import { syntheticCluster, syntheticScenario } from '../../src/simulate/workload.js';
import { handScenario, withoutTiming } from '../simulate/support.js';

const OPTIONS: RunOptions = { strategy: 'best-fit', policy: 'drf', preemption: true, samples: 50, wallClock: () => 0 };

const oneNode: NodeSpec[] = [{ id: 'n1', capacity: { cpu: 2, memory: 4 } }];

describe('simulate: the measures, on runs worked out by hand', () => {
  it('waits, makespan, utilisation, packing and stranded capacity', () => {
    // A holds the whole node for 10 s; B arrives at 1 s and waits until 10 s, runs 5 s.
    const { result } = simulate(
      handScenario(oneNode, [
        { at: 0, tenant: 'a', cpu: 2, memory: 4, seconds: 10 },
        { at: 1, tenant: 'b', cpu: 2, memory: 2, seconds: 5 },
      ]),
      OPTIONS,
    );
    expect(result.jobs).toEqual({ submitted: 2, completed: 2, rejected: 0, unfinished: 0 });
    expect(result.makespanS).toBe(15);
    // waits 0 and 9 s: mean 4.5; nearest-rank p95 of two values is the larger
    expect(result.wait).toMatchObject({ count: 2, meanS: 4.5, p95S: 9, maxS: 9 });
    expect(result.wait.byTenant).toEqual({ a: { count: 1, meanS: 0, p95S: 0, maxS: 0 }, b: { count: 1, meanS: 9, p95S: 9, maxS: 9 } });
    expect(Object.keys(result.wait.byPriority)).toEqual(['default']);
    // cpu: (2·10 + 2·5) / (2·15) = 1; memory: (4·10 + 2·5) / (4·15) = 50/60
    expect(result.utilisation).toEqual({ cpu: 1, memory: 0.833333 });
    // node fill: A (1 + 1)/2 = 1 for 10 s, B (1 + 0.5)/2 = 0.75 for 5 s → (10 + 3.75) / 15
    expect(result.packingEfficiency).toBe(0.916667);
    // while B runs, 2 of 4 memory are free but no job shape fits (no cpu left): 0.5 · 5/15
    expect(result.strandedCapacity).toEqual({ cpu: 0, memory: 0.166667 });
    // only one tenant ever had jobs waiting
    expect(result.jainIndex).toBeNull();
    expect(result).toMatchObject({ preemptions: 0, restarts: 0, lostWorkHours: 0, nodeFailures: 0, decisions: 2 });
  });

  it('a failed node: its job waits for the repair and runs again from zero', () => {
    const scenario: Scenario = { ...handScenario(oneNode, [{ at: 0, cpu: 2, seconds: 10 }]), failures: [{ at: 4000, nodeId: 'n1', downForMs: 3000 }] };
    const { result } = simulate(scenario, OPTIONS);
    // runs 0–4 s (lost), waits 4–7 s, runs again 7–17 s
    expect(result).toMatchObject({ nodeFailures: 1, restarts: 1, makespanS: 17, lostWorkHours: Number((4 / 3600).toPrecision(6)) });
    expect(result.wait.meanS).toBe(3);
    expect(result.jobs.completed).toBe(1);
  });

  it('preemption: a high-priority job evicts a low one, which restarts later; off, it waits', () => {
    const jobs = [
      { at: 0, tenant: 'a', priority: 'low', cpu: 2, seconds: 100 },
      { at: 10, tenant: 'b', priority: 'high', cpu: 2, seconds: 10 },
    ];
    const on = simulate(handScenario(oneNode, jobs), OPTIONS).result;
    expect(on).toMatchObject({ preemptions: 1, restarts: 1, lostWorkHours: Number((10 / 3600).toPrecision(6)) });
    expect(on.wait.byTenant['b']?.meanS).toBe(0); // the victim stops at once
    expect(on.jobs.completed).toBe(2);
    const off = simulate(handScenario(oneNode, jobs), { ...OPTIONS, preemption: false }).result;
    expect(off).toMatchObject({ preemptions: 0, restarts: 0, makespanS: 110 });
    expect(off.wait.byTenant['b']?.meanS).toBe(90);
  });

  it('counts jobs no node can hold as rejected, and deadlines that passed before the start', () => {
    const { result } = simulate(
      handScenario(oneNode, [
        { at: 0, cpu: 2, seconds: 10 },
        { at: 1, cpu: 64, seconds: 10 },
        { at: 2, cpu: 1, seconds: 1, deadline: 5 },
        { at: 2, cpu: 1, seconds: 1, deadline: 30 },
      ]),
      OPTIONS,
    );
    expect(result.jobs).toEqual({ submitted: 4, completed: 3, rejected: 1, unfinished: 0 });
    expect(result.deadlines).toEqual({ total: 2, missed: 1 });
  });

  it('passes the tenants option to the manager: a job past its tenant’s quota is rejected', () => {
    const { result } = simulate(
      handScenario(oneNode, [
        { at: 0, tenant: 'a', cpu: 1, seconds: 10 },
        { at: 1, tenant: 'a', cpu: 1, seconds: 10 },
        { at: 2, tenant: 'b', cpu: 1, seconds: 10 },
      ]),
      { ...OPTIONS, tenants: { a: { quota: { cpu: 1 } } } },
    );
    expect(result.jobs).toEqual({ submitted: 3, completed: 2, rejected: 1, unfinished: 0 });
  });

  it('Jain’s index is 1 for equal shares of backlogged tenants and lower for unequal ones', () => {
    const nodes: NodeSpec[] = [{ id: 'n1', capacity: { cpu: 4 } }];
    // a and b each hold 2 cpu while both have a job waiting
    const equal = simulate(
      handScenario(nodes, [
        { at: 0, tenant: 'a', cpu: 2, seconds: 10 },
        { at: 0, tenant: 'b', cpu: 2, seconds: 10 },
        { at: 1, tenant: 'a', cpu: 2, seconds: 10 },
        { at: 1, tenant: 'b', cpu: 2, seconds: 10 },
      ]),
      { ...OPTIONS, policy: 'fifo' },
    ).result;
    expect(equal.jainIndex).toBe(1);
    // a holds 3 cpu, b 1, both waiting: (0.75 + 0.25)² / (2 · (0.5625 + 0.0625)) = 0.8
    const unequal = simulate(
      handScenario(nodes, [
        { at: 0, tenant: 'a', cpu: 3, seconds: 10 },
        { at: 0, tenant: 'b', cpu: 1, seconds: 10 },
        { at: 1, tenant: 'a', cpu: 3, seconds: 10 },
        { at: 1, tenant: 'b', cpu: 2, seconds: 10 },
      ]),
      { ...OPTIONS, policy: 'fifo' },
    ).result;
    expect(unequal.jainIndex).toBe(0.8);
  });
});

describe('simulate: determinism and scale', () => {
  const scenario = (seed: number): Scenario => syntheticScenario({ seed, jobs: 400, nodes: syntheticCluster(12), load: 1, nodeFailures: 2, repairMs: 300_000 });

  it('the same seed gives identical results and series; another seed does not', () => {
    for (const strategy of ['first-fit', 'worst-fit'] as const) {
      const a = simulate(scenario(7), { ...OPTIONS, strategy });
      const b = simulate(scenario(7), { ...OPTIONS, strategy, wallClock: () => performance.now() });
      expect(withoutTiming(b)).toEqual(withoutTiming(a));
      expect(JSON.stringify(withoutTiming(b))).toBe(JSON.stringify(withoutTiming(a)));
    }
    expect(withoutTiming(simulate(scenario(8), OPTIONS)).result).not.toEqual(withoutTiming(simulate(scenario(7), OPTIONS)).result);
  });

  it('every job is accounted for, and the figures stay in range', () => {
    const { result, series } = simulate(scenario(3), OPTIONS);
    expect(result.jobs.submitted).toBe(400);
    expect(result.jobs.completed + result.jobs.rejected + result.jobs.unfinished).toBe(400);
    expect(result.jobs.unfinished).toBe(0);
    expect(result.nodeFailures).toBe(2);
    for (const value of [...Object.values(result.utilisation), ...Object.values(result.strandedCapacity), result.packingEfficiency]) {
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThanOrEqual(1);
    }
    expect(result.wait.p95S).toBeGreaterThanOrEqual(0);
    expect(result.wait.maxS).toBeGreaterThanOrEqual(result.wait.p95S);
    // between `samples` and twice as many buckets, and a monotone CDF
    expect(series.timesS.length).toBeGreaterThanOrEqual(50);
    expect(series.timesS.length).toBeLessThanOrEqual(100);
    expect(series.waitQuantilesS).toHaveLength(201);
    expect([...series.waitQuantilesS].sort((x, y) => x - y)).toEqual(series.waitQuantilesS);
    expect(series.shares.map((s) => s.tenant)).toEqual(['ci', 'batch', 'analytics', 'ml']);
  });

  it('reads the wall clock only for the timing figures, and reports progress', () => {
    let clock = 0;
    const fractions: number[] = [];
    const run = simulate(syntheticScenario({ seed: 1, jobs: 3000, nodes: syntheticCluster(20), load: 0.9, nodeFailures: 0, repairMs: 1 }), {
      ...OPTIONS,
      wallClock: () => (clock += 1000),
      onProgress: (fraction) => fractions.push(fraction),
    });
    expect(run.result.timing).toEqual({ wallMs: 1000, decisionsPerSecond: run.result.decisions });
    expect(fractions.length).toBeGreaterThan(0);
    expect(fractions.every((f) => f >= 0 && f <= 1)).toBe(true);
  });

  it('the synthetic workload is made lazily: a generator, not an array', () => {
    const jobs = syntheticScenario({ seed: 1, jobs: 200_000, nodes: syntheticCluster(100), load: 1, nodeFailures: 0, repairMs: 1 }).jobs();
    expect(Array.isArray(jobs)).toBe(false);
    const first = jobs.next();
    expect(first.done).toBe(false);
  });
});

describe('simulate: building blocks', () => {
  it('Timeline keeps exact integrals while it merges buckets', () => {
    const timeline = new Timeline(0, 2, 4, 1000);
    const values = Float64Array.of(1, 0.5);
    // 37 s at 1 and 0.5: the 8 buckets of 1 s are merged twice, to 4 s then 8 s buckets; the
    // sampling weight is the boundaries crossed (0, 8, 16, 24, 32 s) × the bucket width
    expect(timeline.advance(0, 37_000, values)).toBe(40_000);
    values[0] = 0;
    expect(timeline.advance(37_000, 40_000, values)).toBe(0);
    expect(timeline.integral(0)).toBe(37_000);
    expect(timeline.integral(1)).toBe(20_000);
    const { startsMs, channels } = timeline.series(40_000);
    expect(startsMs).toEqual([0, 8000, 16_000, 24_000, 32_000]);
    expect(channels[0]).toEqual([1, 1, 1, 1, 5 / 8]);
    expect(channels[1]).toEqual([0.5, 0.5, 0.5, 0.5, 0.5]);
  });

  it('Random is reproducible per seed and stream', () => {
    const draws = (seed: number, stream: string): number[] => {
      const random = new Random(seed, stream);
      return Array.from({ length: 5 }, () => random.uint32());
    };
    expect(draws(1, 'workload')).toEqual(draws(1, 'workload'));
    expect(draws(1, 'workload')).not.toEqual(draws(1, 'failures'));
    expect(draws(1, 'workload')).not.toEqual(draws(2, 'workload'));
    const random = new Random(42);
    const values = Array.from({ length: 20_000 }, () => random.logNormal(100, 0.5)).sort((a, b) => a - b);
    // the median of a log-normal is its scale parameter
    expect(values[10_000]).toBeGreaterThan(97);
    expect(values[10_000]).toBeLessThan(103);
  });
});
