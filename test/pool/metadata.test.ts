import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AllocationRequest, ResourcePool } from 'fairpack';
import { poolSnapshot } from 'fairpack/testing';
import { propertyRuns, refused } from '../support.js';

/*
 * `metadata` is free-form but plain JSON, bounded (depth 32 and 16 KiB of JSON by default), read
 * without running getters, and copied so that no key reaches a prototype.
 */

const pool = (options: { maxMetadataBytes?: number; maxMetadataDepth?: number } = {}) => new ResourcePool({ capacity: { cpu: 1000 }, now: () => 0, ...options });

function allocateWith(target: ResourcePool, metadata: unknown) {
  return target.allocate({ resources: { cpu: 1 }, metadata } as AllocationRequest);
}

/** Refused with INVALID_REQUEST, nothing allocated; returns the error. */
function refusedMetadata(target: ResourcePool, metadata: unknown) {
  const before = poolSnapshot(target);
  const error = refused(() => allocateWith(target, metadata));
  expect(error.code).toBe('INVALID_REQUEST');
  expect(poolSnapshot(target)).toEqual(before);
  return error;
}

/** `{ a: { a: … 1 } }`, `levels` objects deep (the metadata object itself is level 1). */
function nested(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: 1 };
  for (let i = 1; i < levels; i++) value = { a: value };
  return value;
}

function depthOf(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  return 1 + Math.max(0, ...Object.values(value).map(depthOf));
}

const jsonBytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).length;

describe('metadata is plain JSON', () => {
  it('is deep-copied and deep-frozen: later changes to the input do not reach the allocation', () => {
    const input = { owner: 'ana', tags: ['a', 'b'], limits: { gpu: null, ok: true, ratio: 0.5 } };
    const r = allocateWith(pool(), input);
    if (!r.ok) throw new Error('expected it to fit');
    input.tags.push('c');
    input.limits.ok = false;
    expect(r.allocation.metadata).toEqual({ owner: 'ana', tags: ['a', 'b'], limits: { gpu: null, ok: true, ratio: 0.5 } });
    expect(Object.isFrozen(r.allocation.metadata?.['tags'])).toBe(true);
    expect(Object.isFrozen(r.allocation.metadata?.['limits'])).toBe(true);
  });

  it('`__proto__` is an ordinary key: it round-trips as an own key and reaches no prototype', () => {
    const metadata = JSON.parse('{"__proto__":{"x":1},"constructor":{"prototype":{"y":2}}}') as Record<string, unknown>;
    const r = allocateWith(pool(), metadata);
    if (!r.ok) throw new Error('expected it to fit');
    const stored = r.allocation.metadata as Record<string, unknown>;
    expect(Object.keys(stored)).toEqual(['__proto__', 'constructor']);
    expect(Object.getOwnPropertyDescriptor(stored, '__proto__')?.value).toEqual({ x: 1 });
    expect(Object.getPrototypeOf(stored)).toBe(Object.prototype);
    expect(JSON.stringify(stored)).toBe('{"__proto__":{"x":1},"constructor":{"prototype":{"y":2}}}');
    expect(({} as Record<string, unknown>)['x']).toBeUndefined();
    expect(({} as Record<string, unknown>)['y']).toBeUndefined();
  });

  it('a property set to undefined is left out, as JSON.stringify does', () => {
    const r = allocateWith(pool(), { a: 1, b: undefined });
    expect(r.ok && Object.keys(r.allocation.metadata ?? {})).toEqual(['a']);
  });

  it.each([
    ['a function', { f: () => 1 }, 'metadata.f', 'a function'],
    ['a symbol', { s: Symbol('x') }, 'metadata.s', 'Symbol(x) (symbol)'],
    ['a bigint', { n: 1n }, 'metadata.n', '1 (bigint)'],
    ['NaN', { n: Number.NaN }, 'metadata.n', 'NaN (number)'],
    ['Infinity', { list: [1, Number.POSITIVE_INFINITY] }, 'metadata.list[1]', 'Infinity (number)'],
    ['undefined in an array', { list: [undefined] }, 'metadata.list[0]', 'undefined (JSON would write null)'],
    ['a hole in an array', { list: [1, , 3] }, 'metadata.list[1]', 'a hole'],
    ['a Date', { when: new Date(0) }, 'metadata.when', 'not a plain object'],
    ['a Map', { m: new Map() }, 'metadata.m', 'not a plain object'],
    ['a class instance', { c: new (class Point {})() }, 'metadata.c', 'not a plain object'],
    ['an odd key', { 'a b': { c: () => 1 } }, 'metadata["a b"].c', 'a function'],
  ])('refuses %s, naming where it is', (_, metadata, path, got) => {
    const error = refusedMetadata(pool(), metadata);
    expect(error.message).toContain(`Expected \`${path}\` to be a plain JSON value`);
    expect(error.message).toContain(got);
    expect(error.details).toMatchObject({ field: 'metadata', path, problem: 'not-json' });
  });

  it('refuses an array with extra properties (JSON would drop them)', () => {
    const list = Object.assign([1, 2], { extra: true });
    expect(refusedMetadata(pool(), { list }).details).toMatchObject({ path: 'metadata.list', problem: 'not-json' });
  });

  it('never runs a getter: an accessor property is refused', () => {
    let ran = false;
    const metadata = {
      get secret() {
        ran = true;
        return 'x';
      },
    };
    const error = refusedMetadata(pool(), { inner: metadata });
    expect(error.details).toMatchObject({ path: 'metadata.inner.secret', problem: 'accessor' });
    expect(ran).toBe(false);
  });

  it('refuses a cycle, and accepts the same object twice when it is not one', () => {
    const loop: Record<string, unknown> = { a: 1 };
    loop['self'] = { back: loop };
    expect(refusedMetadata(pool(), loop).details).toMatchObject({ path: 'metadata.self.back', problem: 'cycle' });
    const shared = { n: 1 };
    expect(allocateWith(pool(), { left: shared, right: shared }).ok).toBe(true);
  });

  it('refuses what is not a plain object at the top', () => {
    for (const metadata of [[1], 'text', 5, null, new Date()]) refusedMetadata(pool(), metadata);
  });
});

describe('metadata is bounded', () => {
  it('depth: 32 levels by default, the metadata object counting as 1', () => {
    expect(allocateWith(pool(), nested(32)).ok).toBe(true);
    const error = refusedMetadata(pool(), nested(33));
    expect(error.details).toMatchObject({ problem: 'too-deep' });
    expect(error.message).toContain('at most 32 levels deep');
    expect(error.message).toContain('raise the pool\'s `maxMetadataDepth`');
  });

  it('size: 16 KiB of JSON (UTF-8) by default, counted exactly', () => {
    const overhead = jsonBytes({ s: '' }); // {"s":""} = 8 bytes
    expect(allocateWith(pool(), { s: 'x'.repeat(16 * 1024 - overhead) }).ok).toBe(true);
    expect(refusedMetadata(pool(), { s: 'x'.repeat(16 * 1024 - overhead + 1) }).details).toMatchObject({ problem: 'too-large' });
    // é is 2 bytes in UTF-8, 😀 4, a quote 2 (escaped): counted as JSON.stringify writes them
    const tight = pool({ maxMetadataBytes: jsonBytes({ t: 'é😀"' }) });
    expect(allocateWith(tight, { t: 'é😀"' }).ok).toBe(true);
    expect(refusedMetadata(tight, { t: 'é😀"!' }).details).toMatchObject({ problem: 'too-large' });
  });

  it('a huge sparse array is refused on its length, before it is walked', () => {
    const started = performance.now();
    refusedMetadata(pool(), { list: new Array(1e9) });
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('the limits are pool options, checked at construction', () => {
    expect(allocateWith(pool({ maxMetadataDepth: 40 }), nested(40)).ok).toBe(true);
    expect(refused(() => pool({ maxMetadataBytes: 1 })).details).toMatchObject({ option: 'maxMetadataBytes' });
    expect(refused(() => pool({ maxMetadataDepth: 0 })).details).toMatchObject({ option: 'maxMetadataDepth' });
    expect(refused(() => pool({ maxMetadataDepth: 1001 })).code).toBe('INVALID_OPTION');
    expect(refused(() => pool({ maxMetadataBytes: 1.5 })).code).toBe('INVALID_OPTION');
  });

  it('a body nested 4,100 deep (8 KB of JSON) is refused, not stored', () => {
    const text = `{"deep":${'['.repeat(4100)}1${']'.repeat(4100)}}`;
    expect(text.length).toBeLessThan(8300);
    expect(refusedMetadata(pool(), JSON.parse(text)).details).toMatchObject({ problem: 'too-deep' });
  });
});

describe('metadata properties', () => {
  const limits = { maxMetadataBytes: 300, maxMetadataDepth: 4 };
  const metadataArbitrary = fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 5 }), { maxKeys: 6 });

  it('within the bounds, any JSON is accepted and round-trips exactly; past them it is refused and nothing changes', () => {
    const small = pool(limits);
    fc.assert(
      fc.property(metadataArbitrary, (metadata) => {
        const fits = depthOf(metadata) <= limits.maxMetadataDepth && jsonBytes(metadata) <= limits.maxMetadataBytes;
        const before = poolSnapshot(small);
        let result: ReturnType<typeof allocateWith> | undefined;
        try {
          result = allocateWith(small, metadata);
        } catch (error) {
          expect(fits).toBe(false);
          expect(poolSnapshot(small)).toEqual(before);
          expect((error as { code?: string }).code).toBe('INVALID_REQUEST');
          return;
        }
        expect(fits).toBe(true);
        if (!result.ok) throw new Error('expected it to fit');
        expect(result.allocation.metadata).toEqual(metadata);
        expect(JSON.stringify(result.allocation.metadata)).toBe(JSON.stringify(metadata));
        small.release(result.allocation.id);
      }),
      { numRuns: propertyRuns(300) },
    );
  });

  it('within the default bounds fc.jsonValue() is accepted and round-trips exactly', () => {
    const target = pool();
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (metadata) => {
        fc.pre(jsonBytes(metadata) <= 16 * 1024 && depthOf(metadata) <= 32);
        const result = allocateWith(target, metadata);
        if (!result.ok) throw new Error('expected it to fit');
        expect(JSON.stringify(result.allocation.metadata)).toBe(JSON.stringify(metadata));
        expect(result.allocation.metadata).toEqual(metadata);
        target.release(result.allocation.id);
      }),
      { numRuns: propertyRuns(200) },
    );
  });
});
