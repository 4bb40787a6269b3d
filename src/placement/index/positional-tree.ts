import { grow } from '../../typed-arrays.js';
import type { DenseRequest, IndexedNode } from '../strategy.js';
import type { GroupValues } from './group-values.js';

/**
 * A segment tree over positions in node order, for the members of one capacity group (a node is
 * appended when it joins, its position emptied when it leaves; the tree compacts itself when it
 * runs out of positions). Each tree node keeps the maxima of its members' `GroupValues` (−1 where
 * it has none) and the number of live members below it.
 *
 * It answers "leftmost member that fits" (first-fit) by descending only into subtrees whose maxima
 * pass the request's tests, and exposes the maxima for branch-and-bound searches (dot-product).
 *
 * A change to one member's free amounts recomputes its leaf and then its ancestors only until one
 * comes out unchanged: above that, nothing can change.
 */
export class PositionalTree {
  /** Leaves; a power of two. */
  size = 0;
  /** Numbers per tree node (the group's `GroupValues.length`). */
  readonly stride: number;
  /** agg[i * stride + v] for tree node i (1 = root, leaves at size … 2·size − 1). */
  agg = new Float64Array(0);
  count = new Int32Array(0);
  members: (IndexedNode | undefined)[] = [];
  private used = 0;
  private live = 0;
  /** Position of each member by its slot (−1: not here). */
  private positionOfSlot = new Int32Array(0).fill(-1);

  constructor(readonly values: GroupValues) {
    this.stride = values.length;
    this.resize(16);
  }

  /** Sets up the subtree tests for a request; call before `covers` (findFirst does it itself). */
  prepare(request: DenseRequest): void {
    this.values.tests(request);
  }

  get length(): number {
    return this.live;
  }

  /** Node order of the first member (members sit in node order), or Infinity when empty. */
  firstOrder(): number {
    if (this.live === 0) return Infinity;
    let i = 1;
    while (i < this.size) i = (this.count[2 * i] as number) > 0 ? 2 * i : 2 * i + 1;
    return (this.members[i - this.size] as IndexedNode).order;
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
    this.setPosition(node.slot, pos);
    this.live++;
    this.refresh(pos, true);
  }

  remove(node: IndexedNode): void {
    const pos = this.positionOf(node);
    this.members[pos] = undefined;
    this.positionOfSlot[node.slot] = -1;
    this.live--;
    this.refresh(pos, true);
  }

  update(node: IndexedNode): void {
    this.refresh(this.positionOf(node), false);
  }

  private positionOf(node: IndexedNode): number {
    const pos = node.slot < this.positionOfSlot.length ? (this.positionOfSlot[node.slot] as number) : -1;
    if (pos < 0) throw new Error(`fairpack internal error: node ${node.id} is not in the positional index`);
    return pos;
  }

  /** The leftmost member that fits the request and is accepted. */
  findFirst(request: DenseRequest, accept: ((node: IndexedNode) => boolean) | undefined): IndexedNode | undefined {
    this.prepare(request);
    return this.descend(1, accept);
  }

  /** Tree node i has members and its maxima pass the prepared tests. */
  covers(i: number): boolean {
    if (this.count[i] === 0) return false;
    const base = i * this.stride;
    const { testAt, testMin, testCount } = this.values;
    const agg = this.agg;
    for (let t = 0; t < testCount; t++) {
      if ((agg[base + (testAt[t] as number)] as number) < (testMin[t] as number)) return false;
    }
    return true;
  }

  /** Self-check for tests: maxima and counts match the members. */
  check(expected: ReadonlySet<IndexedNode>): string | undefined {
    for (const member of this.members) if (member !== undefined && !expected.has(member)) return `node ${member.id} is indexed but should not be`;
    const L = this.stride;
    const leaf = new Float64Array(L);
    for (let i = this.size * 2 - 1; i >= 1; i--) {
      if (i >= this.size) {
        const member = this.members[i - this.size];
        if (member === undefined) leaf.fill(-1);
        else this.values.write(member.free, leaf, 0);
      }
      for (let v = 0; v < L; v++) {
        const expected = i >= this.size ? (leaf[v] as number) : Math.max(this.agg[2 * i * L + v] as number, this.agg[(2 * i + 1) * L + v] as number);
        if (this.agg[i * L + v] !== expected) return `positional index maximum at ${i} is stale`;
      }
      const count = i >= this.size ? (this.members[i - this.size] === undefined ? 0 : 1) : (this.count[2 * i] as number) + (this.count[2 * i + 1] as number);
      if (this.count[i] !== count) return `positional index count at ${i} is stale`;
    }
    let previous = -Infinity;
    for (const member of this.members) {
      if (member === undefined) continue;
      if (member.order <= previous) return `positional index is out of node order at ${member.id}`;
      previous = member.order;
    }
    return undefined;
  }

  private descend(i: number, accept: ((node: IndexedNode) => boolean) | undefined): IndexedNode | undefined {
    if (!this.covers(i)) return undefined;
    if (i >= this.size) {
      // a leaf's maxima are its member's own values, and passing the tests there is fitting
      const node = this.members[i - this.size] as IndexedNode;
      return accept === undefined || accept(node) ? node : undefined;
    }
    return this.descend(2 * i, accept) ?? this.descend(2 * i + 1, accept);
  }

  /**
   * Rewrites the leaf at `pos` and its ancestors. `membership` (a member joined or left): counts
   * change all the way up; otherwise stop at the first ancestor whose maxima do not change.
   * (Recomputing only the values that changed one level down was measured: no faster, the
   * bookkeeping costs what it saves.)
   */
  private refresh(pos: number, membership: boolean): void {
    const L = this.stride;
    const agg = this.agg;
    let i = pos + this.size;
    const node = this.members[pos];
    if (node === undefined) agg.fill(-1, i * L, (i + 1) * L);
    else this.values.write(node.free, agg, i * L);
    this.count[i] = node === undefined ? 0 : 1;
    for (i >>= 1; i >= 1; i >>= 1) {
      const base = i * L;
      const lb = 2 * i * L;
      const rb = lb + L;
      let changed = false;
      for (let v = 0; v < L; v++) {
        const a = agg[lb + v] as number;
        const b = agg[rb + v] as number;
        const m = a > b ? a : b;
        if (agg[base + v] !== m) {
          agg[base + v] = m;
          changed = true;
        }
      }
      if (membership) this.count[i] = (this.count[2 * i] as number) + (this.count[2 * i + 1] as number);
      else if (!changed) return;
    }
  }

  private setPosition(slot: number, pos: number): void {
    if (slot >= this.positionOfSlot.length) {
      this.positionOfSlot = grow(this.positionOfSlot, Math.max(16, slot + 1, this.positionOfSlot.length * 2), -1);
    }
    this.positionOfSlot[slot] = pos;
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
    this.positionOfSlot.fill(-1);
    for (const node of live) {
      const pos = this.used++;
      this.members[pos] = node;
      this.setPosition(node.slot, pos);
      this.live++;
    }
    this.rebuild();
  }

  private resize(size: number): void {
    this.size = size;
    this.agg = new Float64Array(2 * size * this.stride).fill(-1);
    this.count = new Int32Array(2 * size);
    this.members = new Array<IndexedNode | undefined>(size).fill(undefined);
  }

  private rebuild(): void {
    const L = this.stride;
    const agg = this.agg;
    agg.fill(-1);
    this.count.fill(0);
    for (let pos = 0; pos < this.used; pos++) {
      const i = pos + this.size;
      this.values.write((this.members[pos] as IndexedNode).free, agg, i * L);
      this.count[i] = 1;
    }
    for (let i = this.size - 1; i >= 1; i--) {
      for (let v = 0; v < L; v++) agg[i * L + v] = Math.max(agg[2 * i * L + v] as number, agg[(2 * i + 1) * L + v] as number);
      this.count[i] = (this.count[2 * i] as number) + (this.count[2 * i + 1] as number);
    }
  }
}
