import { describe, expect, it } from 'vitest';
import { AllocationManager, type JournalEntry, isFairpackError } from 'fairpack';

/*
 * Exactly-once submission (issue 14 §3): `submit(request, { idempotencyKey })`. A retry gets the
 * first answer and changes nothing; the keys survive snapshot/restore and a journal replay (so a
 * replica that takes over answers a retry as the old leader did); they are bounded by a window and
 * a count.
 */

function cluster(idempotency?: { windowMs?: number; maxKeys?: number }) {
  const clock = { time: 1_000 };
  const entries: JournalEntry[] = [];
  const manager = new AllocationManager({
    nodes: [{ id: 'a', capacity: { cpu: 2 } }],
    now: () => clock.time,
    journal: (entry) => entries.push(entry),
    ...(idempotency === undefined ? {} : { idempotency }),
  });
  const events: string[] = [];
  manager.on('allocated', (allocation) => events.push(`allocated ${allocation.jobId}`));
  manager.on('queued', (job) => events.push(`queued ${job.id}`));
  return { clock, manager, entries, events };
}

const codeOf = (call: () => unknown): string => {
  try {
    call();
    return 'ok';
  } catch (error) {
    return isFairpackError(error) ? error.code : 'untyped';
  }
};

describe('submit with an idempotency key', () => {
  it('a retry returns the first answer: no second job, no journal entry, no event', () => {
    const { manager, entries, events } = cluster();
    const first = manager.submit({ tenant: 't', resources: { cpu: 2 } }, { idempotencyKey: 'k1' });
    expect(first.status).toBe('allocated');
    const [journaled, seen] = [entries.length, events.length];
    const again = manager.submit({ tenant: 't', resources: { cpu: 2 } }, { idempotencyKey: 'k1' });
    expect(again).toEqual(first);
    expect(manager.jobs()).toHaveLength(1);
    expect([entries.length, events.length]).toEqual([journaled, seen]);
    // the first entry carries the key, for a replay
    expect(entries.at(-1)).toMatchObject({ type: 'submit', idempotencyKey: 'k1' });
    // a queued first answer is answered as queued (its position then), though it may have started since
    const queued = manager.submit({ tenant: 't', resources: { cpu: 1 } }, { idempotencyKey: 'k2' });
    expect(queued.status).toBe('queued');
    manager.release(first.status === 'allocated' ? first.allocation.id : '');
    expect(manager.job(queued.jobId)?.status).toBe('running');
    expect(manager.submit({ tenant: 't', resources: { cpu: 1 } }, { idempotencyKey: 'k2' })).toEqual(queued);
    expect(manager.jobs()).toHaveLength(2);
  });

  it('the same key with another request is IDEMPOTENCY_KEY_REUSED and changes nothing; a bad key is INVALID_OPTION', () => {
    const { manager, entries } = cluster();
    manager.submit({ tenant: 't', resources: { cpu: 1 } }, { idempotencyKey: 'k' });
    const before = JSON.stringify(manager.snapshot());
    const journaled = entries.length;
    expect(codeOf(() => manager.submit({ tenant: 't', resources: { cpu: 2 } }, { idempotencyKey: 'k' }))).toBe('IDEMPOTENCY_KEY_REUSED');
    for (const bad of ['', 'x'.repeat(257), 7, null]) expect(codeOf(() => manager.submit({ tenant: 't', resources: { cpu: 1 } }, { idempotencyKey: bad as string }))).toBe('INVALID_OPTION');
    expect(codeOf(() => manager.submit({ tenant: 't', resources: { cpu: 1 } }, { idempotencyKye: 'k' } as never))).toBe('INVALID_OPTION');
    expect(JSON.stringify(manager.snapshot())).toBe(before);
    expect(entries.length).toBe(journaled);
  });

  it('keys are kept windowMs by the manager clock and at most maxKeys, the oldest dropped first', () => {
    const { clock, manager } = cluster({ windowMs: 60_000, maxKeys: 2 });
    const request = { tenant: 't', resources: { cpu: 1 } };
    const a = manager.submit(request, { idempotencyKey: 'a' });
    // 59,999 ms later the key is kept; at 60,000 ms it is gone: a retry then makes a new job
    clock.time += 59_999;
    expect(manager.submit(request, { idempotencyKey: 'a' }).jobId).toBe(a.jobId);
    clock.time += 1;
    const later = manager.submit(request, { idempotencyKey: 'a' });
    expect(later.jobId).not.toBe(a.jobId);
    // 'b' and 'c' fill the two places: the oldest ('a', kept again at 61,000) goes
    const b = manager.submit(request, { idempotencyKey: 'b' });
    manager.submit(request, { idempotencyKey: 'c' });
    expect(manager.snapshot().idempotency?.keys.map(([key]) => key)).toEqual(['b', 'c']);
    expect(manager.submit(request, { idempotencyKey: 'b' }).jobId).toBe(b.jobId);
    expect(codeOf(() => new AllocationManager({ nodes: [], idempotency: { windowMs: 0 } }))).toBe('INVALID_OPTION');
    expect(codeOf(() => new AllocationManager({ nodes: [], idempotency: { maxKeys: -1 } }))).toBe('INVALID_OPTION');
  });

  it('a restored manager, and one rebuilt from the journal, answer a retry as the original did', () => {
    const { clock, manager, entries } = cluster({ windowMs: 600_000 });
    const snapshot = manager.snapshot();
    const first = manager.submit({ tenant: 't', resources: { cpu: 1 } }, { idempotencyKey: 'k' });
    clock.time += 10;
    const fromSnapshot = AllocationManager.restore(JSON.parse(JSON.stringify(manager.snapshot())), { now: () => clock.time });
    const fromJournal = AllocationManager.restore(snapshot, { entries, now: () => clock.time });
    for (const restored of [fromSnapshot, fromJournal]) {
      expect(restored.submit({ tenant: 't', resources: { cpu: 1 } }, { idempotencyKey: 'k' })).toEqual(first);
      expect(restored.jobs()).toHaveLength(1);
      expect(restored.snapshot().idempotency).toEqual(manager.snapshot().idempotency);
    }
    // a snapshot with a damaged key is refused, naming it
    const damaged = JSON.parse(JSON.stringify(manager.snapshot()));
    damaged.idempotency.keys[0][3] = { status: 'allocated' };
    expect(codeOf(() => AllocationManager.restore(damaged))).toBe('INVALID_SNAPSHOT');
  });
});
