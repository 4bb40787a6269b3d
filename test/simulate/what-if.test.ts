import { describe, expect, it } from 'vitest';
import { AllocationManager } from 'fairpack';
import { type RunResult, jsonDocument, simulate } from 'fairpack/simulate';
import { queuesUnder } from '../../src/simulate/snapshot-start.js';
import { refusedOption } from './support.js';

/**
 * What-if from a live cluster: a live manager's snapshot, simulated forward. Two cpu-8 nodes at
 * $1/h; at t = 1,000 s a and b (cpu 6, 600 s each) start on n1 and n2, c (cpu 4, 300 s) waits.
 * The snapshot is taken at 1,120 s (the manager's clock, moved on by a tick).
 */
function liveSnapshot(): unknown {
  let t = 1_000_000;
  const mgr = new AllocationManager({ nodes: [{ id: 'n1', capacity: { cpu: 8 }, costPerHour: 1 }, { id: 'n2', capacity: { cpu: 8 }, costPerHour: 1 }], now: () => t, timers: false });
  mgr.submit({ id: 'a', tenant: 'x', resources: { cpu: 6 }, estimatedRuntimeMs: 600_000 });
  mgr.submit({ id: 'b', tenant: 'y', resources: { cpu: 6 }, estimatedRuntimeMs: 600_000 });
  mgr.submit({ id: 'c', tenant: 'y', resources: { cpu: 4 }, estimatedRuntimeMs: 300_000 });
  t += 120_000;
  mgr.tick();
  return JSON.parse(JSON.stringify(mgr.snapshot()));
}
// one arrival (d: cpu 2, 60 s), moved to the snapshot's clock
const TRACE = [{ submitAt: 0, tenant: 'x', priority: 'default', resources: { cpu: 2 }, durationMs: 60_000 }];

describe('simulate({ snapshot }): what-if from a live cluster', () => {
  it('carries on from the snapshot: running jobs end when their estimate says, the queue waits on (worked example)', async () => {
    const { results, scenario } = await simulate({ snapshot: liveSnapshot(), trace: TRACE, strategies: ['best-fit'], policies: ['fifo'] });
    expect(scenario.snapshot).toEqual({ at: 1_120_000, jobs: 3, running: 2, nodes: 2, addedNodes: 0 });
    const r = results[0] as RunResult;
    // a, b end at 1,600 s (480 s left); d runs beside a at once (n1 has 2 free), waits 0;
    // c waited since 1,000 s: starts at 1,600 s (600 s of wait), ends at 1,900 s → 780 s after the snapshot
    expect(r.jobs).toEqual({ submitted: 4, completed: 4, rejected: 0, unfinished: 0 });
    expect(r.wait).toMatchObject({ count: 4, meanS: 150, p95S: 600, maxS: 600 });
    expect(r.makespanS).toBe(780);
    // from the snapshot on, as a window of the cumulative books: per node floor(900 s) − floor(120 s)
    // = 250,000 − 33,333 = 216,667 (the residue of the first 120 s falls after the snapshot); × 2
    expect(r.cost?.total).toBe(433_334);
    expect((r.cost?.used ?? 0) + (r.cost?.idle ?? 0)).toBe(r.cost?.total);
  });

  it('answers "and with one more node?": c starts at once on it', async () => {
    const snapshot = liveSnapshot();
    const { results } = await simulate({ snapshot, trace: TRACE, nodes: [{ id: 'n3', capacity: { cpu: 8 }, costPerHour: 1 }], strategies: ['best-fit'], policies: ['fifo'] });
    const r = results[0] as RunResult;
    // c starts at 1,120 s on n3 (waited 120 s) and ends at 1,420 s; a and b end at 1,600 s → 480 s
    expect(r.wait).toMatchObject({ meanS: 30, maxS: 120 });
    expect(r.makespanS).toBe(480);
    expect(r.cost?.total).toBe(3 * 133_333);
  });

  it('carries a gang on from the snapshot: one run on two nodes, booked on both until it ends (worked example)', async () => {
    let t = 1_000_000;
    const mgr = new AllocationManager({ nodes: [{ id: 'n1', capacity: { cpu: 8 }, costPerHour: 1 }, { id: 'n2', capacity: { cpu: 8 }, costPerHour: 1 }], now: () => t, timers: false });
    // g: two replicas of cpu 6, one per node, 600 s from 1,000 s; c (cpu 4, 300 s) waits
    mgr.submit({ id: 'g', tenant: 'x', resources: { cpu: 6 }, replicas: 2, estimatedRuntimeMs: 600_000 });
    mgr.submit({ id: 'c', tenant: 'y', resources: { cpu: 4 }, estimatedRuntimeMs: 300_000 });
    t += 120_000;
    mgr.tick();
    const snapshot: unknown = JSON.parse(JSON.stringify(mgr.snapshot()));
    const { results, scenario } = await simulate({ snapshot, trace: TRACE, strategies: ['best-fit'], policies: ['fifo'] });
    expect(scenario.snapshot).toEqual({ at: 1_120_000, jobs: 2, running: 1, nodes: 2, addedNodes: 0 });
    const r = results[0] as RunResult;
    // g ends at 1,600 s on both nodes; d runs at once beside it (2 free on n1); c starts at 1,600 s
    // (600 s of wait) and ends at 1,900 s: 780 s after the snapshot
    expect(r.jobs).toEqual({ submitted: 3, completed: 3, rejected: 0, unfinished: 0 });
    expect(r.wait).toMatchObject({ count: 3, meanS: 200, maxS: 600 });
    expect(r.makespanS).toBe(780);
    // cpu used after the snapshot: g 2 × 6 × 480 s = 5,760, d 2 × 60 = 120, c 4 × 300 = 1,200 →
    // 7,080 cpu·s of 16 × 780 = 12,480: 0.567308 (g's two placements booked, and both unbooked)
    expect(r.utilisation['cpu']).toBeCloseTo(7_080 / 12_480, 6);
    expect(r.strandedCapacity['cpu']).toBe(0);
  });

  it('runs every strategy × policy from the same snapshot, deterministically; the snapshot is not changed', async () => {
    const snapshot = liveSnapshot();
    const copy = JSON.stringify(snapshot);
    const options = { snapshot, workload: { jobs: 200 }, strategies: ['best-fit', 'worst-fit'], policies: ['fifo', 'drf'] } as const;
    const a = await simulate(options);
    const b = await simulate(options);
    expect(JSON.stringify(jsonDocument(a))).toBe(JSON.stringify(jsonDocument(b)));
    expect(JSON.stringify(snapshot)).toBe(copy);
    expect(a.results.map((r) => r.jobs.submitted)).toEqual([203, 203, 203, 203]);
  });

  /**
   * One cpu-4 node; tenant t's a (default, 500 s) runs from 1,000 s, b (default) queued at 1,010 s,
   * c (high) at 1,020 s, d (default) at 1,030 s, each cpu 4 for 100 s; preemption off; snapshot at
   * 1,100 s, taken under `drf` (two queues for t: band 100 holds c, band 0 holds b then d) or `fifo`
   * (one queue: b, c, d).
   */
  function queuedClasses(fairness: 'drf' | 'fifo'): unknown {
    let t = 1_000_000;
    const mgr = new AllocationManager({ nodes: [{ id: 'n1', capacity: { cpu: 4 } }], fairness, preemption: false, now: () => t, timers: false });
    mgr.submit({ id: 'a', tenant: 't', resources: { cpu: 4 }, estimatedRuntimeMs: 500_000 });
    for (const [id, priority] of [['b', 'default'], ['c', 'high'], ['d', 'default']] as const) {
      t += 10_000;
      mgr.submit({ id, tenant: 't', priority, resources: { cpu: 4 }, estimatedRuntimeMs: 100_000 });
    }
    t = 1_100_000;
    mgr.tick();
    return JSON.parse(JSON.stringify(mgr.snapshot()));
  }

  it.each(['drf', 'fifo'] as const)('lays a %s snapshot\'s queues out as the run\'s policy keeps them: by class, or one per tenant under fifo (worked example)', async (taken) => {
    const snapshot = queuedClasses(taken);
    // and e (t, default, cpu 4 for 1 s) arrives at the snapshot's clock: behind d in every layout
    const trace = [{ submitAt: 0, tenant: 't', priority: 'default', resources: { cpu: 4 }, durationMs: 1_000 }];
    const { results } = await simulate({ snapshot, trace, strategies: ['first-fit'], policies: ['fifo', 'priority', 'drf'], preemption: false });
    const [fifo, priority, drf] = results as [RunResult, RunResult, RunResult];
    // a ends at 1,500 s. Under fifo, in the order they were queued: b 1,500–1,600 s (waited 490 s),
    // c 1,600–1,700 s (580 s), d 1,700–1,800 s (670 s), e 1,800–1,801 s (700 s)
    expect(fifo.wait.byPriority['high']).toMatchObject({ count: 1, maxS: 580 });
    expect(fifo.wait.byPriority['default']).toMatchObject({ count: 4, maxS: 700, meanS: (0 + 490 + 670 + 700) / 4 });
    // under priority and drf, c's band first: c 1,500–1,600 s (480 s), b 1,600–1,700 s (590 s), then d and e
    for (const run of [priority, drf]) {
      expect(run.wait.byPriority['high']).toMatchObject({ count: 1, maxS: 480 });
      expect(run.wait.byPriority['default']).toMatchObject({ count: 4, maxS: 700, meanS: (0 + 590 + 670 + 700) / 4 });
    }
    // every run ends at 1,801 s: 701 s after the snapshot
    expect(results.map((r) => [r.jobs.completed, r.makespanS])).toEqual([[5, 701], [5, 701], [5, 701]]);
  });

  it('keeps a queue that needs no new layout as it is, under the name of its class (`*` under fifo)', () => {
    // the default jobs b and d only: band 0 under either kind of policy, one queue for t
    const only = (fairness: 'drf' | 'fifo') => {
      let t = 1_000_000;
      const mgr = new AllocationManager({ nodes: [{ id: 'n1', capacity: { cpu: 4 } }], fairness, preemption: false, now: () => t, timers: false });
      for (const id of ['a', 'b', 'd']) {
        t += 10_000;
        mgr.submit({ id, tenant: 't', resources: { cpu: 4 }, estimatedRuntimeMs: 100_000 });
      }
      return mgr.snapshot();
    };
    const [fromDrf] = queuesUnder(only('drf'), true);
    const [fromFifo] = queuesUnder(only('fifo'), false);
    expect(fromDrf).toMatchObject({ band: 0, tenant: 't', priority: '*', jobs: ['b', 'd'] });
    expect(fromFifo).toMatchObject({ band: 0, tenant: 't', priority: 'default', jobs: ['b', 'd'] });
    // already laid out for the policy: the snapshot's own queues
    const drf = only('drf');
    expect(queuesUnder(drf, false)).toBe(drf.queues);
  });

  it('runs synthetic jobs of a class the snapshot does not have as `default`', async () => {
    let t = 1_000_000;
    const classes = [{ name: 'default', value: 0 }, { name: 'gold', value: 50 }];
    const mgr = new AllocationManager({ nodes: [{ id: 'n1', capacity: { cpu: 64, memory: 256 } }], priorityClasses: classes, now: () => t, timers: false });
    mgr.submit({ id: 'g', tenant: 'x', priority: 'gold', resources: { cpu: 8 }, estimatedRuntimeMs: 60_000 });
    t += 1_000;
    const snapshot: unknown = JSON.parse(JSON.stringify(mgr.snapshot()));
    // the synthetic workload draws real-time, high, default and low jobs: the last three would be
    // refused by a manager that knows only default and gold (UNKNOWN_PRIORITY_CLASS)
    const { results } = await simulate({ snapshot, workload: { jobs: 300 }, strategies: ['best-fit'], policies: ['priority'] });
    const r = results[0] as RunResult;
    expect(r.jobs.submitted).toBe(301);
    expect(Object.keys(r.wait.byPriority).sort()).toEqual(['default', 'gold']);
    expect(r.wait.byPriority['gold']?.count).toBe(1);
  });

  it('refuses a document that is not a snapshot, and a node count with a snapshot', async () => {
    expect(await refusedOption({ snapshot: { format: 'nope' } })).toMatch(/`snapshot` of simulate\(\) to be a manager snapshot/);
    expect(await refusedOption({ snapshot: liveSnapshot(), nodes: 10 })).toMatch(/`nodes`/);
  });
});
