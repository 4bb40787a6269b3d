import { describe, expect, it } from 'vitest';
import { AllocationManager } from 'fairpack';
import { withLazyFields } from '../../src/lazy-fields.js';

describe('withLazyFields (getters shared by every object, state per object)', () => {
  it('computes on the first read of a lazy field, once, and never when only the fixed fields are read', () => {
    let calls = 0;
    const out = withLazyFields({ ok: false as const }, ['reason', 'message'] as const, () => {
      calls++;
      return { reason: 'r', message: 'm', unused: 1 };
    });
    expect(out.ok).toBe(false);
    expect(calls).toBe(0);
    expect(out.message).toBe('m');
    expect(out.reason).toBe('r');
    expect(calls).toBe(1);
  });

  it('each object reads its own result, whatever was read of the others first', () => {
    const make = (n: number) => withLazyFields({ n }, ['value'] as const, () => ({ value: n * 10 }));
    const objects = [make(1), make(2), make(3)];
    expect(objects[1]?.value).toBe(20);
    expect(objects.map((o) => o.value)).toEqual([10, 20, 30]);
    // read in another order, from fresh objects
    const again = [make(4), make(5)];
    expect(again[1]?.value).toBe(50);
    expect(again[0]?.value).toBe(40);
  });

  it('is frozen, its keys are the fixed then the lazy ones (enumerable), and copies and JSON read the values', () => {
    const out = withLazyFields({ status: 'queued', jobId: 'j' }, ['reason', 'available'] as const, () => ({ reason: 'fairness', available: { cpu: 1 } }));
    expect(Object.isFrozen(out)).toBe(true);
    expect(Object.keys(out)).toEqual(['status', 'jobId', 'reason', 'available']);
    expect({ ...out }).toEqual({ status: 'queued', jobId: 'j', reason: 'fairness', available: { cpu: 1 } });
    expect(JSON.parse(JSON.stringify(out))).toEqual({ status: 'queued', jobId: 'j', reason: 'fairness', available: { cpu: 1 } });
    expect(out).toEqual({ status: 'queued', jobId: 'j', reason: 'fairness', available: { cpu: 1 } });
  });

  it('a queued submit’s explanation, read right away, is each queued job’s own', () => {
    const manager = new AllocationManager({ capacity: { cpu: 2 }, now: () => 0, timers: false });
    manager.submit({ id: 'big', resources: { cpu: 2 } });
    const small = manager.submit({ id: 'small', resources: { cpu: 1 } });
    const huge = manager.submit({ id: 'huge', resources: { cpu: 2 } });
    expect(small).toMatchObject({ status: 'queued', jobId: 'small', reason: 'insufficient-resources', available: { cpu: 0 }, required: { cpu: 1 } });
    expect(huge).toMatchObject({ status: 'queued', jobId: 'huge', position: 1 });
    expect(Object.keys(huge)).toEqual(['status', 'jobId', 'position', 'reason', 'message', 'available', 'required']);
  });
});
