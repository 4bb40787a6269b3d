import type { LiveAllocation } from './internals.js';
import type { NodeState } from './node-state.js';
import type { Allocation } from './types.js';

/**
 * What the pool keeps for one live allocation. Its scaled amounts live in the table's slab, at the
 * record's slot, rather than in an array of its own (see LiveTable).
 */
export class LiveRecord implements LiveAllocation {
  /** Neighbours in creation order (the table iterates oldest first, as a Map would). */
  prev: LiveRecord | undefined = undefined;
  next: LiveRecord | undefined = undefined;

  constructor(
    readonly allocation: Allocation,
    /** One node per replica (`node.alone` for one replica: shared). */
    readonly nodes: readonly NodeState[],
    /** Dense dimensions of one replica's non-zero amounts, increasing (shared per request shape). */
    readonly dims: readonly number[],
    /** Slot in the table: ≥ 0 when the id is generated (and ends with it), ~slot for a caller-chosen id. */
    readonly handle: number,
    private readonly table: LiveTable,
  ) {}

  get slot(): number {
    return this.handle >= 0 ? this.handle : ~this.handle;
  }

  /** Scaled amount of dims[i] for one replica. */
  amount(i: number): number {
    return this.table.amountAt(this.slot, i);
  }

  get amounts(): readonly number[] {
    return this.dims.map((_, i) => this.amount(i));
  }
}

/**
 * The live allocations by id. A Map keyed by id hashed every new id, and its table was rebuilt
 * (and left as megabytes of garbage) every few tens of thousands of allocations at scale; instead
 * every record has a slot, and ids the pool generates end with it (`…_<slot in base 36>`), so
 * finding one is parsing a few characters and comparing the id. Caller-chosen ids also go to a
 * Map. One replica's scaled amounts are kept in a slab of doubles, `stride` per slot (the most
 * dimensions a request has asked for so far), instead of an array per allocation. Iteration is
 * in creation order, oldest first (a list through the records), as it was with a Map.
 */
export class LiveTable implements ReadonlyMap<string, LiveAllocation> {
  private readonly slots: (LiveRecord | undefined)[] = [];
  private readonly freeSlots: number[] = [];
  private readonly chosen = new Map<string, LiveRecord>();
  private slab = new Float64Array(0);
  private stride = 1;
  private first: LiveRecord | undefined;
  private last: LiveRecord | undefined;
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The slot the next record gets (`add` takes it; nothing is taken until then). */
  nextSlot(): number {
    const free = this.freeSlots.length;
    return free > 0 ? (this.freeSlots[free - 1] as number) : this.slots.length;
  }

  get(id: string): LiveRecord | undefined {
    if (typeof id !== 'string') return undefined;
    const slot = slotOf(id);
    if (slot >= 0 && slot < this.slots.length) {
      const record = this.slots[slot];
      if (record !== undefined && record.allocation.id === id) return record;
    }
    return this.chosen.size === 0 ? undefined : this.chosen.get(id);
  }

  has(id: string): boolean {
    return this.get(id) !== undefined;
  }

  /** Scaled amount i (parallel to the record's dims) of the record at `slot`. */
  amountAt(slot: number, i: number): number {
    return this.slab[slot * this.stride + i] as number;
  }

  /** Registers `record` (at `nextSlot()`), with one replica's dense scaled amounts. */
  add(record: LiveRecord, denseAmounts: readonly number[]): void {
    const slot = record.slot;
    if (slot !== this.nextSlot()) throw new Error('fairpack internal error: a live record was added under a slot other than nextSlot()');
    if (slot === this.slots.length) this.slots.push(record);
    else {
      this.freeSlots.pop();
      this.slots[slot] = record;
    }
    const { dims } = record;
    if (dims.length > this.stride) this.widen(dims.length);
    if ((slot + 1) * this.stride > this.slab.length) this.grow((slot + 1) * this.stride);
    const base = slot * this.stride;
    for (let i = 0; i < dims.length; i++) this.slab[base + i] = denseAmounts[dims[i] as number] as number;
    if (record.handle < 0) this.chosen.set(record.allocation.id, record);
    record.prev = this.last;
    if (this.last === undefined) this.first = record;
    else this.last.next = record;
    this.last = record;
    this.count++;
  }

  delete(record: LiveRecord): void {
    const slot = record.slot;
    this.slots[slot] = undefined;
    this.freeSlots.push(slot);
    if (record.handle < 0) this.chosen.delete(record.allocation.id);
    if (record.prev === undefined) this.first = record.next;
    else record.prev.next = record.next;
    if (record.next === undefined) this.last = record.prev;
    else record.next.prev = record.prev;
    record.prev = undefined;
    record.next = undefined;
    this.count--;
  }

  private grow(length: number): void {
    const slab = new Float64Array(Math.max(length, 2 * this.slab.length, 64));
    slab.set(this.slab);
    this.slab = slab;
  }

  /** A request with more dimensions than any before: re-lay the slab out with a wider stride. */
  private widen(stride: number): void {
    const slab = new Float64Array(Math.max(this.slots.length, 16) * stride);
    for (let slot = 0; slot < this.slots.length; slot++) {
      for (let i = 0; i < this.stride; i++) slab[slot * stride + i] = this.slab[slot * this.stride + i] as number;
    }
    this.slab = slab;
    this.stride = stride;
  }

  forEach(callback: (value: LiveAllocation, key: string, map: ReadonlyMap<string, LiveAllocation>) => void, thisArg?: unknown): void {
    for (const record of this.records()) callback.call(thisArg, record, record.allocation.id, this);
  }

  /** Oldest first. A record deleted during the walk must be the current one (as `removeNode` does). */
  *records(): Generator<LiveRecord, undefined, unknown> {
    for (let record = this.first; record !== undefined; ) {
      const next = record.next;
      yield record;
      record = next;
    }
    return undefined;
  }

  *entries(): Generator<[string, LiveAllocation], undefined, unknown> {
    for (const record of this.records()) yield [record.allocation.id, record];
    return undefined;
  }

  *keys(): Generator<string, undefined, unknown> {
    for (const record of this.records()) yield record.allocation.id;
    return undefined;
  }

  values(): Generator<LiveAllocation, undefined, unknown> {
    return this.records();
  }

  [Symbol.iterator](): Generator<[string, LiveAllocation], undefined, unknown> {
    return this.entries();
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
