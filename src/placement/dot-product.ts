import { AlignmentIndex } from './index/alignment-index.js';
import { validateWeights, viewAlignment } from './score-math.js';
import type { PlacementStrategy, ScoringOptions } from './strategy.js';

/**
 * Dot-product (Tetris-style alignment, Grandl et al. 2014; Panigrahy et al. 2011): the feasible
 * node with the most `Σ_d w_d · (req_d / cap_d) · (free_d / cap_d)` — the node whose free
 * vector points the same way as the request, so that complementary jobs share nodes.
 *
 * Example (weights 1): request { cpu: 2, memory: 2 } on a node { cpu: 8, memory: 16 } with 4 cpu
 * and 8 GiB free: (2/8)·(4/8) + (2/16)·(8/16) = 0.125 + 0.0625 = 0.1875.
 */
export function dotProduct(options?: ScoringOptions): PlacementStrategy {
  const weights = validateWeights('dot-product', options);
  return {
    name: 'dot-product',
    score: (node, request) => viewAlignment(node, request, weights),
    createIndex: (space) => new AlignmentIndex(space, weights),
  } satisfies PlacementStrategy;
}
