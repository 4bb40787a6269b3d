import type { Resources } from '../resources/index.js';

/** What a fairness policy knows about one tenant whose queue in the current band has work. */
/**
 * One tenant's queue as a policy sees it in `pick()`. Within one scheduling pass the manager hands
 * the same candidate objects from pick to pick, refreshed in place (no object per pick): read
 * what you need during `pick()`, and do not keep a candidate to compare with a later pick — nor the
 * array: it too is reused, from pick to pick and from pass to pass.
 */
export interface TenantCandidate {
  readonly tenant: string;
  /** Relative share of the cluster the tenant is entitled to. @default 1 */
  readonly weight: number;
  /** Resources held by the tenant's running jobs (every band), unscaled. */
  readonly usage: Resources;
  /** max_d usage_d / total_d over the cluster's dimensions (0 for an idle tenant). */
  readonly dominantShare: number;
  /** Running jobs of the tenant. */
  readonly running: number;
  /** Arrival sequence number of the job at the head of the tenant's queue (lower = earlier). */
  readonly headSequence: number;
}

/**
 * Decides which tenant's queue is tried next within a priority band. The manager asks again
 * after every placement, and removes a candidate whose head (and backfill window) does not fit,
 * so "the tenant with the lowest X whose head fits" is simply "the lowest X" here.
 *
 * Policies must be deterministic: break ties by `headSequence`, then tenant id.
 */
export interface FairnessPolicy {
  /** A stable name, used in errors, metrics and reports. */
  readonly name: string;
  /** The candidate to try next; `candidates` is never empty. Must return one of them. */
  pick(candidates: readonly TenantCandidate[]): TenantCandidate;
  /**
   * `true` to ignore priority classes entirely (one band for every job), as plain FIFO does.
   * @default false
   */
  readonly ignoresPriority?: boolean;
  /** Told after a job of `tenant` was placed (round-robin moves its pointer). */
  placed?(tenant: string): void;
  /**
   * A policy with state of its own (round-robin's pointer) gives it here as plain JSON, so that a
   * manager's snapshot keeps it; `restore` takes it back. A stateless policy needs neither.
   */
  snapshot?(): unknown;
  restore?(state: unknown): void;
}

/** Earlier head first, then tenant id: the tie rule every built-in ends with. */
export function byArrival(a: TenantCandidate, b: TenantCandidate): number {
  return a.headSequence - b.headSequence || (a.tenant < b.tenant ? -1 : a.tenant > b.tenant ? 1 : 0);
}

/** The minimum of `candidates` by `compare` (first wins on equality). */
export function minimumBy(candidates: readonly TenantCandidate[], compare: (a: TenantCandidate, b: TenantCandidate) => number): TenantCandidate {
  let best = candidates[0] as TenantCandidate;
  for (let i = 1; i < candidates.length; i++) {
    const candidate = candidates[i] as TenantCandidate;
    if (compare(candidate, best) < 0) best = candidate;
  }
  return best;
}
