import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Allocation, ResourcePool } from '../../src/index.js';
import type { JobRecord } from '../../src/manager/job-record.js';
import { JobsByAllocation } from '../../src/manager/jobs-by-allocation.js';
import { poolInternals } from '../../src/pool/internals.js';
import { propertyRuns } from '../support.js';

/*
 * The manager finds the job of a live allocation by the allocation's slot in the pool's live table.
 * Slots are reused as soon as an allocation ends, and the manager drops a job after the pool let
 * its allocation go: the index must never hand out a job for an allocation it no longer holds, and
 * must list the holders in the order the pool made their allocations. Checked against a Map keyed
 * by allocation (what the manager kept before) over random starts and stops on a real pool.
 */

type TestJob = { id: string; allocation: Allocation | undefined; allocationSlot: number };

function setup() {
  const pool = new ResourcePool({ nodes: [{ id: 'n', capacity: { cpu: 64 } }] });
  const index = new JobsByAllocation(poolInternals(pool));
  let next = 0;
  const start = (): TestJob => {
    const job: TestJob = { id: `j${next++}`, allocation: undefined, allocationSlot: -1 };
    const result = pool.allocate({ resources: { cpu: 1 }, jobId: job.id });
    if (!result.ok) throw new Error('the test pool is full');
    job.allocation = result.allocation;
    index.add(job as unknown as JobRecord, result.allocation);
    return job;
  };
  /** As the manager stops a job: the pool lets the allocation go first, then the index drops it. */
  const stop = (job: TestJob): void => {
    pool.release((job.allocation as Allocation).id);
    index.drop(job as unknown as JobRecord);
  };
  return { pool, index, start, stop };
}

describe('JobsByAllocation', () => {
  it('finds a holder by its allocation id, and nothing once the slot went to a later allocation', () => {
    const { index, start, stop } = setup();
    const a = start();
    const b = start();
    expect(index.byId(a.allocation?.id)).toBe(a);
    expect(index.size).toBe(2);
    stop(a);
    const oldId = a.allocation?.id;
    // c takes a's slot (the pool reuses the last freed slot first)
    const c = start();
    expect(c.allocationSlot).toBe(0);
    expect(index.byId(oldId)).toBeUndefined();
    expect(index.byId(c.allocation?.id)).toBe(c);
    expect(index.byId(42)).toBeUndefined();
    expect(index.byId('no-such-allocation')).toBeUndefined();
    expect(index.size).toBe(2);
    // in the order the pool made the allocations: b, then c
    expect([...index.values()].map((job) => job.id)).toEqual([b.id, c.id]);
    // a job dropped twice (or never added) changes nothing
    index.drop(a as unknown as JobRecord);
    expect(index.size).toBe(2);
  });

  it('agrees with a Map keyed by allocation under any starts and stops', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ start: fc.boolean(), pick: fc.nat() }), { maxLength: 200 }), (steps) => {
        const { pool, index, start, stop } = setup();
        const model = new Map<Allocation, TestJob>();
        const running: TestJob[] = [];
        for (const step of steps) {
          if ((step.start && running.length < 64) || running.length === 0) {
            const job = start();
            running.push(job);
            model.set(job.allocation as Allocation, job);
          } else {
            const [job] = running.splice(step.pick % running.length, 1) as [TestJob];
            model.delete(job.allocation as Allocation);
            stop(job);
          }
          expect(index.size).toBe(model.size);
          expect([...index.values()]).toEqual([...model.values()]);
          for (const allocation of pool.allocations()) expect(index.byId(allocation.id)).toBe(model.get(allocation));
        }
      }),
      { numRuns: propertyRuns(50) },
    );
  });
});
