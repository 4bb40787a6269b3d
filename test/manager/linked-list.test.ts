import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Linked, LinkedList } from '../../src/linked-list.js';
import { propertyRuns } from '../support.js';

interface Item extends Linked<Item> {
  readonly name: number;
}

const item = (name: number): Item => ({ name, prev: undefined, next: undefined });

function names(list: LinkedList<Item>): number[] {
  const out: number[] = [];
  for (let entry = list.first; entry !== undefined; entry = entry.next) out.push(entry.name);
  // the back links agree
  const back: number[] = [];
  for (let entry = list.last; entry !== undefined; entry = entry.prev) back.push(entry.name);
  expect(back.reverse()).toEqual(out);
  return out;
}

describe('LinkedList (entries carry their links)', () => {
  it('keeps the order an array kept by push and splice would, after every step', () => {
    const step = fc.oneof(fc.record({ append: fc.integer({ min: 0, max: 5 }) }), fc.record({ unlink: fc.integer({ min: 0, max: 5 }) }));
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const items = Array.from({ length: 6 }, (_, i) => item(i));
        const list = new LinkedList<Item>();
        const model: number[] = [];
        for (const s of steps) {
          if ('append' in s) {
            // only an entry that is out may be appended
            if (model.includes(s.append)) continue;
            list.append(items[s.append] as Item);
            model.push(s.append);
          } else {
            const at = model.indexOf(s.unlink);
            expect(list.unlink(items[s.unlink] as Item)).toBe(at >= 0);
            if (at >= 0) model.splice(at, 1);
            const out = items[s.unlink] as Item;
            expect([out.prev, out.next]).toEqual([undefined, undefined]);
          }
          expect(names(list)).toEqual(model);
        }
      }),
      { numRuns: propertyRuns(300) },
    );
  });

  it('a worked example: unlinking the middle entry joins its neighbours; an entry out is refused', () => {
    const [a, b, c] = [item(1), item(2), item(3)];
    const list = new LinkedList<Item>();
    list.append(a);
    list.append(b);
    list.append(c);
    expect(list.unlink(b)).toBe(true);
    expect(a.next).toBe(c);
    expect(c.prev).toBe(a);
    expect(list.unlink(b)).toBe(false);
    expect(names(list)).toEqual([1, 3]);
    list.clear();
    expect(names(list)).toEqual([]);
  });
});
