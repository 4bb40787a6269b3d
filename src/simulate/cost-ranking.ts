import type { RunResult } from './results.js';

/** Two runs give equal service when their p95 waits differ by at most this share of the better one… */
export const EQUAL_SERVICE_SHARE = 0.1;
/** …or by at most this many seconds (short waits: a few seconds' difference is noise). */
export const EQUAL_SERVICE_S = 60;

export interface CostRank {
  /** Index into the results. */
  readonly index: number;
  /** Whether its p95 wait is as good as the best run's, within the tolerance above. */
  readonly bestService: boolean;
}

/**
 * "Ranks runs by cost at equal service": the runs whose p95 wait is within max(10 %, 60 s) of the
 * best p95 come first, cheapest first; then the others, cheapest first. A cheaper run that makes
 * jobs wait longer never ranks above one that serves them as well as the best does. Runs without
 * a price (no `cost`) keep their order at the end of their group. Ties keep the results' order.
 */
export function rankByCost(results: readonly RunResult[]): CostRank[] {
  if (results.length === 0) return [];
  const best = Math.min(...results.map((r) => r.wait.p95S));
  const limit = best + Math.max(best * EQUAL_SERVICE_SHARE, EQUAL_SERVICE_S);
  const ranks = results.map((r, index) => ({ index, bestService: r.wait.p95S <= limit, cost: r.cost?.total ?? Infinity }));
  ranks.sort((a, b) => Number(b.bestService) - Number(a.bestService) || a.cost - b.cost || a.index - b.index);
  return ranks.map(({ index, bestService }) => ({ index, bestService }));
}
