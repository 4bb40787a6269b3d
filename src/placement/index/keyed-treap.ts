import { grow } from '../../typed-arrays.js';
import type { IndexedNode } from '../strategy.js';
import type { GroupValues } from './group-values.js';

const NIL = -1;
/** meta row: left, right, parent, priority. */
const META = 4;
/** data row: key, node order, then the subtree maxima (L numbers), then the member's own values (L). */
const KEY = 0;
const ORDER = 1;
const AGG = 2;

/**
 * A treap over the members of one capacity group, ordered by (key, node order), where every
 * subtree keeps the maxima of its members' `GroupValues` (free amounts on the group's dimensions
 * and the coupled bounds).
 *
 * `findFirst` returns the first member in order that fits the request, skipping every subtree whose
 * maxima already show that nothing in it fits — this is what lets best-fit and worst-fit avoid
 * scanning the full nodes at the front of the order. Worst-fit uses it (best-fit, whose keys jump
 * across the group on every update, uses KeyedBlocks).
 *
 * Updates do as little as the maxima allow. Removing a member merges its children in its place
 * (parent links: no walk down to it) and recomputes the ancestors' maxima bottom-up — only the
 * values its own could have been — until one ancestor comes out unchanged (nothing above it can
 * change either). Inserting walks down to where its priority puts it, splits only the subtree it
 * displaces (expected O(1) in size) and raises the ancestors' maxima bottom-up until one already
 * covers the new member. So a remove + insert recomputes a handful of tree nodes, not two
 * root-to-leaf paths (every value costs tens of instructions in optimised JavaScript).
 *
 * Storage is by a local index per member (compact: one group only), in two typed arrays with one
 * row per member — links and priority in one, key, order, maxima and own values in the other — so
 * that visiting a tree node touches one or two cache lines rather than one per field.
 *
 * Priorities come from a fixed-seed xorshift, so the shape (and the work done) is reproducible.
 */
export class KeyedTreap {
  private root = NIL;
  /** The first member in (key, order): where `findFirstFromStart` begins. */
  private leftmost = NIL;
  private count = 0;
  /** Numbers per member in `GroupValues`, and the data row's length (2 + 2L). */
  private readonly L: number;
  private readonly R: number;
  private meta = new Int32Array(0);
  private data = new Float64Array(0);
  private members: (IndexedNode | undefined)[] = [];
  /** Local index by node slot, −1 when absent. */
  private localOf = new Int32Array(0);
  private readonly freeLocals: number[] = [];
  private used = 0;
  private seed = 0x9e3779b9;
  private splitLeft = NIL;
  private splitRight = NIL;
  /** The search's stack of pending tree nodes. */
  private stack: Int32Array = new Int32Array(64);

  // search state, set by findFirst (fields instead of arguments keep the recursion lean)
  private accept: ((node: IndexedNode) => boolean) | undefined;
  private lowKey = -Infinity;
  private lowStrict = false;
  private highKey = Infinity;

  constructor(readonly values: GroupValues) {
    this.L = values.length;
    this.R = 2 + 2 * this.L;
  }

  get size(): number {
    return this.count;
  }

  /** Key of the member at local index i. */
  key(i: number): number {
    return this.data[i * this.R + KEY] as number;
  }

  node(i: number): IndexedNode {
    return this.members[i] as IndexedNode;
  }

  /** Adds `node` (not a member yet) under `key`. */
  insert(node: IndexedNode, key: number): void {
    const t = this.allocate(node);
    const R = this.R;
    const data = this.data;
    const meta = this.meta;
    this.values.write(node.free, data, t * R + AGG + this.L);
    data[t * R + KEY] = key;
    data[t * R + ORDER] = node.order;
    const priority = this.nextPriority();
    meta[t * META + 3] = priority;
    // down to the first node t outranks (or the bottom)
    const order = node.order;
    if (this.leftmost === NIL || key < this.key(this.leftmost) || (key === this.key(this.leftmost) && order < (data[this.leftmost * R + ORDER] as number))) {
      this.leftmost = t;
    }
    let parent = NIL;
    let side = 0;
    let x = this.root;
    while (x !== NIL && (meta[x * META + 3] as number) >= priority) {
      parent = x;
      const kx = data[x * R + KEY] as number;
      side = key < kx || (key === kx && order < (data[x * R + ORDER] as number)) ? 0 : 1;
      x = meta[x * META + side] as number;
    }
    this.split(x, key, order);
    this.setLeft(t, this.splitLeft);
    this.setRight(t, this.splitRight);
    this.pull(t);
    meta[t * META + 2] = parent;
    this.count++;
    if (parent === NIL) {
      this.root = t;
      return;
    }
    meta[parent * META + side] = t;
    this.raiseAncestors(parent, t);
  }

  /** Removes `node` (a member). */
  remove(node: IndexedNode): void {
    const t = node.slot < this.localOf.length ? (this.localOf[node.slot] as number) : NIL;
    if (t === NIL || this.members[t] !== node) throw new Error(`fairpack internal error: node ${node.id} is not in the treap`);
    const meta = this.meta;
    if (t === this.leftmost) {
      // it has no left child: its successor is the first of its right subtree, or its parent
      let next = meta[t * META + 1] as number;
      if (next === NIL) next = meta[t * META + 2] as number;
      else while ((meta[next * META] as number) !== NIL) next = meta[next * META] as number;
      this.leftmost = next;
    }
    const merged = this.merge(meta[t * META] as number, meta[t * META + 1] as number);
    const parent = meta[t * META + 2] as number;
    if (merged !== NIL) meta[merged * META + 2] = parent;
    if (parent === NIL) this.root = merged;
    else {
      meta[parent * META + (meta[parent * META] === t ? 0 : 1)] = merged;
      this.dropFromAncestors(parent, t);
    }
    this.members[t] = undefined;
    this.localOf[node.slot] = NIL;
    this.freeLocals.push(t);
    this.count--;
  }

  /**
   * First member (in key order) with lowKey ≤ key (< if strict) ≤ highKey that fits and is
   * accepted, as a local index, or −1. Fitting is judged by the tests `values.tests(request)` set.
   */
  findFirst(accept: ((node: IndexedNode) => boolean) | undefined, lowKey: number, strict: boolean, highKey: number): number {
    this.accept = accept;
    this.lowKey = lowKey;
    this.lowStrict = strict;
    this.highKey = highKey;
    const found = this.find(this.root);
    this.accept = undefined;
    return found;
  }

  /**
   * `findFirst` without a low bound, walking from the first member in order instead of from the
   * root: each member in turn (its own values), then its right subtree when that subtree's
   * maxima pass (searched from its root), then up to the next ancestor in order. When the answer
   * is among the first few members — worst-fit's emptiest nodes nearly always fit — this visits a
   * handful of tree nodes instead of descending from the root to the front; in the worst case it
   * visits about twice what the descent would.
   */
  findFirstFromStart(accept: ((node: IndexedNode) => boolean) | undefined, highKey: number): number {
    this.accept = accept;
    this.lowKey = -Infinity;
    this.lowStrict = false;
    this.highKey = highKey;
    const meta = this.meta;
    const data = this.data;
    const R = this.R;
    let found = NIL;
    let t = this.leftmost;
    while (t !== NIL) {
      if ((data[t * R + KEY] as number) > highKey) break;
      if (this.coversAt(t, AGG + this.L) && (accept === undefined || accept(this.members[t] as IndexedNode))) {
        found = t;
        break;
      }
      const right = meta[t * META + 1] as number;
      if (right !== NIL) {
        found = this.find(right);
        if (found !== NIL) break;
      }
      // up to the first ancestor reached from its left: the next member in order
      let parent = meta[t * META + 2] as number;
      while (parent !== NIL && (meta[parent * META + 1] as number) === t) {
        t = parent;
        parent = meta[t * META + 2] as number;
      }
      t = parent;
    }
    this.accept = undefined;
    return found;
  }

  /** The smallest key greater than `key` among all members (fitting or not), or NaN. */
  successorKey(key: number): number {
    let next = Number.NaN;
    for (let t = this.root; t !== NIL; ) {
      const k = this.data[t * this.R + KEY] as number;
      if (k > key) {
        next = k;
        t = this.meta[t * META] as number;
      } else {
        t = this.meta[t * META + 1] as number;
      }
    }
    return next;
  }

  /** Maxima of the whole tree pass the tests? (cheap test before searching the group) */
  mayFit(): boolean {
    return this.root !== NIL && this.coversAt(this.root, AGG);
  }

  /** For self-checks: the member `findFirstFromStart` begins at (undefined when empty). */
  first(): IndexedNode | undefined {
    return this.leftmost === NIL ? undefined : this.members[this.leftmost];
  }

  /** For self-checks: members in order, with their keys. */
  inOrder(t: number = this.root, out: { node: IndexedNode; key: number }[] = []): { node: IndexedNode; key: number }[] {
    if (t === NIL) return out;
    this.inOrder(this.meta[t * META] as number, out);
    out.push({ node: this.members[t] as IndexedNode, key: this.key(t) });
    this.inOrder(this.meta[t * META + 1] as number, out);
    return out;
  }

  /** For self-checks: links, local indices, stored values and maxima match the members' current free vectors. */
  check(t: number = this.root, parent: number = NIL): boolean {
    if (t === NIL) return true;
    const { meta, data, R, L } = this;
    const node = this.members[t];
    if (node === undefined || meta[t * META + 2] !== parent || this.localOf[node.slot] !== t || data[t * R + ORDER] !== node.order) return false;
    const fresh = new Float64Array(L);
    this.values.write(node.free, fresh, 0);
    const l = meta[t * META] as number;
    const r = meta[t * META + 1] as number;
    for (let i = 0; i < L; i++) {
      if (data[t * R + AGG + L + i] !== fresh[i]) return false;
      let expected = fresh[i] as number;
      if (l !== NIL) expected = Math.max(expected, data[l * R + AGG + i] as number);
      if (r !== NIL) expected = Math.max(expected, data[r * R + AGG + i] as number);
      if (data[t * R + AGG + i] !== expected) return false;
    }
    return this.check(l, t) && this.check(r, t);
  }

  /**
   * In-order walk from the root, pruned: a subtree whose maxima fail the tests is skipped, one
   * whose root is below the low key bound goes right at once, above the high one left. A member fits exactly when its own
   * values pass the dimension tests, and then it passes the coupled ones too (they are monotone),
   * so the check reads the member's row rather than following the node to its free vector.
   */
  private find(root: number): number {
    const meta = this.meta;
    const data = this.data;
    const R = this.R;
    let stack = this.stack;
    let depth = 0;
    let t = root;
    for (;;) {
      while (t !== NIL) {
        if (!this.coversAt(t, AGG)) break;
        const key = data[t * R + KEY] as number;
        if (key < this.lowKey || (this.lowStrict && key === this.lowKey)) {
          t = meta[t * META + 1] as number;
          continue;
        }
        if (key > this.highKey) {
          // t and everything right of it are past the bound
          t = meta[t * META] as number;
          continue;
        }
        if (depth === stack.length) stack = this.growStack();
        stack[depth++] = t;
        t = meta[t * META] as number;
      }
      if (depth === 0) return NIL;
      t = stack[--depth] as number;
      if (this.coversAt(t, AGG + this.L) && (this.accept === undefined || this.accept(this.members[t] as IndexedNode))) return t;
      t = meta[t * META + 1] as number;
    }
  }

  private growStack(): Int32Array {
    this.stack = grow(this.stack, this.stack.length * 2);
    return this.stack;
  }

  /** The row's numbers at `at` (AGG: the subtree maxima; AGG + L: the member's own) pass the tests. */
  private coversAt(t: number, at: number): boolean {
    const base = t * this.R + at;
    const { testAt, testMin, testCount } = this.values;
    const data = this.data;
    for (let i = 0; i < testCount; i++) {
      if ((data[base + (testAt[i] as number)] as number) < (testMin[i] as number)) return false;
    }
    return true;
  }

  /** Splits the subtree at t into members before (key, order) → splitLeft, and the rest → splitRight. */
  private split(t: number, key: number, order: number): void {
    if (t === NIL) {
      this.splitLeft = NIL;
      this.splitRight = NIL;
      return;
    }
    const k = this.data[t * this.R + KEY] as number;
    if (k < key || (k === key && (this.data[t * this.R + ORDER] as number) < order)) {
      this.split(this.meta[t * META + 1] as number, key, order);
      this.setRight(t, this.splitLeft);
      this.pull(t);
      this.splitLeft = t;
    } else {
      this.split(this.meta[t * META] as number, key, order);
      this.setLeft(t, this.splitRight);
      this.pull(t);
      this.splitRight = t;
    }
  }

  private merge(a: number, b: number): number {
    if (a === NIL) return b;
    if (b === NIL) return a;
    if ((this.meta[a * META + 3] as number) > (this.meta[b * META + 3] as number)) {
      this.setRight(a, this.merge(this.meta[a * META + 1] as number, b));
      this.pull(a);
      return a;
    }
    this.setLeft(b, this.merge(a, this.meta[b * META] as number));
    this.pull(b);
    return b;
  }

  private setLeft(t: number, child: number): void {
    this.meta[t * META] = child;
    if (child !== NIL) this.meta[child * META + 2] = t;
  }

  private setRight(t: number, child: number): void {
    this.meta[t * META + 1] = child;
    if (child !== NIL) this.meta[child * META + 2] = t;
  }

  /** Recomputes t's maxima from its own values and its children's; returns whether any changed. */
  private pull(t: number): boolean {
    const { R, L, data, meta } = this;
    const l = meta[t * META] as number;
    const r = meta[t * META + 1] as number;
    const agg = t * R + AGG;
    const own = agg + L;
    let changed = false;
    if (l !== NIL && r !== NIL) {
      const la = l * R + AGG;
      const ra = r * R + AGG;
      for (let i = 0; i < L; i++) {
        let m = data[own + i] as number;
        const a = data[la + i] as number;
        const b = data[ra + i] as number;
        if (a > m) m = a;
        if (b > m) m = b;
        if (data[agg + i] !== m) {
          data[agg + i] = m;
          changed = true;
        }
      }
    } else if (l !== NIL || r !== NIL) {
      const ca = (l !== NIL ? l : r) * R + AGG;
      for (let i = 0; i < L; i++) {
        let m = data[own + i] as number;
        const a = data[ca + i] as number;
        if (a > m) m = a;
        if (data[agg + i] !== m) {
          data[agg + i] = m;
          changed = true;
        }
      }
    } else {
      for (let i = 0; i < L; i++) {
        const m = data[own + i] as number;
        if (data[agg + i] !== m) {
          data[agg + i] = m;
          changed = true;
        }
      }
    }
    return changed;
  }

  /**
   * After member t left the subtree of `a` and its ancestors (the child on t's side already
   * current): recomputes their maxima bottom-up, each only where t's own value could have been the
   * maximum, and stops at the first that does not change (nothing above it can).
   */
  private dropFromAncestors(a: number, t: number): void {
    const { R, L, data, meta } = this;
    const gone = t * R + AGG + L;
    while (a !== NIL) {
      const l = meta[a * META] as number;
      const r = meta[a * META + 1] as number;
      const agg = a * R + AGG;
      let changed = false;
      for (let i = 0; i < L; i++) {
        const old = data[agg + i] as number;
        if (old !== data[gone + i]) continue;
        let m = data[agg + L + i] as number;
        if (l !== NIL && (data[l * R + AGG + i] as number) > m) m = data[l * R + AGG + i] as number;
        if (r !== NIL && (data[r * R + AGG + i] as number) > m) m = data[r * R + AGG + i] as number;
        if (m !== old) {
          data[agg + i] = m;
          changed = true;
        }
      }
      if (!changed) return;
      a = meta[a * META + 2] as number;
    }
  }

  /**
   * After member t joined below `x`: raises the maxima of x and its ancestors to cover t's own
   * values, and stops at the first that already covers them (every ancestor above it does too).
   */
  private raiseAncestors(x: number, t: number): void {
    const { R, L, data, meta } = this;
    const own = t * R + AGG + L;
    while (x !== NIL) {
      const agg = x * R + AGG;
      let changed = false;
      for (let i = 0; i < L; i++) {
        const v = data[own + i] as number;
        if (v > (data[agg + i] as number)) {
          data[agg + i] = v;
          changed = true;
        }
      }
      if (!changed) return;
      x = meta[x * META + 2] as number;
    }
  }

  /** A local index for a new member (reusing freed ones), with room in every array. */
  private allocate(node: IndexedNode): number {
    if (node.slot < this.localOf.length && this.localOf[node.slot] !== NIL) throw new Error(`fairpack internal error: node ${node.id} is already in the treap`);
    const t = this.freeLocals.pop() ?? this.used++;
    if (t * META >= this.meta.length) {
      const size = Math.max(16, 2 * (this.meta.length / META));
      this.meta = grow(this.meta, size * META, 0);
      this.data = grow(this.data, size * this.R, 0);
    }
    if (node.slot >= this.localOf.length) this.localOf = grow(this.localOf, Math.max(16, node.slot + 1, 2 * this.localOf.length), NIL);
    this.localOf[node.slot] = t;
    this.members[t] = node;
    return t;
  }

  private nextPriority(): number {
    // xorshift32, read as a signed 32-bit integer (any total order on random values will do)
    let x = this.seed;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.seed = x >>> 0;
    return x | 0;
  }
}
