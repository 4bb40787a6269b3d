import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AllocationManager, ResourcePool } from 'fairpack';
import { poolSnapshot } from 'fairpack/testing';
import { propertyRuns, refused } from '../support.js';

/*
 * For every accepted key set, any key outside it — an ordinary word, a typo, `__proto__`,
 * `constructor`, an Object.prototype member — makes the call throw and change nothing, while the
 * same object without it is accepted.
 */

const ALLOCATION_FIELDS = ['resources', 'replicas', 'nodeSelector', 'tolerations', 'spread', 'id', 'jobId', 'tenant', 'priority', 'metadata'];
const JOB_FIELDS = ['resources', 'replicas', 'nodeSelector', 'tolerations', 'spread', 'id', 'tenant', 'priority', 'category', 'ttlMs', 'deadline', 'estimatedRuntimeMs', 'metadata'];
const NODE_FIELDS = ['id', 'capacity', 'labels', 'taints', 'status', 'costPerHour'];

/** A key outside `accepted`: random strings, and names that touch Object.prototype. */
const extraKey = (accepted: readonly string[]) =>
  fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', 'jobId', 'ttl', 'replica', 'label')).filter((key) => !accepted.includes(key));

/** `base` plus one own enumerable property (defineProperty: `__proto__` becomes a key, not a prototype). */
function withExtra<T extends object>(base: T, key: string, value: unknown): T {
  return Object.defineProperty({ ...base }, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Valid requests using some of the accepted fields. */
const allocationRequest = fc.record(
  {
    resources: fc.record({ cpu: fc.integer({ min: 0, max: 2 }), memory: fc.integer({ min: 0, max: 4 }) }),
    replicas: fc.integer({ min: 1, max: 2 }),
    nodeSelector: fc.constant({ zone: 'a' }),
    tolerations: fc.constant([{ operator: 'Exists' as const }]),
    spread: fc.boolean(),
    tenant: fc.constantFrom('t1', 't2'),
    priority: fc.constantFrom('high', 'low'),
    metadata: fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
  },
  { requiredKeys: ['resources'] },
);

const nodeSpec = fc.record(
  {
    capacity: fc.record({ cpu: fc.integer({ min: 1, max: 8 }) }),
    labels: fc.dictionary(fc.string({ minLength: 1 }), fc.string(), { maxKeys: 2 }),
    taints: fc.constant([{ key: 'k', effect: 'NoSchedule' as const }]),
    status: fc.constantFrom('ready' as const, 'draining' as const),
    costPerHour: fc.double({ min: 0, max: 10, noNaN: true }),
  },
  { requiredKeys: ['capacity'] },
);

const newPool = () => new ResourcePool({ nodes: [{ id: 'n1', capacity: { cpu: 64, memory: 64 }, labels: { zone: 'a' } }, { id: 'n2', capacity: { cpu: 64, memory: 64 }, labels: { zone: 'a' } }], now: () => 0 });

describe('an extra key is refused and changes nothing', () => {
  it('allocation requests: pool.allocate and pool.planBatch (INVALID_REQUEST)', () => {
    fc.assert(
      fc.property(allocationRequest, extraKey(ALLOCATION_FIELDS), fc.anything(), (request, key, value) => {
        const pool = newPool();
        pool.allocate({ resources: { cpu: 1 } });
        const before = poolSnapshot(pool);
        const odd = withExtra(request, key, value);
        expect(refused(() => pool.allocate(odd)).details).toMatchObject({ field: key });
        expect(refused(() => pool.planBatch([request, odd])).details).toMatchObject({ field: key, index: 1 });
        expect(poolSnapshot(pool)).toEqual(before);
        expect(pool.allocate(request).ok).toBe(true); // without the extra key it is fine
      }),
      { numRuns: propertyRuns(200) },
    );
  });

  it('job requests: manager.submit (INVALID_REQUEST)', () => {
    const jobRequest = fc.tuple(allocationRequest, fc.record({ category: fc.constant('c'), ttlMs: fc.integer({ min: 1 }), deadline: fc.integer(), estimatedRuntimeMs: fc.nat() }, { requiredKeys: [] }));
    fc.assert(
      fc.property(jobRequest, extraKey(JOB_FIELDS), fc.anything(), ([request, own], key, value) => {
        const mgr = new AllocationManager({ pool: newPool(), now: () => 0 });
        mgr.submit({ resources: { cpu: 1 } });
        const views = () => JSON.stringify({ jobs: mgr.jobs(), allocations: mgr.allocations(), queues: mgr.queues(), capacity: mgr.capacity() });
        const before = views();
        const job = { ...request, ...own };
        const error = refused(() => mgr.submit(withExtra(job, key, value)));
        expect(error.code).toBe('INVALID_REQUEST');
        expect(views()).toBe(before);
        expect(mgr.submit(job).status).toBe('allocated');
      }),
      { numRuns: propertyRuns(200) },
    );
  });

  it('node specs: addNode (INVALID_NODE)', () => {
    fc.assert(
      fc.property(nodeSpec, extraKey(NODE_FIELDS), fc.anything(), (spec, key, value) => {
        const pool = newPool();
        const before = poolSnapshot(pool);
        const error = refused(() => pool.addNode(withExtra({ id: 'n3', ...spec }, key, value)));
        expect([error.code, error.details['field']]).toEqual(['INVALID_NODE', key]);
        expect(poolSnapshot(pool)).toEqual(before);
        expect(pool.addNode({ id: 'n3', ...spec }).id).toBe('n3');
      }),
      { numRuns: propertyRuns(200) },
    );
  });
});
