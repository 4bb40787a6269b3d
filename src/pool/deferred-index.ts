import type { AcceptNode, DenseRequest, IndexedNode, PlacementIndex } from '../placement/index.js';

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
  /** By slot: the member's free amounts as the index last saw them. */
  readonly #filed: (Float64Array | undefined)[] = [];
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
    if (this.#isMarked[node.slot] === true && this.#members[node.slot] === node && !sameAmounts(node.free, this.#filed[node.slot])) {
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
      if (sameAmounts(node.free, this.#filed[slot])) {
        this.skipped++;
        continue;
      }
      this.#index.update(node);
      this.refiled++;
      this.#noteFiled(node);
    }
  }

  #noteFiled(node: IndexedNode): void {
    const filed = this.#filed[node.slot];
    const free = node.free;
    if (filed === undefined || filed.length !== free.length) {
      this.#filed[node.slot] = Float64Array.from(free);
      return;
    }
    // a loop: a few amounts, where TypedArray.prototype.set is a call into a builtin that checks its arguments
    for (let d = 0; d < free.length; d++) filed[d] = free[d] as number;
  }
}

function sameAmounts(free: Float64Array, filed: Float64Array | undefined): boolean {
  if (filed === undefined || filed.length !== free.length) return false;
  for (let d = 0; d < free.length; d++) if (free[d] !== filed[d]) return false;
  return true;
}
