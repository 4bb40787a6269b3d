import { grow } from '../../typed-arrays.js';
import { alignmentCoefficients } from '../score-math.js';
import type { AcceptNode, CapacityGroup, DenseRequest, IndexedNode } from '../strategy.js';

/** How many request shapes are remembered; the least recently asked gives way (one bit each in a node's mask). */
const CAPACITY = 32;
/** Selects after which a shape not asked for again is dropped (a power of two). */
const STALE = 4096;
/**
 * The upkeep of one shape on one node change, in tree nodes a search visits (measured: with 2 the
 * placement bench's shapes stayed and cost it 2×; 8 keeps it as without the cache), and the debt
 * at which a shape is dropped: a shape earns, per answer given without a search, the visits of
 * its last search, and pays UPKEEP per change.
 */
const UPKEEP = 8;
const DEBT = 2048;
/** Shapes whose long first search is remembered, waiting for a second before they get a list. */
const CANDIDATES = 16;

/**
 * One remembered request shape: its best nodes, best first, and a threshold T such that every
 * indexed node outside the list that fits the shape ranks at or below T. Ranks are keys
 * (score desc, node order asc), so two nodes never tie. T = −∞ means every fitting node is in the
 * list — with an empty list, that no node fits.
 */
export interface BestNodes {
  /** The list, best first (at most the cache's `size`). */
  readonly nodes: IndexedNode[];
  /** Each member's score, as the search computes it. */
  readonly scores: number[];
  thresholdScore: number;
  thresholdOrder: number;
}

interface Entry extends BestNodes {
  readonly amounts: Float64Array;
  readonly unscaled: Float64Array;
  readonly nonZero: Int32Array;
  /** The shape's alignment coefficients per capacity group, by group id (computed when first needed). */
  readonly coef: (Float64Array | undefined)[];
  readonly bit: number;
  lastUsed: number;
  /** Tree nodes the search that last filled the list visited: what an answer from the list saves. */
  searchVisits: number;
  /** Visits saved minus upkeep (see UPKEEP); below −DEBT the shape is dropped. */
  credit: number;
}

/**
 * Per request shape, the best few nodes, kept exact as the nodes change (dot-product).
 *
 * Under congestion the simulator asks for the same 17 shapes again and again, and each search
 * visited hundreds of tree nodes to find the best one. The answer can only change where a node
 * changes, so instead each change re-scores that one node for every remembered shape (one score
 * each, nothing when it does not fit) and moves it in, within or out of that shape's list. The
 * list's threshold T keeps the answer provable: a member still above T outranks every node
 * outside the list, one that falls to T or below leaves (and the invariant holds for it), and
 * a node outside that rises above T joins (the list is capped: the last one leaves and T rises
 * to its key). A node leaving the index leaves every list. While a list is not empty its first
 * member `accept` takes is the answer; when it runs dry, the index searches again and refills it.
 *
 * An empty list with T = −∞ is a shape no node fits (what UnplaceableRequests kept before).
 */
export class BestNodesCache {
  private readonly entries: (Entry | undefined)[] = [];
  private clock = 0;
  /** Per node slot, a bit per entry the node is a member of. */
  private memberOf = new Int32Array(0);
  /** Recent shapes whose first search was long (amounts then unscaled amounts), oldest first. */
  private readonly candidates: Float64Array[] = [];

  /** `size`: how many nodes a list holds (K; a search finds K + 1, the last sets T). */
  constructor(
    readonly size: number,
    private readonly weights: Float64Array,
    private readonly factor: number,
  ) {}

  /** The entry for this request's shape, marked as just used, or undefined. Call once per select. */
  find(request: DenseRequest): BestNodes | undefined {
    // every select ticks, and now and then the shapes not asked for in a while are dropped: each
    // costs every update a look, and a shape asked once keeps its entry until something evicts it
    if ((++this.clock & (STALE - 1)) === 0) this.dropStale();
    const entry = this.lookUp(request);
    if (entry !== undefined) entry.lastUsed = this.clock;
    return entry;
  }

  /**
   * The answer from an entry, if it proves one: the first member `accept` takes (every node
   * outside the list ranks below every member), or "none" when no node fits. Undefined from
   * `answer` means a search is needed.
   */
  answer(found: BestNodes, accept: AcceptNode | undefined): { node: IndexedNode | undefined } | undefined {
    const entry = found as Entry;
    const nodes = entry.nodes;
    let node: IndexedNode | undefined;
    if (nodes.length === 0) {
      if (entry.thresholdScore !== -Infinity) return undefined;
    } else if (accept === undefined) node = nodes[0];
    else {
      for (let m = 0; m < nodes.length && node === undefined; m++) if (accept(nodes[m] as IndexedNode)) node = nodes[m];
      if (node === undefined) return undefined;
    }
    entry.credit += entry.searchVisits;
    return { node };
  }

  /**
   * A new shape's first search was long: should it get a list? Only when it was long before, among
   * the last CANDIDATES such shapes — a shape asked once (the placement bench draws from 142) would
   * cost every update a look and save nothing.
   */
  admit(request: DenseRequest): boolean {
    const key = shapeKey(request);
    for (let c = 0; c < this.candidates.length; c++) {
      const candidate = this.candidates[c] as Float64Array;
      let same = candidate.length === key.length;
      for (let i = 0; same && i < key.length; i++) same = candidate[i] === key[i];
      if (same) {
        this.candidates.splice(c, 1);
        return true;
      }
    }
    if (this.candidates.length === CANDIDATES) this.candidates.shift();
    this.candidates.push(key);
    return false;
  }

  /**
   * Remembers a search's result for this shape: `nodes` (best first, with their scores) are the
   * best `wanted` fitting nodes (at most `size + 1`), or every fitting node when fewer were found.
   * The caller proved it with a search that `accept` refused nothing in.
   */
  store(request: DenseRequest, nodes: readonly IndexedNode[], scores: readonly number[], wanted: number, visits: number): void {
    let entry = this.lookUp(request);
    if (entry === undefined) entry = this.create(request);
    else this.clear(entry);
    entry.lastUsed = this.clock;
    entry.searchVisits = visits;
    const complete = nodes.length < wanted;
    // not complete: the last found becomes T, so every member ranks above T
    const keep = complete ? Math.min(nodes.length, this.size) : Math.min(wanted - 1, this.size);
    for (let m = 0; m < keep; m++) {
      const node = nodes[m] as IndexedNode;
      entry.nodes.push(node);
      entry.scores.push(scores[m] as number);
      this.mark(node, entry.bit);
    }
    if (complete && keep === nodes.length) {
      entry.thresholdScore = -Infinity;
      entry.thresholdOrder = Infinity;
    } else {
      entry.thresholdScore = scores[keep] as number;
      entry.thresholdOrder = (nodes[keep] as IndexedNode).order;
    }
  }

  /** A node joined the index or its free amounts changed: re-ranks it for every shape. */
  changed(node: IndexedNode): void {
    const entries = this.entries;
    const mask = node.slot < this.memberOf.length ? (this.memberOf[node.slot] as number) : 0;
    for (let e = 0; e < entries.length; e++) {
      const entry = entries[e];
      if (entry === undefined) continue;
      entry.credit -= UPKEEP;
      if (entry.credit < -DEBT) {
        // it costs more than it saves
        this.clear(entry);
        entries[e] = undefined;
        continue;
      }
      const member = (mask & (1 << e)) !== 0;
      if (!this.fits(entry, node)) {
        if (member) this.leave(entry, node);
        continue;
      }
      const score = this.scoreOf(entry, node);
      const above = ranksAbove(score, node.order, entry.thresholdScore, entry.thresholdOrder);
      if (member) this.leave(entry, node);
      if (above) this.enter(entry, node, score);
    }
  }

  /** A node left the index: it leaves every list. */
  removed(node: IndexedNode): void {
    if (node.slot >= this.memberOf.length) return;
    const mask = this.memberOf[node.slot] as number;
    if (mask === 0) return;
    for (let e = 0; e < this.entries.length; e++) {
      const entry = this.entries[e];
      if (entry !== undefined && (mask & (1 << e)) !== 0) this.leave(entry, node);
    }
  }

  /**
   * Self-check for tests: every list sorted, its members indexed, fitting and scored as now, and
   * every other fitting node at or below T; the membership bits match the lists.
   */
  check(expected: ReadonlySet<IndexedNode>): string | undefined {
    for (const entry of this.entries) {
      if (entry === undefined) continue;
      const shape = `(${entry.amounts.join(', ')})`;
      if (entry.nodes.length > this.size) return `the best nodes for ${shape} are ${entry.nodes.length}, more than ${this.size}`;
      for (let m = 0; m < entry.nodes.length; m++) {
        const node = entry.nodes[m] as IndexedNode;
        if (!expected.has(node)) return `node ${node.id} is among the best nodes for ${shape} but not indexed`;
        if (!this.fits(entry, node)) return `node ${node.id} is among the best nodes for ${shape} but does not fit it`;
        if (entry.scores[m] !== this.scoreOf(entry, node)) return `node ${node.id}'s score for ${shape} is stale`;
        if (((this.memberOf[node.slot] ?? 0) & (1 << entry.bit)) === 0) return `node ${node.id}'s membership bit for ${shape} is not set`;
        if (!ranksAbove(entry.scores[m] as number, node.order, entry.thresholdScore, entry.thresholdOrder)) return `node ${node.id} is among the best nodes for ${shape} but ranks at or below its threshold`;
        if (m > 0 && !ranksAbove(entry.scores[m - 1] as number, (entry.nodes[m - 1] as IndexedNode).order, entry.scores[m] as number, node.order)) return `the best nodes for ${shape} are out of order at ${node.id}`;
      }
      for (const node of expected) {
        if (entry.nodes.includes(node)) continue;
        if (((this.memberOf[node.slot] ?? 0) & (1 << entry.bit)) !== 0) return `node ${node.id}'s membership bit for ${shape} is set but it is not a member`;
        if (!this.fits(entry, node)) continue;
        if (ranksAbove(this.scoreOf(entry, node), node.order, entry.thresholdScore, entry.thresholdOrder)) return `node ${node.id} fits ${shape} and ranks above its threshold but is not among its best nodes`;
      }
    }
    return undefined;
  }

  private dropStale(): void {
    for (let e = 0; e < this.entries.length; e++) {
      const entry = this.entries[e];
      if (entry === undefined || this.clock - entry.lastUsed < STALE) continue;
      this.clear(entry);
      this.entries[e] = undefined;
    }
    while (this.entries.length > 0 && this.entries[this.entries.length - 1] === undefined) this.entries.pop();
  }

  private lookUp(request: DenseRequest): Entry | undefined {
    const amounts = request.amounts;
    const unscaled = request.unscaled;
    outer: for (let e = 0; e < this.entries.length; e++) {
      const entry = this.entries[e];
      if (entry === undefined || entry.amounts.length !== amounts.length) continue;
      // the coefficients come from the unscaled amounts: both must match
      for (let d = 0; d < amounts.length; d++) if (entry.amounts[d] !== amounts[d] || entry.unscaled[d] !== unscaled[d]) continue outer;
      return entry;
    }
    return undefined;
  }

  private create(request: DenseRequest): Entry {
    let bit = this.entries.indexOf(undefined);
    if (bit < 0 && this.entries.length < CAPACITY) bit = this.entries.length;
    if (bit < 0) {
      // the least recently used gives way
      bit = 0;
      for (let e = 1; e < this.entries.length; e++) if ((this.entries[e] as Entry).lastUsed < (this.entries[bit] as Entry).lastUsed) bit = e;
      this.clear(this.entries[bit] as Entry);
    }
    const entry: Entry = {
      amounts: Float64Array.from(request.amounts),
      unscaled: Float64Array.from(request.unscaled),
      nonZero: Int32Array.from(request.nonZero),
      coef: [],
      bit,
      lastUsed: 0,
      searchVisits: 0,
      credit: 0,
      nodes: [],
      scores: [],
      thresholdScore: -Infinity,
      thresholdOrder: Infinity,
    };
    this.entries[bit] = entry;
    return entry;
  }

  /** Empties an entry's list, clearing its members' bits. */
  private clear(entry: Entry): void {
    const off = ~(1 << entry.bit);
    for (const node of entry.nodes) this.memberOf[node.slot] = (this.memberOf[node.slot] as number) & off;
    entry.nodes.length = 0;
    entry.scores.length = 0;
  }

  private leave(entry: Entry, node: IndexedNode): void {
    const at = entry.nodes.indexOf(node);
    entry.nodes.splice(at, 1);
    entry.scores.splice(at, 1);
    this.memberOf[node.slot] = (this.memberOf[node.slot] as number) & ~(1 << entry.bit);
  }

  /** Inserts a node ranking above T in its place; a list over `size` drops its last, which becomes T. */
  private enter(entry: Entry, node: IndexedNode, score: number): void {
    const { nodes, scores } = entry;
    let at = nodes.length;
    while (at > 0 && ranksAbove(score, node.order, scores[at - 1] as number, (nodes[at - 1] as IndexedNode).order)) at--;
    nodes.splice(at, 0, node);
    scores.splice(at, 0, score);
    this.mark(node, entry.bit);
    if (nodes.length > this.size) {
      // over `size` members: the last one leaves and becomes T, every member stays above it
      const last = nodes.pop() as IndexedNode;
      entry.thresholdScore = scores.pop() as number;
      entry.thresholdOrder = last.order;
      this.memberOf[last.slot] = (this.memberOf[last.slot] as number) & ~(1 << entry.bit);
    }
  }

  private mark(node: IndexedNode, bit: number): void {
    if (node.slot >= this.memberOf.length) this.memberOf = grow(this.memberOf, Math.max(16, node.slot + 1, this.memberOf.length * 2), 0);
    this.memberOf[node.slot] = (this.memberOf[node.slot] as number) | (1 << bit);
  }

  private fits(entry: Entry, node: IndexedNode): boolean {
    const dims = entry.nonZero;
    for (let k = 0; k < dims.length; k++) {
      const d = dims[k] as number;
      if ((node.free[d] ?? 0) < (entry.amounts[d] as number)) return false;
    }
    return true;
  }

  /**
   * The node's alignment with the shape: the operations `packedAlignment` performs on the node's
   * packed free amounts (a leaf's first numbers are `free[dims[g]]`), so the same double.
   */
  private scoreOf(entry: Entry, node: IndexedNode): number {
    const group = node.group;
    let coef = entry.coef[group.id];
    if (coef === undefined) {
      coef = new Float64Array(group.dims.length);
      alignmentCoefficients(group, { amounts: entry.amounts as unknown as number[], unscaled: entry.unscaled as unknown as number[], nonZero: entry.nonZero as unknown as number[] }, this.weights, coef);
      entry.coef[group.id] = coef;
    }
    return nodeAlignment(group, coef, node.free, this.factor);
  }
}

/** A request's amounts, then its unscaled amounts: what identifies its shape. */
function shapeKey(request: DenseRequest): Float64Array {
  const n = request.amounts.length;
  const key = new Float64Array(2 * n);
  for (let d = 0; d < n; d++) {
    key[d] = request.amounts[d] as number;
    key[n + d] = request.unscaled[d] as number;
  }
  return key;
}

/** Key (score a, order a) ranks above key (score b, order b): a higher score, or the same at an earlier node. */
export function ranksAbove(scoreA: number, orderA: number, scoreB: number, orderB: number): boolean {
  return scoreA > scoreB || (scoreA === scoreB && orderA < orderB);
}

/** `packedAlignment` of a node's free amounts, read in place: Σ_g coef_g · (free[dims[g]] / factor / cap_g). */
function nodeAlignment(group: CapacityGroup, coef: Float64Array, free: Float64Array, factor: number): number {
  const { dims, capacity } = group;
  let sum = 0;
  for (let g = 0; g < capacity.length; g++) sum += (coef[g] as number) * ((free[dims[g] as number] as number) / factor / (capacity[g] as number));
  return sum;
}
