import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MIN_CAPACITY, NumberSlots, homeOf } from '../../src/manager/number-slots.js';
import { JobIds } from '../../src/manager/job-ids.js';
import { JobTable } from '../../src/manager/job-table.js';
import type { JobRecord } from '../../src/manager/job-record.js';
import { propertyRuns } from '../support.js';

/*
 * The live jobs' table (JobTable over NumberSlots) against a Map, after every step of any sequence
 * of adds and removes: the same answer for every key ever used, the same size, the same order.
 * Keys are drawn from a few close values (runs of neighbours collide and wrap around the table,
 * and deletes must shift them back), from far apart (±2^53) and from strings.
 */

const numberKey = fc.oneof(fc.integer({ min: -150, max: 150 }), fc.constantFrom(2 ** 53 - 1, -(2 ** 53) + 1, 2 ** 32, -(2 ** 32), 2 ** 31, 36 ** 9 - 1));

describe('NumberSlots', () => {
  it('answers as a Map from numbers to slots, through growth, shrinking and shifted deletes (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ add: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 2, arbitrary: fc.constant(false) }), key: numberKey }), { maxLength: 600 }), (steps) => {
        const table = new NumberSlots();
        const model = new Map<number, number>();
        const seen = new Set<number>();
        let slot = 0;
        for (const { add, key } of steps) {
          seen.add(key);
          if (add && !model.has(key)) {
            table.add(key, slot);
            model.set(key, slot++);
          } else if (!add) {
            table.delete(key);
            model.delete(key);
          }
          expect(table.size).toBe(model.size);
          for (const k of seen) expect(table.get(k)).toBe(model.get(k) ?? -1);
        }
      }),
      { numRuns: propertyRuns(200) },
    );
  });

  it('keeps every key of a run that wraps around the end of the table when any of them goes (property)', () => {
    // keys whose first position is the last, the one before it, or the first: together one run
    // that crosses the end (positions 62, 63, 0, 1, …)
    const homed = (home: number, count: number): number[] => {
      const out: number[] = [];
      for (let key = 0; out.length < count; key++) if (homeOf(key, MIN_CAPACITY) === home) out.push(key);
      return out;
    };
    const keys = [...homed(MIN_CAPACITY - 2, 2), ...homed(MIN_CAPACITY - 1, 4), ...homed(0, 3), ...homed(1, 2)];
    fc.assert(
      fc.property(fc.shuffledSubarray(keys, { minLength: 1 }), fc.shuffledSubarray(keys), (order, gone) => {
        const table = new NumberSlots();
        const model = new Map<number, number>();
        for (const [i, key] of order.entries()) {
          table.add(key, i);
          model.set(key, i);
        }
        for (const key of gone) {
          table.delete(key);
          model.delete(key);
          for (const k of keys) expect(table.get(k)).toBe(model.get(k) ?? -1);
        }
      }),
      { numRuns: propertyRuns(300) },
    );
  });

  it('holds many keys that come and go (a counter, as the manager draws ids)', () => {
    const table = new NumberSlots();
    const live: number[] = [];
    // 5,000 live at a time, 50,000 added in all: 10 resizes up, then steady churn
    for (let key = 0; key < 50_000; key++) {
      table.add(key, key % 1_000_003);
      live.push(key);
      if (live.length > 5_000) table.delete(live.shift() as number);
    }
    expect(table.size).toBe(5_000);
    // 44,999 − 5,000 + 1 = 45,000: the oldest still live
    expect([table.get(44_999), table.get(45_000), table.get(49_999)]).toEqual([-1, 45_000, 49_999]);
    for (const key of live) table.delete(key);
    expect([table.size, table.get(45_000)]).toEqual([0, -1]);
  });
});

describe('JobTable', () => {
  it('finds, counts and lists its jobs in the order added, as a Map of them would (property)', () => {
    const ids = new JobIds();
    ids.restore({ prefix: 'P-', count: 0 });
    const id = fc.oneof(
      fc.integer({ min: 0, max: 30 }).map((n) => `P-${n.toString(36).padStart(9, '0')}`),
      fc.integer({ min: 0, max: 30 }).map(String),
      fc.constantFrom('a', 'b', '__proto__', 'constructor', '007'),
    );
    fc.assert(
      fc.property(fc.array(fc.record({ add: fc.boolean(), id }), { maxLength: 300 }), (steps) => {
        const table = new JobTable(ids);
        const model = new Map<string, JobRecord>();
        const seen = new Set<string>();
        for (const step of steps) {
          seen.add(step.id);
          const live = model.get(step.id);
          if (step.add && live === undefined) {
            const job = { id: step.id, key: ids.keyOf(step.id) } as unknown as JobRecord;
            table.add(job);
            model.set(step.id, job);
          } else if (!step.add && live !== undefined) {
            table.remove(live);
            model.delete(step.id);
          }
          expect(table.size).toBe(model.size);
          for (const known of seen) {
            expect(table.get(known)).toBe(model.get(known));
            expect(table.has(known)).toBe(model.has(known));
          }
          expect([...table.values()]).toEqual([...model.values()]);
          expect([...table.keys()]).toEqual([...model.keys()]);
        }
      }),
      { numRuns: propertyRuns(200) },
    );
  });
});
