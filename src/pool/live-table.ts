import { grow } from '../typed-arrays.js';
import type { LiveAllocation } from './internals.js';
import type { NodeState } from './node-state.js';
import type { Allocation } from './types.js';

const NONE = -1;

/**
 * The live allocations, by slot. A Map keyed by id hashed every new id, and its table was rebuilt
 * (and left as megabytes of garbage) every few tens of thousands of allocations at scale; instead
 * every allocation has a slot, and ids the pool generates end with it (`…_<slot in base 36>`), so
 * finding one is parsing a few characters and comparing the id. Caller-chosen ids also go to a
 * Map.
 *
 * Nothing is kept per allocation but what the slot's columns hold — its `Allocation`, its nodes
 * (one per replica; `node.alone` for one replica, shared), its dimensions (shared per request
 * shape), one replica's scaled amounts in a slab of doubles (`stride` per slot: the most
 * dimensions a request has asked for so far), and its neighbours in creation order in an
 * Int32Array — about 56 bytes with three dimensions, where an object per allocation took 88.
 * Iteration is in creation order, oldest first, as it was with a Map.
 */
export class LiveTable implements ReadonlyMap<string, LiveAllocation> {
  private readonly allocations: (Allocation | undefined)[] = [];
  private readonly nodes: (readonly NodeState[] | undefined)[] = [];
  private readonly dims: (readonly number[] | undefined)[] = [];
  private readonly freeSlots: number[] = [];
  private readonly chosen = new Map<string, number>();
  private slab = new Float64Array(0);
  private stride = 1;
  /** Creation order: slot s's predecessor at 2s, successor at 2s + 1 (NONE: none). */
  private links = new Int32Array(0);
  /** While a snapshot is restored: the slots its allocations take, the next one last. */
  private pendingSlots: number[] | undefined;
  private restoredFree: number[] | undefined;
  private first = NONE;
  private last = NONE;
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The slot the next allocation gets (`add` takes it; nothing is taken until then). */
  nextSlot(): number {
    // while a snapshot is being restored, its allocations take back their own slots
    if (this.pendingSlots !== undefined) return this.pendingSlots[this.pendingSlots.length - 1] as number;
    const free = this.freeSlots.length;
    return free > 0 ? (this.freeSlots[free - 1] as number) : this.allocations.length;
  }

  /** The slot of the live allocation with this id, or −1. */
  find(id: string): number {
    if (typeof id !== 'string') return NONE;
    const slot = slotOf(id);
    if (slot >= 0 && slot < this.allocations.length && this.allocations[slot]?.id === id) return slot;
    return this.chosen.size === 0 ? NONE : (this.chosen.get(id) ?? NONE);
  }

  has(id: string): boolean {
    return this.find(id) !== NONE;
  }

  /** A view of one live allocation (built on each call: for the testing kit and batch planning). */
  get(id: string): LiveAllocation | undefined {
    const slot = this.find(id);
    return slot === NONE ? undefined : this.view(slot);
  }

  allocationAt(slot: number): Allocation {
    return this.allocations[slot] as Allocation;
  }

  /** One node per replica. */
  nodesAt(slot: number): readonly NodeState[] {
    return this.nodes[slot] as readonly NodeState[];
  }

  /** Dense dimensions of one replica's non-zero amounts, increasing. */
  dimsAt(slot: number): readonly number[] {
    return this.dims[slot] as readonly number[];
  }

  /** Scaled amount of dimsAt(slot)[i] for one replica. */
  amountAt(slot: number, i: number): number {
    return this.slab[slot * this.stride + i] as number;
  }

  /** Whether the allocation at `slot` has a caller-chosen id (found through the Map, not its slot). */
  isChosen(slot: number): boolean {
    return this.chosen.size > 0 && this.chosen.get((this.allocations[slot] as Allocation).id) === slot;
  }

  /** The slot table's size and its free slots, the next one last (for a snapshot). */
  layout(): { readonly slots: number; readonly freeSlots: readonly number[] } {
    return { slots: this.allocations.length, freeSlots: [...this.freeSlots] };
  }

  /**
   * Lays an empty table out as a snapshot found it: `slots` slots, of which `freeSlots` (in that
   * order) are free and the others are taken, each by the allocation `add` registers next — in
   * creation order, each at the slot `nextSlot()` then names (see `expectSlot`).
   */
  restoreLayout(slots: number, freeSlots: readonly number[], taken: readonly number[]): void {
    if (this.count !== 0 || this.allocations.length !== 0) throw new Error('fairpack internal error: restoreLayout on a table in use');
    this.allocations.length = slots;
    this.nodes.length = slots;
    this.dims.length = slots;
    if (taken.length === 0) {
      this.freeSlots.push(...freeSlots);
      return;
    }
    this.pendingSlots = [...taken].reverse();
    this.restoredFree = [...freeSlots];
  }

  /**
   * Registers an allocation at `nextSlot()`: its nodes, the dense dimensions of one replica's
   * non-zero amounts (increasing) and that replica's dense scaled amounts. `chosen`: its id is the
   * caller's (found through a Map), not one that ends with the slot.
   */
  add(allocation: Allocation, nodes: readonly NodeState[], dims: readonly number[], denseAmounts: readonly number[], chosen: boolean): void {
    const slot = this.nextSlot();
    if (this.pendingSlots !== undefined) {
      this.pendingSlots.pop();
      this.allocations[slot] = allocation;
      this.nodes[slot] = nodes;
      this.dims[slot] = dims;
      if (this.pendingSlots.length === 0) {
        this.pendingSlots = undefined;
        this.freeSlots.push(...(this.restoredFree ?? []));
        this.restoredFree = undefined;
      }
    } else if (slot === this.allocations.length) {
      this.allocations.push(allocation);
      this.nodes.push(nodes);
      this.dims.push(dims);
    } else {
      this.freeSlots.pop();
      this.allocations[slot] = allocation;
      this.nodes[slot] = nodes;
      this.dims[slot] = dims;
    }
    if (dims.length > this.stride) this.widen(dims.length);
    if ((slot + 1) * this.stride > this.slab.length) this.slab = grow(this.slab, Math.max((slot + 1) * this.stride, 2 * this.slab.length, 64));
    if (2 * slot + 2 > this.links.length) this.links = grow(this.links, Math.max(2 * slot + 2, 2 * this.links.length, 64));
    const base = slot * this.stride;
    for (let i = 0; i < dims.length; i++) this.slab[base + i] = denseAmounts[dims[i] as number] as number;
    if (chosen) this.chosen.set(allocation.id, slot);
    const links = this.links;
    links[2 * slot] = this.last;
    links[2 * slot + 1] = NONE;
    if (this.last === NONE) this.first = slot;
    else links[2 * this.last + 1] = slot;
    this.last = slot;
    this.count++;
  }

  delete(slot: number): void {
    const id = (this.allocations[slot] as Allocation).id;
    if (this.chosen.size > 0 && this.chosen.get(id) === slot) this.chosen.delete(id);
    this.allocations[slot] = undefined;
    this.nodes[slot] = undefined;
    this.dims[slot] = undefined;
    this.freeSlots.push(slot);
    const links = this.links;
    const prev = links[2 * slot] as number;
    const next = links[2 * slot + 1] as number;
    if (prev === NONE) this.first = next;
    else links[2 * prev + 1] = next;
    if (next === NONE) this.last = prev;
    else links[2 * next] = prev;
    this.count--;
  }

  /** Live slots, oldest first. A slot deleted during the walk must be the current one (as `removeNode` does). */
  *slots(): Generator<number, undefined, unknown> {
    for (let slot = this.first; slot !== NONE; ) {
      const next = this.links[2 * slot + 1] as number;
      yield slot;
      slot = next;
    }
    return undefined;
  }

  forEach(callback: (value: LiveAllocation, key: string, map: ReadonlyMap<string, LiveAllocation>) => void, thisArg?: unknown): void {
    for (const slot of this.slots()) callback.call(thisArg, this.view(slot), this.allocationAt(slot).id, this);
  }

  *entries(): Generator<[string, LiveAllocation], undefined, unknown> {
    for (const slot of this.slots()) yield [this.allocationAt(slot).id, this.view(slot)];
    return undefined;
  }

  *keys(): Generator<string, undefined, unknown> {
    for (const slot of this.slots()) yield this.allocationAt(slot).id;
    return undefined;
  }

  *values(): Generator<LiveAllocation, undefined, unknown> {
    for (const slot of this.slots()) yield this.view(slot);
    return undefined;
  }

  [Symbol.iterator](): Generator<[string, LiveAllocation], undefined, unknown> {
    return this.entries();
  }

  private view(slot: number): LiveAllocation {
    const dims = this.dimsAt(slot);
    return { allocation: this.allocationAt(slot), nodes: this.nodesAt(slot), dims, amounts: dims.map((_, i) => this.amountAt(slot, i)) };
  }

  /** A request with more dimensions than any before: re-lay the slab out with a wider stride. */
  private widen(stride: number): void {
    const slab = new Float64Array(Math.max(this.allocations.length, 16) * stride);
    for (let slot = 0; slot < this.allocations.length; slot++) {
      for (let i = 0; i < this.stride; i++) slab[slot * stride + i] = this.slab[slot * this.stride + i] as number;
    }
    this.slab = slab;
    this.stride = stride;
  }
}

/**
 * The slot a generated id ends with (`…_<base 36>`), or −1 when the id does not end that way.
 * Scans from the end by hand: `lastIndexOf` is a call into the runtime.
 */
function slotOf(id: string): number {
  let slot = 0;
  let scale = 1;
  for (let i = id.length - 1; i >= 0; i--) {
    const c = id.charCodeAt(i);
    if (c === 95) return scale === 1 ? -1 : slot; // '_' (with at least one digit after it)
    const digit = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 122 ? c - 87 : -1;
    if (digit < 0 || scale > 0x3fffffff) return -1;
    slot += digit * scale;
    scale *= 36;
  }
  return -1;
}
