export { type FairnessPolicy, type TenantCandidate } from './policy.js';
export { fifo } from './fifo.js';
export { priority } from './priority.js';
export { roundRobin } from './round-robin.js';
export { drf } from './drf.js';
export { fairnessPolicies, fairnessPolicyNames, resolveFairnessPolicy, type FairnessPolicyName } from './registry.js';
