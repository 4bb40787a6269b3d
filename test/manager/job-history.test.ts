import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AllocationManager } from '../../src/index.js';
import { JobHistory } from '../../src/manager/job-history.js';
import type { JobRecord } from '../../src/manager/job-record.js';

/*
 * The manager's memory of finished jobs: at most `limit`, the oldest forgotten first, an id used
 * again dropped at once — checked against the obvious model (an array of ids), over random adds
 * and drops with ids that repeat (so stale entries pile up in the order array and get compacted).
 */

const record = (id: string, n: number): JobRecord => ({ id, n }) as unknown as JobRecord;

describe('JobHistory', () => {
  it('keeps exactly the newest `limit` jobs, in the order they finished (property, against a model)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 6 }),
        fc.array(fc.tuple(fc.constantFrom('add', 'add', 'add', 'add', 'delete', 'get'), fc.integer({ min: 0, max: 9 })), { maxLength: 3000 }),
        (limit, ops) => {
          const history = new JobHistory(limit);
          let model: JobRecord[] = [];
          ops.forEach(([op, key], n) => {
            const id = `j${key}`;
            if (op === 'get') {
              // the first look-up by id makes the index (the records after it are kept in it too)
              expect(history.get(id)).toBe(model.find((j) => j.id === id));
              return;
            }
            if (op === 'delete' || model.some((j) => j.id === id)) {
              // a reused id is forgotten first, as the manager does before it reuses one
              history.delete(id);
              model = model.filter((job) => job.id !== id);
              if (op === 'delete') return;
            }
            const job = record(id, n);
            history.add(job);
            if (limit > 0) model = [...model, job].slice(-limit);
            // after every step: the same jobs, the same order (read without a look-up by id)
            expect([...history.values()]).toEqual(model);
            expect(history.size).toBe(model.length);
          });
          expect([...history.values()]).toEqual(model);
          for (const j of model) expect(history.get(j.id)).toBe(j);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('remembers without an index until a look-up by id, then keeps one with the same answers', () => {
    const history = new JobHistory(3);
    for (let n = 0; n < 5; n++) history.add(record(`j${n}`, n));
    expect([...history.values()].map((j) => j.id)).toEqual(['j2', 'j3', 'j4']);
    expect(history.get('j1')).toBeUndefined();
    expect(history.get('j3')?.id).toBe('j3');
    history.delete('j3');
    history.add(record('j3', 5));
    history.add(record('j5', 6));
    expect([...history.values()].map((j) => j.id)).toEqual(['j4', 'j3', 'j5']);
    expect(history.size).toBe(3);
  });

  it('a manager remembers its last `history` finished jobs, oldest forgotten first', () => {
    let time = 0;
    const manager = new AllocationManager({ capacity: { cpu: 1 }, history: 3, now: () => time, timers: false });
    for (let i = 1; i <= 5; i++) {
      time++;
      const submitted = manager.submit({ id: `j${i}`, resources: { cpu: 1 } });
      manager.release((submitted as { allocation: { id: string } }).allocation.id);
    }
    // five finished, three remembered: j3, j4, j5
    expect(manager.jobs().map((job) => job.id)).toEqual(['j3', 'j4', 'j5']);
    expect(manager.job('j2')).toBeUndefined();
    // j4 submitted again: its old record is dropped at once; when it ends it is the newest
    time++;
    const again = manager.submit({ id: 'j4', resources: { cpu: 1 } });
    expect(manager.jobs().map((job) => [job.id, job.status])).toEqual([['j4', 'running'], ['j3', 'completed'], ['j5', 'completed']]);
    manager.release((again as { allocation: { id: string } }).allocation.id);
    expect(manager.jobs().map((job) => job.id)).toEqual(['j3', 'j5', 'j4']);
  });
});
