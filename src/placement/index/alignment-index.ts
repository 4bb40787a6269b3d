import { alignmentCoefficients, denseWeights, exceedsGroup, packedAlignment } from '../score-math.js';
import type { AcceptNode, CapacityGroup, DenseRequest, IndexSpace, IndexedNode, PlacementIndex } from '../strategy.js';
import { GroupTrees } from './group-trees.js';
import type { PositionalTree } from './positional-tree.js';
import { BestNodesCache, ranksAbove } from './best-nodes-cache.js';

/**
 * Dot-product: branch and bound over one positional tree per capacity group.
 *
 * The alignment Σ coef_i · free_i / cap_i has coef_i ≥ 0, so replacing each free amount by its
 * subtree maximum gives an upper bound, computed with the same operations in the same order
 * (rounding is monotone, so the bound is never below any member's computed score). Subtrees are
 * visited best bound first and dropped when their bound cannot beat, or tie at an earlier node
 * than, the bar: the best found so far — or, when the search fills the per-shape cache
 * (BestNodesCache), the last of the best `n` found so far, once there are `n`.
 */
export class AlignmentIndex implements PlacementIndex {
  private readonly groups: GroupTrees;
  /** Per request shape, the best nodes (or none fits), kept exact as nodes change (see BestNodesCache). */
  private readonly cache: BestNodesCache;
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
  /** How many of the best nodes this search finds. */
  private wanted = 1;
  /** The best nodes found so far, best first (`found` of them), with scores, trees and positions. */
  private foundNodes: IndexedNode[] = [];
  private foundScores: number[] = [];
  private foundTrees: (PositionalTree | undefined)[] = [];
  private foundPos: number[] = [];
  private found = 0;
  /** Tree nodes this search visited. */
  private visited = 0;
  /** The bar: the `wanted`-th best so far (−∞ until there are `wanted`), its node order, tree and position. */
  private barScore = -Infinity;
  private barOrder = Infinity;
  private barTree: PositionalTree | undefined;
  private barPos = -1;
  /** Node order of the searched tree's first member (NaN: not computed yet). */
  private treeFirstOrder = Number.NaN;
  /** How the request's coefficients on the paired dimensions split over two support directions. */
  private split: { k: number; alpha: number; beta: number } | undefined;

  /**
   * `cached`: how many best nodes to keep per request shape (K; with 0 the lists stay empty, and
   * only a shape that fits nowhere is answered without a search). `longSearch`: the tree nodes a
   * new shape's first search must visit for the shape to be kept (see LONG_SEARCH), twice
   * (BestNodesCache.admit); 0: every shape is kept at its first search.
   */
  constructor(
    private readonly space: IndexSpace,
    weights: Readonly<Record<string, number>>,
    cached = DEFAULT_CACHED,
    private readonly longSearch = LONG_SEARCH,
  ) {
    this.weights = denseWeights(weights, space);
    this.groups = new GroupTrees(space.factor);
    this.cache = new BestNodesCache(cached, this.weights, space.factor);
  }

  add(node: IndexedNode): void {
    this.groups.add(node);
    this.cache.changed(node);
  }
  remove(node: IndexedNode): void {
    this.groups.remove(node);
    this.cache.removed(node);
  }
  update(node: IndexedNode): void {
    this.groups.update(node);
    this.cache.changed(node);
  }

  select(request: DenseRequest, accept: AcceptNode | undefined): IndexedNode | undefined {
    const entry = this.cache.find(request);
    if (entry !== undefined) {
      const answer = this.cache.answer(entry, accept);
      if (answer !== undefined) return answer.node;
      // `accept` refused every member: the best node it takes ranks below them, search for it
      if (entry.nodes.length > 0) return this.search1(request, accept);
    }
    // A shape back with its list run dry: find the best K + 1 and remember them. A new shape: only
    // the best, as without the cache — remembered as an empty list with T at that best (no node
    // outranks it; nodes rising above it fill the list in) only when its search was long, and was
    // long before too: where searches are short or shapes many (an uncongested cluster, the
    // placement bench's 142 shapes) the lists' upkeep on every update and the wider searches cost
    // more than they save. A shape that fits nowhere is remembered always; every shape is dropped
    // again when its upkeep outweighs the visits it saved (BestNodesCache).
    const wanted = entry === undefined ? 1 : this.cache.size + 1;
    this.visited = 0;
    const best = this.searchBest(request, accept, wanted);
    // `accept` turned down a fitting node: what was found is not the best of all
    if (!this.refused && (entry !== undefined || best === undefined || (this.visited >= this.longSearch && (this.longSearch === 0 || this.cache.admit(request))))) {
      this.cache.store(request, this.foundNodes.slice(0, this.found), this.foundScores.slice(0, this.found), wanted, this.visited);
    }
    this.release();
    return best;
  }

  check(expected: ReadonlySet<IndexedNode>): string | undefined {
    return this.groups.check(expected) ?? this.cache.check(expected);
  }

  /** The best node `accept` takes, by a search that remembers nothing. */
  private search1(request: DenseRequest, accept: AcceptNode | undefined): IndexedNode | undefined {
    const best = this.searchBest(request, accept, 1);
    this.release();
    return best;
  }

  /** Drops the search's references to nodes and the callback. */
  private release(): void {
    for (let f = 0; f < this.found; f++) {
      this.foundNodes[f] = undefined as unknown as IndexedNode;
      this.foundTrees[f] = undefined;
    }
    this.accept = undefined;
    this.group = undefined;
    this.tree = undefined;
    this.barTree = undefined;
  }

  /** Finds the best `wanted` nodes `accept` takes (foundNodes …, `found` of them); returns the best. */
  private searchBest(request: DenseRequest, accept: AcceptNode | undefined, wanted: number): IndexedNode | undefined {
    this.accept = accept;
    this.refused = false;
    this.wanted = wanted;
    this.found = 0;
    this.barScore = -Infinity;
    this.barOrder = Infinity;
    this.barTree = undefined;
    this.barPos = -1;
    const trees = this.groups.list;
    // the group that won last time first: its best scores bound the other groups' searches
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
      this.treeFirstOrder = Number.NaN;
      if (this.worthVisiting(1, 0, this.boundOf(1))) this.search(1, 0, tree.size);
    }
    if (this.found === 0) return undefined;
    const winner = this.foundTrees[0] as PositionalTree;
    this.lastWinner = trees.indexOf(winner);
    return this.foundNodes[0];
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
   * Could a subtree at position `lo` of the searched tree, with this bound, still hold a node that
   * ranks above the bar: a higher score, or the same at an earlier node? Ties are settled here
   * only against a bar in the same tree (positions are in node order); see `worthVisiting`.
   */
  private promising(bound: number, lo: number): boolean {
    return !(bound < this.barScore || (bound === this.barScore && this.barTree === this.tree && lo > this.barPos));
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
   * beat it — only tie it, which loses on node order when the whole subtree comes later (after
   * the bar's position in the same tree, or a whole other tree after the bar's node).
   */
  private worthVisiting(i: number, lo: number, bound: number): boolean {
    if (!this.promising(bound, lo)) return false;
    const bar = this.barScore;
    // well above the score to beat: the exact bound, within 1e-9 of the cheap one, is above it too
    if (!(bound <= bar * (1 + 4e-9) + 4 * Number.MIN_VALUE)) return true;
    const tree = this.tree as PositionalTree;
    const exact = packedAlignment(this.group as CapacityGroup, this.coef, tree.agg, i * tree.stride, this.space.factor);
    if (exact < bar) return false;
    if (exact > bar) return true;
    // a tie at best: it wins only at an earlier node than the bar's
    if (this.barTree === tree) return lo <= this.barPos;
    if (Number.isNaN(this.treeFirstOrder)) this.treeFirstOrder = tree.firstOrder();
    return !(this.treeFirstOrder > this.barOrder);
  }

  /**
   * Visits tree node i — covered and promising (the caller checked both) — best child first,
   * each child only while it is still promising.
   */
  private search(i: number, lo: number, span: number): void {
    this.visited++;
    const tree = this.tree as PositionalTree;
    if (i >= tree.size) {
      // the member's exact score (`packedAlignment` of its free amounts: the operations `score`
      // performs); being covered at a leaf is fitting
      const score = packedAlignment(this.group as CapacityGroup, this.coef, tree.agg, i * tree.stride, this.space.factor);
      const node = tree.members[lo] as IndexedNode;
      if (!ranksAbove(score, node.order, this.barScore, this.barOrder)) return;
      if (this.accept === undefined || this.accept(node)) this.keep(node, score, lo);
      else this.refused = true;
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

  /** Files a node that ranks above the bar among the best found (dropping the `wanted` + 1st), and moves the bar. */
  private keep(node: IndexedNode, score: number, pos: number): void {
    const nodes = this.foundNodes;
    const scores = this.foundScores;
    const trees = this.foundTrees;
    const positions = this.foundPos;
    let at = this.found < this.wanted ? this.found++ : this.wanted - 1;
    // insertion: shift the ones it outranks down one place
    while (at > 0 && ranksAbove(score, node.order, scores[at - 1] as number, (nodes[at - 1] as IndexedNode).order)) {
      nodes[at] = nodes[at - 1] as IndexedNode;
      scores[at] = scores[at - 1] as number;
      trees[at] = trees[at - 1];
      positions[at] = positions[at - 1] as number;
      at--;
    }
    nodes[at] = node;
    scores[at] = score;
    trees[at] = this.tree;
    positions[at] = pos;
    if (this.found === this.wanted) {
      const last = this.wanted - 1;
      this.barScore = scores[last] as number;
      this.barOrder = (nodes[last] as IndexedNode).order;
      this.barTree = trees[last];
      this.barPos = positions[last] as number;
    }
  }
}

/** Best nodes kept per request shape (measured: see docs/performance.md, dot-product's best nodes per shape). */
const DEFAULT_CACHED = 8;
/**
 * Tree nodes a search for a new shape's best must visit (twice) for the shape to be kept:
 * congested searches visit 500–1,000, an uncongested cluster's ≈ 60 at 10,000 nodes on average
 * (with 256, enough of the placement bench's were kept to cost it more than they saved).
 */
const LONG_SEARCH = 512;
