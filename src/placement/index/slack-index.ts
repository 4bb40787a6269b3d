import { denseDemand, denseSlack, denseWeights, exceedsGroup } from '../score-math.js';
import type { AcceptNode, CapacityGroup, DenseRequest, IndexSpace, IndexedNode, PlacementIndex } from '../strategy.js';
import { CoupledBounds } from './coupled-bounds.js';
import { EMPTY_TREE, KeyedTreap } from './keyed-treap.js';

/**
 * The exact index behind best-fit (`prefer: 'least'` slack) and worst-fit (`prefer: 'most'`).
 *
 * One treap per capacity group, ordered by slack (ascending for best-fit, by −slack for worst-fit,
 * negation being exact) and then node order. Within a group the score is a monotone function of
 * slack, so the first fitting member is the group's best; distinct slacks can still round to the
 * same score, so the search steps on to the next distinct key while the score stays equal and
 * keeps the earliest node. The winner across groups is the highest score, then the earliest node.
 */
export class SlackIndex implements PlacementIndex {
  private readonly tree: KeyedTreap;
  private readonly roots = new Map<CapacityGroup, number>();
  private readonly bounds = new Map<CapacityGroup, CoupledBounds>();
  private readonly weights: Float64Array;

  constructor(
    private readonly space: IndexSpace,
    weights: Readonly<Record<string, number>>,
    private readonly prefer: 'least' | 'most',
  ) {
    this.tree = new KeyedTreap(space.dimensions.length, CoupledBounds.MAX);
    this.weights = denseWeights(weights, space);
  }

  add(node: IndexedNode): void {
    const root = this.roots.get(node.group) ?? EMPTY_TREE;
    let bounds = this.bounds.get(node.group);
    if (bounds === undefined) {
      bounds = new CoupledBounds(node.group);
      this.bounds.set(node.group, bounds);
    }
    this.roots.set(node.group, this.tree.insert(root, node, this.keyOf(node), bounds));
  }

  remove(node: IndexedNode): void {
    const root = this.tree.remove(this.roots.get(node.group) ?? EMPTY_TREE, node);
    if (root === EMPTY_TREE) this.roots.delete(node.group);
    else this.roots.set(node.group, root);
  }

  update(node: IndexedNode): void {
    this.remove(node);
    this.add(node);
  }

  select(request: DenseRequest, accept: AcceptNode | undefined): IndexedNode | undefined {
    let best: IndexedNode | undefined;
    let bestScore = -Infinity;
    for (const [group, root] of this.roots) {
      if (exceedsGroup(group, request)) continue;
      const tests = (this.bounds.get(group) as CoupledBounds).tests(request);
      if (!this.tree.mayFit(root, request, tests)) continue;
      const demand = denseDemand(group, request, this.weights);
      let slot = this.tree.findFirst(root, request, accept, -Infinity, false, tests);
      if (slot === EMPTY_TREE) continue;
      let candidate = this.tree.node(slot);
      const score = this.scoreOf(this.tree.key(slot), demand);
      // rounding collisions: later keys whose score still equals this one compete on node order
      for (;;) {
        // cheap exit: if even the next key of any member scores differently, no later one can tie
        const successor = this.tree.successorKey(root, this.tree.key(slot));
        if (Number.isNaN(successor) || this.scoreOf(successor, demand) !== score) break;
        slot = this.tree.findFirst(root, request, accept, this.tree.key(slot), true, tests);
        if (slot === EMPTY_TREE || this.scoreOf(this.tree.key(slot), demand) !== score) break;
        const next = this.tree.node(slot);
        if (next.order < candidate.order) candidate = next;
      }
      if (best === undefined || score > bestScore || (score === bestScore && candidate.order < best.order)) {
        best = candidate;
        bestScore = score;
      }
    }
    return best;
  }

  /** Self-check for tests: members are exactly `expected`, trees in key order, keys and maxima current. */
  check(expected: ReadonlySet<IndexedNode>): string | undefined {
    let count = 0;
    for (const [group, root] of this.roots) {
      const members = this.tree.inOrder(root);
      for (let i = 0; i < members.length; i++) {
        const { node, key } = members[i] as { node: IndexedNode; key: number };
        count++;
        if (!expected.has(node)) return `node ${node.id} is indexed but should not be`;
        if (node.group !== group) return `node ${node.id} is filed under another capacity group`;
        if (key !== this.keyOf(node)) return `node ${node.id} has a stale key`;
        const prev = members[i - 1];
        if (prev !== undefined && (prev.key > key || (prev.key === key && prev.node.order >= node.order))) {
          return `nodes ${prev.node.id} and ${node.id} are out of order`;
        }
      }
      if (!this.tree.checkMaxima(root)) return 'a subtree maximum is stale';
    }
    return count === expected.size ? undefined : `the index holds ${count} nodes, expected ${expected.size}`;
  }

  private keyOf(node: IndexedNode): number {
    const slack = denseSlack(node.group, node.free, this.space.factor, this.weights);
    return this.prefer === 'least' ? slack : -slack;
  }

  /** best-fit: −(slack − demand); worst-fit: slack − demand (key = −slack). */
  private scoreOf(key: number, demand: number): number {
    return this.prefer === 'least' ? -(key - demand) : -key - demand;
  }
}
