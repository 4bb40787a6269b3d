import { AVOIDED, type BatchContext, type BatchItem, PREFERRED, type Tier } from './context.js';
import { sizeOf } from './size-keys.js';

/** The figures `auto` compares (see BatchCandidate). */
export interface PlanSummary {
  readonly placedCount: number;
  readonly demand: number;
  readonly nodesUsed: number;
  readonly stranded: number;
}

/**
 * Picks the node of one replica: `previous` is the node of the replica before it in the same gang
 * (−1 for the first). Returns a node index for which `canTake` holds, or −1 for none.
 */
export type ReplicaChooser = (previous: number) => number;

/**
 * A plan in progress: copies of every node's scaled free vector, plus what the plan placed where.
 * Fit decisions compare exact scaled integers only; the pool itself is never written.
 */
export class Simulation {
  readonly free: Float64Array[];
  /** Per item (by input index): the node of each replica, or undefined while unplaced. */
  readonly assignment: (readonly number[] | undefined)[];
  /** Pre-existing allocations on each node plus replicas the plan put there: the node is used while > 0. */
  private readonly load: Int32Array;
  /** Nodes the spread gang being placed already uses. */
  private readonly marked: Uint8Array;

  constructor(readonly context: BatchContext) {
    this.free = context.nodes.map((node) => Float64Array.from(node.free));
    this.load = Int32Array.from(context.nodes, (node) => node.allocationCount);
    this.marked = new Uint8Array(context.nodes.length);
    this.assignment = new Array<readonly number[] | undefined>(context.items.length).fill(undefined);
  }

  isPlaced(item: BatchItem): boolean {
    return this.assignment[item.index] !== undefined;
  }

  isUsed(n: number): boolean {
    return (this.load[n] as number) > 0;
  }

  /** One replica fits on node n in every dimension (exact integers). */
  fits(item: BatchItem, n: number): boolean {
    const free = this.free[n] as Float64Array;
    for (const d of item.dims) if ((free[d] as number) < (item.amounts[d] as number)) return false;
    return true;
  }

  /** Node n is allowed in this tier, not already used by this spread gang, and one replica fits. */
  canTake(item: BatchItem, n: number, tier: Tier): boolean {
    const eligibility = (this.context.eligibility[item.group] as Uint8Array)[n] as number;
    if (eligibility !== PREFERRED && (tier === 1 || eligibility !== AVOIDED)) return false;
    return !(item.spread && this.marked[n] === 1) && this.fits(item, n);
  }

  /** Places every replica where `choose` says, or none of them (gang semantics): true if placed. */
  placeWhole(item: BatchItem, choose: ReplicaChooser): boolean {
    const chosen: number[] = [];
    let previous = -1;
    for (let r = 0; r < item.replicas; r++) {
      const n = choose(previous);
      if (n < 0) break;
      this.take(item, n);
      if (item.spread) this.marked[n] = 1;
      chosen.push(n);
      previous = n;
    }
    if (item.spread) for (const n of chosen) this.marked[n] = 0;
    if (chosen.length < item.replicas) {
      for (const n of chosen) this.giveBack(item, n);
      return false;
    }
    this.assignment[item.index] = chosen;
    return true;
  }

  /** Records `item` on `chosen` (one node per replica), taking the room; the caller has checked it fits. */
  placeAt(item: BatchItem, chosen: readonly number[]): void {
    for (const n of chosen) this.take(item, n);
    this.assignment[item.index] = chosen;
  }

  /** Takes one replica's room on node n (the caller has checked it fits). */
  take(item: BatchItem, n: number): void {
    const free = this.free[n] as Float64Array;
    for (const d of item.dims) free[d] = (free[d] as number) - (item.amounts[d] as number);
    this.load[n] = (this.load[n] as number) + 1;
  }

  /** Undoes one `take`. Amounts are exact integers, so the free vector is restored bit for bit. */
  giveBack(item: BatchItem, n: number): void {
    const free = this.free[n] as Float64Array;
    for (const d of item.dims) free[d] = (free[d] as number) + (item.amounts[d] as number);
    this.load[n] = (this.load[n] as number) - 1;
  }

  /**
   * placedCount; demand = Σ over placed requests of their `sum` size (replicas × Σ_d req_d /
   * maxCap_d), summed in input order so that plans placing the same requests give equal doubles;
   * nodesUsed counts nodes holding any allocation after the plan, old ones included;
   * stranded = Σ over used nodes of Σ_d free_d / cap_d, summed in node order for the same reason.
   */
  summary(): PlanSummary {
    let placedCount = 0;
    let demand = 0;
    for (const item of this.context.items) {
      if (!this.isPlaced(item)) continue;
      placedCount++;
      demand += sizeOf(item, 'sum', this.context.maxCapacity);
    }
    let nodesUsed = 0;
    let stranded = 0;
    this.context.nodes.forEach((node, n) => {
      if (!this.isUsed(n)) return;
      nodesUsed++;
      const free = this.free[n] as Float64Array;
      for (const d of node.group.dims) stranded += (free[d] as number) / (node.capacity[d] as number);
    });
    return { placedCount, demand, nodesUsed, stranded };
  }
}
