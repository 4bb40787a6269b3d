import type { AcceptNode, CapacityGroup, DenseRequest, IndexSpace, IndexedNode, PlacementIndex } from '../strategy.js';
import { exceedsGroup } from '../score-math.js';
import { CoupledBounds } from './coupled-bounds.js';
import { PositionalTree } from './positional-tree.js';

/**
 * First-fit: the leftmost fitting node in node order. One positional tree per capacity group
 * (so that coupled bounds can use the group's capacities); each answers with its leftmost fit by a
 * pruned descent, and the earliest of those in node order wins.
 */
export class FirstFitIndex implements PlacementIndex {
  private readonly trees = new Map<CapacityGroup, PositionalTree>();

  constructor(private readonly space: IndexSpace) {}

  add(node: IndexedNode): void {
    let tree = this.trees.get(node.group);
    if (tree === undefined) {
      tree = new PositionalTree(this.space.dimensions.length, new CoupledBounds(node.group));
      this.trees.set(node.group, tree);
    }
    tree.add(node);
  }

  remove(node: IndexedNode): void {
    const tree = this.trees.get(node.group);
    if (tree === undefined) return;
    tree.remove(node);
    if (tree.length === 0) this.trees.delete(node.group);
  }

  update(node: IndexedNode): void {
    this.trees.get(node.group)?.update(node);
  }

  select(request: DenseRequest, accept: AcceptNode | undefined): IndexedNode | undefined {
    let best: IndexedNode | undefined;
    for (const [group, tree] of this.trees) {
      if (exceedsGroup(group, request)) continue;
      const found = tree.findFirst(request, accept);
      if (found !== undefined && (best === undefined || found.order < best.order)) best = found;
    }
    return best;
  }

  /** Self-check for tests: members are exactly `expected`, one tree per group, maxima current. */
  check(expected: ReadonlySet<IndexedNode>): string | undefined {
    let count = 0;
    for (const [group, tree] of this.trees) {
      count += tree.length;
      for (const member of tree.members) if (member !== undefined && member.group !== group) return `node ${member.id} is filed under another capacity group`;
      const problem = tree.check(expected);
      if (problem !== undefined) return problem;
    }
    return count === expected.size ? undefined : `the index holds ${count} nodes, expected ${expected.size}`;
  }
}
