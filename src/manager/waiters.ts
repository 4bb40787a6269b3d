import { FairpackError } from '../errors.js';
import { type AbortSignalLike, type TimerHandle, host } from '../platform.js';
import type { Allocation } from '../pool/index.js';
import { timerDelay } from './options.js';

interface Waiter {
  resolve(allocation: Allocation): void;
  reject(error: FairpackError): void;
}

/**
 * The promises of `acquire` calls whose jobs wait in a queue. A waiter gives up on abort or
 * timeout: its promise is settled first, then `giveUp` takes the job out of the queue (so that a
 * listener of that cancellation cannot leave the promise hanging).
 */
export class Waiters {
  private readonly byJob = new Map<string, Waiter>();

  wait(jobId: string, options: { readonly signal?: AbortSignalLike | undefined; readonly timeoutMs?: number | undefined }, giveUp: () => void): Promise<Allocation> {
    return new Promise<Allocation>((resolve, reject) => {
      const { signal, timeoutMs } = options;
      let handle: TimerHandle | undefined;
      const cleanup = () => {
        if (handle !== undefined) host.clearTimeout(handle);
        signal?.removeEventListener('abort', onAbort);
        this.byJob.delete(jobId);
      };
      const abandon = (error: FairpackError) => {
        cleanup();
        reject(error);
        giveUp();
      };
      // the signal's reason is the cause, as Node's own APIs and p-queue report an abort
      const onAbort = () => abandon(new FairpackError('ACQUIRE_ABORTED', `acquire() of job ${jobId} was aborted; the job was removed from the queue.`, { jobId }, { cause: signal?.reason }));
      this.byJob.set(jobId, {
        resolve: (allocation) => (cleanup(), resolve(allocation)),
        reject: (error) => (cleanup(), reject(error)),
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      if (timeoutMs !== undefined && timeoutMs !== Infinity) {
        handle = host.setTimeout(() => abandon(new FairpackError('ACQUIRE_TIMEOUT', `Job ${jobId} was not placed within ${timeoutMs} ms; it was removed from the queue.`, { jobId })), timerDelay(timeoutMs));
      }
    });
  }

  /** Pending `acquire`s (0 for most managers: then a start or an end looks nothing up). */
  get size(): number {
    return this.byJob.size;
  }

  resolve(jobId: string, allocation: Allocation): void {
    if (this.byJob.size === 0) return;
    this.byJob.get(jobId)?.resolve(allocation);
  }

  /** Rejects the job's waiter, if any; the error is built only then (a stack trace costs). */
  reject(jobId: string, error: () => FairpackError): void {
    this.byJob.get(jobId)?.reject(error());
  }

  /** Job ids with a pending `acquire`. */
  jobs(): string[] {
    return [...this.byJob.keys()];
  }
}
