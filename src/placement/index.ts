export type {
  PlacementStrategy,
  NodeView,
  NodeStatus,
  Taint,
  TaintEffect,
  ScoringOptions,
  DimensionWeights,
  PlacementIndex,
  IndexSpace,
  IndexedNode,
  CapacityGroup,
  DenseRequest,
  AcceptNode,
} from './strategy.js';
export { firstFit } from './first-fit.js';
export { bestFit } from './best-fit.js';
export { worstFit } from './worst-fit.js';
export { dotProduct } from './dot-product.js';
export { placementStrategies, placementStrategyNames, resolvePlacementStrategy, type PlacementStrategyName } from './registry.js';
