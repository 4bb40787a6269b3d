import type { Allocation } from '../pool/index.js';
import type { Resources } from '../resources/index.js';
import type { JobView, ManagerReleaseResult, SubmitResult } from './types.js';

/**
 * The frozen answers of a submit that started its job and of `release`, built here and nowhere
 * else so that one instance of each shape lives as long as the module — for the reason the pool's
 * results do (src/pool/result-shapes.ts): V8 holds such a hidden class only weakly, a caller that
 * keeps the allocation but drops the answer leaves no object of it, and a full collection then
 * frees it and throws away the optimized code of every caller that checked `status` against it
 * (the manager bench's loop was compiled again after each collection: "weak objects" in
 * `--trace-deopt`).
 */
export function startedResult(jobId: string, allocation: Allocation): SubmitResult {
  return Object.freeze({ status: 'allocated', jobId, allocation });
}

export function releasedResult(job: JobView, allocation: Allocation, freed: Resources): ManagerReleaseResult {
  return Object.freeze({ job, allocation, freed });
}

const PLACEHOLDER = Object.freeze({});

/** One answer of each shape, never dropped, so that their maps stay alive (see `startedResult`). */
export const KEPT_RESULT_SHAPES: readonly unknown[] = Object.freeze([
  startedResult('', PLACEHOLDER as Allocation),
  releasedResult(PLACEHOLDER as JobView, PLACEHOLDER as Allocation, PLACEHOLDER as Resources),
]);
