import { FairpackError } from '../errors.js';
import type { SimulateOptions } from './options.js';

/** Throws `SIMULATION_ABORTED` (its cause: the signal's reason) once the options' `signal` has aborted. */
export function stopIfAborted(options: Pick<SimulateOptions, 'signal'>): void {
  const signal = options.signal;
  if (signal?.aborted !== true) return;
  throw new FairpackError('SIMULATION_ABORTED', 'The simulation was aborted by its `signal` before it finished; nothing was returned. Run it again to get results.', { method: 'simulate' }, { cause: signal.reason });
}
