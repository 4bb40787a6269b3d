import { exceedsGroup } from '../score-math.js';
import type { AcceptNode, DenseRequest, IndexedNode, PlacementIndex } from '../strategy.js';
import { GroupTrees } from './group-trees.js';
import type { PositionalTree } from './positional-tree.js';

/**
 * First-fit: the leftmost fitting node in node order. One positional tree per capacity group
 * (so that coupled bounds can use the group's capacities); each answers with its leftmost fit by a
 * pruned descent, and the earliest of those in node order wins.
 */
export class FirstFitIndex implements PlacementIndex {
  private readonly groups = new GroupTrees();

  add(node: IndexedNode): void {
    this.groups.add(node);
  }
  remove(node: IndexedNode): void {
    this.groups.remove(node);
  }
  update(node: IndexedNode): void {
    this.groups.update(node);
  }

  select(request: DenseRequest, accept: AcceptNode | undefined): IndexedNode | undefined {
    let best: IndexedNode | undefined;
    const trees = this.groups.list;
    for (let g = 0; g < trees.length; g++) {
      const tree = trees[g] as PositionalTree;
      if (exceedsGroup(tree.values.group, request)) continue;
      const found = tree.findFirst(request, accept);
      if (found !== undefined && (best === undefined || found.order < best.order)) best = found;
    }
    return best;
  }

  check(expected: ReadonlySet<IndexedNode>): string | undefined {
    return this.groups.check(expected);
  }
}
