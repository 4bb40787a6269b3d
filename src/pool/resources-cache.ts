import type { DenseRequest } from '../placement/index.js';
import type { Resources } from '../resources/index.js';

/**
 * Two-way set-associative: a vector's hash picks a set of two entries, a new vector replaces the
 * older of them. Direct-mapped (one entry per hash), the ≈ 140 vectors of the placement bench's
 * workload missed on ≈ 1 request in 8 at 512 entries — two vectors sharing an entry evicted each
 * other — and every miss built a new `resources` object and dense arrays (most of them then kept by
 * a live allocation). With two ways a miss needs three live vectors in one set.
 */
const SETS = 512;

export interface CachedVector {
  readonly names: readonly string[];
  readonly scaled: readonly number[];
  readonly resources: Resources;
  /** Its dense form over the pool's dimensions when it was cached (read-only everywhere). */
  readonly dense: DenseRequest;
}

/**
 * Frozen `resources` objects of recent requests, and their dense forms, so that requests with the
 * same vector — in most workloads a few hundred shapes cover almost every request — share one
 * object and one pair of dense arrays instead of each building, freezing and keeping its own (a
 * frozen object with a boxed number per fractional amount, and two arrays, for as long as the job
 * or the allocation lives: a manager keeps each job's parsed request). Sharing is invisible but for identity: the
 * objects are frozen, and a hit has the same names, in the same order, with the same amounts.
 */
export class ResourcesCache {
  /** Set s at 2s (its newer entry) and 2s + 1. */
  private readonly entries = new Array<CachedVector | undefined>(2 * SETS).fill(undefined);

  /** The cached vector of exactly the first `count` entries (`hash` computed from them by the caller), if any. */
  get(hash: number, names: readonly string[], scaled: readonly number[], count: number): CachedVector | undefined {
    const at = 2 * (hash & (SETS - 1));
    const newer = this.entries[at];
    if (newer !== undefined && holds(newer, names, scaled, count)) return newer;
    const older = this.entries[at + 1];
    return older !== undefined && holds(older, names, scaled, count) ? older : undefined;
  }

  /** Caches a vector (replacing its entry if it is cached: its dense form went stale). */
  set(hash: number, names: readonly string[], scaled: readonly number[], resources: Resources, dense: DenseRequest): void {
    const at = 2 * (hash & (SETS - 1));
    const entry = { names, scaled, resources, dense };
    const newer = this.entries[at];
    if (newer !== undefined && holds(newer, names, scaled, names.length)) {
      this.entries[at] = entry;
      return;
    }
    // the older entry goes (a stale copy of this vector, or the least recently cached one)
    this.entries[at + 1] = newer;
    this.entries[at] = entry;
  }
}

/** Whether `entry` is the vector of exactly the first `count` names and scaled amounts. */
function holds(entry: CachedVector, names: readonly string[], scaled: readonly number[], count: number): boolean {
  if (entry.names.length !== count) return false;
  for (let i = 0; i < count; i++) {
    if (entry.names[i] !== names[i] || entry.scaled[i] !== scaled[i]) return false;
  }
  return true;
}

/** Mixes one (dimension, scaled amount) pair into a running 32-bit hash. */
export function mixEntry(hash: number, dimension: number, scaled: number): number {
  let h = Math.imul(hash ^ dimension, 0x9e3779b1);
  h = Math.imul(h ^ (scaled | 0), 0x85ebca6b);
  // the high part of amounts beyond 32 bits
  h = Math.imul(h ^ ((scaled / 4294967296) | 0), 0xc2b2ae35);
  return h ^ (h >>> 15);
}
