import { type AbortSignalLike, type TimerHandle, host, unref } from '../platform.js';
import type { AllocationBook } from './allocation-book.js';

export type WaitOutcome = 'settled' | 'timed-out' | 'aborted' | 'closed';

/**
 * wait_for_allocation's waiting: until the allocation leaves `pending` (active, failed or
 * released), the timeout passes, the caller aborts, or the tools close. The timeout is real time
 * (a host timer, unref'd so it never keeps a process alive), like `acquire`'s: an injected clock
 * only moves when its owner says so, and nobody would move it during a wait.
 */
export class Waiters {
  private readonly pending = new Set<(outcome: WaitOutcome) => void>();

  constructor(private readonly book: AllocationBook) {}

  wait(id: string, timeoutMs: number, signal?: AbortSignalLike): Promise<WaitOutcome> {
    if (this.book.get(id)?.state !== 'pending') return Promise.resolve('settled');
    if (signal?.aborted === true) return Promise.resolve('aborted');
    return new Promise((resolve) => {
      let timer: TimerHandle | undefined;
      const finish = (outcome: WaitOutcome): void => {
        this.pending.delete(finish);
        stopListening();
        signal?.removeEventListener('abort', onAbort);
        if (timer !== undefined) host.clearTimeout(timer);
        resolve(outcome);
      };
      const onAbort = (): void => finish('aborted');
      const stopListening = this.book.onChange((record) => {
        if (record.id === id && record.state !== 'pending') finish('settled');
      });
      this.pending.add(finish);
      signal?.addEventListener('abort', onAbort, { once: true });
      timer = host.setTimeout(() => finish('timed-out'), timeoutMs);
      unref(timer);
    });
  }

  /** Ends every wait (the tools are closing). */
  close(): void {
    for (const finish of [...this.pending]) finish('closed');
  }
}
