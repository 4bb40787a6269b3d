import { describe, expect, it } from 'vitest';
import { AllocationManager, ResourcePool } from 'fairpack';
import { poolInternals } from '../../src/pool/internals.js';
import { SharedRequests } from '../../src/manager/shared-requests.js';

/*
 * Jobs that ask for the same (one replica of the same resources, no constraint, same tenant, class
 * and spot preference) share one parsed pool request without a jobId; any other job keeps its own,
 * with its id. Whatever is shared, each allocation carries its own job's id.
 */

const pool = new ResourcePool({ nodes: [{ id: 'n1', capacity: { cpu: 8, memory: 32 } }] });
const books = poolInternals(pool);
const fields = (jobId: string, priority = 'default') => ({ jobId, priority, spot: undefined });

describe('SharedRequests', () => {
  it('gives jobs of the same ask one request, without a job id', () => {
    const shared = new SharedRequests();
    const a = shared.parse(books, { tenant: 't', resources: { cpu: 1, memory: 2 } }, fields('a'));
    const b = shared.parse(books, { tenant: 't', resources: { cpu: 1, memory: 2 } }, fields('b'));
    expect(b).toBe(a);
    expect(a).toMatchObject({ jobId: undefined, tenant: 't', priority: 'default', replicas: 1, resources: { cpu: 1, memory: 2 } });
  });

  it('keeps tenants, classes and spot preferences apart', () => {
    const shared = new SharedRequests();
    const base = shared.parse(books, { tenant: 't', resources: { cpu: 1 } }, fields('a'));
    const otherTenant = shared.parse(books, { tenant: 'u', resources: { cpu: 1 } }, fields('b'));
    const otherClass = shared.parse(books, { tenant: 't', resources: { cpu: 1 } }, fields('c', 'high'));
    const otherSpot = shared.parse(books, { tenant: 't', resources: { cpu: 1 }, spot: 'avoid' }, fields('d'));
    expect(new Set([base, otherTenant, otherClass, otherSpot]).size).toBe(4);
    expect([otherTenant.tenant, otherClass.priority, otherSpot.spot]).toEqual(['u', 'high', 'avoid']);
    // 17 tenants of one ask: past the 16 kept, each answer is still that tenant's
    for (let i = 0; i < 17; i++) expect(shared.parse(books, { tenant: `t${i}`, resources: { cpu: 1 } }, fields(`x${i}`)).tenant).toBe(`t${i}`);
  });

  it('gives any other job a request of its own, with its id, that the next parse leaves alone', () => {
    const shared = new SharedRequests();
    const gang = shared.parse(books, { resources: { cpu: 1 }, replicas: 2 }, fields('g'));
    const pinned = shared.parse(books, { resources: { cpu: 1 }, nodeSelector: { zone: 'a' } }, fields('p'));
    const tagged = shared.parse(books, { resources: { cpu: 1 }, metadata: { k: 'v' } }, fields('m'));
    const unknown = shared.parse(books, { resources: { tpu: 1 } }, fields('u'));
    expect([gang.jobId, gang.replicas, pinned.jobId, pinned.selectorKeys, tagged.jobId, unknown.jobId]).toEqual(['g', 2, 'p', ['zone'], 'm', 'u']);
    expect(unknown.unknown).toEqual([{ name: 'tpu', amount: 1 }]);
  });

  it('parses a request whose getter parses another one meanwhile', () => {
    const shared = new SharedRequests();
    let inner: ReturnType<SharedRequests['parse']> | undefined;
    const outer = shared.parse(
      books,
      {
        get resources() {
          inner = shared.parse(books, { resources: { cpu: 2 }, replicas: 3 }, fields('inner'));
          return { cpu: 1 };
        },
      },
      fields('outer'),
    );
    expect([outer.resources, outer.replicas, inner?.resources, inner?.replicas, inner?.jobId]).toEqual([{ cpu: 1 }, 1, { cpu: 2 }, 3, 'inner']);
  });
});

describe('jobs that share a request', () => {
  it('each get their own job id on every allocation: at once, after waiting, in a batch', () => {
    let time = 0;
    const m = new AllocationManager({ nodes: [{ id: 'n1', capacity: { cpu: 2 } }], now: () => time, timers: false });
    const started: [string, string | undefined][] = [];
    m.on('allocated', (allocation, job) => started.push([job.id, allocation.jobId]));
    const a = m.submit({ id: 'a', resources: { cpu: 1 } });
    m.submit({ id: 'b', resources: { cpu: 1 } });
    m.submit({ id: 'c', resources: { cpu: 1 } });
    time = 10;
    m.release(a.status === 'allocated' ? a.allocation.id : '');
    const batch = m.submitMany([{ id: 'd', resources: { cpu: 1 } }, { id: 'e', resources: { cpu: 1 } }]);
    expect(batch.map((r) => r.status)).toEqual(['queued', 'queued']);
    time = 20;
    for (const job of m.jobs({ status: 'running' })) m.release(job.allocationId as string);
    // a and b at once, c when a left, d and e when b and c left: each allocation its own job's
    expect(started).toEqual([['a', 'a'], ['b', 'b'], ['c', 'c'], ['d', 'd'], ['e', 'e']]);
  });
});
