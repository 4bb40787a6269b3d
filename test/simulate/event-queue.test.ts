import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue, type SimEvent } from '../../src/simulate/event-queue.js';
import { propertyRuns } from '../support.js';

/*
 * The simulator's event queue decides the order of everything that happens at one instant, so a
 * run is reproducible only if it pops by time and, at equal times, in the order events were
 * pushed. Checked against the plainest model: a list kept sorted by (time, push number).
 */

const wake = (tag: number): SimEvent => ({ kind: 'node-up', node: tag });

describe('EventQueue', () => {
  it('pops by time, and events of one time in the order they were pushed', () => {
    const queue = new EventQueue();
    queue.push(5, wake(1));
    queue.push(3, wake(2));
    queue.push(5, wake(3));
    queue.push(3, wake(4));
    queue.push(4, wake(5));
    expect(queue.size).toBe(5);
    expect(queue.peekTime()).toBe(3);
    const order: number[] = [];
    for (let e = queue.pop(); e !== undefined; e = queue.pop()) order.push((e as { node: number }).node);
    // time 3: pushed 2nd then 4th; time 4: the 5th; time 5: the 1st then the 3rd
    expect(order).toEqual([2, 4, 5, 1, 3]);
    expect(queue.size).toBe(0);
    expect(queue.peekTime()).toBe(Infinity);
    expect(queue.pop()).toBeUndefined();
  });

  it('keeps a completion as a number beside the heap: it pops with its job and run, in order with the other events', () => {
    const queue = new EventQueue();
    queue.pushComplete(7, 3, 1);
    queue.push(5, wake(1));
    queue.push(7, { kind: 'complete', job: 2 ** 32 - 1, run: 2 ** 21 - 1 }); // the largest job and run it keeps exactly
    queue.pushComplete(5, 0, 0);
    queue.push(6, wake(2));
    const popped: string[] = [];
    for (let e = queue.pop(); e !== undefined; e = queue.pop()) popped.push(e.kind === 'complete' ? `complete ${e.job} run ${e.run}` : `${e.kind} ${(e as { node: number }).node}`);
    // time 5: the wake pushed 2nd, then the completion pushed 4th; 6: the wake; 7: the 1st, then the 3rd
    expect(popped).toEqual(['node-up 1', 'complete 0 run 0', 'node-up 2', 'complete 3 run 1', `complete ${2 ** 32 - 1} run ${2 ** 21 - 1}`]);
    // past those, the number would no longer be exact: refused rather than popped as another job
    expect(() => queue.pushComplete(1, 0, 2 ** 21)).toThrow(/internal error/);
    expect(() => queue.pushComplete(1, 2 ** 32, 0)).toThrow(/internal error/);
  });

  it('matches a sorted list under any mix of pushes and pops, through growth past its first 1,024 entries', () => {
    const step = fc.oneof(
      // few distinct times: many ties, which only the push order may break
      { arbitrary: fc.record({ push: fc.integer({ min: 0, max: 20 }), count: fc.integer({ min: 1, max: 400 }) }), weight: 3 },
      { arbitrary: fc.record({ pop: fc.integer({ min: 1, max: 300 }) }), weight: 2 },
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 30 }), fc.integer({ min: 0, max: 1000 }), (steps, base) => {
        const queue = new EventQueue();
        const model: { at: number; tag: number }[] = [];
        let tag = 0;
        for (const s of steps) {
          if ('push' in s) {
            for (let k = 0; k < s.count; k++) {
              // times drift upward, as a simulation's do, with some in the past of others
              const at = base + s.push + (k % 7);
              // every third one a completion (job: the tag, run: a function of it), kept beside the heap
              if (tag % 3 === 0) queue.pushComplete(at, tag, tag % 5);
              else queue.push(at, wake(tag));
              model.push({ at, tag });
              tag++;
            }
            // stable: equal times keep their push order
            model.sort((a, b) => a.at - b.at);
          } else {
            for (let k = 0; k < s.pop; k++) {
              const expected = model.shift();
              expect(queue.peekTime()).toBe(expected?.at ?? Infinity);
              const got = queue.pop();
              if (got?.kind === 'complete') expect([got.job, got.run]).toEqual([expected?.tag, (expected?.tag ?? 0) % 5]);
              else expect((got as { node: number } | undefined)?.node).toBe(expected?.tag);
            }
          }
          expect(queue.size).toBe(model.length);
        }
      }),
      { numRuns: propertyRuns(60) },
    );
  });
});
