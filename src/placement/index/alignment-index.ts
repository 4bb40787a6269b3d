import { alignmentCoefficients, denseWeights, exceedsGroup, packedAlignment } from '../score-math.js';
import type { AcceptNode, CapacityGroup, DenseRequest, IndexSpace, IndexedNode, PlacementIndex } from '../strategy.js';
import { GroupTrees } from './group-trees.js';
import type { PositionalTree } from './positional-tree.js';
import { UnplaceableRequests } from './unplaceable-requests.js';

/**
 * Dot-product: branch and bound over one positional tree per capacity group.
 *
 * The alignment Σ coef_i · free_i / cap_i has coef_i ≥ 0, so replacing each free amount by its
 * subtree maximum gives an upper bound, computed with the same operations in the same order
 * (rounding is monotone, so the bound is never below any member's computed score). Subtrees are
 * visited best bound first and dropped when their bound cannot beat, or tie at an earlier node
 * than, the best found so far.
 */
export class AlignmentIndex implements PlacementIndex {
  private readonly groups: GroupTrees;
  /** Shapes proved to fit no node, until a node that fits one changes (see UnplaceableRequests). */
  private readonly unplaceable = new UnplaceableRequests();
  private readonly weights: Float64Array;
  /** Position in the group list of the group the last answer came from. */
  private lastWinner = 0;
  private coef = new Float64Array(0);
  /** coef / factor / capacity per group dimension: the bound's multipliers of scaled maxima. */
  private linear = new Float64Array(0);
  // search state
  private accept: AcceptNode | undefined;
  /** `accept` turned down a fitting node during this search (its failure then proves nothing about fit). */
  private refused = false;
  private group: CapacityGroup | undefined;
  private tree: PositionalTree | undefined;
  private bestScore = -Infinity;
  private bestPos = -1;
  private globalBest = -Infinity;
  /** Node order of the other groups' best node (with `globalBest`). */
  private globalBestOrder = Infinity;
  /** Every member of the group being searched comes after the other groups' best in node order. */
  private afterGlobalBest = false;
  /** How the request's coefficients on the paired dimensions split over two support directions. */
  private split: { k: number; alpha: number; beta: number } | undefined;

  constructor(private readonly space: IndexSpace, weights: Readonly<Record<string, number>>) {
    this.weights = denseWeights(weights, space);
    this.groups = new GroupTrees(space.factor);
  }

  add(node: IndexedNode): void {
    this.groups.add(node);
    this.unplaceable.changed(node);
  }
  remove(node: IndexedNode): void {
    this.groups.remove(node);
  }
  update(node: IndexedNode): void {
    this.groups.update(node);
    this.unplaceable.changed(node);
  }

  select(request: DenseRequest, accept: AcceptNode | undefined): IndexedNode | undefined {
    // fits nowhere, whatever `accept` says
    if (this.unplaceable.size > 0 && this.unplaceable.has(request)) return undefined;
    let best: IndexedNode | undefined;
    let bestScore = -Infinity;
    this.accept = accept;
    this.refused = false;
    this.globalBest = -Infinity;
    this.globalBestOrder = Infinity;
    const trees = this.groups.list;
    let winner = -1;
    // the group that won last time first: its best score bounds the other groups' searches
    const first = this.lastWinner < trees.length ? this.lastWinner : 0;
    for (let n = 0; n < trees.length; n++) {
      const t = first + n < trees.length ? first + n : first + n - trees.length;
      const tree = trees[t] as PositionalTree;
      const group = tree.values.group;
      if (exceedsGroup(group, request)) continue;
      tree.prepare(request);
      if (!tree.covers(1)) continue;
      if (this.coef.length < group.dims.length) this.coef = new Float64Array(group.dims.length);
      alignmentCoefficients(group, request, this.weights, this.coef);
      if (this.linear.length < group.dims.length) this.linear = new Float64Array(group.dims.length);
      for (let g = 0; g < group.dims.length; g++) this.linear[g] = (this.coef[g] as number) / this.space.factor / (group.capacity[g] as number);
      this.group = group;
      this.tree = tree;
      const support = tree.values.support;
      const u = this.coef[0] as number;
      const v = this.coef[1] as number;
      this.split = support !== undefined && support.size > 0 && u > 0 && v > 0 ? support.decompose(u, v) : undefined;
      this.bestScore = -Infinity;
      this.bestPos = -1;
      // (no other group's best yet: nothing to compare, and no descent to the first member)
      this.afterGlobalBest = this.globalBestOrder !== Infinity && tree.firstOrder() > this.globalBestOrder;
      if (this.worthVisiting(1, 0, this.boundOf(1))) this.search(1, 0, tree.size);
      if (this.bestPos < 0) continue;
      const candidate = tree.members[this.bestPos] as IndexedNode;
      if (best === undefined || this.bestScore > bestScore || (this.bestScore === bestScore && candidate.order < best.order)) {
        best = candidate;
        bestScore = this.bestScore;
        this.globalBest = bestScore;
        this.globalBestOrder = candidate.order;
        winner = t;
      }
    }
    if (winner >= 0) this.lastWinner = winner;
    // Nothing chosen: with no bar to beat, the search visited every covered subtree and met every
    // fitting node, so unless `accept` refused one, none fits.
    else if (!this.refused) this.unplaceable.add(request);
    this.accept = undefined;
    this.group = undefined;
    this.tree = undefined;
    return best;
  }

  check(expected: ReadonlySet<IndexedNode>): string | undefined {
    return this.groups.check(expected) ?? this.unplaceable.check(expected);
  }

  /**
   * An upper bound on the alignment of any member below tree node i (at a leaf, of its member).
   * It only has to be an upper bound, so it is computed the cheap way — one multiplication per
   * dimension, by coefficients divided out once per request — and tightened by the support values
   * of the paired dimensions. Both are inflated by a relative 1e-9: they round differently from
   * the score, and a bound a rounding below a member's score could prune the best node. A leaf's
   * exact score is computed only when the search reaches it (see `search`).
   */
  private boundOf(i: number): number {
    const tree = this.tree as PositionalTree;
    const agg = tree.agg;
    const base = i * tree.stride;
    const linear = this.linear;
    const dims = (this.group as CapacityGroup).dims.length;
    let perDimension = 0;
    for (let g = 0; g < dims; g++) perDimension += (linear[g] as number) * (agg[base + g] as number);
    perDimension = perDimension * (1 + 1e-9) + Number.MIN_VALUE;
    const split = this.split;
    if (split === undefined) return perDimension;
    // the other dimensions' share, on top of the paired two's support bound
    let rest = 0;
    for (let g = 2; g < dims; g++) rest += (linear[g] as number) * (agg[base + g] as number);
    const at = base + tree.values.supportAt + split.k;
    const paired = (split.alpha * (agg[at] as number) + split.beta * (agg[at + 1] as number) + rest) * (1 + 1e-9) + Number.MIN_VALUE;
    return paired < perDimension ? paired : perDimension;
  }

  /**
   * Could a subtree at position `lo` with this bound still hold the answer: beat the best score so
   * far (this group's, and the other groups'), or tie it at an earlier node?
   */
  private promising(bound: number, lo: number): boolean {
    return !(bound < this.globalBest || bound < this.bestScore || (bound === this.bestScore && lo > this.bestPos));
  }

  /**
   * `promising` for tree node i (at position `lo`, cheap bound `bound`), settling ties exactly.
   *
   * The cheap bound is inflated past rounding, so a subtree whose best member only ties the
   * score to beat — common when nodes hold the same free amounts, as under congestion, where
   * hundreds of members can tie — always looks promising, and the search walked down to every
   * tied member only to drop it on node order. So when the cheap bound is within its margin of
   * that score, the subtree's bound is computed again exactly as a member's score is
   * (`packedAlignment` of its maxima): rounding is monotone in every amount, so no member's
   * computed score exceeds it, and when it does not exceed the score to beat, no member can
   * beat it — only tie it, which loses on node order when the whole subtree comes later.
   */
  private worthVisiting(i: number, lo: number, bound: number): boolean {
    if (!this.promising(bound, lo)) return false;
    const bar = this.bestScore > this.globalBest ? this.bestScore : this.globalBest;
    // well above the score to beat: the exact bound, within 1e-9 of the cheap one, is above it too
    if (!(bound <= bar * (1 + 4e-9) + 4 * Number.MIN_VALUE)) return true;
    const tree = this.tree as PositionalTree;
    const exact = packedAlignment(this.group as CapacityGroup, this.coef, tree.agg, i * tree.stride, this.space.factor);
    if (exact < bar) return false;
    if (exact > bar) return true;
    // a tie at best: it wins only at an earlier node than this group's best and the other groups'
    if (exact === this.bestScore && lo > this.bestPos) return false;
    return !(exact === this.globalBest && this.afterGlobalBest);
  }

  /**
   * Visits tree node i — covered and promising (the caller checked both) — best child first,
   * each child only while it is still promising.
   */
  private search(i: number, lo: number, span: number): void {
    const tree = this.tree as PositionalTree;
    if (i >= tree.size) {
      // the member's exact score (`packedAlignment` of its free amounts: the operations `score`
      // performs); being covered at a leaf is fitting
      const score = packedAlignment(this.group as CapacityGroup, this.coef, tree.agg, i * tree.stride, this.space.factor);
      if (!this.promising(score, lo)) return;
      const node = tree.members[lo] as IndexedNode;
      if (this.accept === undefined || this.accept(node)) {
        this.bestScore = score;
        this.bestPos = lo;
      } else this.refused = true;
      return;
    }
    const half = span >> 1;
    const l = 2 * i;
    const r = l + 1;
    const lb = tree.covers(l) ? this.boundOf(l) : -Infinity;
    const rb = tree.covers(r) ? this.boundOf(r) : -Infinity;
    if (rb > lb) {
      if (this.worthVisiting(r, lo + half, rb)) this.search(r, lo + half, half);
      if (lb > -Infinity && this.worthVisiting(l, lo, lb)) this.search(l, lo, half);
    } else {
      if (lb > -Infinity && this.worthVisiting(l, lo, lb)) this.search(l, lo, half);
      if (rb > -Infinity && this.worthVisiting(r, lo + half, rb)) this.search(r, lo + half, half);
    }
  }
}
