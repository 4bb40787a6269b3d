import { FairpackError, describeValue } from './errors.js';

/**
 * An injected clock, read safely: every reading is a finite number of milliseconds or a
 * `FairpackError` with code `INVALID_CLOCK` (a clock that throws included, its error kept as the
 * `cause`), raised before the caller changes anything. A reading earlier than the last one is
 * clamped to it, so time as fairpack sees it never goes backwards: no interval (a wait, a run, a
 * TTL) comes out negative.
 */
export class MonotonicClock {
  private last = -Infinity;

  constructor(
    private readonly now: () => number,
    /** What a bad reading stopped, for the message: "Nothing was changed". */
    private readonly consequence: string,
  ) {}

  read(): number {
    let time: unknown;
    try {
      time = this.now();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new FairpackError('INVALID_CLOCK', `Expected the \`now\` clock to return finite milliseconds, but it threw (${reason}). ${this.consequence}; fix the clock passed as \`now\`.`, {}, { cause: error });
    }
    if (typeof time !== 'number' || !Number.isFinite(time)) {
      throw new FairpackError('INVALID_CLOCK', `Expected the \`now\` clock to return finite milliseconds, got ${describeValue(time)}. ${this.consequence}; fix the clock passed as \`now\`.`, { value: time });
    }
    if (time < this.last) return this.last;
    this.last = time;
    return time;
  }
}
