import type { CapacityGroup, DenseRequest } from '../strategy.js';

/**
 * Ratios of the normalised amounts of a pair of dimensions that get their own bound. Every kept
 * number is recomputed on the way up from each changed node, so the set is a trade: first-fit
 * and best-fit, whose searches cross nearly full nodes, keep three; worst-fit and dot-product,
 * whose searches go straight for roomy nodes, keep one — enough to rule out a fragmented group
 * ("cpu free here, memory there") at its root, which per-dimension maxima cannot. (Five ratios,
 * ¼ to 4 in factors of 2, pruned hardly more than three and made every update dearer.)
 */
export const SEARCH_RATIOS: readonly number[] = [0.25, 1, 4];
export const UPDATE_RATIOS: readonly number[] = [1];
/**
 * Every pair but the leading one (the group's first two dimensions: cpu and memory in most pools)
 * keeps one ratio whatever the index asks for. A third dimension such as gpu is asked for by few
 * requests, but its pairs' bounds were recomputed on every update of every member: on a cluster
 * of {cpu, memory, gpu} nodes they were 6 of a member's 12 numbers (3 pairs × 3 ratios).
 */
const LATER_PAIR_RATIOS: readonly number[] = [1];
/** Pairs are formed among the first few dimensions only, to bound the work per update. */
const MAX_PAIRED_DIMENSIONS = 4;

/**
 * Bounds that couple two dimensions, so that a subtree is skipped when no single member has
 * room in both — per-dimension maxima cannot tell "one node with free cpu and another with free
 * memory" from "one node with both", and a fragmented cluster is full of the former.
 *
 * For a pair (i, j) and a ratio r, a node's value is g(x) = min(x_i · a, x_j · b) with
 * a = 1 / cap_i and b = 1 / (cap_j · r): how far the node could go along the direction (1, r)
 * of normalised amounts. A node that fits request q has x ≥ q in every dimension, and g is
 * monotone (so is rounding), hence g(x) ≥ g(q): a subtree whose largest g is below g(q) holds no
 * node that fits. With r near the request's own ratio the test is almost exact. Capacities are
 * the group's, so every tree that uses a CoupledBounds holds one capacity group.
 */
export class CoupledBounds {
  /** Number of bounds (pairs × ratios). */
  readonly size: number;
  private readonly first: Int32Array;
  private readonly second: Int32Array;
  private readonly a: Float64Array;
  private readonly b: Float64Array;
  /**
   * Per pair: its dimensions, where its bounds start, its ratios' count, and the geometric
   * midpoints between neighbouring ratios (a request's ratio picks the nearest on a log scale).
   */
  private readonly pairs: { readonly i: number; readonly j: number; readonly base: number; readonly count: number; readonly cuts: readonly number[] }[] = [];
  private readonly capacity: Float64Array;
  /** Bound k's pair ends at `ends[k]` (exclusive): `values` computes x_i · a once per pair. */
  private readonly ends: Int32Array;

  constructor(group: CapacityGroup, ratios: readonly number[]) {
    // pairs among the group's own dimensions: a pair the group lacks could never help
    const dims = group.dims.slice(0, MAX_PAIRED_DIMENSIONS);
    let size = 0;
    for (let a = 0; a < dims.length; a++) {
      for (let b = a + 1; b < dims.length; b++) {
        const own = this.pairs.length === 0 ? ratios : LATER_PAIR_RATIOS;
        const cuts = own.slice(1).map((r, k) => Math.sqrt(r * (own[k] as number)));
        this.pairs.push({ i: dims[a] as number, j: dims[b] as number, base: size, count: own.length, cuts });
        size += own.length;
      }
    }
    this.size = size;
    this.first = new Int32Array(size);
    this.second = new Int32Array(size);
    this.a = new Float64Array(size);
    this.b = new Float64Array(size);
    this.ends = new Int32Array(size);
    this.capacity = group.capacityDense;
    for (const [p, { i, j, base, count }] of this.pairs.entries()) {
      const own = p === 0 ? ratios : LATER_PAIR_RATIOS;
      const capI = this.capacity[i] ?? 0;
      const capJ = this.capacity[j] ?? 0;
      for (let k = 0; k < count; k++) {
        this.first[base + k] = i;
        this.second[base + k] = j;
        this.a[base + k] = 1 / capI;
        this.b[base + k] = 1 / (capJ * (own[k] as number));
        this.ends[base + k] = base + count;
      }
    }
  }

  /**
   * g_k(x) for every bound k, written at out[offset + k]: per pair, x_i · a once and x_j · b per
   * ratio (the same products as always, so the values do not change, with fewer loads).
   */
  values(x: ArrayLike<number>, out: Float64Array, offset: number): void {
    const ends = this.ends;
    for (let base = 0; base < this.size; ) {
      const u = (x[this.first[base] as number] as number) * (this.a[base] as number);
      const xj = x[this.second[base] as number] as number;
      const end = ends[base] as number;
      for (let k = base; k < end; k++) {
        const v = xj * (this.b[k] as number);
        out[offset + k] = u < v ? u : v;
      }
      base = end;
    }
  }

  /** Pairs of dimensions with bounds (each has one per ratio). */
  get pairCount(): number {
    return this.pairs.length;
  }

  /**
   * The bounds worth testing for a request: for each pair it needs both dimensions of, the
   * ratio nearest its own (log scale). Appended at test n as (offset + k, threshold) to
   * `positions` / `thresholds` (k the bound's number, offset where the caller stores bound 0);
   * returns the number of tests after them.
   */
  writeTests(request: DenseRequest, positions: Int32Array, thresholds: Float64Array, n: number, offset: number): number {
    const q = request.amounts;
    for (let p = 0; p < this.pairs.length; p++) {
      const { i, j, base, cuts } = this.pairs[p] as (typeof this.pairs)[number];
      const qi = q[i] ?? 0;
      const qj = q[j] ?? 0;
      if (qi === 0 || qj === 0) continue;
      const ratio = qj / (this.capacity[j] as number) / (qi / (this.capacity[i] as number));
      let best = 0;
      while (best < cuts.length && ratio > (cuts[best] as number)) best++;
      const k = base + best;
      const u = qi * (this.a[k] as number);
      const v = qj * (this.b[k] as number);
      positions[n] = offset + k;
      thresholds[n] = u < v ? u : v;
      n++;
    }
    return n;
  }
}
