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

  /** A checked reading, remembered as the last one (see `peek`). */
  read(): number {
    const time = this.peek();
    this.last = time;
    return time;
  }

  /**
   * A checked, clamped reading that is not yet remembered: a caller that may still refuse its call
   * remembers it (`commit`) only once the call succeeded, so a refused call changes nothing at all.
   */
  peek(): number {
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
    return time < this.last ? this.last : time;
  }

  /** Remembers `time` (a reading `peek` gave, or a replayed one) as the latest. */
  commit(time: number): void {
    if (time > this.last) this.last = time;
  }

  /** The latest reading remembered (−Infinity before the first): what a snapshot keeps. */
  get latest(): number {
    return this.last;
  }
}
