import { denseDemand, denseSlack, denseSlackFloor, denseWeights, exceedsGroup, nextUp } from '../score-math.js';
import type { AcceptNode, CapacityGroup, DenseRequest, IndexSpace, IndexedNode, PlacementIndex } from '../strategy.js';
import { SEARCH_RATIOS, UPDATE_RATIOS } from './coupled-bounds.js';
import { GroupValues } from './group-values.js';
import { KeyedBlocks } from './keyed-blocks.js';
import { KeyedTreap } from './keyed-treap.js';

/** One group's members in key order: blocks for best-fit, a treap for worst-fit (see `add`). */
type KeyedMembers = KeyedBlocks | KeyedTreap;

/**
 * The exact index behind best-fit (`prefer: 'least'` slack) and worst-fit (`prefer: 'most'`).
 *
 * One structure per capacity group (KeyedBlocks for best-fit, KeyedTreap for worst-fit), ordered
 * by slack (ascending for best-fit, by −slack for worst-fit, negation being exact) and then node
 * order. Within a group the score is a monotone function of
 * slack, so the first fitting member is the group's best; distinct slacks can still round to the
 * same score, so the search steps on to the next distinct key while the score stays equal and
 * keeps the earliest node. The winner across groups is the highest score, then the earliest node.
 */
export class SlackIndex implements PlacementIndex {
  /** One structure per group with members (an array: `select` walks it; a map: updates find theirs). */
  private readonly trees: KeyedMembers[] = [];
  private readonly byGroup = new Map<CapacityGroup, KeyedMembers>();
  private readonly weights: Float64Array;
  /** Position in `trees` of the group the last answer came from. */
  private lastWinner = 0;

  constructor(
    private readonly space: IndexSpace,
    weights: Readonly<Record<string, number>>,
    private readonly prefer: 'least' | 'most',
  ) {
    this.weights = denseWeights(weights, space);
  }

  add(node: IndexedNode): void {
    let tree = this.byGroup.get(node.group);
    if (tree === undefined) {
      // Best-fit's keys jump across a tenth of the group on every update, and its answer lies
      // past the full nodes: blocks make the update a swap-remove and an append (KeyedBlocks).
      // Worst-fit's answer is among the first few members, which the treap walks to directly.
      tree =
        this.prefer === 'least'
          ? new KeyedBlocks(new GroupValues(node.group, { ratios: SEARCH_RATIOS }))
          : new KeyedTreap(new GroupValues(node.group, { ratios: UPDATE_RATIOS }));
      this.byGroup.set(node.group, tree);
      this.trees.push(tree);
    }
    tree.insert(node, this.keyOf(node));
  }

  remove(node: IndexedNode): void {
    const tree = this.byGroup.get(node.group);
    if (tree === undefined) return;
    tree.remove(node);
    if (tree.size === 0) {
      this.byGroup.delete(node.group);
      this.trees.splice(this.trees.indexOf(tree), 1);
    }
  }

  update(node: IndexedNode): void {
    const tree = this.byGroup.get(node.group);
    if (tree === undefined) throw new Error(`fairpack internal error: node ${node.id} is not in the slack index`);
    // remove (by the key it was filed under) and file it again under its new key
    tree.remove(node);
    tree.insert(node, this.keyOf(node));
  }

  select(request: DenseRequest, accept: AcceptNode | undefined): IndexedNode | undefined {
    let best: IndexedNode | undefined;
    let bestScore = -Infinity;
    let winner = -1;
    const trees = this.trees;
    // the group that won last time first: its answer bounds the other groups' searches
    const first = this.lastWinner < trees.length ? this.lastWinner : 0;
    for (let n = 0; n < trees.length; n++) {
      const g = first + n < trees.length ? first + n : first + n - trees.length;
      const tree = trees[g] as KeyedMembers;
      const { group } = tree.values;
      if (exceedsGroup(group, request)) continue;
      tree.values.tests(request);
      if (!tree.mayFit()) continue;
      const demand = denseDemand(group, request, this.weights);
      // with a candidate from another group, keys that cannot reach its score need no visit
      const highKey = best === undefined ? Infinity : this.keyBound(bestScore, demand);
      // worst-fit's answer is nearly always among the first members (the emptiest nodes): walk
      // from the front; best-fit's lies behind the full nodes: search from the root, pruning them
      // best-fit: no member whose key is below the slack of the request itself can fit it (the
      // nearly full nodes, most of the order): the search starts at that key
      let found =
        this.prefer === 'most'
          ? tree.findFirstFromStart(accept, highKey)
          : tree.findFirst(accept, denseSlackFloor(group, request.amounts, this.space.factor, this.weights), false, highKey);
      if (found < 0) continue;
      let candidate = tree.node(found);
      const score = this.scoreOf(tree.key(found), demand);
      // rounding collisions: later keys whose score still equals this one compete on node order
      for (;;) {
        // The score falls (weakly) as the key grows, so if even the next double above this key
        // scores lower, no later key can tie: the usual case, decided without touching the tree.
        const key = tree.key(found);
        if (this.scoreOf(nextUp(key), demand) !== score) break;
        const successor = tree.successorKey(key);
        if (Number.isNaN(successor) || this.scoreOf(successor, demand) !== score) break;
        found = tree.findFirst(accept, key, true, highKey);
        if (found < 0 || this.scoreOf(tree.key(found), demand) !== score) break;
        const next = tree.node(found);
        if (next.order < candidate.order) candidate = next;
      }
      if (best === undefined || score > bestScore || (score === bestScore && candidate.order < best.order)) {
        best = candidate;
        bestScore = score;
        winner = g;
      }
    }
    if (winner >= 0) this.lastWinner = winner;
    return best;
  }

  /** Self-check for tests: members are exactly `expected`, trees in key order, keys and maxima current. */
  check(expected: ReadonlySet<IndexedNode>): string | undefined {
    let count = 0;
    for (const [group, tree] of this.byGroup) {
      if (tree.values.group !== group) return "a group's members are filed under another capacity group";
      const members = tree.inOrder();
      if (members.length !== tree.size) return "a group's index miscounts its members";
      if (tree.first() !== members[0]?.node) return "a group's index has lost track of its first member";
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
      if (!tree.check()) return 'a link, stored value or subtree maximum is stale';
    }
    if (this.trees.length !== this.byGroup.size) return 'the list of treaps disagrees with the map';
    return count === expected.size ? undefined : `the index holds ${count} nodes, expected ${expected.size}`;
  }

  private keyOf(node: IndexedNode): number {
    const slack = denseSlack(node.group, node.free, this.space.factor, this.weights);
    return this.prefer === 'least' ? slack : -slack;
  }

  /**
   * A key above which every key scores below `score` (for this demand): the exact bound is
   * (demand − score) for best-fit and (−demand − score) for worst-fit; the margin, far above the
   * rounding of the subtractions, keeps every key that could score `score` or more (only a bound
   * for pruning — candidates are then compared on their computed scores).
   */
  private keyBound(score: number, demand: number): number {
    const bound = this.prefer === 'least' ? demand - score : -demand - score;
    return bound + 1e-9 * (Math.abs(demand) + Math.abs(score)) + 1e-300;
  }

  /** best-fit: −(slack − demand); worst-fit: slack − demand (key = −slack). */
  private scoreOf(key: number, demand: number): number {
    return this.prefer === 'least' ? -(key - demand) : -key - demand;
  }
}
