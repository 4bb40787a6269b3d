import { FairpackError } from '../errors.js';
import type { SimulateOptions } from './options.js';
import type { SimulationTask } from './runs.js';

/**
 * Where a simulation may pause or stop: between steps, `onProgress` is told (a page may repaint
 * while the promise it returns is pending) and an aborted `signal` ends the run.
 */

/** Throws `SIMULATION_ABORTED` (its cause: the signal's reason) once the options' `signal` has aborted. */
export function stopIfAborted(options: Pick<SimulateOptions, 'signal'>): void {
  const signal = options.signal;
  if (signal?.aborted !== true) return;
  throw new FairpackError('SIMULATION_ABORTED', 'The simulation was aborted by its `signal` before it finished; nothing was returned. Run it again to get results.', { method: 'simulate' }, { cause: signal.reason });
}

/** Tells `onProgress` where `task` is (waiting for the promise it returns), stopping first and after if the signal aborted. */
export async function reportProgress(options: Pick<SimulateOptions, 'signal' | 'onProgress'>, task: SimulationTask, fraction: number): Promise<void> {
  stopIfAborted(options);
  const pending = options.onProgress?.({ run: task.run, runs: task.runs, label: task.label, fraction });
  if (pending !== undefined) await pending;
  stopIfAborted(options);
}
