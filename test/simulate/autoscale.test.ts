import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type RunResult, type TraceRow, jsonDocument, renderReport, simulate } from 'fairpack/simulate';
import { rankByCost } from '../../src/simulate/cost-ranking.js';
import { JobCosts } from '../../src/simulate/job-costs.js';
import { refusedOption } from './support.js';

const HOUR = 3_600_000;

// one starting node (cpu 4, $4/h) and two cpu-4 jobs of 200 s at 0: the second waits for a node
const NODE = { id: 'n1', capacity: { cpu: 4 }, costPerHour: 4 };
const TRACE: TraceRow[] = [
  { submitAt: 0, tenant: 'a', priority: 'default', resources: { cpu: 4 }, durationMs: 200_000 },
  { submitAt: 0, tenant: 'b', priority: 'default', resources: { cpu: 4 }, durationMs: 200_000 },
];
// the threshold scaler takes the first type; the cheapest holding the job is the second
const TYPES = [
  { name: 'large', capacity: { cpu: 16 }, costPerHour: 8 },
  { name: 'small', capacity: { cpu: 4 }, costPerHour: 2 },
];
const run = async (autoscale: 'off' | 'threshold' | 'fairpack'): Promise<RunResult> => {
  const results = await simulate({ trace: TRACE, nodes: [NODE], strategies: ['first-fit'], policies: ['fifo'], nodeTypes: TYPES, autoscale });
  return results.results[0] as RunResult;
};

describe('autoscaling in the simulator', () => {
  it('threshold: one node of the first type, a minute after the queue grew, joining 2 minutes later (worked example)', async () => {
    const r = await run('threshold');
    // t=0 the scaler looks before the arrivals (nothing to do); job a starts on n1, job b waits.
    // t=60 s: the queue grew (0 → 1) → launch one "large"; cooldown to 360 s.
    // t=180 s: large-a1 joins, b starts (waited 180 s). a ends at 200 s, b at 380 s: the run ends.
    expect(r.label).toBe('first-fit · fifo · autoscale threshold');
    expect(r.wait.p95S).toBe(180);
    expect(r.makespanS).toBe(380);
    expect(r.autoscaling).toEqual({ mode: 'threshold', nodesAdded: 1, nodesRemoved: 0, peakNodes: 2, endNodes: 2 });
    // n1: 4,000,000 µ/h × 380 s = 422,222; large-a1: 8,000,000 µ/h × 200 s = 444,444
    // a: 4,000,000 × 4/4 µ/h × 200 s = 222,222; b: 8,000,000 × 4/16 = 2,000,000 µ/h × 200 s = 111,111
    expect(r.cost).toEqual({ unit: 'micro', total: 866_666, used: 333_333, idle: 533_333, byTenant: { a: 222_222, b: 111_111 }, perJob: { p50: 111_111, p95: 222_222 } });
  });

  it('fairpack: the cheapest type that holds the waiting job, same timing (worked example)', async () => {
    const r = await run('fairpack');
    expect(r.wait.p95S).toBe(180);
    expect(r.makespanS).toBe(380);
    expect(r.autoscaling).toMatchObject({ nodesAdded: 1, peakNodes: 2 });
    // small-a1: 2,000,000 µ/h × 200 s = 111,111; b pays all of it (4 of 4 cpu)
    expect(r.cost).toMatchObject({ total: 422_222 + 111_111, used: 333_333, idle: 422_222 + 111_111 - 333_333, byTenant: { a: 222_222, b: 111_111 } });
  });

  it('off: the starting nodes only; b waits for a', async () => {
    const r = await run('off');
    expect(r.label).toBe('first-fit · fifo · fixed nodes');
    expect(r.wait.p95S).toBe(200);
    expect(r.makespanS).toBe(400);
    expect(r.autoscaling).toBeUndefined();
    // n1 for 400 s: 444,444, all of it used by a and b
    expect(r.cost).toMatchObject({ total: 444_444, used: 444_444, idle: 0 });
  });

  it('removes a node it added once it is empty (threshold: below 50 %, nothing waiting, after the cooldown)', async () => {
    // a third job at 600 s keeps the run going past the cooldown (360 s)
    const trace = [...TRACE, { submitAt: 600_000, tenant: 'a', priority: 'default', resources: { cpu: 1 }, durationMs: 100_000 }];
    const results = await simulate({ trace, nodes: [NODE], strategies: ['first-fit'], policies: ['fifo'], nodeTypes: TYPES, autoscale: 'threshold' });
    const r = results.results[0] as RunResult;
    // 420 s: nothing runs, nothing waits → large-a1 removed; the c job runs on n1
    expect(r.autoscaling).toEqual({ mode: 'threshold', nodesAdded: 1, nodesRemoved: 1, peakNodes: 2, endNodes: 1 });
    // large-a1 cost from 180 s to 420 s: 8,000,000 × 240 / 3,600 = 533,333
    // n1 to 700 s: 777,777
    expect(r.cost?.total).toBe(777_777 + 533_333);
    expect(results.series[0]?.nodes?.byType).toHaveProperty('large');
  });

  it('is deterministic, compares every mode, and charges what the manager books', async () => {
    const options = { workload: { jobs: 400 }, nodes: 6, strategies: ['best-fit'], policies: ['drf'], nodeTypes: [
      { name: 'std', capacity: { cpu: 64, memory: 256 }, costPerHour: 2.5 },
      { name: 'gpu', capacity: { cpu: 96, memory: 1024, gpu: 8 }, costPerHour: 25 },
    ], autoscale: ['off', 'threshold', 'fairpack'] } as const;
    const a = await simulate(options);
    const b = await simulate(options);
    expect(JSON.stringify(jsonDocument(a))).toBe(JSON.stringify(jsonDocument(b)));
    expect(a.results.map((r) => r.label)).toEqual(['best-fit · drf · fixed nodes', 'best-fit · drf · autoscale threshold', 'best-fit · drf · autoscale fairpack']);
    for (const r of a.results) {
      const cost = r.cost as NonNullable<RunResult['cost']>;
      expect(r.jobs.unfinished).toBe(0);
      // money is conserved: jobs + idle = nodes, and the tenants add up to what jobs paid
      expect(cost.used + cost.idle).toBe(cost.total);
      expect(Object.values(cost.byTenant ?? {}).reduce((x, y) => x + y, 0)).toBe(cost.used);
      expect(Number.isSafeInteger(cost.total) && Number.isSafeInteger(cost.perJob?.p95)).toBe(true);
    }
    // the synthetic std nodes without a price cost the std type's
    expect(a.results[0]?.cost?.total).toBeGreaterThan(0);
    // the report: cost against wait (one point per priced run) and nodes over time by type
    const html = renderReport(a);
    expect(html).toContain('<section id="cost"');
    expect(html.match(/<circle /g)).toHaveLength(3);
    expect(html).toContain('<section id="nodes"');
    expect(a.series[2]?.nodes?.byType).toHaveProperty('gpu');
  });

  it('refuses autoscale without node types, unknown modes and bad types', async () => {
    expect(await refusedOption({ autoscale: 'fairpack' })).toMatch(/`nodeTypes`/);
    expect(await refusedOption({ nodeTypes: TYPES, autoscale: 'magic' as 'off' })).toMatch(/`autoscale` .* one of fairpack, threshold, off/);
    expect(await refusedOption({ nodeTypes: [{ name: 'x', capacity: { cpu: -1 }, costPerHour: 1 }], autoscale: 'threshold' })).toMatch(/`nodeTypes` of simulate\(\) to be valid node types/);
    expect(await refusedOption({ nodeTypes: TYPES, autoscale: 'threshold', provisionDelayS: -1 })).toMatch(/provisionDelayS/);
    expect(await refusedOption({ nodeTypes: TYPES, autoscale: 'fairpack', waitTargetS: -1 })).toMatch(/waitTargetS/);
    expect(await refusedOption({ nodeTypes: TYPES, autoscale: 'fairpack', waitTargetS: 8 * 86_400 })).toMatch(/waitTargetS/);
  });

  it('fairpack with a wait target buys nothing for a job the cluster starts within it (worked example)', async () => {
    // a and b (cpu 4, 200 s) at 0 on n1 (cpu 4): a runs 0–200 s, b waits. The simulator gives the
    // manager each job's runtime as estimatedRuntimeMs, so the advice knows n1 is back at 200 s.
    // waitTargetS 300: b's deadline 300 s ≥ 200 s → nothing bought; b waits 200 s; the run ends at
    // 400 s with n1 alone: 4,000,000 µ/h × 400 s = 444,444 (as with fixed nodes).
    const patient = await simulate({ trace: TRACE, nodes: [NODE], strategies: ['first-fit'], policies: ['fifo'], nodeTypes: TYPES, autoscale: 'fairpack', waitTargetS: 300 });
    const r = patient.results[0] as RunResult;
    expect(r.autoscaling).toMatchObject({ nodesAdded: 0, peakNodes: 1 });
    expect(r.wait.p95S).toBe(200);
    expect(r.cost).toMatchObject({ total: 444_444, idle: 0 });
    // waitTargetS 100: b would wait 200 s > 100 → as without a target, one small at the scaler's
    // first look after b arrived (60 s), joining 120 s later: b waits 180 s
    const hurried = await simulate({ trace: TRACE, nodes: [NODE], strategies: ['first-fit'], policies: ['fifo'], nodeTypes: TYPES, autoscale: 'fairpack', waitTargetS: 100 });
    expect((hurried.results[0] as RunResult).autoscaling).toMatchObject({ nodesAdded: 1 });
    expect((hurried.results[0] as RunResult).wait.p95S).toBe(180);
  });
});

describe('JobCosts (the manager\'s rule, per job)', () => {
  it('splits the price over the dimensions and floors each part (worked example)', () => {
    const costs = new JobCosts(1);
    // $3/h over cpu, gpu, memory: 1,000,000 µ/h each
    costs.addNode({ id: 'n2', capacity: { cpu: 4, memory: 16, gpu: 1 }, costPerHour: 3 });
    // 1,000,000 × 1/4 + 1,000,000 × 1/1 + 1,000,000 × 4/16 = 1,500,000 µ/h
    const rate = costs.rate([{ nodeId: 'n2', resources: { cpu: 1, memory: 4, gpu: 1 } }]);
    expect(rate).toBe(1_500_000);
    costs.charge(0, rate, 2 * HOUR);
    expect(costs.perJob[0]).toBe(3_000_000);
  });
});

describe('rankByCost', () => {
  const result = (p95S: number, total?: number): RunResult => ({ wait: { p95S }, ...(total === undefined ? {} : { cost: { total } }) }) as unknown as RunResult;
  it('puts the runs within max(10 %, 60 s) of the best p95 first, each group cheapest first', () => {
    // best p95 1,000 s: equal service up to 1,100 s
    const ranks = rankByCost([result(1_000, 500), result(1_100, 300), result(1_101, 100), result(2_000)]);
    expect(ranks).toEqual([
      { index: 1, bestService: true },
      { index: 0, bestService: true },
      { index: 2, bestService: false },
      { index: 3, bestService: false },
    ]);
    // short waits: 60 s of tolerance
    expect(rankByCost([result(0, 9), result(60, 1)]).map((r) => r.index)).toEqual([1, 0]);
  });

  it('is a permutation, and no run of worse service ranks above one of best service', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 10_000 }), fc.option(fc.integer({ min: 0, max: 1e9 }), { nil: undefined })), { minLength: 1, maxLength: 20 }), (runs) => {
        const ranks = rankByCost(runs.map(([p95, cost]) => result(p95, cost)));
        expect(ranks.map((r) => r.index).sort((a, b) => a - b)).toEqual(runs.map((_, i) => i));
        const firstWorse = ranks.findIndex((r) => !r.bestService);
        if (firstWorse >= 0) expect(ranks.slice(firstWorse).every((r) => !r.bestService)).toBe(true);
      }),
    );
  });
});
