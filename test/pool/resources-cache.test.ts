import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ResourcesCache } from '../../src/pool/resources-cache.js';

/*
 * The pool's cache of request vectors (src/pool/resources-cache.ts) is two-way set-associative.
 * Checked against a model: every hit is exactly the vector asked for, and in each set the two
 * vectors cached last (distinct) are both found. Hashes are drawn from a few values so that
 * vectors share sets.
 */

interface Vector {
  readonly hash: number;
  readonly names: readonly string[];
  readonly scaled: readonly number[];
}

const vector: fc.Arbitrary<Vector> = fc.record({
  // 0, 512 and 1,024 share a set; 1 and 513 another
  hash: fc.constantFrom(0, 1, 512, 513, 1024),
  names: fc.constantFrom(['cpu'], ['cpu', 'memory'], ['memory', 'cpu']),
  scaled: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 2, maxLength: 2 }),
}).map(({ hash, names, scaled }) => ({ hash, names, scaled: scaled.slice(0, names.length) }));

const key = (v: Vector): string => `${v.names.join(',')}=${v.scaled.join(',')}`;
const SETS = 512;

describe('ResourcesCache', () => {
  it('finds exactly the vector asked for, and the last two cached in its set', () => {
    fc.assert(
      fc.property(fc.array(vector, { maxLength: 60 }), (vectors) => {
        const cache = new ResourcesCache();
        // per set: keys cached, most recent last (a re-cached key moves to the end)
        const model = new Map<number, string[]>();
        for (const v of vectors) {
          // a scratch longer than the vector, as the parser passes it
          const names = [...v.names, 'stale'];
          const scaled = [...v.scaled, 9];
          const hit = cache.get(v.hash, names, scaled, v.names.length);
          const set = model.get(v.hash & (SETS - 1)) ?? [];
          const recent = set.slice(-2);
          if (recent.includes(key(v))) expect(hit).toBeDefined();
          if (hit !== undefined) {
            expect(hit.names).toEqual(v.names);
            expect(hit.scaled).toEqual(v.scaled);
            continue;
          }
          const resources: Readonly<Record<string, number>> = Object.freeze(Object.fromEntries(v.names.map((n, i) => [n, v.scaled[i] as number])));
          cache.set(v.hash, [...v.names], [...v.scaled], resources, { amounts: [], unscaled: [], nonZero: [] });
          model.set(v.hash & (SETS - 1), [...set.filter((k) => k !== key(v)), key(v)]);
        }
      }),
    );
  });

  it('a vector cached again (its dense form went stale) replaces its entry and keeps the other', () => {
    const cache = new ResourcesCache();
    const dense = (n: number) => ({ amounts: new Array<number>(n).fill(0), unscaled: new Array<number>(n).fill(0), nonZero: [] });
    const resources = Object.freeze({});
    cache.set(0, ['cpu'], [1], resources, dense(1));
    cache.set(512, ['cpu'], [2], resources, dense(1));
    // the older of the two cached again, then the newer
    cache.set(0, ['cpu'], [1], resources, dense(2));
    cache.set(0, ['cpu'], [1], resources, dense(3));
    expect(cache.get(0, ['cpu'], [1], 1)?.dense.amounts.length).toBe(3);
    expect(cache.get(512, ['cpu'], [2], 1)?.scaled).toEqual([2]);
  });
});
