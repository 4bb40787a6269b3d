import { describe, expect, it } from 'vitest';
import type { JobQueue } from '../../src/manager/job-queue.js';
import type { JobRecord } from '../../src/manager/job-record.js';
import { QueueBands } from '../../src/manager/queue-bands.js';

/*
 * A queue that empties is dropped from its band and parked; the tenant's next job of the same band
 * takes it up again as if it were new (version 0, no proof, no memo, not blocked). A queue dropped
 * while a scheduling pass runs is parked only when the outermost pass ends: the pass may still hold
 * it in its lists. At most 1,024 queues are parked; past that, all are let go. (That a taken-up
 * queue is indistinguishable from a new one in a manager's snapshots and answers is checked by the
 * snapshot property test, whose restored managers start with no parked queue.)
 */

let sequence = 0;

function job(tenant: string, band = 0, priority = 'default'): JobRecord {
  return { id: `j${sequence}`, tenant, band, priority, sequence: sequence++, deadline: undefined, queue: undefined, ticket: 0 } as unknown as JobRecord;
}

/** Queues `j` the way the manager does: the queue its band has for its tenant, then a push. */
function enqueue(bands: QueueBands, j: JobRecord): JobQueue {
  const queue = bands.queueFor(j);
  queue.push(j);
  return queue;
}

/** Marks everything a used queue may carry that a new one must not. */
function wear(queue: JobQueue): void {
  queue.blocked = true;
  queue.proofEpoch = 3;
  queue.proofFrom = 7;
  queue.proofKinds = 2;
  queue.lookedThrough = { changes: 5, version: queue.version };
}

describe('QueueBands: parked queues', () => {
  it("a tenant's emptied queue comes back for its next job of the band, as a new queue would be", () => {
    const bands = new QueueBands(false);
    const first = job('a');
    const queue = enqueue(bands, first);
    wear(queue);
    bands.remove(first);
    expect(bands.openQueues(0, [])).toEqual([]);
    const next = job('a');
    const again = enqueue(bands, next);
    expect(again).toBe(queue);
    // as a new queue after its first push
    const fresh = enqueue(new QueueBands(false), job('a'));
    expect(again.version).toBe(fresh.version);
    expect(again.version).toBe(0);
    expect(again.blocked).toBe(false);
    expect(again.proofEpoch).toBe(-1);
    expect(again.proofFrom).toBe(0);
    expect(again.proofKinds).toBe(-1);
    expect(again.lookedThrough).toBeUndefined();
    expect(again.length).toBe(1);
    expect([...again.window(Infinity)]).toEqual([next]);
    expect(bands.openQueues(0, [])).toEqual([again]);
  });

  it('another band, or another class name with the same band, gets a queue of its own', () => {
    const bands = new QueueBands(false);
    const first = job('a', 0, 'default');
    const queue = enqueue(bands, first);
    bands.remove(first);
    expect(enqueue(bands, job('a', 10, 'high'))).not.toBe(queue);
    expect(enqueue(bands, job('a', 0, 'default-too'))).not.toBe(queue);
    expect(enqueue(bands, job('b', 0, 'default'))).not.toBe(queue);
  });

  it('a queue dropped during a pass is not taken up before the outermost pass ends', () => {
    const bands = new QueueBands(false);
    const first = job('a');
    const queue = enqueue(bands, first);
    bands.beginPass();
    bands.beginPass(); // a policy's code started an operation within the pass
    bands.remove(first);
    const inner = job('a');
    const during = enqueue(bands, inner);
    expect(during).not.toBe(queue);
    bands.remove(inner);
    bands.endPass();
    // the outer pass still runs: neither queue is parked yet
    const outer = job('a');
    const stillDuring = enqueue(bands, outer);
    expect(stillDuring).not.toBe(queue);
    expect(stillDuring).not.toBe(during);
    bands.remove(outer);
    bands.endPass();
    // parked in the order they were dropped: the last one is the tenant's
    expect(enqueue(bands, job('a'))).toBe(stillDuring);
  });

  it('a queue dropped while no pass runs is parked at once', () => {
    const bands = new QueueBands(false);
    const first = job('a');
    const queue = enqueue(bands, first);
    bands.remove(first);
    bands.beginPass();
    expect(enqueue(bands, job('a'))).toBe(queue);
    bands.endPass();
  });

  it('a taken-up queue dropped again during a pass is not taken up within it (its parked entry stays behind)', () => {
    const bands = new QueueBands(false);
    const first = job('a');
    const queue = enqueue(bands, first);
    bands.remove(first);
    const second = job('a');
    expect(enqueue(bands, second)).toBe(queue);
    expect(queue.parked).toBe(false);
    bands.beginPass();
    bands.remove(second);
    expect(enqueue(bands, job('a'))).not.toBe(queue);
    bands.endPass();
  });

  it('at most 1,024 queues are parked: one more lets all go, and parking starts again', () => {
    const bands = new QueueBands(false);
    const dropped = new Map<string, JobQueue>();
    for (let t = 0; t <= 1024; t++) {
      const j = job(`t${t}`);
      dropped.set(`t${t}`, enqueue(bands, j));
      bands.remove(j);
    }
    // the 1,025th let the first 1,024 go and was parked alone
    expect(enqueue(bands, job('t0'))).not.toBe(dropped.get('t0'));
    expect(enqueue(bands, job('t1023'))).not.toBe(dropped.get('t1023'));
    expect(enqueue(bands, job('t1024'))).toBe(dropped.get('t1024'));
    expect(dropped.get('t0')?.parked).toBe(false);
  });
});

describe('JobQueue.revive', () => {
  it('refuses a queue that holds jobs', () => {
    const bands = new QueueBands(false);
    const queue = enqueue(bands, job('a'));
    expect(() => queue.revive()).toThrow(/holds 1 jobs/);
  });
});
