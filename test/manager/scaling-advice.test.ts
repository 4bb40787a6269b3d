import { describe, expect, it } from 'vitest';
import { AllocationManager, type JournalEntry, type NodeTypeSpec } from 'fairpack';
import { refused } from '../support.js';

/*
 * mgr.scalingAdvice(): what to add (the cheapest new nodes for the jobs that wait for room) and
 * what to remove (idle and underutilised nodes). Prices in micro-units per hour: $0.20/h = 200,000.
 */

const SMALL: NodeTypeSpec = { name: 'small', capacity: { cpu: 4, memory: 16 }, costPerHour: 0.2 };
const LARGE: NodeTypeSpec = { name: 'large', capacity: { cpu: 16, memory: 64 }, costPerHour: 0.7 };

function cluster(nodes = [{ id: 'n1', capacity: { cpu: 4, memory: 16 }, costPerHour: 0.2 }], extra: Record<string, unknown> = {}) {
  const clock = { time: 0 };
  const journal: JournalEntry[] = [];
  const manager = new AllocationManager({ nodes, now: () => clock.time, timers: false, journal: (e) => journal.push(e), ...extra });
  // the manager's time (and its nodes' cost and idleness) starts at its first call: at 0
  manager.tick();
  return { manager, clock, journal };
}

describe('scalingAdvice: scale up', () => {
  it('one small node for one waiting job', () => {
    // n1 (cpu 4) holds two {cpu 2, memory 8} jobs; the third waits. One small (200,000 µ/h)
    // holds it; a large (700,000) would too, at more: add small × 1. Price: 200,000 → 400,000.
    const { manager } = cluster();
    for (const id of ['j1', 'j2', 'j3']) manager.submit({ id, resources: { cpu: 2, memory: 8 } });
    const advice = manager.scalingAdvice({ nodeTypes: [SMALL, LARGE], scaleDown: false });
    expect(advice.add).toEqual([{ type: 'small', count: 1, for: ['j3'] }]);
    expect(advice.remove).toEqual([]);
    expect(advice.cost).toEqual({ before: 200_000, after: 400_000, unit: 'micro' });
    expect(advice.search.optimal).toBe(true);
  });

  it('one large node rather than four small ones: the cheapest combination, not the biggest by habit', () => {
    // 9 jobs {cpu 2, memory 8}: n1 holds 2, 7 wait. Smalls hold 2 each: 4 smalls = 800,000;
    // one large holds 8: 700,000 — the optimum.
    const { manager } = cluster();
    for (let i = 0; i < 9; i++) manager.submit({ id: `j${i}`, resources: { cpu: 2, memory: 8 } });
    const advice = manager.scalingAdvice({ nodeTypes: [SMALL, LARGE], scaleDown: false });
    expect(advice.add).toEqual([{ type: 'large', count: 1, for: ['j2', 'j3', 'j4', 'j5', 'j6', 'j7', 'j8'] }]);
    expect(advice.cost.after).toBe(200_000 + 700_000);
  });

  it('selectors, taints and spot preferences choose the types', () => {
    // Three full nodes (a submission no node could ever hold is rejected, so the cluster has one
    // node of each kind). j-b needs zone b (only ondemand-b has it); j-avoid avoids spot, and a
    // non-spot type holds it; j-spot requires spot; j-tolerant tolerates the gpu taint, so the
    // cheapest type, tainted-a, may take it.
    const { manager } = cluster([
      { id: 'a-spot', capacity: { cpu: 1 }, spot: true, labels: { zone: 'a' } },
      { id: 'a-1', capacity: { cpu: 1 }, labels: { zone: 'a' } },
      { id: 'b-1', capacity: { cpu: 1 }, labels: { zone: 'b' } },
    ] as never);
    manager.submit({ id: 'fill-spot', resources: { cpu: 1 }, nodeSelector: { zone: 'a' }, spot: 'require' });
    manager.submit({ id: 'fill-a', resources: { cpu: 1 }, nodeSelector: { zone: 'a' } });
    manager.submit({ id: 'fill-b', resources: { cpu: 1 }, nodeSelector: { zone: 'b' } });
    const types: NodeTypeSpec[] = [
      { name: 'spot-a', capacity: { cpu: 1 }, costPerHour: 0.01, spot: true, labels: { zone: 'a' } },
      { name: 'ondemand-a', capacity: { cpu: 1 }, costPerHour: 0.1, labels: { zone: 'a' } },
      { name: 'tainted-a', capacity: { cpu: 1 }, costPerHour: 0.001, labels: { zone: 'a' }, taints: [{ key: 'gpu', effect: 'NoSchedule' }] },
      { name: 'ondemand-b', capacity: { cpu: 1 }, costPerHour: 0.5, labels: { zone: 'b' } },
    ];
    manager.submit({ id: 'j-b', resources: { cpu: 1 }, nodeSelector: { zone: 'b' } });
    manager.submit({ id: 'j-avoid', resources: { cpu: 1 }, nodeSelector: { zone: 'a' }, spot: 'avoid', tolerations: [] });
    manager.submit({ id: 'j-spot', resources: { cpu: 1 }, nodeSelector: { zone: 'a' }, spot: 'require' });
    manager.submit({ id: 'j-tolerant', resources: { cpu: 1 }, nodeSelector: { zone: 'a' }, tolerations: [{ key: 'gpu', operator: 'Exists' }] });
    const advice = manager.scalingAdvice({ nodeTypes: types, scaleDown: false });
    expect(advice.add).toEqual([
      { type: 'spot-a', count: 1, for: ['j-spot'] },
      { type: 'ondemand-a', count: 1, for: ['j-avoid'] },
      { type: 'tainted-a', count: 1, for: ['j-tolerant'] },
      { type: 'ondemand-b', count: 1, for: ['j-b'] },
    ]);
    // 10,000 + 100,000 + 1,000 + 500,000
    expect(advice.cost.after - advice.cost.before).toBe(611_000);
  });

  it('jobs no type can hold are listed apart; limits leave the rest waiting', () => {
    // n1 cpu 8: j1 runs, j2 (cpu 8) waits; types of cpu 4 cannot hold it. j3, j4 (cpu 3) wait
    // too; `max: 1` of the only type that fits them holds one.
    const { manager } = cluster([{ id: 'n1', capacity: { cpu: 8 }, costPerHour: 1 }] as never);
    manager.submit({ id: 'j1', resources: { cpu: 8 } });
    manager.submit({ id: 'j2', resources: { cpu: 8 } });
    manager.submit({ id: 'j3', resources: { cpu: 3 } });
    manager.submit({ id: 'j4', resources: { cpu: 3 } });
    const advice = manager.scalingAdvice({ nodeTypes: [{ name: 'c4', capacity: { cpu: 4 }, costPerHour: 0.3, max: 1 }], scaleDown: false });
    expect(advice.add).toEqual([{ type: 'c4', count: 1, for: ['j3'] }]);
    expect(advice.unschedulable.map((u) => u.jobId)).toEqual(['j2', 'j4']);
    expect(advice.unschedulable[0]?.reason).toMatch(/no node type can hold it/);
    expect(advice.unschedulable[1]?.reason).toMatch(/limits/);
    // maxNodes counts the nodes there are: 1 + 0 new
    expect(manager.scalingAdvice({ nodeTypes: [SMALL], maxNodes: 1, scaleDown: false }).add).toEqual([]);
  });

  it('jobs held back by a cap or a quota, not by room, get no node', () => {
    const { manager } = cluster(undefined, { concurrency: { batch: 1 }, tenants: { t: { quota: { cpu: 2 }, onExceed: 'queue' } } });
    manager.submit({ id: 'b1', category: 'batch', resources: { cpu: 1 } });
    manager.submit({ id: 'b2', category: 'batch', resources: { cpu: 1 } }); // cap
    manager.submit({ id: 'q1', tenant: 't', resources: { cpu: 2 } });
    manager.submit({ id: 'q2', tenant: 't', resources: { cpu: 1 } }); // quota
    expect(manager.scalingAdvice({ nodeTypes: [SMALL], scaleDown: false }).add).toEqual([]);
  });
});

describe('scalingAdvice: scale down', () => {
  const nodes = [
    { id: 'cheap', capacity: { cpu: 4 }, costPerHour: 0.1 },
    { id: 'dear', capacity: { cpu: 4 }, costPerHour: 0.9 },
    { id: 'busy', capacity: { cpu: 4 }, costPerHour: 0.5 },
  ];

  it('idle nodes past idleForMs go, the most expensive first, never below minNodes', () => {
    // the cpu-4 job goes on cheap (best fit, ties to node order); dear and busy have been empty
    // since the start (0). At 10 min both are idle for 600,000 ms; minNodes 2 lets one go: dear,
    // the dearer (saves 900,000 µ/h), then busy (500,000).
    const { manager, clock } = cluster(nodes as never);
    manager.submit({ id: 'job', resources: { cpu: 4 } });
    clock.time = 599_999;
    manager.tick();
    expect(manager.scalingAdvice({ nodeTypes: [SMALL] }).remove).toEqual([]);
    clock.time = 600_000;
    manager.tick();
    const advice = manager.scalingAdvice({ nodeTypes: [SMALL], minNodes: 2 });
    expect(advice.remove).toEqual([{ nodeId: 'dear', reason: 'idle', saves: 900_000 }]);
    expect(advice.cost).toEqual({ before: 1_500_000, after: 600_000, unit: 'micro' });
    expect(manager.scalingAdvice({ nodeTypes: [SMALL] }).remove.map((r) => r.nodeId)).toEqual(['dear', 'busy']);
  });

  it('idleness counts from the last job that ended there, measured at `now` if given', () => {
    // a job runs on dear from 0 to 300,000: dear is idle from 300,000, so at 600,000 it has been
    // idle 300,000 ms (not enough); at now = 900,000 it is.
    const { manager, clock } = cluster([{ id: 'dear', capacity: { cpu: 4 }, costPerHour: 0.9 }] as never);
    manager.submit({ id: 'job', resources: { cpu: 1 } });
    clock.time = 300_000;
    manager.release(manager.job('job')?.allocationId as string);
    clock.time = 600_000;
    manager.tick();
    expect(manager.scalingAdvice({ nodeTypes: [SMALL] }).remove).toEqual([]);
    expect(manager.scalingAdvice({ nodeTypes: [SMALL], now: 900_000 }).remove).toEqual([{ nodeId: 'dear', reason: 'idle', saves: 900_000 }]);
    expect(refused(() => manager.scalingAdvice({ nodeTypes: [SMALL], now: 500_000 })).code).toBe('INVALID_OPTION');
  });

  it('a recent scale-up holds removals back for cooldownMs', () => {
    const { manager, clock } = cluster(nodes as never);
    clock.time = 700_000;
    manager.addNode({ id: 'new', capacity: { cpu: 4 }, costPerHour: 0.2 });
    clock.time = 1_000_000;
    manager.tick();
    const advice = manager.scalingAdvice({ nodeTypes: [SMALL] });
    expect(advice.remove).toEqual([]);
    expect(advice.cooldownUntil).toBe(1_300_000);
    expect(manager.scalingAdvice({ nodeTypes: [SMALL], cooldownMs: 0, scaleDown: { idleForMs: 600_000 } }).remove.map((r) => r.nodeId)).toEqual(['dear', 'busy', 'cheap']);
  });

  it('underutilised nodes whose jobs fit elsewhere go, with the moves', () => {
    // worst-fit spreads three cpu-1 jobs over the three nodes (each 25 % used, below 50 %).
    // Consolidation: cheap's job moves to dear, then busy's job to dear too (the fewest jobs
    // first, then the least used, then node order): dear ends with 3 of 4 cpus.
    const { manager } = cluster(nodes as never, { placement: 'worst-fit' });
    for (const id of ['a', 'b', 'c']) manager.submit({ id, resources: { cpu: 1 } });
    expect(manager.allocations().map((a) => a.placements[0]?.nodeId)).toEqual(['cheap', 'dear', 'busy']);
    const advice = manager.scalingAdvice({ nodeTypes: [SMALL], scaleDown: { utilisationBelow: 0.5, idleForMs: 600_000 }, cooldownMs: 0 });
    expect(advice.remove.map((r) => [r.nodeId, r.reason, r.moves?.map((m) => `${m.jobId}:${m.from}→${m.to}`)])).toEqual([
      ['cheap', 'underutilised', ['a:cheap→dear']],
      ['busy', 'underutilised', ['c:busy→dear']],
    ]);
    expect(advice.cost.after).toBe(900_000);
    // the moves are a plan applyDefragmentation carries out
    manager.applyDefragmentation({ moves: advice.remove.flatMap((r) => r.moves ?? []) });
    expect(manager.nodes().map((n) => n.allocationCount)).toEqual([0, 3, 0]);
    // a node whose largest share is at or above the threshold stays
    expect(manager.scalingAdvice({ nodeTypes: [SMALL], scaleDown: { utilisationBelow: 0.2 }, cooldownMs: 0 }).remove.filter((r) => r.reason === 'underutilised')).toEqual([]);
  });
});

describe('scalingAdvice is a read', () => {
  it('changes nothing, writes no journal entry, and reads no clock', () => {
    let reads = 0;
    const clock = { time: 0 };
    const journal: JournalEntry[] = [];
    const manager = new AllocationManager({ nodes: [{ id: 'n1', capacity: { cpu: 4 }, costPerHour: 1 }], now: () => (reads++, clock.time), timers: false, journal: (e) => journal.push(e) });
    manager.submit({ id: 'a', resources: { cpu: 4 } });
    manager.submit({ id: 'b', resources: { cpu: 4 } });
    const before = JSON.stringify(manager.snapshot());
    const entries = journal.length;
    const readsBefore = reads;
    manager.scalingAdvice({ nodeTypes: [SMALL] });
    manager.planDefragmentation();
    manager.planDefragmentation({ for: { resources: { cpu: 2 } } });
    expect(reads).toBe(readsBefore);
    expect(journal.length).toBe(entries);
    expect(JSON.stringify(manager.snapshot())).toBe(before);
  });

  it('bad options throw INVALID_OPTION and say what was expected', () => {
    const { manager } = cluster();
    for (const bad of [
      undefined,
      {},
      { nodeTypes: [] },
      { nodeTypes: [SMALL, SMALL] },
      { nodeTypes: [{ ...SMALL, costPerHour: -1 }] },
      { nodeTypes: [{ ...SMALL, capacity: { cpu: Number.NaN } }] },
      { nodeTypes: [{ ...SMALL, max: 1.5 }] },
      { nodeTypes: [{ ...SMALL, colour: 'red' }] },
      { nodeTypes: [SMALL], minNodes: 3, maxNodes: 2 },
      { nodeTypes: [SMALL], scaleDown: { utilisationBelow: 2 } },
      { nodeTypes: [SMALL], cooldownMs: -1 },
      { nodeTypes: [SMALL], searchBudget: 1e9 },
      { nodeTypes: [SMALL], typo: 1 },
      { nodeTypes: Array.from({ length: 101 }, (_, i) => ({ ...SMALL, name: `t${i}` })) },
    ]) {
      const error = refused(() => manager.scalingAdvice(bad as never));
      expect(error.code, JSON.stringify(bad)).toBe('INVALID_OPTION');
      expect(error.message).toMatch(/Expected|Unknown/);
    }
  });
});
