import { describe, expect, it } from 'vitest';
import { AllocationManager, type JobRequest, ResourcePool } from 'fairpack';
import { refused } from '../support.js';

/*
 * Job requests refuse fields the manager does not know, suggesting the closest one: `ttl` would
 * otherwise be dropped and the job run without its TTL. A refused call changes nothing.
 */

const manager = () => {
  const mgr = new AllocationManager({ capacity: { cpu: 4 }, now: () => 0 });
  mgr.submit({ id: 'running', resources: { cpu: 3 } });
  mgr.submit({ id: 'waiting', resources: { cpu: 2 } });
  return mgr;
};

/** Everything a caller can see of the manager. */
function views(mgr: AllocationManager) {
  return JSON.parse(JSON.stringify({ jobs: mgr.jobs(), allocations: mgr.allocations(), queues: mgr.queues(), capacity: mgr.capacity(), metrics: mgr.metrics() })) as unknown;
}

function refusedUnchanged(mgr: AllocationManager, call: () => unknown, code = 'INVALID_REQUEST') {
  const before = views(mgr);
  const error = refused(call);
  expect(error.code).toBe(code);
  expect(views(mgr)).toEqual(before);
  return error;
}

const JOB_FIELDS = 'resources, replicas, nodeSelector, tolerations, spread, spot, id, tenant, priority, category, ttlMs, deadline, estimatedRuntimeMs, metadata';

describe('submit refuses unknown job request fields', () => {
  it.each([
    ['ttl', 'ttlMs', 1000],
    ['priorty', 'priority', 'high'],
    ['tennant', 'tenant', 'a'],
    ['estimatedRuntime', 'estimatedRuntimeMs', 10],
    ['categroy', 'category', 'heavy'],
    ['deadLine', 'deadline', 5],
  ])('`%s` → INVALID_REQUEST suggesting `%s`', (field, suggestion, value) => {
    const mgr = manager();
    const error = refusedUnchanged(mgr, () => mgr.submit({ resources: { cpu: 1 }, [field]: value } as unknown as JobRequest));
    expect(error.message).toBe(`Unknown job request field \`${field}\`. Did you mean \`${suggestion}\`? Accepted: ${JOB_FIELDS}.`);
    expect(error.details).toMatchObject({ field, suggestion });
  });

  it('keeps its own words for `jobId`', () => {
    const mgr = manager();
    expect(refusedUnchanged(mgr, () => mgr.submit({ resources: { cpu: 1 }, jobId: 'x' } as never)).message).toMatch(/^Expected `id` for the job id, got `jobId`/);
  });

  it('submitMany: says which request, submits none of them', () => {
    const mgr = manager();
    const error = refusedUnchanged(mgr, () => mgr.submitMany([{ resources: { cpu: 0.5 } }, { resources: { cpu: 0.5 }, ttl: 5 } as never]));
    expect(error.message).toMatch(/^Request 1 of the batch is invalid: Unknown job request field `ttl`\. Did you mean `ttlMs`\?/);
    expect(error.details).toMatchObject({ index: 1, field: 'ttl', suggestion: 'ttlMs' });
  });

  it('acquire: rejects its promise, submits nothing', async () => {
    const mgr = manager();
    const before = views(mgr);
    await expect(mgr.acquire({ resources: { cpu: 1 }, timeoutMS: 5 } as never)).rejects.toMatchObject({ code: 'INVALID_REQUEST', details: { field: 'timeoutMS' } });
    expect(views(mgr)).toEqual(before);
  });

  it('a valid request with every field still works', () => {
    const mgr = new AllocationManager({ capacity: { cpu: 4 }, now: () => 0 });
    const result = mgr.submit({
      resources: { cpu: 1 },
      replicas: 1,
      nodeSelector: {},
      tolerations: [],
      spread: false,
      id: 'j',
      tenant: 't',
      priority: 'high',
      category: 'c',
      ttlMs: 1000,
      deadline: 10,
      estimatedRuntimeMs: 5,
      metadata: { owner: 'ana' },
    });
    expect(result).toMatchObject({ status: 'allocated', allocation: { jobId: 'j', tenant: 't', priority: 'high', expiresAt: 1000, metadata: { owner: 'ana' } } });
  });

  it('metadata bounds apply to jobs, set on the manager (or refused next to `pool`)', () => {
    const mgr = new AllocationManager({ capacity: { cpu: 4 }, now: () => 0, maxMetadataDepth: 2 });
    expect(mgr.submit({ resources: { cpu: 1 }, metadata: { a: { b: 1 } } }).status).toBe('allocated');
    const error = refusedUnchanged(mgr, () => mgr.submit({ resources: { cpu: 1 }, metadata: { a: { b: {} } } }));
    expect(error.details).toMatchObject({ field: 'metadata', problem: 'too-deep' });
    expect(refused(() => new AllocationManager({ pool: new ResourcePool({ capacity: { cpu: 1 } }), maxMetadataBytes: 100 })).details).toMatchObject({ option: 'maxMetadataBytes' });
  });
});

describe('names and options get a suggestion', () => {
  it('priority classes (UNKNOWN_PRIORITY_CLASS)', () => {
    const mgr = manager();
    const error = refusedUnchanged(mgr, () => mgr.submit({ resources: { cpu: 1 }, priority: 'hihg' }), 'UNKNOWN_PRIORITY_CLASS');
    expect(error.message).toBe("Expected `priority` to be one of 'real-time', 'high', 'default', 'low', 'best-effort', got \"hihg\" (string). Did you mean 'high'?");
    expect(error.details).toMatchObject({ value: 'hihg', suggestion: 'high' });
    expect(refused(() => mgr.submit({ resources: { cpu: 1 }, priority: 'urgent' })).message).not.toContain('Did you mean');
  });

  it('fairness policies (UNKNOWN_POLICY)', () => {
    const error = refused(() => new AllocationManager({ fairness: 'dfr' as never }));
    expect(error.code).toBe('UNKNOWN_POLICY');
    expect(error.message).toMatch(/got "dfr" \(string\)\. Did you mean 'drf'\?$/);
    expect(error.details).toMatchObject({ suggestion: 'drf' });
  });

  it('AllocationManager options, and the fields of a priority class', () => {
    const error = refused(() => new AllocationManager({ fairnes: 'drf' } as never));
    expect(error.message).toMatch(/^Unknown AllocationManager option `fairnes`\. Did you mean `fairness`\? Accepted: nodes, capacity, pool, /);
    expect(error.details).toMatchObject({ option: 'fairnes', suggestion: 'fairness' });
    const spec = refused(() => new AllocationManager({ priorityClasses: [{ name: 'default', value: 0, preemptionGrace: 5 } as never] }));
    expect(spec.message).toMatch(/^Unknown priority class field `preemptionGrace` \(priority class "default"\)\. Did you mean `preemptionGraceMs`\?/);
    expect(spec.details).toMatchObject({ option: 'priorityClasses', field: 'preemptionGrace' });
  });
});
