/**
 * Autoscaling in the simulator (docs/simulate.md#autoscaling): who adds and removes nodes while a
 * run goes on. Both scalers look at the cluster at the same moments and pay the same provisioning
 * delay, so that what differs between them is only how they decide.
 */
export type AutoscaleMode = 'fairpack' | 'threshold' | 'off';

export const autoscaleModes: readonly AutoscaleMode[] = ['fairpack', 'threshold', 'off'];

/** How often a scaler looks at the cluster (a cluster-autoscaler-like scan interval). */
export const EVALUATE_EVERY_MS = 60_000;

/**
 * The threshold scaler's cooldown after any action, and the fairpack scaler's `cooldownMs` (no
 * removal while a node added less than this long ago is in the cluster): 5 minutes, the seed's.
 */
export const COOLDOWN_MS = 300_000;

/** The threshold scaler adds a node above this share of the busiest dimension (or when the queue grows)… */
export const SCALE_UP_ABOVE = 0.9;
/** …and removes an empty one below this share, when nothing waits. */
export const SCALE_DOWN_BELOW = 0.5;

/** The fairpack scaler removes a node it added once nothing has run there for this long. */
export const IDLE_FOR_MS = 300_000;

/** Most nodes the autoscaler may have added and not yet removed at once: a bound on the books. */
export const MAX_ADDED_NODES = 10_000;
