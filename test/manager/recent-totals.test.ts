import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecentTotals } from '../../src/manager/recent-totals.js';
import { propertyRuns } from '../support.js';

/*
 * RecentTotals replaces a Map kept in "last added to" order by delete + set. The model below is
 * that Map; after every step both must hold the same totals in the same order.
 */
const key = fc.constantFrom('a', 'b', 'c', 'd', '__proto__', 'constructor', '');
const step = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), key, amount: fc.integer({ min: 0, max: 1_000_000 }) }),
  fc.record({ kind: fc.constant('set' as const), key, amount: fc.integer({ min: 0, max: 1_000_000 }) }),
  fc.record({ kind: fc.constant('shift' as const) }),
);

describe('RecentTotals (totals in the order last added to)', () => {
  it('holds what a Map kept by delete and set holds, in its order, after every step', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 80 }), (steps) => {
        const totals = new RecentTotals();
        const model = new Map<string, number>();
        for (const s of steps) {
          if (s.kind === 'add') {
            totals.add(s.key, s.amount);
            const before = model.get(s.key);
            model.delete(s.key);
            model.set(s.key, (before ?? 0) + s.amount);
          } else if (s.kind === 'set') {
            totals.set(s.key, s.amount);
            model.set(s.key, s.amount);
          } else {
            const oldest = model.entries().next();
            if (oldest.done === true) expect(totals.shift()).toBeUndefined();
            else {
              model.delete(oldest.value[0]);
              expect(totals.shift()).toEqual(oldest.value);
            }
          }
          expect([...totals]).toEqual([...model]);
          expect(totals.size).toBe(model.size);
        }
      }),
      { numRuns: propertyRuns(300) },
    );
  });

  it('a worked example: adding to a key moves it last, setting one keeps its place', () => {
    const totals = new RecentTotals();
    totals.add('a', 5);
    totals.add('b', 7);
    totals.add('a', 1); // a: 5 + 1 = 6, now after b
    expect([...totals]).toEqual([
      ['b', 7],
      ['a', 6],
    ]);
    totals.set('b', 2); // b keeps its place
    expect([...totals]).toEqual([
      ['b', 2],
      ['a', 6],
    ]);
    expect(totals.shift()).toEqual(['b', 2]);
    expect([...totals]).toEqual([['a', 6]]);
  });
});
