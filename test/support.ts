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
