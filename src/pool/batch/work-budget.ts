import { FairpackError, describeValue } from '../../errors.js';

/** Why a budget ran out. */
export type BudgetStop = 'work-limit' | 'time-limit';

/*
 * Reading the clock costs far more than a unit of work, so it is read once per this many units
 * (about a quarter of a millisecond of search on the bench machine): the time limit may be overshot by
 * about that much.
 */
const UNITS_BETWEEN_CLOCK_READS = 4096;

/**
 * How much the improvement phase may still do: a deterministic count of work units (one unit ≈
 * one fit check of one move) and a wall-clock deadline, whichever runs out first. The work limit
 * makes plans reproducible — the same input gives the same plan on any machine while the time
 * limit is not reached — and the clock is injected, so tests never depend on timing.
 */
export class WorkBudget {
  /** Units spent so far. */
  spent = 0;
  /** Set once the budget has run out; from then on `spend` always returns false. */
  stoppedBy: BudgetStop | undefined;
  private readonly deadline: number;
  private nextClockRead = UNITS_BETWEEN_CLOCK_READS;

  constructor(
    private readonly workLimit: number,
    private readonly clock: () => number,
    timeLimitMs: number,
  ) {
    this.deadline = readTime(clock) + timeLimitMs;
  }

  /** Spends `units`; false once the work limit or the deadline is reached. */
  spend(units: number): boolean {
    if (this.stoppedBy !== undefined) return false;
    this.spent += units;
    if (this.spent >= this.workLimit) {
      this.stoppedBy = 'work-limit';
      return false;
    }
    if (this.spent >= this.nextClockRead) {
      this.nextClockRead = this.spent + UNITS_BETWEEN_CLOCK_READS;
      if (readTime(this.clock) >= this.deadline) {
        this.stoppedBy = 'time-limit';
        return false;
      }
    }
    return true;
  }
}

/** The clock's reading, refused unless finite: the plan is not committed yet, so nothing changes. */
function readTime(clock: () => number): number {
  const time = clock();
  if (typeof time !== 'number' || !Number.isFinite(time)) {
    throw new FairpackError('INVALID_OPTION', `Expected the planBatch \`clock\` to return finite milliseconds, got ${describeValue(time)}. Nothing was placed; fix the clock or omit it.`, {
      option: 'clock',
      value: time,
    });
  }
  return time;
}
