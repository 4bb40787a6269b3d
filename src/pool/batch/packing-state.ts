import { type BatchContext, type BatchItem, PREFERRED } from './context.js';
import type { Simulation } from './simulation.js';
import { sizeOf } from './size-keys.js';

/**
 * A complete plan taken apart into movable units, one per replica, for the improvement phase:
 * which node holds each unit (−1: lifted off, waiting for a node), the units on each node, and
 * every node's free vector (scaled integers, so fit stays exact). Copies are cheap, so a search
 * that fails is simply dropped.
 */
export class PackingState {
  private constructor(
    readonly context: BatchContext,
    /** Per unit: its item (input index). Shared between copies, never written. */
    readonly unitItem: Int32Array,
    /** Per unit: one replica's `sum` size (Σ_d req_d / maxCap_d). Shared, never written. */
    readonly weight: Float64Array,
    readonly unitNode: Int32Array,
    readonly members: number[][],
    readonly free: Float64Array[],
  ) {}

  /** The plan of `sim`, which must place every item. */
  static of(sim: Simulation): PackingState {
    const { context } = sim;
    const unitItem: number[] = [];
    const unitNode: number[] = [];
    const weight: number[] = [];
    const members: number[][] = context.nodes.map(() => []);
    for (const item of context.items) {
      const replicaWeight = sizeOf(item, 'sum', context.maxCapacity) / item.replicas;
      for (const n of sim.assignment[item.index] ?? []) {
        (members[n] as number[]).push(unitItem.length);
        unitItem.push(item.index);
        unitNode.push(n);
        weight.push(replicaWeight);
      }
    }
    const free = sim.free.map((vector) => Float64Array.from(vector));
    return new PackingState(context, Int32Array.from(unitItem), Float64Array.from(weight), Int32Array.from(unitNode), members, free);
  }

  copy(): PackingState {
    return new PackingState(
      this.context,
      this.unitItem,
      this.weight,
      Int32Array.from(this.unitNode),
      this.members.map((list) => list.slice()),
      this.free.map((vector) => Float64Array.from(vector)),
    );
  }

  item(unit: number): BatchItem {
    return this.context.items[this.unitItem[unit] as number] as BatchItem;
  }

  /** Node n holds an allocation after this plan: a unit, or one from before the batch. */
  isUsed(n: number): boolean {
    return (this.members[n] as number[]).length > 0 || (this.context.nodes[n]?.allocationCount ?? 0) > 0;
  }

  /**
   * Node n may hold `unit` once `out` and `alsoOut` (units on n, or −1 for none) are off it: n is a
   * first-tier node for it (eligible and not avoided: the phase never moves anything onto an
   * avoided node), and for a spread gang, no other replica of it stays on n. Room is checked
   * separately (`fitsWithout`). Two numbers rather than a list: this runs for every move tried.
   */
  accepts(n: number, unit: number, out = -1, alsoOut = -1): boolean {
    const item = this.item(unit);
    if ((this.context.eligibility[item.group] as Uint8Array)[n] !== PREFERRED) return false;
    if (!item.spread) return true;
    for (const other of this.members[n] as number[]) {
      if (this.unitItem[other] === item.index && other !== out && other !== alsoOut) return false;
    }
    return true;
  }

  /** `unit` fits on node n once `out` and `alsoOut` (units on n, or −1) are off it (exact integers). */
  fitsWithout(n: number, unit: number, out = -1, alsoOut = -1): boolean {
    const free = this.free[n] as Float64Array;
    const { dims, amounts } = this.item(unit);
    const freed = out < 0 ? undefined : this.item(out).amounts;
    const alsoFreed = alsoOut < 0 ? undefined : this.item(alsoOut).amounts;
    for (const d of dims) {
      const room = (free[d] as number) + (freed?.[d] ?? 0) + (alsoFreed?.[d] ?? 0);
      if (room < (amounts[d] as number)) return false;
    }
    return true;
  }

  /** The two units have the same amount in every dimension (replicas of one request do). */
  sameSize(a: number, b: number): boolean {
    const first = this.item(a);
    const second = this.item(b);
    if (first === second) return true;
    if (first.dims.length !== second.dims.length) return false;
    return first.dims.every((d, i) => second.dims[i] === d && first.amounts[d] === second.amounts[d]);
  }

  /** Takes `unit` off its node: it waits for another. */
  lift(unit: number): void {
    const n = this.unitNode[unit] as number;
    const list = this.members[n] as number[];
    list.splice(list.indexOf(unit), 1);
    this.adjust(n, unit, 1);
    this.unitNode[unit] = -1;
  }

  /** Puts a lifted `unit` on node n (the caller has checked `accepts` and the fit). */
  drop(unit: number, n: number): void {
    (this.members[n] as number[]).push(unit);
    this.adjust(n, unit, -1);
    this.unitNode[unit] = n;
  }

  /** Per item (input index): the node of each replica, as `Simulation.assignment` holds it. */
  assignment(): number[][] {
    const out: number[][] = this.context.items.map(() => []);
    this.unitItem.forEach((item, unit) => (out[item] as number[]).push(this.unitNode[unit] as number));
    return out;
  }

  private adjust(n: number, unit: number, sign: 1 | -1): void {
    const free = this.free[n] as Float64Array;
    const { dims, amounts } = this.item(unit);
    for (const d of dims) free[d] = (free[d] as number) + sign * (amounts[d] as number);
  }
}
