import type { CapacityGroup, IndexedNode } from '../strategy.js';
import { SEARCH_RATIOS, UPDATE_RATIOS } from './coupled-bounds.js';
import { GroupValues } from './group-values.js';
import { PositionalTree } from './positional-tree.js';

/** One positional tree (over the group's `GroupValues`) per capacity group, kept in step with the nodes. */
export class GroupTrees {
  readonly trees = new Map<CapacityGroup, PositionalTree>();
  /** The same trees in an array, for searches that visit every group. */
  readonly list: PositionalTree[] = [];

  /** `factor` given: keep support values for dot-product's bound, and fewer coupled bounds (see CoupledBounds). */
  constructor(private readonly factor?: number) {}

  add(node: IndexedNode): void {
    let tree = this.trees.get(node.group);
    if (tree === undefined) {
      tree = new PositionalTree(new GroupValues(node.group, this.factor === undefined ? { ratios: SEARCH_RATIOS } : { ratios: UPDATE_RATIOS, supportFactor: this.factor }));
      this.trees.set(node.group, tree);
      this.list.push(tree);
    }
    tree.add(node);
  }

  remove(node: IndexedNode): void {
    const tree = this.trees.get(node.group);
    if (tree === undefined) return;
    tree.remove(node);
    if (tree.length === 0) {
      this.trees.delete(node.group);
      this.list.splice(this.list.indexOf(tree), 1);
    }
  }

  update(node: IndexedNode): void {
    const tree = this.trees.get(node.group);
    if (tree === undefined) throw new Error(`fairpack internal error: node ${node.id} is not in the positional index`);
    tree.update(node);
  }

  /** Self-check for tests: members are exactly `expected`, each filed under its group, maxima current. */
  check(expected: ReadonlySet<IndexedNode>): string | undefined {
    let count = 0;
    for (const [group, tree] of this.trees) {
      count += tree.length;
      if (tree.values.group !== group) return 'a positional tree is filed under another capacity group';
      for (const member of tree.members) if (member !== undefined && member.group !== group) return `node ${member.id} is filed under another capacity group`;
      const problem = tree.check(expected);
      if (problem !== undefined) return problem;
    }
    return count === expected.size ? undefined : `the index holds ${count} nodes, expected ${expected.size}`;
  }
}
