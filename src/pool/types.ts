import type { Resources } from '../resources/index.js';
import type { NodeStatus, NodeView, PlacementStrategy, Taint, TaintEffect } from '../placement/index.js';
import type { PlacementStrategyName } from '../placement/registry.js';
import type { JsonObject, Metadata } from './metadata.js';

/** A node as you describe it to the pool. */
export interface NodeSpec {
  /** Unique, non-empty. */
  readonly id: string;
  readonly capacity: Resources;
  /** Matched by requests' `nodeSelector`. @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /** `NoSchedule` keeps untolerating requests off; `PreferNoSchedule` ranks the node last. @default [] */
  readonly taints?: readonly Taint[];
  /** Only `ready` nodes receive new allocations. @default 'ready' */
  readonly status?: NodeStatus;
  /** Informational; reported in views and used by cost-aware strategies you write. */
  readonly costPerHour?: number;
  /**
   * A spot (preemptible) instance: cheaper, and may be reclaimed (`mgr.interruptNode`). Requests
   * say whether they may run there (`spot`). @default false
   */
  readonly spot?: boolean;
}

/** What `pool.updateNode` / `mgr.updateNode` change: labels and taints, each replaced whole when given. */
export interface NodeUpdate {
  readonly labels?: Readonly<Record<string, string>>;
  readonly taints?: readonly Taint[];
}

/** Where a request may run with respect to spot nodes: `avoid` them unless nothing else has room, `allow` them, or `require` one. */
export type SpotPreference = 'avoid' | 'allow' | 'require';

export interface ResourcePoolOptions {
  /** The nodes, in node order. Give `nodes` or `capacity`, not both. @default [] */
  readonly nodes?: readonly NodeSpec[];
  /** Shorthand for one flat pool: a single node with id `default`. */
  readonly capacity?: Resources;
  /** A built-in strategy name or your own strategy object. @default 'best-fit' */
  readonly placement?: PlacementStrategyName | PlacementStrategy;
  /** Decimal places accepted in amounts; amounts are held as exact scaled integers. @default 3 */
  readonly precision?: number;
  /** Clock for `createdAt`, in milliseconds. @default () => Date.now() */
  readonly now?: () => number;
  /**
   * Largest `metadata` a request may carry, in bytes of its JSON text (UTF-8); larger is
   * `INVALID_REQUEST`. An integer >= 2. @default 16384 (16 KiB)
   */
  readonly maxMetadataBytes?: number;
  /**
   * Deepest nesting of objects and arrays in a request's `metadata`, the metadata object itself
   * counting as 1; deeper is `INVALID_REQUEST`. An integer from 1 to 1000. @default 32
   */
  readonly maxMetadataDepth?: number;
}

/** What `ResourcePool.restore` needs besides the snapshot: what JSON cannot carry. */
export interface PoolRestoreOptions {
  /** The clock, as for a new pool. @default () => Date.now() */
  readonly now?: () => number;
  /** The custom placement strategy the snapshot was taken with (matched by its `name`). */
  readonly placement?: PlacementStrategy;
}

/** Lets a request onto tainted nodes (Kubernetes semantics). */
export interface Toleration {
  /** Taint key to match; omit with operator `Exists` to tolerate every taint. */
  readonly key?: string;
  /** `Equal` matches key and value; `Exists` matches the key with any value. @default 'Equal' */
  readonly operator?: 'Equal' | 'Exists';
  readonly value?: string;
  /** Omit to tolerate every effect. */
  readonly effect?: TaintEffect;
}

export interface AllocationRequest {
  /** Allocation id (also the job id unless `jobId` is given). @default a nanoid */
  readonly id?: string;
  /** @default the allocation id */
  readonly jobId?: string;
  /** @default 'default' */
  readonly tenant?: string;
  /** Priority class name, recorded on the allocation. @default 'default' */
  readonly priority?: string;
  /** Resources of one replica. */
  readonly resources: Resources;
  /** Gang size: all replicas are placed or none is. @default 1 */
  readonly replicas?: number;
  /** Put every replica on a different node. @default false */
  readonly spread?: boolean;
  /** Every label here must be on the node with the same value. @default {} */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /** @default [] */
  readonly tolerations?: readonly Toleration[];
  /**
   * Spot nodes: `allow` treats them like any other; `avoid` uses them only when no other node has
   * room (like an untolerated `PreferNoSchedule` taint); `require` places only on spot nodes.
   * @default 'allow'
   */
  readonly spot?: SpotPreference;
  /**
   * Free-form plain JSON, carried on the allocation as a deep frozen copy. Bounded by the pool's
   * `maxMetadataBytes` and `maxMetadataDepth`; getters, cycles, class instances, functions,
   * symbols, bigints, NaN and ±Infinity are refused. A property set to `undefined` is left out.
   */
  readonly metadata?: JsonObject;
}

export interface Placement {
  readonly nodeId: string;
  readonly resources: Resources;
}

export interface Allocation {
  readonly id: string;
  readonly jobId: string;
  readonly tenant: string;
  readonly priority: string;
  /** Sum of the placements. */
  readonly resources: Resources;
  /** One entry per replica. */
  readonly placements: readonly Placement[];
  readonly createdAt: number;
  readonly expiresAt?: number;
  /** The request's `metadata`, copied (plain JSON, frozen). */
  readonly metadata?: Metadata;
}

/**
 * Why a request does not fit now: no eligible node has room (`insufficient-resources`), no node is
 * eligible at all (`no-eligible-node`: not ready, selector, NoSchedule taints, spread), or a custom
 * strategy's `select` returned no node although some were feasible (`declined-by-strategy`).
 */
export type DoesNotFitReason = 'insufficient-resources' | 'no-eligible-node' | 'declined-by-strategy';

export type AllocateResult =
  | { readonly ok: true; readonly allocation: Allocation }
  | {
      readonly ok: false;
      readonly reason: DoesNotFitReason;
      /** Human-readable explanation. */
      readonly message: string;
      /** Free amounts, on the closest eligible node, of the dimensions that fall short. */
      readonly available: Resources;
      /** The replica's amounts in those dimensions. */
      readonly required: Resources;
      /** The closest eligible node (fewest short dimensions, then smallest shortfall); undefined when none is eligible. */
      readonly nodeId?: string | undefined;
    };

export interface ReleaseResult {
  readonly allocation: Allocation;
  readonly freed: Resources;
}

export interface RemoveNodeOptions {
  /** Remove even with live allocations; they are released and returned as `evicted`. @default false */
  readonly force?: boolean;
}

export interface RemoveNodeResult {
  readonly node: NodeView;
  readonly evicted: readonly Allocation[];
}

/** Cluster sums over every node: available = total − allocated − reserved, per dimension. */
export interface PoolCapacity {
  readonly total: Resources;
  /** Σ of the placements of the live allocations. */
  readonly allocated: Resources;
  /** Room held for named waiting jobs by an AllocationManager (zeros in a plain pool). */
  readonly reserved: Resources;
  readonly available: Resources;
}

// ---- batch packing ----------------------------------------------------------------------------

/**
 * `ffd` / `bfd`: item-centric first-fit / best-fit decreasing by `sizeKey`;
 * `dot-product` / `l2-norm`: bin-centric (fill one node at a time; Panigrahy et al. 2011);
 * `smallest-first`: item-centric, smallest first by `sizeKey`, each on the node with the most room
 * left (for batches that do not fit: it places the most requests);
 * `one-at-a-time`: the requests in the given order, each placed as `allocate` would with the
 * built-in strategy `placement`;
 * `auto`: run the portfolio and keep the best plan.
 */
export type BatchAlgorithm = 'auto' | 'ffd' | 'bfd' | 'dot-product' | 'l2-norm' | 'smallest-first' | 'one-at-a-time';

/** How item-centric algorithms size a request, over its amounts normalised by the largest node capacity. */
export type BatchSizeKey = 'sum' | 'max' | 'l2';

export interface PlanBatchOptions {
  /** @default 'auto' */
  readonly algorithm?: BatchAlgorithm;
  /** Size key for `ffd`/`bfd`/`smallest-first` (with `auto`, every key is tried). @default 'sum' */
  readonly sizeKey?: BatchSizeKey;
  /** Built-in placement strategy for `one-at-a-time` (with `auto`, every one is tried). @default 'best-fit' */
  readonly placement?: PlacementStrategyName;
  /** Compute the plan without allocating anything. @default false */
  readonly dryRun?: boolean;
  /**
   * With `auto`: wall-clock milliseconds the improvement phase may take after the portfolio (it
   * tries to save nodes; see docs/batch-packing.md). 0 turns the phase off. Read through `clock`.
   * @default 20
   */
  readonly timeLimitMs?: number;
  /**
   * With `auto`: work units (one ≈ one fit check of a move) the improvement phase may spend,
   * whichever of this and `timeLimitMs` runs out first. Deterministic: while the time limit is not
   * reached, the same input gives the same plan. 0 turns the phase off. @default 100000
   */
  readonly workLimit?: number;
  /** Milliseconds clock for `timeLimitMs` (tests pass a fixed one). @default () => Date.now() */
  readonly clock?: () => number;
}

export interface UnplacedRequest {
  /** Position of the request in the input array. */
  readonly index: number;
  readonly request: AllocationRequest;
  readonly reason: DoesNotFitReason;
  readonly message: string;
}

/** A summary of one algorithm's plan (with `auto`, one per portfolio member). */
export interface BatchCandidate {
  readonly algorithm: Exclude<BatchAlgorithm, 'auto'>;
  /** For `ffd` / `bfd` / `smallest-first` only. */
  readonly sizeKey?: BatchSizeKey;
  /** For `one-at-a-time` only. */
  readonly placement?: PlacementStrategyName;
  /** Requests placed; a gang counts once. */
  readonly placedCount: number;
  /**
   * Demand placed: Σ over placed requests of replicas × Σ_d req_d / maxCap_d, where maxCap_d is the
   * largest capacity of a ready node in dimension d (1 = one biggest node's worth of a dimension).
   */
  readonly demand: number;
  readonly nodesUsed: number;
  /** Σ_d free_d / cap_d over used nodes: room left on nodes that are in use. */
  readonly stranded: number;
}

/** What the improvement phase of `auto` did (see docs/batch-packing.md). */
export interface BatchImprovement {
  /** Nodes the portfolio's best plan used; the plan's `nodesUsed` is what the phase reached. */
  readonly nodesBefore: number;
  /** No plan placing the whole batch uses fewer nodes than this (a bound, not always reachable). */
  readonly lowerBound: number;
  /** Work units spent (see `workLimit`). */
  readonly work: number;
  /**
   * Why it stopped: `'lower-bound'` — the plan reached the bound, so it uses the fewest nodes
   * possible; `'no-move'` — no used node could be emptied; `'work-limit'` / `'time-limit'` — the
   * budget ran out.
   */
  readonly stoppedBy: 'lower-bound' | 'no-move' | 'work-limit' | 'time-limit';
}

export interface BatchPlan extends BatchCandidate {
  /** Allocations in input order (live unless `dryRun`). */
  readonly placed: readonly Allocation[];
  readonly unplaced: readonly UnplacedRequest[];
  /** False for a dry run. */
  readonly committed: boolean;
  /** Every plan `auto` compared (just the one otherwise), as each algorithm made it. */
  readonly candidates: readonly BatchCandidate[];
  /** Present when `auto` ran its improvement phase: on a plan that places every request. */
  readonly improvement?: BatchImprovement;
}
