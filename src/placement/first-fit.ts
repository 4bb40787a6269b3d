import { FirstFitIndex } from './index/first-fit-index.js';
import type { PlacementStrategy } from './strategy.js';

/**
 * First-fit: the first feasible node in node order (the order nodes were added).
 *
 * Every feasible node scores the same, so the tie rule — earliest node wins — is the whole
 * strategy. It packs the front of the cluster and leaves the tail empty.
 */
export function firstFit(): PlacementStrategy {
  return {
    name: 'first-fit',
    score: () => 0,
    createIndex: () => new FirstFitIndex(),
  } satisfies PlacementStrategy;
}
