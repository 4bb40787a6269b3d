import type { Resources } from '../resources/index.js';

export type NodeStatus = 'ready' | 'draining' | 'offline';
export type TaintEffect = 'NoSchedule' | 'PreferNoSchedule';

export interface Taint {
  readonly key: string;
  readonly value?: string;
  readonly effect: TaintEffect;
}

/** A read-only view of one node, as strategies, `pool.nodes()` and `pool.node(id)` see it. */
export interface NodeView {
  readonly id: string;
  /** Position in node order (the order nodes were added); ties in every strategy go to the lowest. */
  readonly order: number;
  readonly capacity: Resources;
  /** Σ of the placements of the live allocations on this node. */
  readonly allocated: Resources;
  /**
   * Room held for named waiting jobs (an AllocationManager's starvation reservations and the room
   * promised to preemptors; see `mgr.reservations()`). Always zeros in a plain ResourcePool.
   */
  readonly reserved: Resources;
  /** capacity − allocated − reserved: what a new allocation may use. */
  readonly available: Resources;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly Taint[];
  readonly status: NodeStatus;
  readonly costPerHour?: number;
  /** A spot (preemptible) instance; left out when not. */
  readonly spot?: true;
  /** Live allocations with at least one replica on this node. */
  readonly allocationCount: number;
}

/**
 * Where one replica goes. Feasibility (fits in every dimension, node ready, selector matches,
 * taints tolerated) is the pool's job: a strategy only ranks nodes the pool already found feasible.
 *
 * Give `score` (higher is better; ties go to node order) or `select` (pick one of the candidates),
 * or both (`select` wins). The pool checks every answer: a score that is not a finite number, or a
 * selected node that was not a candidate, throws `STRATEGY_CONTRACT_VIOLATION` and changes nothing.
 */
export interface PlacementStrategy {
  /** A stable name, used in errors, metrics and reports. */
  readonly name: string;
  /** Scores one feasible node for one replica's resources. Must be a finite number. */
  score?(node: NodeView, request: Resources): number;
  /** Picks one node id among the feasible candidates (given in node order), or undefined for none. */
  select?(candidates: readonly NodeView[], request: Resources): string | undefined;
  /**
   * Optional capability: an exact index the pool keeps up to date so that a decision does not scan
   * every node. It must choose exactly the node that `score` with ties to node order would choose.
   */
  createIndex?(space: IndexSpace): PlacementIndex;
}

// ---- The index capability (used by built-ins; a custom strategy may implement it too) ------------

/** Nodes with the same capacity vector share a group: within a group, ratios to capacity agree. */
export interface CapacityGroup {
  readonly id: number;
  /** Dense dimension indices with capacity > 0, increasing. */
  readonly dims: readonly number[];
  /** Capacity of each of `dims`, unscaled (the value a `NodeView` shows). */
  readonly capacity: readonly number[];
  /** Scaled capacity per dense dimension (0 where the group has none). */
  readonly capacityDense: Float64Array;
}

/** The pool's internal node, as an index sees it. Amounts are scaled integers, dense by dimension. */
export interface IndexedNode {
  readonly id: string;
  readonly order: number;
  /** Dense slot, unique among live nodes, reused after removal: a handle for index arrays. */
  readonly slot: number;
  readonly group: CapacityGroup;
  readonly free: Float64Array;
}

export interface IndexSpace {
  /** Dimension names; position = dense index. */
  readonly dimensions: readonly string[];
  /** 10^precision: unscaled = scaled / factor. */
  readonly factor: number;
}

/** One replica's demand, dense and sparse. */
export interface DenseRequest {
  /** Scaled amount per dense dimension. */
  readonly amounts: readonly number[];
  /** Unscaled amount per dense dimension (the value the request object holds). */
  readonly unscaled: readonly number[];
  /** Dense indices of dimensions with a non-zero amount. */
  readonly nonZero: readonly number[];
}

/** Extra per-node conditions (selector, taints, spread) the pool checks at a candidate. */
export type AcceptNode = (node: IndexedNode) => boolean;

export interface PlacementIndex {
  add(node: IndexedNode): void;
  remove(node: IndexedNode): void;
  /**
   * `node.free` changed. Called late: before the index's next `select`, `check` or `remove` of
   * that node, once however many times it changed, and not at all when its free amounts are back
   * to those of the last `add`/`update` (docs/custom-strategy.md, rule 3).
   */
  update(node: IndexedNode): void;
  /** The node the strategy picks among indexed nodes where the request fits and `accept` holds. */
  select(request: DenseRequest, accept: AcceptNode | undefined): IndexedNode | undefined;
  /**
   * Optional self-check, run by `checkInvariants` from fairpack/testing: returns a description of
   * the first inconsistency (members other than `expected`, stale keys or maxima), or undefined.
   */
  check?(expected: ReadonlySet<IndexedNode>): string | undefined;
}

/** Per-dimension weights for scoring; a missing dimension weighs 1. */
export type DimensionWeights = Readonly<Record<string, number>>;

export interface ScoringOptions {
  /** Weight of each dimension in the score. @default 1 for every dimension */
  readonly weights?: DimensionWeights;
}
