import type { SimulateOptions } from '../../simulate/options.js';
import type { RunOutput, SimulationTask } from '../../simulate/runs.js';

/** What a simulate worker is started with: the options of `simulate()`, data only (no callbacks). */
export interface WorkerData {
  readonly options: Omit<SimulateOptions, 'onProgress' | 'signal' | 'wallClock' | 'runner'>;
}

/** The main thread to a worker: compute this run. */
export interface RunRequest {
  readonly task: SimulationTask;
}

/** A worker to the main thread: a run's progress, its output, or why it failed. */
export type WorkerReply =
  | { readonly kind: 'progress'; readonly run: number; readonly fraction: number }
  | { readonly kind: 'done'; readonly run: number; readonly output: RunOutput }
  | { readonly kind: 'failed'; readonly run: number; readonly error: FailedRun };

/** An error, as plain data: a FairpackError keeps its code (the command turns INVALID_OPTION into a usage error). */
export interface FailedRun {
  readonly message: string;
  readonly stack?: string;
  readonly code?: string;
}
