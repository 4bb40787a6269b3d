import type { AcceptNode, DenseRequest, IndexSpace, IndexedNode, PlacementIndex } from '../strategy.js';
import { PositionalTree } from './positional-tree.js';

/** First-fit: the leftmost fitting node in node order, found by a pruned descent. */
export class FirstFitIndex implements PlacementIndex {
  private readonly tree: PositionalTree;

  constructor(space: IndexSpace) {
    this.tree = new PositionalTree(space.dimensions.length);
  }

  add(node: IndexedNode): void {
    this.tree.add(node);
  }
  remove(node: IndexedNode): void {
    this.tree.remove(node);
  }
  update(node: IndexedNode): void {
    this.tree.update(node);
  }
  select(request: DenseRequest, accept: AcceptNode | undefined): IndexedNode | undefined {
    return this.tree.findFirst(request, accept);
  }
  /** Self-check for tests: members are exactly `expected`, maxima current. */
  check(expected: ReadonlySet<IndexedNode>): string | undefined {
    if (this.tree.length !== expected.size) return `the index holds ${this.tree.length} nodes, expected ${expected.size}`;
    return this.tree.check(expected);
  }
}
