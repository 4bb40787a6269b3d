import type { ScanStrategy } from './linear-scan.js';

/*
 * Scores in exact rational arithmetic, to judge a decision where fairpack and the linear scan
 * chose different nodes. Both compute a score in floating point, by mathematically equal but
 * differently ordered formulas (fairpack: Σ free/cap − Σ req/cap, the scan: Σ (free − req)/cap),
 * so an exact tie between two nodes can round either way. A difference is benign when both
 * chosen nodes have the same exact score and that score is the optimum; anything else is a bug.
 *
 * Amounts in the workload are multiples of 1/2, so 2·amount is an integer; with D = the least
 * common multiple of every cap² (dot-product) or cap (fit scores), score × D × 4 is an integer.
 */

export interface ExactScorer {
  /** Integer proportional to the strategy's score (higher is better), or undefined if it does not fit. */
  score(capacity: readonly number[], free: readonly number[], request: readonly number[]): bigint | undefined;
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

function lcm(values: Iterable<bigint>): bigint {
  let out = 1n;
  for (const v of values) out = (out / gcd(out, v)) * v;
  return out;
}

function twice(amount: number): bigint {
  const doubled = amount * 2;
  if (!Number.isInteger(doubled)) throw new Error(`exact-score: expected a multiple of 1/2, got ${amount}`);
  return BigInt(doubled);
}

export function exactScorer(strategy: ScanStrategy, capacities: Iterable<number>): ExactScorer {
  const caps = [...new Set(capacities)].filter((c) => c > 0).map((c) => twice(c));
  const denominator = strategy === 'dot-product' ? lcm(caps.map((c) => c * c)) : lcm(caps);
  return {
    score(capacity, free, request) {
      let total = 0n;
      for (let d = 0; d < capacity.length; d++) {
        const cap = capacity[d] as number;
        const f = twice(free[d] as number);
        const r = twice(request[d] as number);
        if (f < r) return undefined;
        if (cap === 0) continue;
        const c = twice(cap);
        if (strategy === 'dot-product') total += (r * f * denominator) / (c * c);
        else total += ((f - r) * denominator) / c;
      }
      // best-fit prefers the least leftover: negate so that higher is better for every strategy
      if (strategy === 'best-fit') return -total;
      if (strategy === 'first-fit') return 0n;
      return total;
    },
  };
}
