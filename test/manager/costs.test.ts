import { describe, expect, it } from 'vitest';
import { AllocationManager, type CostReport, type ManagerSnapshot } from 'fairpack';
import { refused } from '../support.js';

/*
 * mgr.costs(): the rule (a node's price split equally among its dimensions; a replica pays, per
 * dimension, the share it holds), in whole micro-units, with the arithmetic in the comments.
 *
 *   n1: cpu 8, memory 32,        $1.20/h = 1,200,000 µ/h → cpu 600,000, memory 600,000
 *   n2: cpu 4, memory 16, gpu 1, $3.00/h = 3,000,000 µ/h → cpu, gpu, memory 1,000,000 each
 */
const HOUR = 3_600_000;

function cluster(clock: { time: number }, extra: object = {}) {
  return new AllocationManager({
    nodes: [
      { id: 'n1', capacity: { cpu: 8, memory: 32 }, labels: { pool: 'cpu' }, costPerHour: 1.2 },
      { id: 'n2', capacity: { cpu: 4, memory: 16, gpu: 1 }, labels: { pool: 'gpu' }, costPerHour: 3 },
    ],
    placement: 'first-fit',
    now: () => clock.time,
    ...extra,
  });
}

/** Σ byJob + idle = Σ byNode = total; byTenant sums to used. */
function balanced(report: CostReport): void {
  const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
  expect(sum(Object.values(report.byNode))).toBe(report.total);
  expect(sum(Object.values(report.byTenant)) + report.otherTenants).toBe(report.used);
  expect(sum(report.topJobs.map((j) => j.cost)) + report.idle).toBe(report.total);
}

describe('mgr.costs(): the worked example', () => {
  it('two nodes, two jobs, two hours', () => {
    const clock = { time: 0 };
    const mgr = cluster(clock);
    // A on n1: 600,000 × 2/8 + 600,000 × 8/32 = 150,000 + 150,000 = 300,000 µ/h ($0.30/h)
    const a = mgr.submit({ id: 'A', tenant: 'a', resources: { cpu: 2, memory: 8 }, nodeSelector: { pool: 'cpu' } });
    // B on n2: 1,000,000 × 1/4 + 1,000,000 × 1/1 + 1,000,000 × 4/16 = 1,500,000 µ/h ($1.50/h)
    const b = mgr.submit({ id: 'B', tenant: 'b', resources: { cpu: 1, memory: 4, gpu: 1 }, nodeSelector: { pool: 'gpu' } });
    if (a.status !== 'allocated' || b.status !== 'allocated') throw new Error('both fit');
    clock.time = HOUR;
    mgr.release(a.allocation.id); // A: 300,000 × 1 h
    clock.time = 2 * HOUR;
    mgr.release(b.allocation.id); // B: 1,500,000 × 2 h = 3,000,000

    const all = mgr.costs({ top: Infinity });
    expect(all).toEqual({
      from: 0,
      to: 2 * HOUR,
      unit: 'micro',
      total: 8_400_000, // n1 1,200,000 × 2 + n2 3,000,000 × 2
      used: 3_300_000, // 300,000 + 3,000,000
      idle: 5_100_000, // 8,400,000 − 3,300,000
      byTenant: { a: 300_000, b: 3_000_000 },
      otherTenants: 0,
      byNode: { n1: 2_400_000, n2: 6_000_000 },
      topJobs: [
        { jobId: 'B', tenant: 'b', cost: 3_000_000 },
        { jobId: 'A', tenant: 'a', cost: 300_000 },
      ],
      perHour: 4_200_000, // $1.20 + $3.00 an hour now
    });
    balanced(all);

    // the second hour alone: A had ended, B paid 1,500,000 of its node's 3,000,000
    const second = mgr.costs({ from: HOUR, top: Infinity });
    expect(second).toMatchObject({ from: HOUR, to: 2 * HOUR, total: 4_200_000, used: 1_500_000, idle: 2_700_000, byTenant: { b: 1_500_000 } });
    expect(second.topJobs).toEqual([{ jobId: 'B', tenant: 'b', cost: 1_500_000 }]);
    // windows add up: [0, 1 h] + [1 h, 2 h] = [0, 2 h]
    const first = mgr.costs({ to: HOUR });
    expect(first.total + second.total).toBe(all.total);
    expect(first.idle + second.idle).toBe(all.idle);
  });

  it('rounding: a third of a cpu, half an hour — what is not paid in whole micro-units goes to idle when the job ends', () => {
    const clock = { time: 0 };
    // n3: cpu 3 at $0.01/h = 10,000 µ/h; a 1-cpu job pays floor(10,000 × 1/3) = 3,333 µ/h
    const mgr = new AllocationManager({ nodes: [{ id: 'n3', capacity: { cpu: 3 }, costPerHour: 0.01 }], now: () => clock.time });
    const s = mgr.submit({ id: 'j', resources: { cpu: 1 } });
    if (s.status !== 'allocated') throw new Error('fits');
    clock.time = HOUR / 2;
    mgr.tick();
    // running, half an hour: the job has paid floor(3,333 × 0.5) = floor(1,666.5) = 1,666; the node
    // floor(5,000 − 1,666.5) + 1,666 = 3,333 + 1,666 = 4,999: the half micro-unit the job owes is not counted yet
    let report = mgr.costs();
    expect(report).toMatchObject({ total: 4_999, used: 1_666, idle: 3_333 });
    balanced(report);
    mgr.release(s.allocation.id);
    // ended: the half micro-unit is idle's, and the node shows exactly floor(10,000 × 0.5) = 5,000
    report = mgr.costs();
    expect(report).toMatchObject({ total: 5_000, used: 1_666, idle: 3_334 });
    clock.time = HOUR;
    mgr.tick();
    expect(mgr.costs()).toMatchObject({ total: 10_000, used: 1_666, idle: 8_334 });
  });

  it('offline and draining nodes still cost (idle); a removed node stops; a node added later starts then', () => {
    const clock = { time: 0 };
    const mgr = cluster(clock);
    mgr.tick(); // the manager's time starts at its first call
    clock.time = HOUR;
    mgr.setNodeStatus('n1', 'offline');
    mgr.drain('n2');
    clock.time = 2 * HOUR;
    mgr.removeNode('n1');
    mgr.addNode({ id: 'n4', capacity: { cpu: 1 }, costPerHour: 0.5 });
    clock.time = 3 * HOUR;
    mgr.tick();
    expect(mgr.costs()).toMatchObject({
      total: 2_400_000 + 9_000_000 + 500_000, // n1 2 h, n2 3 h, n4 1 h
      used: 0,
      idle: 11_900_000,
      byNode: { n1: 2_400_000, n2: 9_000_000, n4: 500_000 },
      perHour: 3_500_000, // n2 + n4 now
    });
    // the window after n1 left does not list it
    expect(Object.keys(mgr.costs({ from: 2 * HOUR + 1 }).byNode)).toEqual(['n2', 'n4']);
  });

  it('a job on a node that took a removed node\'s place in the pool pays that node\'s price', () => {
    // n1 ran a job and left; n5 (cpu 8 only, $2.40/h: all 2,400,000 µ/h on cpu) is added and the pool gives
    // it n1's slot: the books find a start's node by that slot, and must not charge n1's price
    const clock = { time: 0 };
    const mgr = cluster(clock);
    const first = mgr.submit({ tenant: 't', resources: { cpu: 4 } });
    if (first.status !== 'allocated') throw new Error('expected a start');
    clock.time = HOUR;
    mgr.release(first.allocation.id);
    mgr.removeNode('n1');
    mgr.addNode({ id: 'n5', capacity: { cpu: 8 }, costPerHour: 2.4 });
    // n2 is full on cpu only with 4: take it first, so the next job goes to n5
    mgr.submit({ tenant: 'u', resources: { cpu: 4 } });
    const second = mgr.submit({ tenant: 'v', resources: { cpu: 4 } });
    if (second.status !== 'allocated') throw new Error('expected a start');
    expect(second.allocation.placements[0]?.nodeId).toBe('n5');
    clock.time = 2 * HOUR;
    mgr.tick();
    const report = mgr.costs();
    // t: 4 of n1's 8 cpu for 1 h = 600,000 × 4/8 = 300,000; u: all 4 of n2's cpu = 1,000,000;
    // v: 4 of n5's 8 cpu for 1 h = 2,400,000 × 4/8 = 1,200,000 (n1's price would give 300,000)
    expect(report.byTenant).toEqual({ t: 300_000, u: 1_000_000, v: 1_200_000 });
    balanced(report);
  });

  it('a job evicted by its node going offline pays until then; restarted elsewhere it pays there', () => {
    const clock = { time: 0 };
    const mgr = new AllocationManager({
      nodes: [
        { id: 'a', capacity: { cpu: 4 }, costPerHour: 4 }, // 4,000,000 µ/h, all of it cpu: 1 cpu = 1,000,000 µ/h
        { id: 'b', capacity: { cpu: 4 }, costPerHour: 8 }, // 2,000,000 µ/h per cpu
      ],
      placement: 'first-fit',
      now: () => clock.time,
    });
    mgr.submit({ id: 'j', tenant: 't', resources: { cpu: 1 } });
    clock.time = HOUR;
    mgr.setNodeStatus('a', 'offline'); // j: 1,000,000 on a, re-queued and started on b at once
    clock.time = 2 * HOUR;
    mgr.tick();
    const report = mgr.costs();
    expect(report.topJobs).toEqual([{ jobId: 'j', tenant: 't', cost: 3_000_000 }]); // 1,000,000 on a + 2,000,000 on b
    expect(report).toMatchObject({ total: 24_000_000, used: 3_000_000, idle: 21_000_000 });
    balanced(report);
  });

  it('a gang pays per replica on each node', () => {
    const clock = { time: 0 };
    const mgr = new AllocationManager({
      nodes: [
        { id: 'x', capacity: { cpu: 2 }, costPerHour: 2 },
        { id: 'y', capacity: { cpu: 2 }, costPerHour: 6 },
      ],
      now: () => clock.time,
    });
    mgr.submit({ id: 'g', resources: { cpu: 2 }, replicas: 2 }); // one replica fills each node
    clock.time = HOUR / 4;
    mgr.tick();
    // (2,000,000 + 6,000,000) / 4 = 2,000,000 paid; nothing idle
    expect(mgr.costs()).toMatchObject({ total: 2_000_000, used: 2_000_000, idle: 0, byNode: { x: 500_000, y: 1_500_000 } });
  });
});

describe('mgr.costs(): a read', () => {
  it('never reads the clock', () => {
    const clock = { time: 0 };
    const mgr = cluster(clock);
    mgr.tick();
    clock.time = HOUR;
    let reads = 0;
    const counting = new AllocationManager({ nodes: [{ id: 'n', capacity: { cpu: 1 }, costPerHour: 1 }], now: () => (reads++, clock.time) });
    counting.tick();
    const before = reads;
    counting.costs();
    counting.costs({ from: 0, to: HOUR, top: 3 });
    expect(reads).toBe(before);
    // the latest committed reading is the end: an hour later without a call, nothing more is counted
    expect(mgr.costs().to).toBe(0);
  });

  it('before the first call: nothing, no window', () => {
    const mgr = cluster({ time: 5 });
    expect(mgr.costs()).toMatchObject({ from: 0, to: 0, total: 0, used: 0, idle: 0, topJobs: [], perHour: 4_200_000 });
  });

  it('bad options are INVALID_OPTION and change nothing', () => {
    const clock = { time: 10 };
    const mgr = cluster(clock);
    mgr.submit({ resources: { cpu: 1 } });
    clock.time = 20;
    mgr.tick();
    const snapshot = JSON.stringify(mgr.snapshot());
    const bad: unknown[] = [5, 'x', null, [], { form: 1 }, { from: Number.NaN }, { to: Infinity }, { from: '1' }, { to: 21 }, { from: 15, to: 12 }, { top: -1 }, { top: 1.5 }, { top: '3' }];
    for (const options of bad) {
      const error = refused(() => mgr.costs(options as never));
      expect(error.code, JSON.stringify(options)).toBe('INVALID_OPTION');
    }
    expect(refused(() => mgr.costs({ to: 21 })).message).toContain('at most the latest clock reading (20)');
    expect(JSON.stringify(mgr.snapshot())).toBe(snapshot);
  });

  it('tenant and node names are plain keys (null prototype)', () => {
    const clock = { time: 0 };
    const mgr = new AllocationManager({ nodes: [{ id: '__proto__', capacity: { cpu: 1 }, costPerHour: 1 }], now: () => clock.time });
    mgr.submit({ tenant: 'constructor', resources: { cpu: 1 } });
    clock.time = HOUR;
    mgr.tick();
    const report = mgr.costs();
    expect(Object.getPrototypeOf(report.byTenant)).toBe(null);
    expect(report.byTenant['constructor']).toBe(1_000_000);
    expect(Object.keys(report.byNode)).toEqual(['__proto__']);
    expect(JSON.parse(JSON.stringify(report)).byNode).toEqual(JSON.parse('{"__proto__":1000000}'));
  });
});

describe('mgr.costs(): snapshot, restore and the journal', () => {
  it('a restored manager, and one replaying the journal, give identical costs', () => {
    const clock = { time: 0 };
    const entries: unknown[] = [];
    const mgr = cluster(clock, { journal: (entry: unknown) => entries.push(JSON.parse(JSON.stringify(entry))) });
    const start = JSON.parse(JSON.stringify(mgr.snapshot())) as ManagerSnapshot;
    const s = mgr.submit({ id: 'A', tenant: 'a', resources: { cpu: 3, memory: 5 } });
    clock.time = 1_234_567;
    mgr.submit({ id: 'B', tenant: 'b', resources: { cpu: 1, gpu: 1 } });
    clock.time = 2_345_678;
    if (s.status === 'allocated') mgr.release(s.allocation.id);
    clock.time = 3_456_789;
    mgr.tick();
    const restored = AllocationManager.restore(JSON.parse(JSON.stringify(mgr.snapshot())), { now: () => clock.time });
    const replayed = AllocationManager.restore(start, { now: () => clock.time, entries: entries as never });
    for (const window of [{}, { from: 1_000_000 }, { from: 2_000_000, to: 3_000_000 }]) {
      expect(restored.costs(window)).toEqual(mgr.costs(window));
      expect(replayed.costs(window)).toEqual(mgr.costs(window));
    }
    // and they go on alike
    clock.time = 9_999_999;
    for (const m of [mgr, restored, replayed]) m.tick();
    expect(restored.costs()).toEqual(mgr.costs());
    expect(replayed.costs()).toEqual(mgr.costs());
  });

  it('a snapshot written before costs were kept restores: the books start at its clock', () => {
    const clock = { time: 0 };
    const mgr = cluster(clock);
    mgr.submit({ id: 'A', tenant: 'a', resources: { cpu: 2, memory: 8 }, nodeSelector: { pool: 'cpu' } });
    clock.time = HOUR;
    mgr.tick();
    const { costs: _dropped, ...old } = JSON.parse(JSON.stringify(mgr.snapshot())) as ManagerSnapshot;
    const restored = AllocationManager.restore(old, { now: () => clock.time });
    clock.time = 2 * HOUR;
    restored.tick();
    // from 1 h on only: n1 1,200,000 + n2 3,000,000; A 300,000
    expect(restored.costs()).toMatchObject({ from: HOUR, total: 4_200_000, used: 300_000, byTenant: { a: 300_000 } });
  });

  it('a tampered ledger is INVALID_SNAPSHOT under `costs`', () => {
    const clock = { time: 0 };
    const mgr = cluster(clock);
    mgr.submit({ id: 'A', resources: { cpu: 1 } });
    const good = JSON.parse(JSON.stringify(mgr.snapshot())) as { costs: { nodes: unknown[][]; pieces: unknown[][] } };
    const tamper = (change: (s: typeof good) => void) => {
      const copy = JSON.parse(JSON.stringify(good)) as typeof good;
      change(copy);
      return refused(() => AllocationManager.restore(copy, { now: () => 0 }));
    };
    expect(tamper((s) => ((s.costs.nodes[0] as unknown[])[1] = 7)).details).toMatchObject({ path: 'costs.nodes[0][1]' });
    expect(tamper((s) => (s.costs.pieces = [])).details).toMatchObject({ path: 'costs.pieces' });
    expect(tamper((s) => ((s.costs.pieces[0] as unknown[])[3] = 9)).details).toMatchObject({ path: 'costs.pieces[0][3]' });
    expect(tamper((s) => (s.costs.nodes = s.costs.nodes.slice(1))).code).toBe('INVALID_SNAPSHOT');
  });
});

describe('mgr.costs(): ended allocations past the kept detail are folded into totals', () => {
  it('whole-life and recent windows stay exact; a window starting inside the folded past is refused', () => {
    const clock = { time: 0 };
    const mgr = new AllocationManager({ nodes: [{ id: 'n', capacity: { cpu: 2 }, costPerHour: 7.2 }], now: () => clock.time }); // 3,600,000 µ/h per cpu: 1 µ per ms
    const runs = 10_000 + 100;
    for (let i = 0; i < runs; i++) {
      const s = mgr.submit({ id: `j${i}`, tenant: i % 2 === 0 ? 'even' : 'odd', resources: { cpu: 1 } });
      clock.time += 10;
      if (s.status === 'allocated') mgr.release(s.allocation.id); // each job: 10 ms × 1 µ = 10 µ
    }
    const all = mgr.costs({ top: Infinity });
    // the node: 2 µ per ms over runs × 10 ms; the jobs paid half of it
    expect(all).toMatchObject({ total: runs * 20, used: runs * 10, idle: runs * 10, byTenant: { even: (runs / 2) * 10, odd: (runs / 2) * 10 } });
    expect(all.topJobs).toHaveLength(10_000); // the folded 100 are in the totals only
    expect(all.otherTenants).toBe(0);
    const error = refused(() => mgr.costs({ from: 50 }));
    expect(error.code).toBe('INVALID_OPTION');
    expect(error.details).toMatchObject({ option: 'from', horizon: 1_000 });
    expect(mgr.costs({ from: 1_000, to: 2_000 })).toMatchObject({ total: 2_000, used: 1_000, idle: 1_000 });
    const restored = AllocationManager.restore(JSON.parse(JSON.stringify(mgr.snapshot())), { now: () => clock.time });
    expect(restored.costs({ top: 3 })).toEqual(mgr.costs({ top: 3 }));
    expect(restored.costs({ from: 5_000 })).toEqual(mgr.costs({ from: 5_000 }));
  });

  it('tenants past the 10,000 kept by name are summed in otherTenants: the books do not grow with every tenant', () => {
    const clock = { time: 0 };
    const mgr = new AllocationManager({ nodes: [{ id: 'n', capacity: { cpu: 1 }, costPerHour: 3.6 }], now: () => clock.time }); // 1 µ per ms
    const runs = 20_000 + 200; // 10,200 folded replicas, each of a new tenant: the 200 folded into first are summed
    for (let i = 0; i < runs; i++) {
      const s = mgr.submit({ tenant: `t${i}`, resources: { cpu: 1 } });
      clock.time += 10;
      if (s.status === 'allocated') mgr.release(s.allocation.id);
    }
    const report = mgr.costs({ top: 0 });
    expect(report).toMatchObject({ total: runs * 10, used: runs * 10, idle: 0, otherTenants: 200 * 10 });
    expect(Object.keys(report.byTenant)).toHaveLength(runs - 200);
    expect(report.byTenant['t0']).toBeUndefined();
    expect(report.byTenant['t200']).toBe(10);
    const snapshot = JSON.parse(JSON.stringify(mgr.snapshot())) as ManagerSnapshot;
    expect(snapshot.costs?.tenants).toHaveLength(10_000);
    expect(AllocationManager.restore(snapshot, { now: () => clock.time }).costs({ top: 0 })).toEqual(report);
  });
});
