import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JobRecord, jobView } from '../../src/manager/job-record.js';
import type { ParsedRequest } from '../../src/pool/request.js';
import type { PriorityClass } from '../../src/manager/types.js';

/*
 * A job record keeps the fields most jobs never set (category, deadline, TTL, expiry, the marks of a
 * preemption, restarts) apart, made when the first is set. Whatever is written, each field reads
 * back as a plain object holding the same writes would, and the job's view is the same.
 */

const KLASS = { name: 'high', value: 10 } as unknown as PriorityClass;
const PARSED = { tenant: 't', resources: Object.freeze({ cpu: 1 }), replicas: 2 } as unknown as ParsedRequest;

function newRecord(rare: { category?: string; deadline?: number; ttlMs?: number } = {}): JobRecord {
  return new JobRecord({
    id: 'j1',
    key: 1,
    tenant: 't',
    klass: KLASS,
    band: 10,
    category: rare.category,
    deadline: rare.deadline,
    ttlMs: rare.ttlMs,
    estimatedRuntimeMs: 100,
    parsed: PARSED,
    parsedWith: 3,
    shape: '[]',
    demand: new Map(),
    sequence: 4,
    submittedAt: 5,
  });
}

const RARE = ['category', 'deadline', 'ttlMs', 'input', 'expiresAt', 'burst', 'preemptedBy', 'graceEndsAt', 'backoffUntil', 'nominatedNode', 'restarts'] as const;

describe('JobRecord', () => {
  it('takes its fields from the parse: priority is the class name, resources and replicas the parsed ones', () => {
    const job = newRecord();
    expect({ id: job.id, priority: job.priority, band: job.band, resources: job.resources, replicas: job.replicas, status: job.status }).toEqual({ id: 'j1', priority: 'high', band: 10, resources: { cpu: 1 }, replicas: 2, status: 'queued' });
    expect(RARE.map((field) => job[field])).toEqual([undefined, undefined, undefined, undefined, undefined, false, undefined, undefined, undefined, undefined, 0]);
    expect(job.plain).toBe(true);
  });

  it('makes no room for the rare fields while each is written its default', () => {
    const job = newRecord();
    job.burst = false;
    job.restarts = 0;
    job.expiresAt = undefined;
    job.preemptedBy = undefined;
    job.input = undefined;
    expect(job.plain).toBe(true);
    job.restarts++;
    // 0 + 1 = 1: the first restart makes the room, and the count reads back
    expect([job.plain, job.restarts]).toEqual([false, 1]);
  });

  it('a category, deadline or TTL given at submit reads back', () => {
    const job = newRecord({ category: 'heavy', deadline: 900, ttlMs: 60_000 });
    expect([job.category, job.deadline, job.ttlMs, job.plain]).toEqual(['heavy', 900, 60_000, false]);
  });

  it('reads back every write as a plain object would, and gives the same view (property)', () => {
    const write = fc.oneof(
      fc.record({ field: fc.constant('expiresAt' as const), value: fc.option(fc.nat(), { nil: undefined }) }),
      fc.record({ field: fc.constant('burst' as const), value: fc.boolean() }),
      fc.record({ field: fc.constant('preemptedBy' as const), value: fc.option(fc.constant('j9'), { nil: undefined }) }),
      fc.record({ field: fc.constant('graceEndsAt' as const), value: fc.option(fc.nat(), { nil: undefined }) }),
      fc.record({ field: fc.constant('backoffUntil' as const), value: fc.option(fc.nat(), { nil: undefined }) }),
      fc.record({ field: fc.constant('nominatedNode' as const), value: fc.option(fc.constant('n1'), { nil: undefined }) }),
      fc.record({ field: fc.constant('restarts' as const), value: fc.nat(5) }),
      fc.record({ field: fc.constant('reason' as const), value: fc.option(fc.constant('quota'), { nil: undefined }) }),
    );
    fc.assert(
      fc.property(fc.option(fc.constant('heavy'), { nil: undefined }), fc.option(fc.nat(), { nil: undefined }), fc.array(write, { maxLength: 12 }), fc.boolean(), (category, deadline, writes, ran) => {
        const job = newRecord({ ...(category === undefined ? {} : { category }), ...(deadline === undefined ? {} : { deadline }) });
        const model: Record<string, unknown> = { category, deadline, ttlMs: undefined, input: undefined, expiresAt: undefined, burst: false, preemptedBy: undefined, graceEndsAt: undefined, backoffUntil: undefined, nominatedNode: undefined, restarts: 0, reason: undefined };
        if (ran) {
          job.allocation = { id: 'a_1' } as never;
          job.startedAt = 7;
          job.status = 'running';
        }
        for (const { field, value } of writes) {
          (job as unknown as Record<string, unknown>)[field] = value;
          model[field] = value;
          for (const name of [...RARE, 'reason'] as const) expect(job[name]).toEqual(model[name]);
        }
        const standIn = { id: job.id, tenant: job.tenant, priority: job.priority, resources: job.resources, replicas: job.replicas, status: job.status, allocation: job.allocation, submittedAt: job.submittedAt, startedAt: job.startedAt, endedAt: job.endedAt, estimatedRuntimeMs: job.estimatedRuntimeMs, ...model };
        expect(JSON.stringify(jobView(job))).toBe(JSON.stringify(jobView(standIn as unknown as JobRecord)));
      }),
      { numRuns: 500 },
    );
  });
});
