/**
 * Time series of piecewise-constant signals (utilisation, shares, queue length) for the charts,
 * in a bounded number of buckets whatever the run's length: the buckets start 1 s wide, and
 * whenever time runs past the last bucket, neighbouring buckets are merged pairwise and the width
 * doubles. Each bucket holds the exact integral of each signal over its span, so a bucket's value
 * is the signal's time-average there, and the sum over all buckets is the exact integral over the
 * run (which is how mean utilisation is computed).
 *
 * The bucket boundaries are also the sampling instants for figures too costly to integrate at
 * every event (packing, stranded capacity, Jain's index): `advance` returns how much time the
 * boundaries it crossed stand for, so a sampled figure can be averaged with the right weight even
 * though the spacing doubles during the run.
 */
export class Timeline {
  private width: number;
  private readonly sums: Float64Array;
  private readonly capacity: number;

  constructor(
    private readonly origin: number,
    private readonly channels: number,
    /** At most 2 × this many buckets are kept; at the end there are between this many and twice it. */
    buckets: number,
    initialWidthMs = 1000,
  ) {
    this.capacity = 2 * buckets;
    this.width = initialWidthMs;
    this.sums = new Float64Array(this.capacity * channels);
  }

  /**
   * The signals held `values` over [from, to). Returns the sampling weight: (number of bucket
   * boundaries in [from, to)) × bucket width, in ms — 0 when no boundary was crossed.
   */
  advance(from: number, to: number, values: Float64Array): number {
    if (!(to > from)) return 0;
    while (to - this.origin > this.width * this.capacity) this.coarsen();
    const C = this.channels;
    let t = from;
    let bucket = Math.floor((from - this.origin) / this.width);
    while (t < to && bucket < this.capacity) {
      const end = Math.min(to, this.origin + (bucket + 1) * this.width);
      const span = end - t;
      for (let c = 0; c < C; c++) this.sums[bucket * C + c] = (this.sums[bucket * C + c] as number) + (values[c] as number) * span;
      t = end;
      bucket++;
    }
    const crossed = Math.ceil((to - this.origin) / this.width) - Math.ceil((from - this.origin) / this.width);
    return crossed * this.width;
  }

  /** Integral of one channel over everything recorded. */
  integral(channel: number): number {
    let sum = 0;
    for (let b = 0; b < this.capacity; b++) sum += this.sums[b * this.channels + channel] as number;
    return sum;
  }

  /**
   * The buckets up to `end`: their start times (ms from the origin) and per channel the
   * time-average in each (the last bucket averages over its covered part only).
   */
  series(end: number): { readonly startsMs: number[]; readonly channels: number[][] } {
    const span = end - this.origin;
    const count = span > 0 ? Math.min(this.capacity, Math.ceil(span / this.width)) : 0;
    const startsMs: number[] = [];
    const channels: number[][] = Array.from({ length: this.channels }, () => []);
    for (let b = 0; b < count; b++) {
      const start = b * this.width;
      const covered = Math.min(this.width, span - start);
      startsMs.push(start);
      for (let c = 0; c < this.channels; c++) (channels[c] as number[]).push((this.sums[b * this.channels + c] as number) / covered);
    }
    return { startsMs, channels };
  }

  /** Merges buckets pairwise: the first half of the array now covers twice the time. */
  private coarsen(): void {
    const C = this.channels;
    const half = this.capacity / 2;
    for (let b = 0; b < half; b++) {
      for (let c = 0; c < C; c++) this.sums[b * C + c] = (this.sums[2 * b * C + c] as number) + (this.sums[(2 * b + 1) * C + c] as number);
    }
    this.sums.fill(0, half * C);
    this.width *= 2;
  }
}
