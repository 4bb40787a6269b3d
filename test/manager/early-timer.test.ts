import { afterEach, describe, expect, it, vi } from 'vitest';
import { AllocationManager } from 'fairpack';

/*
 * Node counts a timer's delay from the event loop's time, read when the loop's turn began: a timer
 * set late in a long turn (a busy HTTP handler) fires before the manager's clock reaches what it
 * was set for. That early tick used to be a call of its own — a journal entry, an event position
 * (the SSE test of `fairpack serve` saw its expiry at position 3, not 2, under CI's load). It now
 * waits on, and the tick that expires the job is the next call.
 */

afterEach(() => {
  vi.useRealTimers();
});

describe('a timer that fires before its time', () => {
  it('waits on instead of ticking for nothing: the expiry is the next journal position', () => {
    vi.useFakeTimers();
    let time = 0;
    const entries: string[] = [];
    const manager = new AllocationManager({ capacity: { cpu: 4 }, now: () => time, timers: true, journal: (entry) => entries.push(`${entry.seq} ${entry.type}`) });
    const expired: string[] = [];
    manager.on('expired', (_allocation, job) => expired.push(job.id));
    manager.submit({ id: 'short', resources: { cpu: 1 }, ttlMs: 30 });
    // the timer is due 30 ms on; it fires while the clock reads 25 (5 ms early)
    time = 25;
    vi.advanceTimersByTime(30);
    expect([entries, expired, manager.journalSeq()]).toEqual([['1 submit'], [], 1]);
    // it waits the 30 − 25 = 5 ms left, and then expires the job as call 2
    time = 30;
    vi.advanceTimersByTime(5);
    expect([entries, expired, manager.journalSeq()]).toEqual([['1 submit', '2 tick'], ['short'], 2]);
    manager.close();
  });

  it('still ticks when it fires on time or late', () => {
    vi.useFakeTimers();
    let time = 0;
    const manager = new AllocationManager({ capacity: { cpu: 4 }, now: () => time, timers: true });
    manager.submit({ id: 'short', resources: { cpu: 1 }, ttlMs: 30 });
    time = 40;
    vi.advanceTimersByTime(30);
    expect([manager.job('short')?.status, manager.journalSeq()]).toEqual(['expired', 2]);
    manager.close();
  });
});
