import { Random } from './random.js';
import type { Scenario, SimJob } from './scenario.js';

/**
 * How wrong the runtime estimates the manager is told are (docs/simulate.md#imperfect-runtime-estimates):
 * a job that runs `durationMs` is submitted with
 *
 *   estimatedRuntimeMs = round(durationMs × factor × exp(sigma × Z)),  Z ~ N(0, 1) per job, at least 1 ms,
 *
 * Z drawn from the run's seed (its own stream, so the workload and failures stay as they were).
 * `factor` is a systematic bias (Slurm users ask for 2–5× the runtime: factor 3), `sigma` the
 * spread around it (0.5: half the estimates within ×0.71–×1.40 of `factor` × the runtime;
 * 1: within ×0.51–×1.96). Estimates below the runtime are jobs that run past their estimate.
 */
export interface EstimateError {
  /** The spread: σ of the log-normal error, 0–3. @default 0 */
  readonly sigma?: number;
  /** The systematic factor, > 0 and at most 100: 3 tells the manager three times each runtime. @default 1 */
  readonly factor?: number;
}

/** The checked model, both parts filled in. */
export interface EstimateErrorModel {
  readonly sigma: number;
  readonly factor: number;
}

export const ESTIMATE_ERROR_LIMITS = Object.freeze({ sigma: 3, factor: 100 });

/** The estimate the manager is told for a job of `durationMs`, given the job's draw `z` ~ N(0, 1). */
export function estimateOf(durationMs: number, model: EstimateErrorModel, z: number): number {
  const estimate = Math.round(durationMs * model.factor * Math.exp(model.sigma * z));
  // a job is never announced as instant, and an extreme draw stays a safe integer
  return Math.min(Number.MAX_SAFE_INTEGER, Math.max(1, estimate));
}

/**
 * The scenario with every job's `estimatedRuntimeMs` drawn from the model. A job that brings its
 * own estimate (a trace's `estimate_s`) keeps it; it still takes its draw, so that each job's
 * error depends only on its place in the submission order.
 */
export function withEstimateError(scenario: Scenario, model: EstimateErrorModel, seed: number): Scenario {
  return {
    ...scenario,
    description: { ...scenario.description, estimateError: { sigma: model.sigma, factor: model.factor } },
    jobs: () => {
      const jobs = scenario.jobs();
      const random = new Random(seed, 'estimates');
      return {
        next: (): IteratorResult<SimJob> => {
          const step = jobs.next();
          if (step.done === true) return step;
          const z = model.sigma === 0 ? 0 : random.normal();
          const job = step.value;
          return { done: false, value: job.estimatedRuntimeMs !== undefined ? job : { ...job, estimatedRuntimeMs: estimateOf(job.durationMs, model, z) } };
        },
      };
    },
  };
}
