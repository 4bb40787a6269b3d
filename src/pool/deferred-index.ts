import type { AcceptNode, DenseRequest, IndexedNode, PlacementIndex } from '../placement/index.js';
import { grow } from '../typed-arrays.js';

/**
 * A placement index whose updates wait until it is read, and are skipped when they would change
 * nothing.
 *
 * The manager's held room moves between free and reserved on every scheduling pass: each pass
 * gives all of it back, then each reservation holds again what is free on its node — most often
 * exactly what it gave back, with nobody asking the index in between. Re-filing the node at each
 * step (a treap remove and insert, block maxima, tree aggregates) was ≈ 90 % of all index updates
 * in a drf simulation. So a change only marks the node (`changed`); `current` and `select` file
 * every marked node first, once each, and only if its free amounts differ from those it was last
 * filed under.
 *
 * Exact because the index is only ever read through `current` or `select`, which flush first:
 * every read sees the books as they are. Every built-in index files a node under keys it keeps
 * itself (removes by them, ties go to node order), so its answers depend only on the members'
 * free amounts at the read, never on the steps between two reads.
 */
export class DeferredIndex {
  readonly #index: PlacementIndex;
  /** Members by slot (a removed node's slot may go to a new node: a stale mark is told by identity). */
  readonly #members: (IndexedNode | undefined)[] = [];
  /**
   * The members' free amounts as the index last saw them, `#stride` per slot (a member is filed
   * when it is added, so every member's row is written).
   * One array for all: a copy per node was three heap objects per node for the sweeping after
   * every full collection to visit (see NodeState).
   */
  #filed = new Float64Array(0);
  #stride = 1;
  /** By slot: the member is in `#marked` and not filed since. */
  readonly #isMarked: boolean[] = [];
  readonly #marked: IndexedNode[] = [];
  /** Marked nodes filed again, and those skipped because their free amounts were as filed (read by tests). */
  refiled = 0;
  skipped = 0;

  constructor(index: PlacementIndex) {
    this.#index = index;
  }

  add(node: IndexedNode): void {
    this.#index.add(node);
    this.#members[node.slot] = node;
    this.#isMarked[node.slot] = false;
    this.#noteFiled(node);
  }

  /**
   * A marked node is filed first, so that the index removes it under the amounts it last saw
   * (an index may find a member by its current key). Its mark is left in the list: the flush
   * tells it is no member by identity.
   */
  remove(node: IndexedNode): void {
    if (this.#isMarked[node.slot] === true && this.#members[node.slot] === node && !this.#asFiled(node)) {
      this.#index.update(node);
      this.refiled++;
    }
    this.#index.remove(node);
    this.#members[node.slot] = undefined;
    this.#isMarked[node.slot] = false;
  }

  /** `node.free` changed (or may have): the index learns it at its next read. Nothing for a non-member. */
  changed(node: IndexedNode): void {
    const slot = node.slot;
    if (this.#members[slot] !== node || this.#isMarked[slot] === true) return;
    this.#isMarked[slot] = true;
    this.#marked.push(node);
  }

  select(request: DenseRequest, accept: AcceptNode | undefined): IndexedNode | undefined {
    if (this.#marked.length > 0) this.#flush();
    return this.#index.select(request, accept);
  }

  /** The index with every change filed (for a reader that calls it directly, like `check`). */
  current(): PlacementIndex {
    if (this.#marked.length > 0) this.#flush();
    return this.#index;
  }

  /** Files every marked member whose free amounts differ from those it was filed under. */
  #flush(): void {
    const marked = this.#marked;
    // popped one by one: an update that throws (a custom index) leaves the rest marked
    while (marked.length > 0) {
      const node = marked.pop() as IndexedNode;
      const slot = node.slot;
      if (this.#members[slot] !== node) continue;
      this.#isMarked[slot] = false;
      if (this.#asFiled(node)) {
        this.skipped++;
        continue;
      }
      this.#index.update(node);
      this.refiled++;
      this.#noteFiled(node);
    }
  }

  #noteFiled(node: IndexedNode): void {
    const free = node.free;
    if (free.length > this.#stride) this.#widen(free.length);
    const at = node.slot * this.#stride;
    if (at + this.#stride > this.#filed.length) this.#filed = grow(this.#filed, Math.max(at + this.#stride, 2 * this.#filed.length, 64 * this.#stride));
    // a loop: a few amounts, where TypedArray.prototype.set is a call into a builtin that checks its arguments
    const filed = this.#filed;
    for (let d = 0; d < free.length; d++) filed[at + d] = free[d] as number;
    for (let d = free.length; d < this.#stride; d++) filed[at + d] = 0;
  }

  /** Whether a member's free amounts are those it was last filed under. */
  #asFiled(node: IndexedNode): boolean {
    const free = node.free;
    if (free.length > this.#stride) return false;
    const at = node.slot * this.#stride;
    const filed = this.#filed;
    for (let d = 0; d < free.length; d++) if (free[d] !== filed[at + d]) return false;
    return true;
  }

  /**
   * A node with a longer free vector (the pool builds a new index when a dimension appears, so
   * only a direct user sees this): re-lay the copies out with the wider stride, the new dimensions 0.
   */
  #widen(stride: number): void {
    const slots = this.#filed.length / this.#stride;
    const filed = new Float64Array(slots * stride);
    for (let slot = 0; slot < slots; slot++) {
      for (let d = 0; d < this.#stride; d++) filed[slot * stride + d] = this.#filed[slot * this.#stride + d] as number;
    }
    this.#filed = filed;
    this.#stride = stride;
  }
}
