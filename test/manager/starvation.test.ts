import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AllocationManager, ResourcePool, fairnessPolicyNames } from 'fairpack';
import { checkInvariants } from 'fairpack/testing';
import { propertyRuns } from '../support.js';

/*
 * Starvation bound. A cluster kept busy by an endless stream of small jobs (1–3 cpu, each running
 * at most MAX_SMALL ms) and one large job that needs a whole node. Without a bound, backfill lets
 * small jobs pass the large one forever. With `starvation: { afterMs }`, once the large job has
 * waited afterMs it reserves a node; room freed there is held for it, and every small job on that
 * node ends within MAX_SMALL ms, so it starts by afterMs + MAX_SMALL (+ one step of the loop).
 */
const AFTER = 200;
const MAX_SMALL = 50;
const STEP = 5;

function busyCluster(fairness: (typeof fairnessPolicyNames)[number], smalls: readonly { cpu: number; duration: number; tenant: string }[], starvation: boolean) {
  let time = 0;
  const pool = new ResourcePool({ nodes: ['n1', 'n2', 'n3'].map((id) => ({ id, capacity: { cpu: 8 } })), now: () => time });
  const manager = new AllocationManager({ pool, fairness, now: () => time, timers: false, starvation: starvation ? { afterMs: AFTER } : false });
  const ends = new Map<string, number>();
  manager.on('allocated', (allocation, job) => {
    const duration = Number(job.id.split(':')[1] ?? Infinity);
    if (Number.isFinite(duration)) ends.set(allocation.id, time + duration);
  });
  let next = 0;
  const feed = () => {
    // keep the queue topped up: there are always small jobs waiting
    while (manager.metrics().queued < 12) {
      const small = smalls[next++ % smalls.length] as (typeof smalls)[number];
      manager.submit({ id: `s${next}:${small.duration}`, tenant: small.tenant, resources: { cpu: small.cpu } });
    }
  };
  feed();
  manager.submit({ id: 'large', tenant: 'big', resources: { cpu: 8 } });
  let startedAt: number | undefined;
  for (time = STEP; time <= 2000 && startedAt === undefined; time += STEP) {
    for (const [id, end] of [...ends]) {
      if (end <= time) {
        ends.delete(id);
        manager.release(id);
      }
    }
    manager.tick();
    feed();
    checkInvariants(pool);
    startedAt = manager.job('large')?.startedAt;
  }
  return startedAt;
}

const smallJobs = fc.array(fc.record({ cpu: fc.integer({ min: 1, max: 3 }), duration: fc.integer({ min: 10, max: MAX_SMALL }), tenant: fc.constantFrom('big', 'other') }), { minLength: 3, maxLength: 12 });

describe('starvation bound', () => {
  it.each(fairnessPolicyNames)('%s: the large job starts within afterMs + the longest small job', (fairness) => {
    fc.assert(
      fc.property(smallJobs, (smalls) => {
        const startedAt = busyCluster(fairness, smalls, true);
        expect(startedAt).toBeDefined();
        expect(startedAt as number).toBeLessThanOrEqual(AFTER + MAX_SMALL + 2 * STEP);
      }),
      { numRuns: propertyRuns(30) },
    );
  });

  it('without the bound the same stream starves it (the test would catch a broken bound)', () => {
    const smalls = [
      { cpu: 3, duration: 40, tenant: 'big' },
      { cpu: 2, duration: 25, tenant: 'big' },
      { cpu: 3, duration: 35, tenant: 'big' },
    ];
    expect(busyCluster('fifo', smalls, false)).toBeUndefined();
    expect(busyCluster('fifo', smalls, true)).toBeLessThanOrEqual(AFTER + MAX_SMALL + 2 * STEP);
  });
});
