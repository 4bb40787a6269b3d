import { SlackIndex } from './index/slack-index.js';
import { validateWeights, viewDemand, viewSlack } from './score-math.js';
import type { PlacementStrategy, ScoringOptions } from './strategy.js';

/**
 * Best-fit: the feasible node with the least `Σ_d w_d · (free_d − req_d) / cap_d`, i.e. the
 * tightest fit (bin packing; Kubernetes `MostAllocated`-like). Scored as `−(slack − demand)`
 * so that higher is better, like every strategy.
 *
 * Example (weights 1): request { cpu: 2 } on a node { cpu: 8, memory: 16 } with 4 cpu and 16 GiB
 * free: slack = 4/8 + 16/16 = 1.5, demand = 2/8 + 0/16 = 0.25, score = −(1.5 − 0.25) = −1.25.
 */
export function bestFit(options?: ScoringOptions): PlacementStrategy {
  const weights = validateWeights('best-fit', options);
  return {
    name: 'best-fit',
    score: (node, request) => -(viewSlack(node, weights) - viewDemand(node, request, weights)),
    createIndex: (space) => new SlackIndex(space, weights, 'least'),
  } satisfies PlacementStrategy;
}
