import type { CapacityGroup, IndexedNode } from '../strategy.js';
import { CoupledBounds } from './coupled-bounds.js';
import { PositionalTree } from './positional-tree.js';
import { SupportValues } from './support-values.js';

/** One positional tree (with the group's coupled bounds) per capacity group, kept in step with the nodes. */
export class GroupTrees {
  readonly trees = new Map<CapacityGroup, PositionalTree>();
  readonly support = new Map<CapacityGroup, SupportValues | undefined>();

  /** `factor` given: also keep support values (for dot-product's bound). */
  constructor(
    private readonly dimensions: number,
    private readonly factor?: number,
  ) {}

  add(node: IndexedNode): void {
    let tree = this.trees.get(node.group);
    if (tree === undefined) {
      const support = this.factor === undefined ? undefined : new SupportValues(node.group, this.factor);
      tree = new PositionalTree(this.dimensions, new CoupledBounds(node.group), support);
      this.support.set(node.group, support);
      this.trees.set(node.group, tree);
    }
    tree.add(node);
  }

  remove(node: IndexedNode): void {
    const tree = this.trees.get(node.group);
    if (tree === undefined) return;
    tree.remove(node);
    if (tree.length === 0) {
      this.trees.delete(node.group);
      this.support.delete(node.group);
    }
  }

  update(node: IndexedNode): void {
    this.trees.get(node.group)?.update(node);
  }

  /** Self-check for tests: members are exactly `expected`, each filed under its group, maxima current. */
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
