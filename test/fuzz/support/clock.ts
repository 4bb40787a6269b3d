import fc from 'fast-check';
import { BAD_CLOCK_READINGS } from '../../support.js';

/*
 * A clock the fuzzers control: normally it moves forward; for one call it may read NaN, a string,
 * a BigInt, throw, or go backwards. A bad reading must refuse the call (INVALID_CLOCK) and change
 * nothing; a backwards one is clamped (the call goes ahead).
 */

export type Reading = { readonly kind: 'forward'; readonly ms: number } | { readonly kind: 'backwards'; readonly ms: number } | { readonly kind: 'bad'; readonly value: () => unknown; readonly label: string };

export const reading: fc.Arbitrary<Reading> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 30_000 }).map((ms) => ({ kind: 'forward' as const, ms })) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 1e9 }).map((ms) => ({ kind: 'backwards' as const, ms })) },
  { weight: 2, arbitrary: fc.constantFrom(...BAD_CLOCK_READINGS).map(([label, value]) => ({ kind: 'bad' as const, value, label })) },
);

export class FuzzClock {
  private time = 1_000_000;
  private bad: (() => unknown) | undefined;

  /** The function to pass as `now`. */
  readonly now = (): number => (this.bad === undefined ? this.time : this.bad()) as number;

  /** Sets the reading for the next call; returns whether the call should be refused for it. */
  set(next: Reading): boolean {
    this.bad = undefined;
    if (next.kind === 'forward') this.time += next.ms;
    else if (next.kind === 'backwards') this.bad = () => this.time - next.ms; // for this call only
    else this.bad = next.value;
    return next.kind === 'bad';
  }

  /** Back to good readings (the time before any bad or backwards one). */
  heal(): void {
    this.bad = undefined;
  }
}
