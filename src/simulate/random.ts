/**
 * The simulator's only source of randomness: xoshiro128** seeded through splitmix32, so a seed
 * gives the same workload on every machine and Node version (no Math.random). Each consumer takes
 * its own stream (`new Random(seed, 'failures')`), so adding draws to one part of the simulation
 * never shifts the numbers another part sees.
 */
export class Random {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  /** Box–Muller yields normals in pairs; the second one is kept for the next call. */
  private spareNormal: number | undefined;

  constructor(seed: number, stream = '') {
    let state = (seed ^ hashString(stream)) >>> 0;
    const next = (): number => {
      // splitmix32: spreads a small seed over the 128-bit state (xoshiro must not start at zero)
      state = (state + 0x9e3779b9) >>> 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
  }

  /** A uniform 32-bit unsigned integer (xoshiro128**). */
  uint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.uint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Exponential with the given rate (mean 1 / rate): the gaps of a Poisson process. */
  exponential(rate: number): number {
    // 1 − next() is in (0, 1], so the log is finite
    return -Math.log(1 - this.next()) / rate;
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const spare = this.spareNormal;
      this.spareNormal = undefined;
      return spare;
    }
    const u = 1 - this.next();
    const v = this.next();
    const radius = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
  }

  /** Log-normal with the given median (e^μ) and σ of the underlying normal. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** One item, chosen with probability proportional to its weight. */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    // by index, not `for…of` with destructuring: this runs three times per synthetic job, and the
    // iterators were a tenth of the generator's time (sums in the same order: the same draws)
    let total = 0;
    for (let i = 0; i < items.length; i++) total += (items[i] as readonly [T, number])[1];
    let point = this.next() * total;
    for (let i = 0; i < items.length; i++) {
      const entry = items[i] as readonly [T, number];
      point -= entry[1];
      if (point < 0) return entry[0];
    }
    return (items[items.length - 1] as readonly [T, number])[0];
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** FNV-1a: turns a stream name into 32 bits to mix into the seed. */
function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}
