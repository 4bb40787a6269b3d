/**
 * fairpack/testing — fast-check arbitraries, invariant checks and contract suites, for fairpack's
 * own tests and for yours (custom strategies, code built on a pool). Requires fast-check 4.
 */
export {
  resourcesArbitrary,
  nodeSpecArbitrary,
  nodesArbitrary,
  requestArbitrary,
  badResourcesArbitrary,
  poolOperationsArbitrary,
  type ResourcesArbitraryOptions,
  type NodesArbitraryOptions,
  type RequestArbitraryOptions,
  type OperationsArbitraryOptions,
  type PoolOperation,
} from './arbitraries.js';
export { checkInvariants, checkReleaseAllRestoresCapacity, poolSnapshot, InvariantViolation } from './check-invariants.js';
export { checkPreemptionSettled } from './check-preemption-settled.js';
export { applyPoolOperation, type OperationOutcome } from './operations.js';
export { referencePlacement } from './reference-placement.js';
export { placementStrategyContract, type ContractCheck, type ContractOptions } from './placement-contract.js';
export { fairnessPolicyContract } from './fairness-contract.js';
