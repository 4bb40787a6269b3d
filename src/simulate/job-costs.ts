import type { NodeSpec, Placement } from '../index.js';

const HOUR_MS = 3_600_000;
/** The manager's default precision: amounts × 1000 (as the cost ledger scales them). */
const FACTOR = 1000;

/**
 * What each job of a run cost, by the manager's rule (docs/costs-and-scaling.md#the-rule): a
 * replica pays `rate = Σ_d floor(price_d × amount_d / capacity_d)` micro-units per hour, the
 * node's price split equally over its dimensions (odd micro-units to the first names), and a run
 * of `ms` pays `floor(rate × ms / 3.6e6)`. A job's cost is the sum over its runs (a restarted job
 * pays again). Kept here, not asked of the manager: the simulation forgets finished jobs at once
 * (`history: 0`), and the ledger keeps only the last 10,000 of them one by one.
 */
export class JobCosts {
  /** Per node id, each dimension's [price part, scaled capacity]. */
  private readonly nodes = new Map<string, Map<string, readonly [number, number]>>();
  readonly perJob: Float64Array;

  constructor(jobCount: number) {
    this.perJob = new Float64Array(jobCount);
  }

  addNode(node: NodeSpec): void {
    const price = Math.round((node.costPerHour ?? 0) * 1_000_000);
    const names = Object.keys(node.capacity)
      .filter((name) => (node.capacity[name] as number) > 0)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const dims = new Map<string, readonly [number, number]>();
    if (price > 0 && names.length > 0) {
      const base = Math.floor(price / names.length);
      const odd = price - base * names.length;
      names.forEach((name, i) => dims.set(name, [base + (i < odd ? 1 : 0), Math.round((node.capacity[name] as number) * FACTOR)]));
    }
    this.nodes.set(node.id, dims);
  }

  /** The run's rate, micro-units per hour, summed over its placements. */
  rate(placements: readonly Placement[]): number {
    let rate = 0;
    for (const placement of placements) {
      const dims = this.nodes.get(placement.nodeId);
      if (dims === undefined) continue;
      for (const [name, amount] of Object.entries(placement.resources)) {
        const dim = dims.get(name);
        if (dim !== undefined) rate += mulDivFloor(dim[0], Math.round(amount * FACTOR), dim[1]);
      }
    }
    return rate;
  }

  /** Job `job` ran `ms` (whole, as the ledger counts time) at `rate`. */
  charge(job: number, rate: number, ms: number): void {
    this.perJob[job] = (this.perJob[job] as number) + mulDivFloor(rate, Math.floor(ms), HOUR_MS);
  }
}

/** floor(a × b / c) exactly for integers a, b >= 0 and c > 0. */
function mulDivFloor(a: number, b: number, c: number): number {
  const product = a * b;
  if (product <= Number.MAX_SAFE_INTEGER) return Math.floor(product / c);
  return Number((BigInt(a) * BigInt(b)) / BigInt(c));
}
