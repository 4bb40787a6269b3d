import fc from 'fast-check';
import { fairnessPolicyNames, placementStrategyNames } from 'fairpack';
import { nodeSpecArbitrary, requestArbitrary } from 'fairpack/testing';
import { type RefKind, ref, someId } from './calls.js';

/*
 * Valid arguments of the public methods (sometimes pointing at live ids through Refs): the base
 * that `mutated()` makes hostile one part at a time, and the calls that keep the state non-trivial.
 */

export const TENANTS = ['a', 'b', '__proto__', 'constructor'] as const;
export const CLASSES = ['real-time', 'high', 'default', 'low', 'best-effort'] as const;
const STATUSES = ['ready', 'ready', 'draining', 'offline'] as const;

const json = fc.jsonValue({ maxDepth: 2 });
const metadata = fc.dictionary(fc.constantFrom('owner', '__proto__', 'constructor', 'k'), json, { maxKeys: 2 });

/** A pool request: resources, gangs, selectors, tolerations, and the bookkeeping fields. */
export function poolRequest(): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .tuple(requestArbitrary({ max: 6 }), fc.record({ id: fc.oneof(ref('allocation'), fc.string({ minLength: 1, maxLength: 8 })), jobId: fc.string({ minLength: 1, maxLength: 8 }), priority: fc.constantFrom(...CLASSES), metadata }, { requiredKeys: [] }))
    .map(([request, extra]) => ({ ...request, ...extra }));
}

/** A manager job request: a pool request without `jobId`, plus the manager's own fields. */
export function jobRequest(): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .tuple(
      requestArbitrary({ max: 6 }),
      fc.record(
        {
          id: fc.oneof(ref('job'), fc.string({ minLength: 1, maxLength: 8 })),
          tenant: fc.constantFrom(...TENANTS),
          priority: fc.constantFrom(...CLASSES),
          category: fc.constantFrom('heavy', 'light'),
          ttlMs: fc.integer({ min: 1, max: 20_000 }),
          deadline: fc.integer({ min: 0, max: 100_000 }),
          estimatedRuntimeMs: fc.integer({ min: 0, max: 50_000 }),
          metadata,
        },
        { requiredKeys: [] },
      ),
    )
    .map(([request, extra]) => ({ ...request, ...extra }));
}

/** A node spec: a fresh id, or the id of a live node (DUPLICATE_NODE). */
export function nodeSpec(): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .tuple(fc.oneof(fc.nat(1000).map((n) => `x${n}`), ref('node')), fc.option(fc.double({ min: 0, max: 10, noNaN: true }), { nil: undefined }))
    .chain(([id, costPerHour]) => nodeSpecArbitrary('placeholder').map((spec) => ({ ...spec, id, ...(costPerHour === undefined ? {} : { costPerHour }) })));
}

export const nodeStatus = fc.constantFrom(...STATUSES);

export function id(kind: RefKind): fc.Arbitrary<unknown> {
  return someId(kind);
}

export const planBatchOptions = fc.record(
  {
    algorithm: fc.constantFrom('auto', 'ffd', 'bfd', 'dot-product', 'l2-norm', 'smallest-first', 'one-at-a-time'),
    sizeKey: fc.constantFrom('sum', 'max', 'l2'),
    placement: fc.constantFrom(...placementStrategyNames),
    dryRun: fc.boolean(),
    timeLimitMs: fc.constant(0),
    workLimit: fc.integer({ min: 0, max: 2_000 }),
    clock: fc.constant(() => 0),
  },
  { requiredKeys: ['timeLimitMs'] },
);

export const poolOptions = fc.record(
  {
    nodes: fc.array(nodeSpec(), { maxLength: 3 }).map((nodes) => nodes.map((node, i) => ({ ...node, id: `p${i}` }))),
    placement: fc.constantFrom(...placementStrategyNames),
    precision: fc.integer({ min: 0, max: 9 }),
    now: fc.constant(() => 0),
    maxMetadataBytes: fc.integer({ min: 2, max: 20_000 }),
    maxMetadataDepth: fc.integer({ min: 1, max: 40 }),
  },
  { requiredKeys: [] },
);

export const managerOptions = fc.record(
  {
    nodes: fc.array(nodeSpec(), { maxLength: 3 }).map((nodes) => nodes.map((node, i) => ({ ...node, id: `m${i}` }))),
    placement: fc.constantFrom(...placementStrategyNames),
    precision: fc.integer({ min: 0, max: 9 }),
    fairness: fc.constantFrom(...fairnessPolicyNames),
    tenants: fc.dictionary(fc.constantFrom(...TENANTS), fc.record({ weight: fc.integer({ min: 1, max: 4 }), quota: fc.constant({ cpu: 4 }), onExceed: fc.constantFrom('reject', 'queue'), burst: fc.constantFrom(1, 1.5) }, { requiredKeys: [] }), { maxKeys: 2 }),
    concurrency: fc.dictionary(fc.constantFrom('heavy', 'light'), fc.integer({ min: 0, max: 3 }), { maxKeys: 2 }),
    preemption: fc.oneof(fc.constant(false), fc.record({ backoffMs: fc.integer({ min: 0, max: 10_000 }) })),
    now: fc.constant(() => 0),
    timers: fc.constant(false),
    history: fc.integer({ min: 0, max: 100 }),
    maxQueued: fc.integer({ min: 0, max: 100 }),
    maxQueuedPerTenant: fc.integer({ min: 0, max: 100 }),
    backfillWindow: fc.integer({ min: 1, max: 64 }),
    starvation: fc.oneof(fc.constant(false), fc.record({ afterMs: fc.integer({ min: 0, max: 60_000 }) })),
    heartbeat: fc.oneof(fc.constant(false), fc.record({ timeoutMs: fc.integer({ min: 1, max: 60_000 }) })),
    maxMetadataBytes: fc.integer({ min: 2, max: 20_000 }),
    maxMetadataDepth: fc.integer({ min: 1, max: 40 }),
  },
  { requiredKeys: ['timers'] },
);
