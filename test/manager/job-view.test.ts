import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type JobRecord, jobView } from '../../src/manager/job-record.js';

/*
 * A job's view has its fields in the documented order, the optional ones only when set — whether
 * it is built as one literal (the usual running or finished job) or field by field. Checked against
 * the order written out here, over records with any mix of optional fields, as JSON (key order).
 */

const ORDER = ['id', 'tenant', 'priority', 'category', 'resources', 'replicas', 'status', 'allocationId', 'submittedAt', 'startedAt', 'endedAt', 'reason', 'deadline', 'expiresAt', 'estimatedRuntimeMs', 'preemptedBy', 'graceEndsAt', 'backoffUntil', 'nominatedNode', 'burst', 'restarts'];

function expected(job: JobRecord): string {
  const fields: Record<string, unknown> = { ...job, allocationId: job.allocation?.id, burst: job.burst ? true : undefined, restarts: job.restarts === 0 ? undefined : job.restarts };
  const out: Record<string, unknown> = {};
  for (const key of ORDER) if (fields[key] !== undefined) out[key] = fields[key];
  return JSON.stringify(out);
}

/** Mostly left out (most jobs have none of the optional fields), sometimes set. */
const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.oneof({ weight: 7, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });
/** Mostly set (a job that runs or ran has them). */
const mostly = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.oneof({ weight: 1, arbitrary: fc.constant(undefined) }, { weight: 4, arbitrary: arb });

describe('jobView', () => {
  it('lists the fields a job has, in the documented order (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          category: maybe(fc.constant('heavy')),
          allocation: mostly(fc.constant({ id: 'a_1' })),
          startedAt: mostly(fc.nat()),
          endedAt: fc.option(fc.nat(), { nil: undefined }),
          reason: maybe(fc.constant('why')),
          deadline: maybe(fc.nat()),
          expiresAt: maybe(fc.nat()),
          estimatedRuntimeMs: maybe(fc.nat()),
          preemptedBy: maybe(fc.constant('j9')),
          graceEndsAt: maybe(fc.nat()),
          backoffUntil: maybe(fc.nat()),
          nominatedNode: maybe(fc.constant('n1')),
          burst: fc.constantFrom(false, false, false, true),
          restarts: fc.constantFrom(0, 0, 0, 2),
          status: fc.constantFrom('queued', 'running', 'completed'),
        }),
        (fields) => {
          const job = { id: 'j1', tenant: 't', priority: 'default', resources: { cpu: 1 }, replicas: 1, submittedAt: 5, ...fields } as unknown as JobRecord;
          const view = jobView(job);
          expect(JSON.stringify(view)).toBe(expected(job));
          expect(Object.isFrozen(view)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('jobView of a job that ran with an estimate (every simulated job)', () => {
  const base = { id: 'j1', tenant: 't', priority: 'default', resources: { cpu: 1 }, replicas: 1, submittedAt: 5, allocation: { id: 'a_1' }, startedAt: 7, estimatedRuntimeMs: 100, burst: false, restarts: 0 };
  it('running: the estimate after startedAt', () => {
    const view = jobView({ ...base, status: 'running' } as unknown as JobRecord);
    expect(Object.keys(view)).toEqual(['id', 'tenant', 'priority', 'resources', 'replicas', 'status', 'allocationId', 'submittedAt', 'startedAt', 'estimatedRuntimeMs']);
    expect(view).toMatchObject({ allocationId: 'a_1', startedAt: 7, estimatedRuntimeMs: 100 });
  });
  it('ended: the estimate after endedAt', () => {
    const view = jobView({ ...base, status: 'completed', endedAt: 9 } as unknown as JobRecord);
    expect(Object.keys(view)).toEqual(['id', 'tenant', 'priority', 'resources', 'replicas', 'status', 'allocationId', 'submittedAt', 'startedAt', 'endedAt', 'estimatedRuntimeMs']);
    expect(view).toMatchObject({ endedAt: 9, estimatedRuntimeMs: 100 });
    expect(Object.isFrozen(view)).toBe(true);
  });
});
