import type { PlacementIndex, PlacementStrategy } from '../placement/index.js';
import type { DimensionSpace } from './dimension-space.js';
import type { NodeState } from './node-state.js';
import type { Allocation } from './types.js';

/** What the pool keeps for one live allocation: its replicas' nodes and one replica's scaled demand. */
export interface LiveAllocation {
  readonly allocation: Allocation;
  readonly nodes: readonly NodeState[];
  /** Dense dimension indices and scaled amounts of one replica. */
  readonly dims: readonly number[];
  readonly amounts: readonly number[];
}

/** Read access to a pool's books, for fairpack's own testing kit and batch planner. Not public API. */
export interface PoolInternals {
  readonly space: DimensionSpace;
  readonly nodes: ReadonlyMap<string, NodeState>;
  readonly live: ReadonlyMap<string, LiveAllocation>;
  readonly index: PlacementIndex | undefined;
  readonly strategy: PlacementStrategy;
  /** Moves room between free and reserved on a node: `amounts[i]` of dimension `dims[i]`, sign 1 holds. */
  hold(node: NodeState, dims: readonly number[], amounts: readonly number[], sign: 1 | -1): void;
}

export const POOL_INTERNALS: unique symbol = Symbol.for('fairpack.pool.internals') as never;
