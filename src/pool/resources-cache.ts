import type { DenseRequest } from '../placement/index.js';
import type { Resources } from '../resources/index.js';

/** Direct-mapped: a vector's hash picks one entry, a new vector with the same hash replaces it. */
const ENTRIES = 512;

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
  private readonly entries = new Array<CachedVector | undefined>(ENTRIES).fill(undefined);

  /** The cached vector of exactly the first `count` entries (`hash` computed from them by the caller), if any. */
  get(hash: number, names: readonly string[], scaled: readonly number[], count: number): CachedVector | undefined {
    const entry = this.entries[hash & (ENTRIES - 1)];
    if (entry === undefined || entry.names.length !== count) return undefined;
    for (let i = 0; i < count; i++) {
      if (entry.names[i] !== names[i] || entry.scaled[i] !== scaled[i]) return undefined;
    }
    return entry;
  }

  set(hash: number, names: readonly string[], scaled: readonly number[], resources: Resources, dense: DenseRequest): void {
    this.entries[hash & (ENTRIES - 1)] = { names, scaled, resources, dense };
  }
}

/** Mixes one (dimension, scaled amount) pair into a running 32-bit hash. */
export function mixEntry(hash: number, dimension: number, scaled: number): number {
  let h = Math.imul(hash ^ dimension, 0x9e3779b1);
  h = Math.imul(h ^ (scaled | 0), 0x85ebca6b);
  // the high part of amounts beyond 32 bits
  h = Math.imul(h ^ ((scaled / 4294967296) | 0), 0xc2b2ae35);
  return h ^ (h >>> 15);
}
