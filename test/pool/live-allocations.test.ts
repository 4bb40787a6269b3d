import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Allocation, ResourcePool } from 'fairpack';
import { checkInvariants, checkReleaseAllRestoresCapacity } from 'fairpack/testing';
import { AllocationIds } from '../../src/pool/allocation-ids.js';
import { propertyRuns, refused } from '../support.js';

// The pool's books for live allocations: generated ids that carry their slot (LiveTable),
// caller-chosen ids beside them, creation order, and released ids remembered in a ring.

const place = (pool: ResourcePool, request: Parameters<ResourcePool['allocate']>[0]): Allocation => {
  const result = pool.allocate(request);
  if (!result.ok) throw new Error(result.message);
  return result.allocation;
};

describe('generated ids', () => {
  it('are unique URL-safe strings — prefix, counter, `_`, slot — even as slots are reused', () => {
    const pool = new ResourcePool({ capacity: { cpu: 2000 } });
    const seen = new Set<string>();
    const live: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const { id } = place(pool, { resources: { cpu: 1 } });
      expect(id).toMatch(/^[\w-]{21}_[0-9a-z]+$/);
      expect(seen.has(id)).toBe(false);
      seen.add(id);
      live.push(id);
      // release one on every other step, from all over the list: later allocations reuse slots
      if (i % 2 === 1) pool.release(live.splice((i * 7919) % live.length, 1)[0] as string);
    }
    for (const id of live) expect(pool.allocation(id)?.id).toBe(id);
    checkInvariants(pool);
  });

  it('two pools draw different prefixes', () => {
    const a = place(new ResourcePool({ capacity: { cpu: 1 } }), { resources: { cpu: 1 } });
    const b = place(new ResourcePool({ capacity: { cpu: 1 } }), { resources: { cpu: 1 } });
    expect(a.id.slice(0, 11)).not.toBe(b.id.slice(0, 11));
  });

  it('are prefix, 10-digit base-36 counter, `_` and the slot in base 36, at every slot size', () => {
    // the id is joined from table strings: a slot below 1,296 is one of them, up to 1,296² two, beyond formatted
    const ids = new AllocationIds();
    const prefix = ids.next(0, new Map()).slice(0, 11);
    const slots = [0, 1, 35, 36, 1295, 1296, 1297, 46_655, 46_656, 1296 * 1296 - 1, 1296 * 1296, 1296 * 1296 + 37, 2 ** 30];
    for (let count = 1; count < 3000; count++) {
      const slot = slots[count % slots.length] as number;
      expect(ids.next(slot, new Map())).toBe(`${prefix}${count.toString(36).padStart(10, '0')}_${slot.toString(36)}`);
    }
  });

  it('continue from a restored state, whatever its prefix (long, or outside one byte per character)', () => {
    for (const prefix of ['x'.repeat(200_000), 'Ünïcødé-😀', 'abcdefghijk']) {
      const ids = new AllocationIds();
      ids.restore({ prefix, count: 1295, guarded: false });
      expect(ids.next(5, new Map())).toBe(`${prefix}00000000zz_5`);
      expect(ids.next(1296 * 1296 + 1, new Map())).toBe(`${prefix}0000000100_${(1296 * 1296 + 1).toString(36)}`);
    }
  });

  it('never repeat a live caller-chosen id that looks like one of them', () => {
    const ids = new AllocationIds();
    const first = ids.next(0, new Map());
    // the id the generator would draw next for slot 0
    const predicted = `${first.slice(0, 11)}0000000001_0`;
    const live = new Map([[predicted, true]]);
    ids.noteChosen(predicted);
    const next = ids.next(0, live);
    expect(next).not.toBe(predicted);
    expect(next).toBe(`${first.slice(0, 11)}0000000002_0`);
  });
});

describe('caller-chosen ids beside generated ones', () => {
  it('are found, released and listed, including ids that end like a slot', () => {
    const pool = new ResourcePool({ capacity: { cpu: 100 } });
    const a = place(pool, { resources: { cpu: 1 } });
    const chosen = ['x_0', 'y_1', '_2', 'job_zz', 'plain'];
    for (const id of chosen) place(pool, { id, resources: { cpu: 1 } });
    const b = place(pool, { resources: { cpu: 1 } });
    for (const id of [a.id, ...chosen, b.id]) expect(pool.allocation(id)?.id).toBe(id);
    expect(pool.allocations().map((x) => x.id)).toEqual([a.id, ...chosen, b.id]);
    expect(refused(() => pool.allocate({ id: 'y_1', resources: { cpu: 1 } })).code).toBe('DUPLICATE_ALLOCATION');
    expect(refused(() => pool.allocate({ id: a.id, resources: { cpu: 1 } })).code).toBe('DUPLICATE_ALLOCATION');
    pool.release('y_1');
    pool.release(a.id);
    expect(pool.allocation('y_1')).toBeUndefined();
    expect(pool.allocations().map((x) => x.id)).toEqual(['x_0', '_2', 'job_zz', 'plain', b.id]);
    checkInvariants(pool);
    checkReleaseAllRestoresCapacity(pool);
  });

  it('a released generated id may be chosen again, and is then an ordinary live allocation', () => {
    const pool = new ResourcePool({ capacity: { cpu: 10 } });
    const a = place(pool, { resources: { cpu: 2 } });
    pool.release(a.id);
    const again = place(pool, { id: a.id, resources: { cpu: 3 } });
    // a generated allocation now takes the freed slot: both must stay distinct
    const b = place(pool, { resources: { cpu: 1 } });
    expect(again.id).toBe(a.id);
    expect(b.id).not.toBe(a.id);
    expect(pool.allocation(a.id)?.resources).toEqual({ cpu: 3 });
    expect(pool.release(a.id).freed).toEqual({ cpu: 3 });
    expect(refused(() => pool.release(a.id)).code).toBe('ALREADY_RELEASED');
    expect(pool.capacity().available).toEqual({ cpu: 9 });
  });
});

describe('released ids', () => {
  it('answer ALREADY_RELEASED for the last 10,000 releases, then UNKNOWN_ALLOCATION', () => {
    const pool = new ResourcePool({ capacity: { cpu: 1 } });
    const first = place(pool, { resources: { cpu: 1 } });
    pool.release(first.id);
    for (let i = 0; i < 9_999; i++) pool.release(place(pool, { resources: { cpu: 1 } }).id);
    expect(refused(() => pool.release(first.id)).code).toBe('ALREADY_RELEASED');
    pool.release(place(pool, { resources: { cpu: 1 } }).id);
    expect(refused(() => pool.release(first.id)).code).toBe('UNKNOWN_ALLOCATION');
  });

  it('say how: by release(), or evicted with a removed node', () => {
    const pool = new ResourcePool({ nodes: [{ id: 'a', capacity: { cpu: 4 } }, { id: 'b', capacity: { cpu: 4 } }], placement: 'first-fit' });
    const x = place(pool, { resources: { cpu: 1 } });
    const y = place(pool, { id: 'chosen', resources: { cpu: 1 } });
    const z = place(pool, { resources: { cpu: 4 } });
    const { evicted } = pool.removeNode('a', { force: true });
    expect(evicted.map((e) => e.id)).toEqual([x.id, y.id]);
    expect(refused(() => pool.release('chosen')).message).toContain('evicted when node "a" was removed');
    pool.release(z.id);
    expect(refused(() => pool.release(z.id)).message).toContain('by release()');
  });
});

describe('results', () => {
  it('are frozen, and requests of one vector share one frozen resources object (key order as written)', () => {
    const pool = new ResourcePool({ capacity: { cpu: 16, memory: 64 } });
    const result = pool.allocate({ resources: { cpu: 0.5, memory: 2 } });
    if (!result.ok) throw new Error(result.message);
    const { allocation } = result;
    const other = place(pool, { resources: { cpu: 0.5, memory: 2 } });
    const reordered = place(pool, { resources: { memory: 2, cpu: 0.5 } });
    for (const object of [result, allocation, allocation.placements, allocation.placements[0], allocation.resources]) expect(Object.isFrozen(object)).toBe(true);
    expect(other.resources).toEqual({ cpu: 0.5, memory: 2 });
    expect(Object.keys(reordered.resources)).toEqual(['memory', 'cpu']);
    const released = pool.release(allocation.id);
    expect(Object.isFrozen(released)).toBe(true);
    expect(released.freed).toEqual({ cpu: 0.5, memory: 2 });
    checkInvariants(pool);
    checkReleaseAllRestoresCapacity(pool);
  });

  it('a gang keeps one replica per node and frees exactly what it took', () => {
    const pool = new ResourcePool({ nodes: [{ id: 'a', capacity: { cpu: 1.5 } }, { id: 'b', capacity: { cpu: 1.5 } }] });
    const gang = place(pool, { resources: { cpu: 0.7 }, replicas: 4 });
    expect(gang.resources).toEqual({ cpu: 2.8 });
    expect(gang.placements.map((p) => p.nodeId).sort()).toEqual(['a', 'a', 'b', 'b']);
    checkInvariants(pool);
    expect(pool.release(gang.id).freed).toEqual({ cpu: 2.8 });
    expect(pool.capacity().available).toEqual({ cpu: 3 });
  });
});

describe('the live table', () => {
  it('lists live allocations oldest first and finds each by id, whatever the order of releases and reused slots', () => {
    // a reference list in creation order beside the pool; generated and caller-chosen ids mixed
    const step = fc.oneof(
      fc.record({ kind: fc.constant('allocate' as const), chosen: fc.boolean(), cpu: fc.integer({ min: 1, max: 3 }) }),
      fc.record({ kind: fc.constant('release' as const), pick: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 80 }), (steps) => {
        const pool = new ResourcePool({ capacity: { cpu: 1000 } });
        const reference: string[] = [];
        let n = 0;
        for (const s of steps) {
          if (s.kind === 'allocate') {
            reference.push(place(pool, { ...(s.chosen ? { id: `job_${n++}` } : {}), resources: { cpu: s.cpu } }).id);
          } else if (reference.length > 0) {
            const [id] = reference.splice(s.pick % reference.length, 1);
            pool.release(id as string);
          }
          expect(pool.allocations().map((a) => a.id)).toEqual(reference);
        }
        for (const id of reference) expect(pool.allocation(id)?.id).toBe(id);
        checkInvariants(pool);
        checkReleaseAllRestoresCapacity(pool);
      }),
      { numRuns: propertyRuns(100) },
    );
  });
});
