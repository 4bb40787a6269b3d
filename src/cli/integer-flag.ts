import { UsageError } from './io.js';

/**
 * A whole-number flag in [min, max], e.g. `--port 8080` or `--max-queued 100000`; anything else
 * (a sign, a fraction, `1e3`, digits past the safe-integer range) is a usage error that names the
 * flag, the range and what was given.
 */
export function integerFlag(flag: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`Expected ${flag} to be a whole number from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}, got "${text}".`);
  }
  return value;
}
