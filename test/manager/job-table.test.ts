import { describe, expect, it } from 'vitest';
import { AllocationManager } from 'fairpack';
import { JobIds } from '../../src/manager/job-ids.js';

/*
 * Live jobs are filed under a key (JobTable): the counter for an id of the generated form, the id
 * itself otherwise. The key must be a function of the id alone — a caller's id that looks generated
 * finds (and collides with) its generated twin, and ids that only look alike never share a key.
 */

function manager(): AllocationManager {
  let time = 0;
  return new AllocationManager({ nodes: [{ id: 'n0', capacity: { cpu: 100 } }], history: 10, now: () => time++, timers: false });
}

describe('live jobs by key', () => {
  it('give a generated id the counter it encodes, any other id itself', () => {
    const ids = new JobIds();
    ids.restore({ prefix: 'P-', count: 0 });
    expect(ids.keyOf('P-000000000')).toBe(0);
    expect(ids.keyOf('P-00000000z')).toBe(35);
    expect(ids.keyOf('P-000000010')).toBe(36);
    expect(ids.keyOf('P-zzzzzzzzz')).toBe(36 ** 9 - 1);
    // not of the form: the id itself
    for (const id of ['P-00000000', 'P-0000000000', 'Q-000000001', 'P-00000000A', 'P-0000000-1', 'p-000000001', '', '000000001']) expect(ids.keyOf(id)).toBe(id);
  });

  it('key a drawn id as if it had been read (the draw keeps its key)', () => {
    const ids = new JobIds();
    ids.restore({ prefix: 'P-', count: 36 ** 9 - 2 });
    ids.beginOne();
    const a = ids.drawOne(() => false);
    expect(ids.keyOf(a)).toBe(36 ** 9 - 2);
    const b = ids.drawOne(() => false);
    expect(ids.keyOf(b)).toBe(36 ** 9 - 1);
    // past nine digits the id is its own key, drawn or read
    const c = ids.drawOne(() => false);
    expect(c.length).toBe(12);
    expect(ids.keyOf(c)).toBe(c);
    expect(ids.keyOf(`${c}`)).toBe(c);
    expect(ids.keyOf(a)).toBe(36 ** 9 - 2);
  });

  it('find a job under a generated id given as a new string, and refuse a caller that takes a live one', () => {
    const m = manager();
    const first = m.submit({ resources: { cpu: 1 } });
    // an equal string that is not the drawn one (read back from JSON)
    const copy = JSON.parse(JSON.stringify(first.jobId)) as string;
    expect(m.job(copy)?.id).toBe(first.jobId);
    expect(() => m.submit({ id: copy, resources: { cpu: 1 } })).toThrow(/DUPLICATE_JOB|Expected a new job id/);
    // a chosen id that looks generated, ahead of the counter: found, and drawn around
    const ahead = first.jobId.slice(0, -9) + (parseInt(first.jobId.slice(-9), 36) + 1).toString(36).padStart(9, '0');
    expect(m.submit({ id: ahead, resources: { cpu: 2 } }).status).toBe('allocated');
    expect(m.job(ahead)).toMatchObject({ id: ahead, resources: { cpu: 2 } });
    const next = m.submit({ resources: { cpu: 3 } });
    expect(next.jobId).not.toBe(ahead);
    expect(m.job(next.jobId)).toMatchObject({ resources: { cpu: 3 } });
    expect(m.job(ahead)).toMatchObject({ resources: { cpu: 2 } });
  });

  it('keep ids that differ only outside the counter apart (prefix case, length)', () => {
    const m = manager();
    const first = m.submit({ resources: { cpu: 1 } }).jobId;
    const prefix = first.slice(0, -9);
    const digits = first.slice(-9);
    const lookalikes = [prefix.toLowerCase() === prefix ? `${prefix.toUpperCase()}${digits}` : `${prefix.toLowerCase()}${digits}`, `x${first}`, `${first}0`, digits];
    for (const id of lookalikes) {
      if (id === first) continue;
      expect(m.job(id)).toBeUndefined();
      expect(m.submit({ id, resources: { cpu: 1 } }).status).toBe('allocated');
      expect(m.job(id)?.id).toBe(id);
    }
    expect(m.job(first)?.id).toBe(first);
    // listed once each, in the order submitted
    expect(m.jobs().map((j) => j.id)).toEqual([first, ...lookalikes.filter((id) => id !== first)]);
  });

  it('find no job under an id that is not a string (not even the number a generated id encodes)', () => {
    const m = manager();
    const first = m.submit({ resources: { cpu: 1 } }).jobId;
    const count = parseInt(first.slice(-9), 36);
    for (const id of [count, undefined, null, {}, [first]]) {
      expect(m.job(id as unknown as string)).toBeUndefined();
      expect(() => m.cancel(id as unknown as string)).toThrow(/UNKNOWN_JOB|Expected the id of a known job/);
    }
    expect(m.job(first)?.id).toBe(first);
  });

  it('survive a snapshot: restored jobs are found under their ids, generated or chosen', () => {
    const m = manager();
    const a = m.submit({ resources: { cpu: 1 } }).jobId;
    m.submit({ id: 'mine', resources: { cpu: 1 } });
    const restored = AllocationManager.restore(m.snapshot(), { now: () => 100, timers: false });
    expect(restored.job(a)?.id).toBe(a);
    expect(restored.job('mine')?.id).toBe('mine');
    const b = restored.submit({ resources: { cpu: 1 } }).jobId;
    expect(restored.job(b)?.id).toBe(b);
    expect(restored.jobs().map((j) => j.id)).toEqual([a, 'mine', b]);
    restored.cancel(a);
    expect(restored.job(a)?.status).toBe('cancelled');
    expect(restored.jobs({ status: 'running' }).map((j) => j.id)).toEqual(['mine', b]);
  });

  it('give a decimal id of up to nine digits minus the number minus one, never a generated id\'s key', () => {
    const ids = new JobIds();
    ids.restore({ prefix: 'P-', count: 0 });
    // -(n) - 1: 0 is not -0, and no decimal key is a counter (>= 0)
    expect([ids.keyOf('0'), ids.keyOf('5'), ids.keyOf('17'), ids.keyOf('999999999')]).toEqual([-1, -6, -18, -1_000_000_000]);
    expect(ids.keyOf('P-000000005')).toBe(5);
    // not of the form: the id itself (a leading zero, ten digits, a sign, a point, other characters)
    for (const id of ['05', '00', '1000000000', '-1', '+1', '1.5', '1e3', ' 1', '1 ', '١']) expect(ids.keyOf(id)).toBe(id);
  });

  it('keep decimal ids apart from each other and from generated ids of the same number', () => {
    const m = manager();
    const generated = m.submit({ resources: { cpu: 1 } }).jobId; // counter 0
    for (const id of ['0', '1', '10', '01']) m.submit({ id, resources: { cpu: 1 } });
    expect(['0', '1', '10', '01', generated].map((id) => m.job(id)?.id)).toEqual(['0', '1', '10', '01', generated]);
    expect(() => m.submit({ id: '10', resources: { cpu: 1 } })).toThrow(/DUPLICATE_JOB|Expected a new job id/);
    m.cancel('1');
    expect(m.job('1')?.status).toBe('cancelled');
    expect(m.jobs({ status: 'running' }).map((j) => j.id)).toEqual([generated, '0', '10', '01']);
  });
});
