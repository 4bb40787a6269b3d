import type { PlacementStrategyName } from '../../placement/registry.js';
import type { BatchAlgorithm, BatchSizeKey } from '../types.js';
import type { BatchContext } from './context.js';
import type { Simulation } from './simulation.js';

/**
 * One batch algorithm, the plug-in point of the planner: `pack` computes a plan on a fresh
 * `Simulation` of the context and returns it; it never touches the pool. The planner compares
 * plans only through `Simulation.summary()`, so it never branches on which algorithm it ran.
 */
export interface PackingAlgorithm {
  readonly algorithm: Exclude<BatchAlgorithm, 'auto'>;
  /** The size key of an item-centric algorithm; absent for bin-centric ones. */
  readonly sizeKey?: BatchSizeKey;
  /** The placement strategy of `one-at-a-time`; absent for the others. */
  readonly placement?: PlacementStrategyName;
  pack(context: BatchContext): Simulation;
}
