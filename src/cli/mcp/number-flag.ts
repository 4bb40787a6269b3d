import { UsageError } from '../io.js';

/**
 * An amount flag in [min, max] with at most 3 decimals (the pool's precision), e.g. `--cpu 15.5`
 * or `--worker-memory 1536`; anything else is a usage error naming the flag, what it accepts and
 * what was given.
 */
export function amountFlag(flag: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+(\.\d{1,3})?$/.test(text.trim()) || value < min || value > max) {
    throw new UsageError(`Expected ${flag} to be a number from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')} with at most 3 decimals, got "${text}".`);
  }
  return value;
}
