import { describe, expect, it } from 'vitest';
import { JobQueue } from '../../src/manager/job-queue.js';
import { BandLists, QueueList, ShapeMarks, keepFirst } from '../../src/manager/pass-marks.js';
import { TenantCandidates } from '../../src/manager/tenant-candidates.js';
import type { TenantLedger } from '../../src/manager/tenant-ledger.js';

/*
 * The band pass's failed shapes and finished queues (src/manager/pass-marks.ts) are emptied by a
 * new stamp and by overwriting a reused array, not by new tables: what a pass marked must be gone
 * in the next one, and a shape counted once per pass.
 */
describe('ShapeMarks', () => {
  it('forgets the shapes of the last pass at clear, and counts each shape once per pass', () => {
    const marks = new ShapeMarks();
    marks.add('cpu=1');
    marks.add('cpu=1');
    marks.add('gpu=1');
    expect(marks.size).toBe(2);
    expect(marks.has('cpu=1')).toBe(true);
    marks.clear();
    expect(marks.size).toBe(0);
    expect(marks.has('cpu=1')).toBe(false);
    expect(marks.has('gpu=1')).toBe(false);
    // marked again in a later pass: counted again
    marks.add('gpu=1');
    expect(marks.size).toBe(1);
    expect(marks.has('gpu=1')).toBe(true);
    expect(marks.has('cpu=1')).toBe(false);
  });

  it('starts over past its bound of remembered shapes and still answers for the new pass', () => {
    const marks = new ShapeMarks();
    for (let pass = 0; pass < 3; pass++) {
      for (let i = 0; i < 5_000; i++) marks.add(`s${pass}-${i}`);
      expect(marks.size).toBe(5_000);
      marks.clear();
      expect(marks.has(`s${pass}-0`)).toBe(false);
      expect(marks.has(`s${pass}-4999`)).toBe(false);
    }
    marks.add('again');
    expect(marks.has('again')).toBe(true);
    expect(marks.size).toBe(1);
  });
});

describe('QueueList', () => {
  it('lists what was added since the last clear', () => {
    const [a, b, c] = [{}, {}, {}] as unknown as JobQueue[];
    const list = new QueueList();
    list.add(a as JobQueue);
    list.add(b as JobQueue);
    expect([...list.asSet()]).toEqual([a, b]);
    list.clear();
    expect(list.asSet().size).toBe(0);
    list.add(c as JobQueue);
    expect([...list.asSet()]).toEqual([c]);
  });
});

describe('BandLists', () => {
  it('lists refilled by index hold exactly what the pass wrote, however long they were before', () => {
    // the band pass refills its lists (open queues, candidates) by index and shortens them: a pass
    // with fewer queues than the one before must not see that pass's leftovers
    const queues = ['a', 'b', 'c'].map((tenant) => new JobQueue(tenant, 0, 'default'));
    const candidates = new TenantCandidates({} as TenantLedger, () => new Map());
    const lists = new BandLists();
    expect(candidates.offer(queues, lists.candidates).map((c) => c.tenant)).toEqual(['a', 'b', 'c']);
    // held room came back in the middle of a pass: fewer queues are open again
    expect(candidates.offer(queues.slice(1, 2), lists.candidates).map((c) => c.tenant)).toEqual(['b']);
    expect(lists.candidates).toHaveLength(1);
    // the same queue keeps its candidate object from offer to offer
    expect(candidates.offer(queues, lists.candidates)[1]).toBe(lists.candidates[1]);
    const list = ['x', 'y', 'z'];
    keepFirst(list, 2);
    expect(list).toEqual(['x', 'y']);
    keepFirst(list, 0);
    expect(list).toEqual([]);
  });
});
