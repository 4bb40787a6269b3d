import { describe, expect, it } from 'vitest';
import { type AllocationRequest, ResourcePool } from 'fairpack';
import { poolSnapshot } from 'fairpack/testing';
import { refused } from '../support.js';

/*
 * A field the pool does not know is refused, with the closest known one suggested: a typo such as
 * `nodeSelectors` would otherwise drop the constraint and place the request on a node the user
 * excluded. Every refusal leaves the pool exactly as it was.
 */

const cluster = () =>
  new ResourcePool({
    nodes: [
      { id: 'eu', capacity: { cpu: 8, memory: 16 }, labels: { zone: 'eu' } },
      { id: 'us', capacity: { cpu: 8, memory: 16 }, labels: { zone: 'us' } },
      { id: 'gpu', capacity: { cpu: 8, gpu: 2 }, taints: [{ key: 'gpu', effect: 'NoSchedule' }] },
    ],
    now: () => 0,
  });

/** Refused with `code`, the pool unchanged; returns the error. */
function refusedUnchanged(pool: ResourcePool, call: () => unknown, code: string) {
  pool.allocate({ resources: { cpu: 1 }, id: 'live' }); // some state to keep
  const before = poolSnapshot(pool);
  const error = refused(call);
  expect(error.code).toBe(code);
  expect(poolSnapshot(pool)).toEqual(before);
  return error;
}

describe('pool.allocate refuses unknown request fields', () => {
  it.each([
    // [field as typed, value, the suggestion]
    ['nodeSelectors', { zone: 'us' }, 'nodeSelector'],
    ['replica', 2, 'replicas'],
    ['priorty', 'high', 'priority'],
    ['resource', { cpu: 1 }, 'resources'],
    ['toleration', [], 'tolerations'],
    ['Metadata', {}, 'metadata'],
  ])('`%s` → INVALID_REQUEST suggesting the closest field', (field, value, suggestion) => {
    const pool = cluster();
    const request = { resources: { cpu: 1 }, [field]: value } as unknown as AllocationRequest;
    const error = refusedUnchanged(pool, () => pool.allocate(request), 'INVALID_REQUEST');
    expect(error.message).toContain(`Unknown allocation request field \`${field}\`. Did you mean \`${suggestion}\`?`);
    expect(error.message).toContain('Accepted: resources, replicas, nodeSelector, tolerations, spread, spot, id, jobId, tenant, priority, metadata.');
    expect(error.details).toMatchObject({ field, suggestion, accepted: expect.arrayContaining(['resources', suggestion]) as unknown });
  });

  it('a field with no close match gets no suggestion, and still fails', () => {
    const pool = cluster();
    const error = refusedUnchanged(pool, () => pool.allocate({ resources: { cpu: 1 }, colour: 'blue' } as never), 'INVALID_REQUEST');
    expect(error.message).toMatch(/^Unknown allocation request field `colour`\. Remove it or fix its name\. Accepted: /);
    expect(error.details['suggestion']).toBeUndefined();
  });

  it('a key set to undefined is still a key', () => {
    const pool = cluster();
    refusedUnchanged(pool, () => pool.allocate({ resources: { cpu: 1 }, ttl: undefined } as never), 'INVALID_REQUEST');
  });

  it('the typo no longer lands the request on the node the selector excluded', () => {
    const pool = cluster();
    refusedUnchanged(pool, () => pool.allocate({ resources: { cpu: 1 }, nodeSelectors: { zone: 'us' } } as never), 'INVALID_REQUEST');
    // spelt right, the selector is honoured
    const placed = pool.allocate({ resources: { cpu: 1 }, nodeSelector: { zone: 'us' } });
    expect(placed.ok && placed.allocation.placements[0]?.nodeId).toBe('us');
  });

  it('a polluted Object.prototype is not taken for a field of the request', () => {
    const pool = cluster();
    Object.defineProperty(Object.prototype, 'injected', { value: 1, enumerable: true, configurable: true, writable: true });
    try {
      expect(pool.allocate({ resources: { cpu: 1 } }).ok).toBe(true);
    } finally {
      delete (Object.prototype as Record<string, unknown>)['injected'];
    }
  });

  it('every accepted field still works together', () => {
    const pool = cluster();
    const r = pool.allocate({
      resources: { cpu: 1 },
      replicas: 2,
      nodeSelector: {},
      tolerations: [{ key: 'gpu', operator: 'Exists', effect: 'NoSchedule' }],
      spread: true,
      id: 'x',
      jobId: 'job-x',
      tenant: 't',
      priority: 'high',
      metadata: { owner: 'ana' },
    });
    expect(r).toMatchObject({ ok: true, allocation: { id: 'x', jobId: 'job-x', tenant: 't', priority: 'high', metadata: { owner: 'ana' } } });
  });
});

describe('tolerations refuse unknown fields', () => {
  it('names the toleration and suggests the field', () => {
    const pool = cluster();
    const error = refusedUnchanged(pool, () => pool.allocate({ resources: { gpu: 1 }, tolerations: [{ key: 'gpu', effect: 'NoSchedule' }, { key: 'gpu', efect: 'NoSchedule' } as never] }), 'INVALID_REQUEST');
    expect(error.message).toBe('Unknown toleration field `efect` (toleration 1). Did you mean `effect`? Accepted: key, operator, value, effect.');
  });
});

describe('planBatch refuses unknown request fields', () => {
  it('says which request of the batch, keeps the code, places nothing', () => {
    const pool = cluster();
    const error = refusedUnchanged(pool, () => pool.planBatch([{ resources: { cpu: 1 } }, { resources: { cpu: 1 }, replica: 2 } as never]), 'INVALID_REQUEST');
    expect(error.message).toMatch(/^Request 1 of the batch is invalid: Unknown allocation request field `replica`\. Did you mean `replicas`\?/);
    expect(error.details).toMatchObject({ index: 1, field: 'replica', suggestion: 'replicas' });
  });
});

describe('node specs and taints refuse unknown fields (INVALID_NODE)', () => {
  it('addNode: names the node and suggests the field; nothing is added', () => {
    const pool = cluster();
    const error = refusedUnchanged(pool, () => pool.addNode({ id: 'n4', capacity: { cpu: 1 }, label: { zone: 'eu' } } as never), 'INVALID_NODE');
    expect(error.message).toBe('Unknown node spec field `label` (node "n4"). Did you mean `labels`? Accepted: id, capacity, labels, taints, status, costPerHour, spot.');
    expect(pool.node('n4')).toBeUndefined();
  });

  it('a taint: names the taint and the node', () => {
    const pool = cluster();
    const error = refusedUnchanged(pool, () => pool.addNode({ id: 'n4', capacity: { cpu: 1 }, taints: [{ key: 'k', effect: 'NoSchedule', vaule: 'v' }] } as never), 'INVALID_NODE');
    expect(error.message).toBe('Unknown taint field `vaule` (taint 0 of node "n4"). Did you mean `value`? Accepted: key, value, effect.');
  });

  it('a misspelt taint key is reported as a typo, not as a missing key', () => {
    const pool = cluster();
    const error = refusedUnchanged(pool, () => pool.addNode({ id: 'n4', capacity: { cpu: 1 }, taints: [{ kye: 'k', effect: 'NoSchedule' }] } as never), 'INVALID_NODE');
    expect(error.details).toMatchObject({ field: 'kye', suggestion: 'key' });
  });

  it('the constructor refuses the whole pool', () => {
    const error = refused(() => new ResourcePool({ nodes: [{ id: 'a', capacity: { cpu: 1 } }, { id: 'b', capacity: { cpu: 1 }, costperhour: 2 } as never] }));
    expect([error.code, error.details['suggestion']]).toEqual(['INVALID_NODE', 'costPerHour']);
  });

  it('valid specs with every field still work', () => {
    const pool = cluster();
    const view = pool.addNode({ id: 'n4', capacity: { cpu: 1 }, labels: { a: 'b' }, taints: [{ key: 'k', value: 'v', effect: 'PreferNoSchedule' }], status: 'draining', costPerHour: 1 });
    expect(view).toMatchObject({ id: 'n4', status: 'draining', costPerHour: 1 });
  });
});

describe('names and options get a suggestion too', () => {
  it('ResourcePool options', () => {
    const error = refused(() => new ResourcePool({ placment: 'best-fit' } as never));
    expect(error.message).toBe('Unknown ResourcePool option `placment`. Did you mean `placement`? Accepted: nodes, capacity, placement, precision, now, maxMetadataBytes, maxMetadataDepth.');
    expect(error.details).toMatchObject({ option: 'placment', field: 'placment', suggestion: 'placement' });
  });

  it('strategy names (UNKNOWN_STRATEGY)', () => {
    const error = refused(() => new ResourcePool({ placement: 'bestfit' as never }));
    expect(error.code).toBe('UNKNOWN_STRATEGY');
    expect(error.message).toMatch(/got "bestfit" \(string\)\. Did you mean 'best-fit'\?$/);
    expect(error.details).toMatchObject({ value: 'bestfit', suggestion: 'best-fit' });
    expect(refused(() => new ResourcePool({ placement: 'random' as never })).message).not.toContain('Did you mean');
  });

  it('planBatch options', () => {
    expect(refused(() => cluster().planBatch([], { algoritm: 'ffd' } as never)).details).toMatchObject({ option: 'algoritm', suggestion: 'algorithm' });
  });
});
