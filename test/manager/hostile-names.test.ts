import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AllocationManager, ProtocolHandler, ResourcePool, fairnessPolicyNames, isFairpackError } from 'fairpack';
import { checkInvariants } from 'fairpack/testing';
import { propertyRuns } from '../support.js';

/*
 * Issue 12 §1: every name a user gives (tenant, category, node id, label, priority class,
 * metadata key) drawn from a hostile set. After every step: no prototype changed, every view and
 * metrics() answer, the books balance. Before the fix a queued job of tenant "__proto__" set
 * Object.prototype.default through metrics(), and "constructor"/"toString" polluted Object and
 * Function.prototype.toString.
 */

export const HOSTILE_NAMES = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '__defineGetter__',
  'default',
  'real-time',
  'low',
  'x'.repeat(10_240),
  'ünïcødé ✓ 名前 🚀',
  '',
] as const;

/** Every own property of the three prototypes, with its descriptor's value or accessors. */
function prototypes(): unknown[] {
  return [Object.prototype, Function.prototype, Array.prototype].map((proto) =>
    Object.getOwnPropertyNames(proto).map((name) => {
      const d = Object.getOwnPropertyDescriptor(proto, name) as PropertyDescriptor;
      return [name, d.value, d.get, d.set];
    }),
  );
}

function expectUntouched(before: unknown[]): void {
  expect(prototypes()).toEqual(before);
  expect(({} as Record<string, unknown>)['default']).toBeUndefined();
  expect(String({})).toBe('[object Object]');
  expect(Function.prototype.toString.call(Object)).toContain('[native code]');
}

const name = fc.constantFrom(...HOSTILE_NAMES);

type Step =
  | { readonly submit: { tenant: string; priority: string; category: string | undefined; cpu: number; label: string; metaKey: string } }
  | { readonly release: number }
  | { readonly cancel: number }
  | { readonly node: { id: string; label: string } }
  | { readonly quota: { tenant: string; cpu: number | null } }
  | { readonly weight: { tenant: string } }
  | { readonly cap: { category: string; limit: number } }
  | { readonly advance: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ tenant: name, priority: fc.constantFrom('__proto__', 'constructor', 'toString', 'default', 'real-time'), category: fc.option(name, { nil: undefined }), cpu: fc.integer({ min: 1, max: 4 }), label: name, metaKey: name }).map((submit) => ({ submit })) },
  { weight: 2, arbitrary: fc.nat().map((release) => ({ release })) },
  { weight: 1, arbitrary: fc.nat().map((cancel) => ({ cancel })) },
  { weight: 1, arbitrary: fc.record({ id: name, label: name }).map((node) => ({ node })) },
  { weight: 1, arbitrary: fc.record({ tenant: name, cpu: fc.option(fc.integer({ min: 0, max: 8 }), { nil: null }) }).map((quota) => ({ quota })) },
  { weight: 1, arbitrary: fc.record({ tenant: name }).map((weight) => ({ weight })) },
  { weight: 1, arbitrary: fc.record({ category: name, limit: fc.integer({ min: 0, max: 2 }) }).map((cap) => ({ cap })) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 40_000 }).map((advance) => ({ advance })) },
);

/** Classes named like prototype members: a class is a name too. */
const CLASSES = [
  { name: 'real-time', value: 1000, canPreempt: true, preemptible: false, preemptionGraceMs: 0 },
  { name: 'toString', value: 100, canPreempt: true, preemptionGraceMs: 1000 },
  { name: 'default', value: 0 },
  { name: 'constructor', value: -100 },
  { name: '__proto__', value: -1000 },
];

/** Runs one call; a typed refusal is fine (an empty name is refused), anything else fails. */
function attempt(call: () => unknown): void {
  try {
    call();
  } catch (error) {
    if (!isFairpackError(error)) throw error;
  }
}

describe.each(fairnessPolicyNames)('hostile names (%s)', (fairness) => {
  it('no name reaches a prototype; every view and metrics() answer; the books balance', () => {
    const before = prototypes();
    fc.assert(
      fc.property(fc.array(step, { minLength: 5, maxLength: 60 }), (steps) => {
        let time = 0;
        const pool = new ResourcePool({ nodes: [{ id: 'n1', capacity: { cpu: 8 } }, { id: 'n2', capacity: { cpu: 4 }, labels: { __proto__: 'x', constructor: 'y' } as Record<string, string> }], now: () => time });
        const manager = new AllocationManager({ pool, fairness, priorityClasses: CLASSES, now: () => time, timers: false, starvation: { afterMs: 50_000 }, tenants: JSON.parse('{"__proto__":{"weight":2},"constructor":{"quota":{"cpu":4}}}') as never });
        const handler = new ProtocolHandler(manager);
        let n = 0;
        for (const s of steps) {
          if ('submit' in s) {
            const { tenant, priority, category, cpu, label, metaKey } = s.submit;
            attempt(() => manager.submit({ id: `j${n++}`, tenant, priority, ...(category === undefined ? {} : { category }), resources: { cpu }, nodeSelector: { [label]: 'x' }, metadata: { [metaKey]: { [metaKey]: 1 } } }));
            attempt(() => manager.submit({ id: `k${n++}`, tenant, priority, resources: { cpu } }));
          } else if ('release' in s) {
            const live = manager.allocations();
            const target = live[s.release % Math.max(1, live.length)];
            if (target !== undefined) manager.release(target.id);
          } else if ('cancel' in s) {
            const live = manager.jobs({ status: 'queued' });
            const target = live[s.cancel % Math.max(1, live.length)];
            if (target !== undefined) manager.cancel(target.id);
          } else if ('node' in s) {
            attempt(() => manager.addNode({ id: s.node.id, capacity: { cpu: 2 }, labels: { [s.node.label]: 'x' } }));
          } else if ('quota' in s) {
            attempt(() => manager.setQuota(s.quota.tenant, s.quota.cpu === null ? null : { cpu: s.quota.cpu }, { onExceed: 'queue' }));
          } else if ('weight' in s) {
            attempt(() => manager.setTenant(s.weight.tenant, { weight: 3 }));
          } else if ('cap' in s) {
            attempt(() => manager.setConcurrency(s.cap.category, s.cap.limit));
          } else {
            time += s.advance;
            manager.tick();
          }
          expectUntouched(before);
          checkInvariants(pool);
          const metrics = manager.metrics();
          expect(JSON.parse(JSON.stringify(metrics))).toBeTypeOf('object');
          for (const job of manager.jobs()) {
            expect(manager.job(job.id)?.tenant).toBe(job.tenant);
            manager.quota(job.tenant);
            // every name is an own key of the output, whatever it is (never a prototype)
            if (job.status === 'queued') expect(Object.hasOwn(metrics.queueDepth, job.tenant)).toBe(true);
            if (job.status === 'queued' || job.status === 'running') expect(Object.hasOwn(metrics.tenants, job.tenant)).toBe(true);
            if (job.startedAt !== undefined) expect(Object.hasOwn(metrics.schedulingLatency, job.priority)).toBe(true);
          }
          for (const view of [manager.allocations(), manager.nodes(), manager.queues(), manager.reservations(), manager.capacity(), manager.concurrency()]) JSON.stringify(view);
          const replies = handler.handleLine('{"src":"__proto__","dest":"n","body":{"type":"capacity","msg_id":1}}');
          expect(replies.length).toBeGreaterThan(0);
          handler.handleLine('{"src":"constructor","dest":"n","body":{"type":"queues","msg_id":2}}');
          expectUntouched(before);
        }
      }),
      { numRuns: propertyRuns(15) },
    );
  });
});
