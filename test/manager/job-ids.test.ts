import { describe, expect, it } from 'vitest';
import { AllocationManager } from 'fairpack';
import { JobIds } from '../../src/manager/job-ids.js';

/*
 * Generated job ids are drawn without a look at the live jobs (or the finished ones) until a caller
 * chooses an id the counter could still draw (see JobIds.noteChosen). These are the cases where a
 * draw must step over a chosen id, or a finished job must give its id up.
 */

function manager(): AllocationManager {
  let time = 0;
  return new AllocationManager({ nodes: [{ id: 'n0', capacity: { cpu: 100 } }], history: 10, now: () => time++, timers: false });
}

/** The id the manager draws `ahead` draws after `id` (same prefix, base-36 counter of 9 digits). */
function later(id: string, ahead: number): string {
  const prefix = id.slice(0, -9);
  return prefix + (parseInt(id.slice(-9), 36) + ahead).toString(36).padStart(9, '0');
}

describe('generated job ids', () => {
  it('step over an id a caller chose ahead of the counter (submit)', () => {
    const m = manager();
    const first = m.submit({ resources: { cpu: 1 } }).jobId;
    const chosen = later(first, 1);
    expect(m.submit({ id: chosen, resources: { cpu: 1 } }).status).toBe('allocated');
    const next = m.submit({ resources: { cpu: 1 } });
    expect(next.status).toBe('allocated');
    expect(next.jobId).toBe(later(first, 2));
  });

  it('step over an id a caller chose ahead of the counter (submitMany, the same batch)', () => {
    const m = manager();
    const first = m.submit({ resources: { cpu: 1 } }).jobId;
    const results = m.submitMany([{ id: later(first, 2), resources: { cpu: 1 } }, { resources: { cpu: 1 } }, { resources: { cpu: 1 } }]);
    expect(results.map((r) => r.jobId)).toEqual([later(first, 2), later(first, 1), later(first, 3)]);
  });

  it('step over an id a restored snapshot holds ahead of the counter', () => {
    const m = manager();
    const first = m.submit({ resources: { cpu: 1 } }).jobId;
    m.submit({ id: later(first, 1), resources: { cpu: 1 } });
    const restored = AllocationManager.restore(m.snapshot(), { now: () => 100, timers: false });
    expect(restored.submit({ resources: { cpu: 1 } }).jobId).toBe(later(first, 2));
  });

  it('take back the id of a finished job a caller had chosen ahead of the counter', () => {
    const m = manager();
    const first = m.submit({ resources: { cpu: 1 } }).jobId;
    const chosen = later(first, 1);
    const own = m.submit({ id: chosen, resources: { cpu: 1 } });
    if (own.status !== 'allocated') throw new Error('expected a start');
    m.release(own.allocation.id);
    expect(m.job(chosen)?.status).toBe('completed');
    // only live ids are stepped over: the draw reuses the finished job's id, which forgets it
    const next = m.submit({ resources: { cpu: 2 } });
    expect(next.jobId).toBe(chosen);
    expect(m.job(chosen)).toMatchObject({ status: 'running', resources: { cpu: 2 } });
    expect(m.jobs().filter((j) => j.id === chosen)).toHaveLength(1);
  });

  it('reuse no id when a caller takes back an id below the counter', () => {
    const m = manager();
    const first = m.submit({ resources: { cpu: 1 } });
    if (first.status !== 'allocated') throw new Error('expected a start');
    m.release(first.allocation.id);
    m.submit({ id: 'mine', resources: { cpu: 1 } });
    // a finished job's id, taken again by a caller: below the counter, never drawn again
    expect(m.submit({ id: first.jobId, resources: { cpu: 3 } }).status).toBe('allocated');
    const next = m.submit({ resources: { cpu: 1 } }).jobId;
    expect(next).toBe(later(first.jobId, 1));
    expect(m.job(first.jobId)).toMatchObject({ status: 'running', resources: { cpu: 3 } });
    expect(m.jobs().filter((j) => j.id === first.jobId)).toHaveLength(1);
  });

  it('are the prefix and the counter in base 36, padded to 9 digits (across the table and stem boundaries)', () => {
    const counts = [0, 1, 35, 36, 1_295, 1_296, 1_297, 46_655, 46_656, 36 ** 7 - 1, 36 ** 7, 36 ** 9 - 2, 36 ** 9 - 1, 36 ** 9, 36 ** 9 + 1_295, 36 ** 9 + 1_296];
    for (const count of counts) {
      const ids = new JobIds();
      ids.restore({ prefix: 'P', count });
      ids.beginOne();
      const one = ids.drawOne(() => false);
      const batch = ids.draft(() => false);
      expect([one, batch.next(), batch.next()]).toEqual([count, count, count + 1].map((n) => `P${n.toString(36).padStart(9, '0')}`));
    }
  });
});
