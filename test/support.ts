import { type FairpackError, isFairpackError } from 'fairpack';

/** Property runs: the default, or FAIRPACK_PROPERTY_RUNS when set (for heavier runs). */
export function propertyRuns(defaultRuns: number): number {
  const runs = Number(process.env['FAIRPACK_PROPERTY_RUNS'] ?? '');
  return Number.isInteger(runs) && runs > 0 ? runs : defaultRuns;
}

/** The FairpackError a call throws; fails the test if it returns or throws anything else. */
export function refused(call: () => unknown): FairpackError {
  try {
    call();
  } catch (error) {
    if (isFairpackError(error)) return error;
    throw error;
  }
  throw new Error('expected the call to be refused with a FairpackError');
}

/**
 * Clock readings a manager must refuse (INVALID_CLOCK, nothing changed): not finite milliseconds,
 * or a clock that throws. Shared by the hostile-call tests and the fuzzers.
 */
export const BAD_CLOCK_READINGS: readonly (readonly [label: string, reading: () => unknown])[] = [
  ['NaN', () => Number.NaN],
  ['Infinity', () => Infinity],
  ['-Infinity', () => -Infinity],
  ['a string', () => '2000'],
  ['a BigInt', () => 2000n],
  ['null', () => null],
  ['undefined', () => undefined],
  ['an object', () => ({ valueOf: () => 2000 })],
  ['a symbol', () => Symbol('time')],
  ['a throw', () => {
    throw new Error('clock broke');
  }],
  ['a throw of a non-Error', () => {
    throw 'clock broke';
  }],
];
