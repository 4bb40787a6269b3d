import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ResourcePool, isFairpackError } from 'fairpack';
import { badResourcesArbitrary, poolSnapshot } from 'fairpack/testing';
import { propertyRuns } from '../support.js';

function codeOf(call: () => unknown): string | undefined {
  try {
    call();
  } catch (error) {
    return isFairpackError(error) ? error.code : `not a FairpackError: ${String(error)}`;
  }
  return undefined;
}

describe('exact amounts', () => {
  it('0.1 + 0.2 is exactly 0.3, and releasing restores capacity with ===', () => {
    const pool = new ResourcePool({ capacity: { cpu: 1 } });
    const a = pool.allocate({ resources: { cpu: 0.1 } });
    const b = pool.allocate({ resources: { cpu: 0.2 } });
    // scaled: 100 + 200 = 300 milli-cpu → 0.3 exactly (floats would give 0.30000000000000004)
    expect(pool.capacity().allocated['cpu']).toBe(0.3);
    expect(pool.capacity().available['cpu']).toBe(0.7);
    if (!a.ok || !b.ok) throw new Error('expected both to fit');
    pool.release(a.allocation.id);
    pool.release(b.allocation.id);
    expect(pool.capacity().available['cpu']).toBe(1);
  });

  it('ten allocations of 0.1 fill exactly 1 cpu and the eleventh does not fit', () => {
    const pool = new ResourcePool({ capacity: { cpu: 1 } });
    for (let i = 0; i < 10; i++) expect(pool.allocate({ resources: { cpu: 0.1 } }).ok).toBe(true);
    const eleventh = pool.allocate({ resources: { cpu: 0.1 } });
    expect(eleventh).toMatchObject({ ok: false, reason: 'insufficient-resources', available: { cpu: 0 }, required: { cpu: 0.1 } });
  });

  it('any fractional sequence released in any order restores capacity exactly', () => {
    const amount = fc.integer({ min: 1, max: 5000 }).map((milli) => milli / 1000);
    fc.assert(
      fc.property(fc.array(fc.record({ cpu: amount, memory: amount }), { maxLength: 60 }), fc.func(fc.integer()), (requests, order) => {
        const pool = new ResourcePool({ nodes: [{ id: 'a', capacity: { cpu: 64.5, memory: 100.25 } }, { id: 'b', capacity: { cpu: 7.125, memory: 3.3 } }] });
        const ids = requests.flatMap((resources) => {
          const r = pool.allocate({ resources });
          return r.ok ? [r.allocation.id] : [];
        });
        ids.sort((x, y) => order(x) - order(y));
        for (const id of ids) pool.release(id);
        const capacity = pool.capacity();
        expect(capacity.available).toEqual(capacity.total);
        expect(capacity.total).toEqual({ cpu: 71.625, memory: 103.55 });
      }),
      { numRuns: propertyRuns(200) },
    );
  });

  it('honours `precision`: 0 accepts integers only, 6 accepts micro amounts', () => {
    expect(codeOf(() => new ResourcePool({ capacity: { cpu: 1.5 }, precision: 0 }))).toBe('INVALID_RESOURCES');
    const pool = new ResourcePool({ capacity: { cpu: 1 }, precision: 6 });
    expect(pool.allocate({ resources: { cpu: 0.000001 } }).ok).toBe(true);
    expect(pool.capacity().available['cpu']).toBe(0.999999);
    expect(codeOf(() => new ResourcePool({ precision: 12 }))).toBe('INVALID_OPTION');
  });
});

describe('invalid resources', () => {
  const pool = () => new ResourcePool({ capacity: { cpu: 8, memory: 16 } });

  it.each([
    ['NaN', { cpu: Number.NaN }, /"cpu".*finite number >= 0.*NaN \(number\)/],
    ['Infinity', { cpu: Infinity }, /"cpu".*finite number >= 0.*Infinity/],
    ['a negative amount', { cpu: -1 }, /"cpu".*finite number >= 0.*-1 \(number\)/],
    ['a string', { cpu: '2' }, /"cpu".*"2" \(string\)/],
    ['too many decimals', { cpu: 0.0001 }, /"cpu".*at most 3 decimal places.*0\.0001/],
    ['past the safe-integer range', { cpu: 1e16 }, /"cpu".*at most 9007199254740/],
    ['a non-object', 5, /object of dimension → amount.*5 \(number\)/],
    ['an array', [1], /object of dimension → amount.*an array/],
    ['__proto__ as an own key', JSON.parse('{"__proto__": 1}') as object, /__proto__, constructor and prototype/],
    ['constructor', { constructor: 1 }, /__proto__, constructor and prototype/],
    ['an empty name', { '': 1 }, /non-empty strings/],
  ])('%s → INVALID_RESOURCES naming the problem, nothing changes', (_label, resources, message) => {
    const p = pool();
    const before = poolSnapshot(p);
    let error: unknown;
    try {
      p.allocate({ resources: resources as never });
    } catch (e) {
      error = e;
    }
    expect(isFairpackError(error) && error.code).toBe('INVALID_RESOURCES');
    expect((error as Error).message).toMatch(message);
    expect(poolSnapshot(p)).toEqual(before);
  });

  it('hostile keys never reach Object.prototype', () => {
    const p = pool();
    for (const resources of [JSON.parse('{"__proto__": {"polluted": 1}}'), { prototype: 1 }]) {
      expect(codeOf(() => p.allocate({ resources }))).toBe('INVALID_RESOURCES');
    }
    p.addNode({ id: 'x', capacity: { cpu: 1 }, labels: JSON.parse('{"__proto__": "yes"}') as Record<string, string> });
    expect(Object.hasOwn(p.node('x')?.labels ?? {}, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('every generated bad vector is refused with INVALID_RESOURCES (property)', () => {
    fc.assert(
      fc.property(badResourcesArbitrary(), (resources) => {
        const p = pool();
        const before = poolSnapshot(p);
        expect(codeOf(() => p.allocate({ resources: resources as never }))).toBe('INVALID_RESOURCES');
        expect(codeOf(() => p.addNode({ id: 'y', capacity: resources as never }))).toBe('INVALID_RESOURCES');
        expect(poolSnapshot(p)).toEqual(before);
      }),
      { numRuns: propertyRuns(100) },
    );
  });
});
