import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JobQueue } from '../../src/manager/job-queue.js';
import type { JobRecord } from '../../src/manager/job-record.js';

/*
 * One tenant's queue: jobs with a deadline first (earliest first, then arrival), then the others in
 * arrival order, a job put back going first. Jobs taken out of the middle leave dead entries that
 * the queue compacts once 8 have piled up (the backfill case: jobs placed past a head that
 * waits) — checked against the obvious model, an array in queue order, over random pushes,
 * put-backs and removals, many of them from the front of the queue so that compaction runs often.
 */

interface TestJob {
  id: string;
  sequence: number;
  deadline: number | undefined;
  queue: JobQueue | undefined;
  ticket: number;
}

const job = (sequence: number, deadline: number | undefined): TestJob => ({ id: `j${sequence}`, sequence, deadline, queue: undefined, ticket: 0 });

/** Where the model puts a job: deadlines by (deadline, sequence) before every job without one. */
function insertModel(model: TestJob[], added: TestJob, front: boolean): void {
  if (added.deadline === undefined) {
    const firstFifo = model.findIndex((j) => j.deadline === undefined);
    if (front) model.splice(firstFifo < 0 ? model.length : firstFifo, 0, added);
    else model.push(added);
    return;
  }
  const d = added.deadline;
  const at = model.findIndex((j) => j.deadline === undefined || j.deadline > d || (j.deadline === d && j.sequence > added.sequence));
  model.splice(at < 0 ? model.length : at, 0, added);
}

/** The walk the scheduling cycle and the preemption pass make: positions from `nextLive`, jobs from `jobAt`. */
function walkInPlace(queue: JobQueue, limit: number): JobRecord[] {
  const jobs: JobRecord[] = [];
  for (let at = queue.nextLive(0), seen = 0; at >= 0 && seen < limit; at = queue.nextLive(at + 1), seen++) jobs.push(queue.jobAt(at));
  return jobs;
}

describe('JobQueue', () => {
  it('window, front, the walk in place and head follow the model through pushes, put-backs and removals from anywhere (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.constantFrom('push', 'push', 'push', 'pushFront', 'removeNear', 'removeNear', 'removeNear', 'removeAny', 'drain'),
            fc.nat({ max: 1000 }),
            fc.option(fc.integer({ min: 0, max: 50 }), { freq: 8 }),
          ),
          { maxLength: 2500 },
        ),
        fc.integer({ min: 1, max: 80 }),
        (ops, limit) => {
          const queue = new JobQueue('t', 0, 'default');
          let model: TestJob[] = [];
          const out: TestJob[] = []; // removed jobs, put back later
          let sequence = 0;
          for (const [op, pick, deadline] of ops) {
            if (op === 'push') {
              const added = job(sequence++, deadline ?? undefined);
              queue.push(added as unknown as JobRecord);
              insertModel(model, added, false);
            } else if (op === 'pushFront') {
              const back = out.pop();
              if (back === undefined) continue;
              queue.pushFront(back as unknown as JobRecord);
              insertModel(model, back, true);
            } else if (op === 'drain') {
              // the queue empties (and is used again: see QueueBands' parked queues)
              for (const removed of model) {
                queue.remove(removed as unknown as JobRecord);
                out.push(removed);
              }
              model = [];
            } else if (model.length > 0) {
              // "near": within the first 70 jobs, as the cycle places them (past a head that waits)
              const span = op === 'removeNear' ? Math.min(model.length, 70) : model.length;
              const removed = model[pick % span] as TestJob;
              queue.remove(removed as unknown as JobRecord);
              model = model.filter((j) => j !== removed);
              out.push(removed);
            }
            expect(queue.length).toBe(model.length);
            expect(queue.head()).toBe(model[0]);
          }
          const expected = model.slice(0, limit);
          expect([...queue.window(limit)]).toEqual(expected);
          expect(queue.front(limit)).toEqual(expected);
          expect(walkInPlace(queue, limit)).toEqual(expected);
          expect([...queue.window(Infinity)]).toEqual(model);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('an emptied queue keeps no job alive in its slots, and fills again in order, many times over', () => {
    const queue = new JobQueue('t', 0, 'default');
    const slots = (): unknown[] => (queue as unknown as { fifoJobs: unknown[] }).fifoJobs;
    let s = 0;
    // 300 rounds: past the 64 slots an emptied queue keeps using, it starts on new arrays
    for (let round = 0; round < 300; round++) {
      const jobs = Array.from({ length: 1 + (round % 3) }, () => job(s++, undefined));
      for (const j of jobs) queue.push(j as unknown as JobRecord);
      expect([...queue.window(Infinity)]).toEqual(jobs);
      expect(walkInPlace(queue, 64)).toEqual(jobs);
      // taken out from the back, so that the front entry is the last to go
      for (const j of [...jobs].reverse()) queue.remove(j as unknown as JobRecord);
      expect(queue.length).toBe(0);
      expect(queue.head()).toBeUndefined();
      for (const j of jobs) expect(slots()).not.toContain(j);
    }
    const back = job(s++, undefined);
    queue.pushFront(back as unknown as JobRecord);
    const after = job(s++, undefined);
    queue.push(after as unknown as JobRecord);
    expect([...queue.window(Infinity)]).toEqual([back, after]);
  });

  it('a head that waits while 10,000 jobs behind it are placed one by one: the queue still lists exactly the jobs left', () => {
    // the backfill case that made every walk slow: job 0 (the head) never leaves, jobs 1…10,000
    // are taken from position 1 as they arrive; 100 jobs queue behind at the end
    const queue = new JobQueue('t', 0, 'default');
    const head = job(0, undefined);
    queue.push(head as unknown as JobRecord);
    for (let s = 1; s <= 10_000; s++) {
      const placed = job(s, undefined);
      queue.push(placed as unknown as JobRecord);
      queue.remove(placed as unknown as JobRecord);
    }
    const waiting = Array.from({ length: 100 }, (_, i) => job(10_001 + i, undefined));
    for (const w of waiting) queue.push(w as unknown as JobRecord);
    expect(queue.length).toBe(101);
    expect(queue.head()).toBe(head);
    expect(queue.front(64)).toEqual([head, ...waiting.slice(0, 63)]);
    expect(walkInPlace(queue, 64)).toEqual([head, ...waiting.slice(0, 63)]);
    expect([...queue.window(Infinity)]).toEqual([head, ...waiting]);
  });
});
