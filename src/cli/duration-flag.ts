import { UsageError } from './io.js';

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/**
 * A duration flag such as `--heartbeat-timeout 20s`: a number and a unit (`ms`, `s`, `m`, `h`),
 * a whole number of milliseconds in [min, max]. A bare number is refused: `20` could mean
 * seconds or milliseconds, and a wrong guess is a scheduler that fails every node at once.
 */
export function durationFlag(flag: string, text: string, minMs: number, maxMs: number): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text.trim());
  const ms = match === null ? NaN : Number(match[1]) * (UNITS[match[2] as string] as number);
  if (!Number.isSafeInteger(ms) || ms < minMs || ms > maxMs) {
    throw new UsageError(`Expected ${flag} to be a duration with a unit from ${describe(minMs)} to ${describe(maxMs)} (e.g. 20s, 500ms, 2m), got "${text}".`);
  }
  return ms;
}

function describe(ms: number): string {
  return ms % 1_000 === 0 ? `${ms / 1_000}s` : `${ms}ms`;
}
