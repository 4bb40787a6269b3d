import type { DenseRequest, IndexedNode } from '../strategy.js';
import type { CoupledBounds } from './coupled-bounds.js';

const NIL = -1;

/**
 * A forest of treaps over node slots, ordered by (key, node order), where each subtree keeps the
 * maximum free amount per dimension of its members. Several groups share the storage; each group
 * is one tree with its own root.
 *
 * `findFirst` returns the first member in order whose free vector covers the request, skipping
 * every subtree whose maxima already show that nothing in it fits — this is what lets best-fit
 * and worst-fit avoid scanning the full nodes at the front of the order.
 *
 * Priorities come from a fixed-seed xorshift, so the shape (and the work done) is reproducible.
 */
export class KeyedTreap {
  private left = new Int32Array(0);
  private right = new Int32Array(0);
  private priority = new Uint32Array(0);
  private keys = new Float64Array(0);
  private orders = new Float64Array(0);
  private max = new Float64Array(0);
  /** Coupled bounds (see CoupledBounds): each member's own values, and the subtree maxima. */
  private own = new Float64Array(0);
  private coupledMax = new Float64Array(0);
  private tests: readonly number[] = [];
  /** How many coupled bounds each member's group has (≤ the stride `coupled`). */
  private coupledOf = new Int32Array(0);
  private readonly members: (IndexedNode | undefined)[] = [];
  private seed = 0x9e3779b9;
  private splitLeft = NIL;
  private splitRight = NIL;

  // search state, set by findFirst (fields instead of arguments keep the recursion lean)
  private request: DenseRequest | undefined;
  private accept: ((node: IndexedNode) => boolean) | undefined;
  private lowKey = -Infinity;
  private lowStrict = false;

  constructor(
    private readonly dimensions: number,
    /** Number of coupled bounds per member (the same for every group: it depends on `dimensions`). */
    private readonly coupled: number,
  ) {}

  key(slot: number): number {
    return this.keys[slot] as number;
  }

  node(slot: number): IndexedNode {
    return this.members[slot] as IndexedNode;
  }

  insert(root: number, node: IndexedNode, key: number, bounds: CoupledBounds): number {
    const t = node.slot;
    this.ensure(t);
    bounds.values(node.free, this.own, t * this.coupled);
    this.coupledOf[t] = bounds.size;
    this.members[t] = node;
    this.keys[t] = key;
    this.orders[t] = node.order;
    this.left[t] = NIL;
    this.right[t] = NIL;
    this.priority[t] = this.nextPriority();
    this.pull(t);
    return this.insertAt(root, t);
  }

  remove(root: number, node: IndexedNode): number {
    const t = node.slot;
    const result = this.removeAt(root, t);
    this.members[t] = undefined;
    return result;
  }

  /**
   * Walks down to where `t` belongs by key and then priority, and splits only the subtree it
   * displaces there (expected O(1) in size): one root-to-leaf path of pulls, where split-and-merge
   * insertion pulls along three.
   */
  private insertAt(x: number, t: number): number {
    if (x === NIL) return t;
    if ((this.priority[t] as number) > (this.priority[x] as number)) {
      this.split(x, this.keys[t] as number, this.orders[t] as number);
      this.left[t] = this.splitLeft;
      this.right[t] = this.splitRight;
      this.pull(t);
      return t;
    }
    if (this.before(t, this.keys[x] as number, this.orders[x] as number)) this.left[x] = this.insertAt(this.left[x] as number, t);
    else this.right[x] = this.insertAt(this.right[x] as number, t);
    this.pull(x);
    return x;
  }

  /** Walks down to `t` and replaces it by the merge of its children (expected O(1) spines). */
  private removeAt(x: number, t: number): number {
    if (x === NIL) throw new Error('fairpack internal error: removing a node that is not in the treap');
    if (x === t) return this.merge(this.left[t] as number, this.right[t] as number);
    if (this.before(t, this.keys[x] as number, this.orders[x] as number)) this.left[x] = this.removeAt(this.left[x] as number, t);
    else this.right[x] = this.removeAt(this.right[x] as number, t);
    this.pull(x);
    return x;
  }

  /** First member (in key order) with key ≥ lowKey (> if strict) that fits and is accepted. */
  findFirst(root: number, request: DenseRequest, accept: ((node: IndexedNode) => boolean) | undefined, lowKey: number, strict: boolean, tests: readonly number[]): number {
    this.tests = tests;
    this.request = request;
    this.accept = accept;
    this.lowKey = lowKey;
    this.lowStrict = strict;
    const found = this.find(root);
    this.request = undefined;
    this.accept = undefined;
    return found;
  }

  /** The smallest key greater than `key` among all members (fitting or not), or NaN. */
  successorKey(root: number, key: number): number {
    let next = Number.NaN;
    for (let t = root; t !== NIL; ) {
      const k = this.keys[t] as number;
      if (k > key) {
        next = k;
        t = this.left[t] as number;
      } else {
        t = this.right[t] as number;
      }
    }
    return next;
  }

  /** Maxima of a whole tree cover the request? (cheap test before searching a group) */
  mayFit(root: number, request: DenseRequest, tests: readonly number[]): boolean {
    this.tests = tests;
    return root !== NIL && this.coversAt(root, request);
  }

  /** For self-checks: members in order, with their keys. */
  inOrder(root: number, out: { node: IndexedNode; key: number }[] = []): { node: IndexedNode; key: number }[] {
    if (root === NIL) return out;
    this.inOrder(this.left[root] as number, out);
    out.push({ node: this.members[root] as IndexedNode, key: this.keys[root] as number });
    this.inOrder(this.right[root] as number, out);
    return out;
  }

  /** For self-checks: the stored maxima of a subtree equal the maxima of its members' free vectors. */
  checkMaxima(root: number): boolean {
    if (root === NIL) return true;
    const D = this.dimensions;
    const node = this.members[root] as IndexedNode;
    for (let d = 0; d < D; d++) {
      let expected = node.free[d] as number;
      const l = this.left[root] as number;
      const r = this.right[root] as number;
      if (l !== NIL) expected = Math.max(expected, this.max[l * D + d] as number);
      if (r !== NIL) expected = Math.max(expected, this.max[r * D + d] as number);
      if (this.max[root * D + d] !== expected) return false;
    }
    return this.checkMaxima(this.left[root] as number) && this.checkMaxima(this.right[root] as number);
  }

  private find(t: number): number {
    if (t === NIL) return NIL;
    const request = this.request as DenseRequest;
    if (!this.coversAt(t, request)) return NIL;
    const key = this.keys[t] as number;
    if (key < this.lowKey || (this.lowStrict && key === this.lowKey)) return this.find(this.right[t] as number);
    const inLeft = this.find(this.left[t] as number);
    if (inLeft !== NIL) return inLeft;
    const node = this.members[t] as IndexedNode;
    if (fits(node.free, request) && (this.accept === undefined || this.accept(node))) return t;
    return this.find(this.right[t] as number);
  }

  private coversAt(t: number, request: DenseRequest): boolean {
    const base = t * this.dimensions;
    for (const d of request.nonZero) {
      if ((this.max[base + d] as number) < (request.amounts[d] as number)) return false;
    }
    const tests = this.tests;
    const K = this.coupled;
    for (let i = 0; i < tests.length; i += 2) {
      if ((this.coupledMax[t * K + (tests[i] as number)] as number) < (tests[i + 1] as number)) return false;
    }
    return true;
  }

  private before(t: number, key: number, order: number): boolean {
    const k = this.keys[t] as number;
    return k < key || (k === key && (this.orders[t] as number) < order);
  }

  private split(t: number, key: number, order: number): void {
    if (t === NIL) {
      this.splitLeft = NIL;
      this.splitRight = NIL;
      return;
    }
    if (this.before(t, key, order)) {
      this.split(this.right[t] as number, key, order);
      this.right[t] = this.splitLeft;
      this.pull(t);
      this.splitLeft = t;
    } else {
      this.split(this.left[t] as number, key, order);
      this.left[t] = this.splitRight;
      this.pull(t);
      this.splitRight = t;
    }
  }

  private merge(a: number, b: number): number {
    if (a === NIL) return b;
    if (b === NIL) return a;
    if ((this.priority[a] as number) > (this.priority[b] as number)) {
      this.right[a] = this.merge(this.right[a] as number, b);
      this.pull(a);
      return a;
    }
    this.left[b] = this.merge(a, this.left[b] as number);
    this.pull(b);
    return b;
  }

  private pull(t: number): void {
    const D = this.dimensions;
    const free = (this.members[t] as IndexedNode).free;
    const l = this.left[t] as number;
    const r = this.right[t] as number;
    const base = t * D;
    for (let d = 0; d < D; d++) {
      let m = free[d] as number;
      if (l !== NIL && (this.max[l * D + d] as number) > m) m = this.max[l * D + d] as number;
      if (r !== NIL && (this.max[r * D + d] as number) > m) m = this.max[r * D + d] as number;
      this.max[base + d] = m;
    }
    const K = this.coupled;
    const used = this.coupledOf[t] as number;
    for (let k = 0; k < used; k++) {
      let m = this.own[t * K + k] as number;
      if (l !== NIL && (this.coupledMax[l * K + k] as number) > m) m = this.coupledMax[l * K + k] as number;
      if (r !== NIL && (this.coupledMax[r * K + k] as number) > m) m = this.coupledMax[r * K + k] as number;
      this.coupledMax[t * K + k] = m;
    }
  }

  private ensure(slot: number): void {
    if (slot < this.left.length) return;
    const size = Math.max(16, this.left.length * 2, slot + 1);
    this.left = grow(this.left, size);
    this.right = grow(this.right, size);
    this.priority = grow(this.priority, size);
    this.coupledOf = grow(this.coupledOf, size);
    this.keys = grow(this.keys, size);
    this.orders = grow(this.orders, size);
    const max = new Float64Array(size * this.dimensions);
    max.set(this.max);
    this.max = max;
    const own = new Float64Array(size * this.coupled);
    own.set(this.own);
    this.own = own;
    const coupledMax = new Float64Array(size * this.coupled);
    coupledMax.set(this.coupledMax);
    this.coupledMax = coupledMax;
  }

  private nextPriority(): number {
    // xorshift32
    let x = this.seed;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.seed = x >>> 0;
    return this.seed;
  }
}

export const EMPTY_TREE = NIL;

export function fits(free: Float64Array, request: DenseRequest): boolean {
  for (const d of request.nonZero) {
    if ((free[d] as number) < (request.amounts[d] as number)) return false;
  }
  return true;
}

function grow<T extends Int32Array | Uint32Array | Float64Array>(array: T, size: number): T {
  const next = new (array.constructor as new (n: number) => T)(size);
  next.set(array);
  return next;
}
