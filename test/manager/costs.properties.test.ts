import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AllocationManager, type CostReport, type PriorityClassSpec, fairnessPolicyNames, isFairpackError, placementStrategyNames } from 'fairpack';
import { propertyRuns } from '../support.js';

/*
 * The cost books under random call sequences, for every fairness policy × placement strategy:
 * after every call, Σ jobs + idle = Σ nodes = total and Σ tenants = used, exactly, nothing
 * negative, and the figures since the start never go down; at the end, for random a ≤ b ≤ c,
 * [a, b] + [b, c] = [a, c] for every figure, and a restored manager reports the same windows.
 * Prices mix the small, the odd and the huge (3,600/h: 1,000 µ per ms, past the fast path).
 */

const CLASSES: PriorityClassSpec[] = [
  { name: 'high', value: 100, canPreempt: true, preemptionGraceMs: 500 },
  { name: 'default', value: 0, preemptionGraceMs: 0 },
  { name: 'low', value: -100, preemptionGraceMs: 0 },
];
const PRICES = [0, 0.5, 1.2, 7.777777, 3600];

type Op =
  | { readonly kind: 'submit'; readonly tenant: string; readonly cpu: number; readonly memory: number; readonly priority: string; readonly replicas: number; readonly ttlMs?: number | undefined }
  | { readonly kind: 'release'; readonly pick: number; readonly outcome: 'completed' | 'failed' | 'preempted' }
  | { readonly kind: 'cancel'; readonly pick: number }
  | { readonly kind: 'advance'; readonly ms: number }
  | { readonly kind: 'node'; readonly pick: number; readonly action: 'add' | 'remove' | 'offline' | 'draining' | 'ready' | 'interrupt' };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .record({ tenant: fc.constantFrom('a', 'b', 'c'), cpu: fc.integer({ min: 0, max: 5 }), memory: fc.integer({ min: 0, max: 9 }), priority: fc.constantFrom('high', 'default', 'low'), replicas: fc.constantFrom(1, 1, 1, 2), ttlMs: fc.option(fc.integer({ min: 1, max: 200_000 }), { nil: undefined }) }, { requiredKeys: ['tenant', 'cpu', 'memory', 'priority', 'replicas'] })
      .map((r) => ({ kind: 'submit' as const, ...r })),
  },
  { weight: 3, arbitrary: fc.record({ pick: fc.nat(), outcome: fc.constantFrom('completed' as const, 'failed' as const, 'preempted' as const) }).map((r) => ({ kind: 'release' as const, ...r })) },
  { weight: 1, arbitrary: fc.nat().map((pick) => ({ kind: 'cancel' as const, pick })) },
  { weight: 3, arbitrary: fc.oneof(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 400_000 })).map((ms) => ({ kind: 'advance' as const, ms })) },
  { weight: 2, arbitrary: fc.record({ pick: fc.nat(), action: fc.constantFrom('add' as const, 'remove' as const, 'offline' as const, 'draining' as const, 'ready' as const, 'interrupt' as const) }).map((r) => ({ kind: 'node' as const, ...r })) },
);

function apply(manager: AllocationManager, o: Op, clock: { time: number }): void {
  try {
    switch (o.kind) {
      case 'submit':
        manager.submit({ tenant: o.tenant, priority: o.priority, resources: { cpu: o.cpu, memory: o.memory }, replicas: o.replicas, ...(o.ttlMs === undefined ? {} : { ttlMs: o.ttlMs }) });
        return;
      case 'release': {
        const live = manager.allocations();
        const target = live[o.pick % Math.max(1, live.length)];
        if (target !== undefined) manager.release(target.id, { outcome: o.outcome });
        return;
      }
      case 'cancel': {
        const jobs = manager.jobs();
        const target = jobs[o.pick % Math.max(1, jobs.length)];
        if (target !== undefined) manager.cancel(target.id);
        return;
      }
      case 'advance':
        clock.time += o.ms;
        manager.tick();
        return;
      case 'node': {
        const nodes = manager.nodes();
        const node = nodes[o.pick % Math.max(1, nodes.length)];
        if (o.action === 'add') {
          manager.addNode({ id: `m${o.pick % 4}`, capacity: { cpu: 3 + (o.pick % 3), memory: 7 }, costPerHour: PRICES[o.pick % PRICES.length] as number });
          return;
        }
        if (node === undefined) return;
        if (o.action === 'remove') manager.removeNode(node.id, { force: o.pick % 2 === 0 });
        else if (o.action === 'interrupt') manager.interruptNode(node.id, { noticeMs: o.pick % 1000 });
        else manager.setNodeStatus(node.id, o.action);
        return;
      }
    }
  } catch (error) {
    if (!isFairpackError(error)) throw error;
  }
}

function options(fairness: string, placement: string, clock: { time: number }) {
  return {
    nodes: [
      { id: 'n1', capacity: { cpu: 8, memory: 16 }, costPerHour: 1.2 },
      { id: 'n2', capacity: { cpu: 4, memory: 8, gpu: 1 }, costPerHour: 7.777777 },
      { id: 'n3', capacity: { cpu: 3, memory: 32 }, costPerHour: 3600 },
    ],
    placement: placement as 'best-fit',
    fairness: fairness as 'drf',
    priorityClasses: CLASSES,
    now: () => clock.time,
    timers: false,
  };
}

const sum = (values: Iterable<number>): number => {
  let total = 0;
  for (const v of values) total += v;
  return total;
};

function balanced(report: CostReport): void {
  expect(sum(Object.values(report.byNode))).toBe(report.total);
  expect(sum(Object.values(report.byTenant)) + report.otherTenants).toBe(report.used);
  expect(sum(report.topJobs.map((j) => j.cost))).toBe(report.used);
  expect(report.used + report.idle).toBe(report.total);
  for (const value of [report.total, report.used, report.idle, ...Object.values(report.byNode), ...Object.values(report.byTenant), ...report.topJobs.map((j) => j.cost)]) {
    expect(Number.isSafeInteger(value) && value >= 0, `${value} is a whole, non-negative amount`).toBe(true);
  }
}

/** Every figure of a report as one flat map (absent = 0), to add windows together. */
function figures(report: CostReport): Map<string, number> {
  const out = new Map<string, number>([['total', report.total], ['used', report.used], ['idle', report.idle]]);
  for (const [tenant, cost] of Object.entries(report.byTenant)) out.set(`tenant:${tenant}`, cost);
  for (const [node, cost] of Object.entries(report.byNode)) out.set(`node:${node}`, cost);
  for (const job of report.topJobs) out.set(`job:${job.jobId}`, job.cost);
  return out;
}

describe.each(fairnessPolicyNames)('cost books (%s)', (fairness) => {
  it.each(placementStrategyNames)('with %s placement: exact, non-negative, additive over windows, restored alike', (placement) => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 40 }), fc.array(fc.nat(), { minLength: 3, maxLength: 3 }), (ops, picks) => {
        const clock = { time: 1_000 };
        const manager = new AllocationManager(options(fairness, placement, clock));
        const times: number[] = [];
        let previous: CostReport | undefined;
        for (const o of ops) {
          apply(manager, o, clock);
          const report = manager.costs({ top: Infinity });
          balanced(report);
          times.push(report.to);
          if (previous !== undefined) {
            // since the start, nothing goes down (what Prometheus counters need)
            expect(report.total).toBeGreaterThanOrEqual(previous.total);
            expect(report.idle).toBeGreaterThanOrEqual(previous.idle);
            for (const [tenant, cost] of Object.entries(previous.byTenant)) expect(report.byTenant[tenant] ?? 0).toBeGreaterThanOrEqual(cost);
          }
          previous = report;
        }
        const [a, b, c] = picks.map((p) => times[p % times.length] as number).sort((x, y) => x - y) as [number, number, number];
        const ab = manager.costs({ from: a, to: b, top: Infinity });
        const bc = manager.costs({ from: b, to: c, top: Infinity });
        const ac = manager.costs({ from: a, to: c, top: Infinity });
        for (const window of [ab, bc, ac]) balanced(window);
        const left = figures(ab);
        const right = figures(bc);
        const whole = figures(ac);
        for (const key of new Set([...left.keys(), ...right.keys(), ...whole.keys()])) {
          expect((left.get(key) ?? 0) + (right.get(key) ?? 0), key).toBe(whole.get(key) ?? 0);
        }
        const restored = AllocationManager.restore(JSON.parse(JSON.stringify(manager.snapshot())), { now: () => clock.time });
        for (const window of [{ top: Infinity }, { from: a, to: b, top: Infinity }, { from: b, top: 2 }]) expect(restored.costs(window)).toEqual(manager.costs(window));
      }),
      { numRuns: propertyRuns(15) },
    );
  });
});
