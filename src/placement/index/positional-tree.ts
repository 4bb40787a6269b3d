import type { DenseRequest, IndexedNode } from '../strategy.js';
import type { CoupledBounds } from './coupled-bounds.js';
import type { SupportValues } from './support-values.js';
import { fits } from './keyed-treap.js';

/**
 * A segment tree over positions in node order (a node is appended when it joins, its position
 * emptied when it leaves; the tree compacts itself when it runs out of positions). Each tree node
 * keeps the per-dimension maximum free amount and the number of live members below it.
 *
 * It answers "leftmost member that fits" (first-fit) by descending only into subtrees whose maxima
 * cover the request, and exposes the maxima for branch-and-bound searches (dot-product).
 */
export class PositionalTree {
  /** Leaves; a power of two. */
  size = 0;
  /** max[i * D + d] for tree node i (1 = root, leaves at size … 2·size − 1). */
  max = new Float64Array(0);
  count = new Int32Array(0);
  /** Coupled bounds per tree node: coupledMax[i * K + k]. */
  private coupledMax = new Float64Array(0);
  private readonly leafValues: Float64Array;
  /** [k, threshold, …] for the request being searched (see `prepare`). */
  private tests: number[] = [];
  members: (IndexedNode | undefined)[] = [];
  private used = 0;
  private live = 0;
  private readonly positionOfSlot = new Map<number, number>();

  constructor(
    private readonly dimensions: number,
    private readonly coupled?: CoupledBounds,
    private readonly support?: SupportValues,
  ) {
    // one max-aggregate array: the coupled bounds first, then the support values
    this.leafValues = new Float64Array((coupled?.size ?? 0) + (support?.size ?? 0));
    this.resize(16);
  }

  /** Subtree maximum of support value k at tree node i. */
  supportMax(i: number, k: number): number {
    return this.coupledMax[i * this.leafValues.length + (this.coupled?.size ?? 0) + k] as number;
  }

  private aggregateValues(x: ArrayLike<number>, out: Float64Array, offset: number): void {
    this.coupled?.values(x, out, offset);
    this.support?.values(x, out, offset + (this.coupled?.size ?? 0));
  }

  /** Sets up the coupled tests for a request; call before `covers` (findFirst does it itself). */
  prepare(request: DenseRequest): void {
    this.tests = this.coupled?.tests(request) ?? [];
  }

  get length(): number {
    return this.live;
  }

  add(node: IndexedNode): void {
    if (this.used > 0 && this.lastOrder() > node.order) {
      // a node coming back (e.g. ready again) belongs between members: rebuild with it in place
      this.compact(node);
      return;
    }
    if (this.used === this.size) this.compact();
    const pos = this.used++;
    this.members[pos] = node;
    this.positionOfSlot.set(node.slot, pos);
    this.live++;
    this.refresh(pos);
  }

  remove(node: IndexedNode): void {
    const pos = this.positionOf(node);
    this.members[pos] = undefined;
    this.positionOfSlot.delete(node.slot);
    this.live--;
    this.refresh(pos);
  }

  update(node: IndexedNode): void {
    this.refresh(this.positionOf(node));
  }

  positionOf(node: IndexedNode): number {
    const pos = this.positionOfSlot.get(node.slot);
    if (pos === undefined) throw new Error(`fairpack internal error: node ${node.id} is not in the positional index`);
    return pos;
  }

  /** The leftmost member that fits the request and is accepted. */
  findFirst(request: DenseRequest, accept: ((node: IndexedNode) => boolean) | undefined): IndexedNode | undefined {
    this.prepare(request);
    return this.descend(1, request, accept);
  }

  /** Tree node i's maxima cover the request (and it has members). */
  covers(i: number, request: DenseRequest): boolean {
    if (this.count[i] === 0) return false;
    const base = i * this.dimensions;
    for (const d of request.nonZero) {
      if ((this.max[base + d] as number) < (request.amounts[d] as number)) return false;
    }
    const tests = this.tests;
    if (tests.length > 0) {
      const K = this.leafValues.length;
      for (let t = 0; t < tests.length; t += 2) {
        if ((this.coupledMax[i * K + (tests[t] as number)] as number) < (tests[t + 1] as number)) return false;
      }
    }
    return true;
  }

  /** Self-check for tests: maxima and counts match the members. */
  check(expected: ReadonlySet<IndexedNode>): string | undefined {
    for (const member of this.members) if (member !== undefined && !expected.has(member)) return `node ${member.id} is indexed but should not be`;
    const D = this.dimensions;
    for (let i = this.size * 2 - 1; i >= 1; i--) {
      for (let d = 0; d < D; d++) {
        const expected = i >= this.size ? (this.members[i - this.size]?.free[d] ?? -1) : Math.max(this.max[2 * i * D + d] as number, this.max[(2 * i + 1) * D + d] as number);
        if (this.max[i * D + d] !== expected) return `positional index maximum at ${i} is stale`;
      }
    }
    let previous = -Infinity;
    for (const member of this.members) {
      if (member === undefined) continue;
      if (member.order <= previous) return `positional index is out of node order at ${member.id}`;
      previous = member.order;
    }
    return undefined;
  }

  private descend(i: number, request: DenseRequest, accept: ((node: IndexedNode) => boolean) | undefined): IndexedNode | undefined {
    if (!this.covers(i, request)) return undefined;
    if (i >= this.size) {
      const node = this.members[i - this.size] as IndexedNode;
      return fits(node.free, request) && (accept === undefined || accept(node)) ? node : undefined;
    }
    return this.descend(2 * i, request, accept) ?? this.descend(2 * i + 1, request, accept);
  }

  private refresh(pos: number): void {
    const D = this.dimensions;
    let i = pos + this.size;
    const node = this.members[pos];
    for (let d = 0; d < D; d++) this.max[i * D + d] = node === undefined ? -1 : (node.free[d] as number);
    this.count[i] = node === undefined ? 0 : 1;
    const K = this.leafValues.length;
    if (K > 0) {
      if (node === undefined) this.leafValues.fill(-1);
      else this.aggregateValues(node.free, this.leafValues, 0);
      this.coupledMax.set(this.leafValues, i * K);
    }
    for (i >>= 1; i >= 1; i >>= 1) {
      const l = 2 * i;
      const r = l + 1;
      for (let d = 0; d < D; d++) {
        const a = this.max[l * D + d] as number;
        const b = this.max[r * D + d] as number;
        this.max[i * D + d] = a > b ? a : b;
      }
      for (let k = 0; k < K; k++) {
        const a = this.coupledMax[l * K + k] as number;
        const b = this.coupledMax[r * K + k] as number;
        this.coupledMax[i * K + k] = a > b ? a : b;
      }
      this.count[i] = (this.count[l] as number) + (this.count[r] as number);
    }
  }

  private lastOrder(): number {
    for (let pos = this.used - 1; pos >= 0; pos--) {
      const member = this.members[pos];
      if (member !== undefined) return member.order;
    }
    return -Infinity;
  }

  /**
   * Packs live members to the front in node order (inserting `extra` in its place), doubling the
   * size when over half full.
   */
  private compact(extra?: IndexedNode): void {
    const live = this.members.filter((m): m is IndexedNode => m !== undefined);
    if (extra !== undefined) {
      live.push(extra);
      live.sort((a, b) => a.order - b.order);
    }
    this.resize(live.length * 2 > this.size ? this.size * 2 : this.size);
    this.used = 0;
    this.live = 0;
    this.positionOfSlot.clear();
    for (const node of live) {
      const pos = this.used++;
      this.members[pos] = node;
      this.positionOfSlot.set(node.slot, pos);
      this.live++;
    }
    this.rebuild();
  }

  private resize(size: number): void {
    this.size = size;
    this.max = new Float64Array(2 * size * this.dimensions).fill(-1);
    this.coupledMax = new Float64Array(2 * size * this.leafValues.length).fill(-1);
    this.count = new Int32Array(2 * size);
    this.members = new Array<IndexedNode | undefined>(size).fill(undefined);
  }

  private rebuild(): void {
    const D = this.dimensions;
    const K = this.leafValues.length;
    this.max.fill(-1);
    this.coupledMax.fill(-1);
    this.count.fill(0);
    for (let pos = 0; pos < this.used; pos++) {
      const node = this.members[pos] as IndexedNode;
      const i = pos + this.size;
      for (let d = 0; d < D; d++) this.max[i * D + d] = node.free[d] as number;
      if (K > 0) this.aggregateValues(node.free, this.coupledMax, i * K);
      this.count[i] = 1;
    }
    for (let i = this.size - 1; i >= 1; i--) {
      for (let d = 0; d < D; d++) this.max[i * D + d] = Math.max(this.max[2 * i * D + d] as number, this.max[(2 * i + 1) * D + d] as number);
      for (let k = 0; k < K; k++) this.coupledMax[i * K + k] = Math.max(this.coupledMax[2 * i * K + k] as number, this.coupledMax[(2 * i + 1) * K + k] as number);
      this.count[i] = (this.count[2 * i] as number) + (this.count[2 * i + 1] as number);
    }
  }
}
