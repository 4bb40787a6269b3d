import { alignmentCoefficients, denseAlignment, denseWeights, exceedsGroup } from '../score-math.js';
import type { AcceptNode, CapacityGroup, DenseRequest, IndexSpace, IndexedNode, PlacementIndex } from '../strategy.js';
import { GroupTrees } from './group-trees.js';
import type { PositionalTree } from './positional-tree.js';

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
  private readonly weights: Float64Array;
  private coef = new Float64Array(0);
  // search state
  private request: DenseRequest | undefined;
  private accept: AcceptNode | undefined;
  private group: CapacityGroup | undefined;
  private tree: PositionalTree | undefined;
  private bestScore = -Infinity;
  private bestPos = -1;
  private globalBest = -Infinity;
  /** How the request's coefficients on the paired dimensions split over two support directions. */
  private split: { k: number; alpha: number; beta: number } | undefined;

  constructor(private readonly space: IndexSpace, weights: Readonly<Record<string, number>>) {
    this.weights = denseWeights(weights, space);
    this.groups = new GroupTrees(space.dimensions.length, space.factor);
  }

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
    let bestScore = -Infinity;
    this.request = request;
    this.accept = accept;
    this.globalBest = -Infinity;
    for (const [group, tree] of this.groups.trees) {
      if (exceedsGroup(group, request)) continue;
      tree.prepare(request);
      if (!tree.covers(1, request)) continue;
      if (this.coef.length < group.dims.length) this.coef = new Float64Array(group.dims.length);
      alignmentCoefficients(group, request, this.weights, this.coef);
      this.group = group;
      this.tree = tree;
      const support = this.groups.support.get(group);
      const u = this.coef[0] as number;
      const v = this.coef[1] as number;
      this.split = support !== undefined && support.size > 0 && u > 0 && v > 0 ? support.decompose(u, v) : undefined;
      this.bestScore = -Infinity;
      this.bestPos = -1;
      this.search(1, 0, tree.size, this.boundOf(1));
      if (this.bestPos < 0) continue;
      const candidate = tree.members[this.bestPos] as IndexedNode;
      if (best === undefined || this.bestScore > bestScore || (this.bestScore === bestScore && candidate.order < best.order)) {
        best = candidate;
        bestScore = this.bestScore;
        this.globalBest = bestScore;
      }
    }
    this.request = undefined;
    this.accept = undefined;
    this.group = undefined;
    this.tree = undefined;
    return best;
  }

  check(expected: ReadonlySet<IndexedNode>): string | undefined {
    return this.groups.check(expected);
  }

  /**
   * An upper bound on the alignment of any member below tree node i; at a leaf, its exact score.
   * Inside the tree, the per-dimension bound is tightened by the support values of the paired
   * dimensions (inflated by a relative 1e-9: the two bounds are computed with other operations
   * than the score, and a bound a rounding below a member's score could prune the best node).
   */
  private boundOf(i: number): number {
    const tree = this.tree as PositionalTree;
    const perDimension = denseAlignment(this.group as CapacityGroup, this.coef, tree.max, i * this.space.dimensions.length, this.space.factor);
    const split = this.split;
    if (i >= tree.size || split === undefined) return perDimension;
    const paired = split.alpha * tree.supportMax(i, split.k) + split.beta * tree.supportMax(i, split.k + 1) + this.restBound(i);
    const bound = paired * (1 + 1e-9) + Number.MIN_VALUE;
    return bound < perDimension ? bound : perDimension;
  }

  /** Σ coef_d · max_d / factor / cap_d over the group dimensions other than the paired two. */
  private restBound(i: number): number {
    const group = this.group as CapacityGroup;
    const tree = this.tree as PositionalTree;
    const D = this.space.dimensions.length;
    let sum = 0;
    for (let g = 2; g < group.dims.length; g++) {
      const d = group.dims[g] as number;
      sum += (this.coef[g] as number) * ((tree.max[i * D + d] as number) / this.space.factor / (group.capacity[g] as number));
    }
    return sum;
  }

  private search(i: number, lo: number, span: number, bound: number): void {
    const tree = this.tree as PositionalTree;
    const request = this.request as DenseRequest;
    if (!tree.covers(i, request)) return;
    if (bound < this.globalBest || bound < this.bestScore || (bound === this.bestScore && lo > this.bestPos)) return;
    if (i >= tree.size) {
      const node = tree.members[lo] as IndexedNode;
      // a leaf's bound is its own score (its maxima are its free amounts)
      if (this.accept === undefined || this.accept(node)) {
        if (bound > this.bestScore || lo < this.bestPos) {
          this.bestScore = bound;
          this.bestPos = lo;
        }
      }
      return;
    }
    const half = span >> 1;
    const l = 2 * i;
    const r = l + 1;
    const lb = tree.covers(l, request) ? this.boundOf(l) : -Infinity;
    const rb = tree.covers(r, request) ? this.boundOf(r) : -Infinity;
    if (rb > lb) {
      this.search(r, lo + half, half, rb);
      this.search(l, lo, half, lb);
    } else {
      this.search(l, lo, half, lb);
      this.search(r, lo + half, half, rb);
    }
  }
}
