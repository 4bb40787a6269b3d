import { internalsSlot } from '../internals-slot.js';
import type { PlacementIndex, PlacementStrategy } from '../placement/index.js';
import type { AllocationTimes } from './build-allocation.js';
import type { JobFields, ParsedRequest, WritableRequest } from './request.js';
import type { AllocateResult, Allocation } from './types.js';
import type { DimensionSpace } from './dimension-space.js';
import type { NodeState } from './node-state.js';

/** What the pool keeps for one live allocation: its replicas' nodes and one replica's scaled demand. */
export interface LiveAllocation {
  readonly allocation: Allocation;
  readonly nodes: readonly NodeState[];
  /** Dense dimension indices and scaled amounts of one replica. */
  readonly dims: readonly number[];
  readonly amounts: readonly number[];
}

/**
 * A pool's books and the operations fairpack's own layers need beyond the public API: the
 * manager, the batch planner and the testing kit. Not public API (`poolInternals(pool)`).
 */
export interface PoolInternals {
  readonly space: DimensionSpace;
  readonly nodes: ReadonlyMap<string, NodeState>;
  readonly live: ReadonlyMap<string, LiveAllocation>;
  /** The placement index with every change filed (reading it files what waited: see DeferredIndex). */
  readonly index: PlacementIndex | undefined;
  /** Nodes filed again in the index, and re-files skipped because nothing had changed (counters for tests). */
  readonly indexFiling: { readonly refiled: number; readonly skipped: number };
  readonly strategy: PlacementStrategy;
  /** How many dimensions the pool knows (requests parsed earlier are stale once it grows). */
  readonly dimensionCount: number;
  /** Moves room between free and reserved on a node: `amounts[i]` of dimension `dims[i]`, sign 1 holds. */
  hold(node: NodeState, dims: readonly number[], amounts: readonly number[], sign: 1 | -1): void;
  /**
   * `allocate` for a request parsed earlier (against the current dimensions). Without `explain`
   * a request that does not fit returns undefined instead of scanning nodes for an explanation:
   * the manager's scheduling cycle tries many requests that do not fit.
   */
  allocateParsed(request: ParsedRequest, explain: boolean, times?: AllocationTimes): AllocateResult | undefined;
  /** Why `request` does not fit now (the explanation `allocate` gives). */
  explain(request: ParsedRequest): AllocateResult;
  /** Could the request fit if every node were empty and ready? */
  couldEverFit(request: ParsedRequest): boolean;
  /** Registers an allocation on nodes already chosen; re-checks fit and eligibility first. */
  commitPlacement(request: ParsedRequest, chosen: readonly NodeState[], times?: AllocationTimes): Allocation;
  /** Reads the injected clock (checked, monotonic) before any change is made. */
  readClock(): number;
  /**
   * Parses a request against the pool's dimensions; `job`: a manager's job request (see JobFields);
   * `into`: written and returned instead of a new request.
   */
  parseRequest(input: unknown, job?: JobFields, into?: WritableRequest): ParsedRequest;
  /**
   * The nodes of the live allocation at `slot` (see `slotOf`), one per replica in the order of its
   * placements (shared, never to be written).
   */
  nodesAt(slot: number): readonly NodeState[];
  /**
   * The slot of the live allocation with this id in the pool's live table (dense, given to a later
   * allocation once this one ends), or −1: found from the id without hashing (LiveTable.find).
   */
  slotOf(allocationId: string): number;
  /**
   * Whether the node is in the pool now. A removed node's slot (its `slot`, the index of the
   * per-node tables of the layers above) may go to a node added later: a table kept by slot
   * checks its entry's node against this, or against the node it was made for.
   */
  isMember(node: NodeState): boolean;
}

const slot = internalsSlot<PoolInternals>('fairpack.pool.internals', 'ResourcePool');

/** Attaches a pool's internals to it (see internalsSlot: on no public type). */
export const attachPoolInternals = slot.attach;

/** A pool's internals; throws for anything that is not a fairpack ResourcePool. */
export const poolInternals = slot.read;
