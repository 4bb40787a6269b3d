import { FairpackError, describeValue } from '../errors.js';
import type { SimulateOptions } from './options.js';
import type { RunOutput, SimulationTask } from './runs.js';
import { reportProgress, stopIfAborted } from './progress-points.js';

/** More runs at once than any machine has cores for: a bound on what a caller controls. */
export const MAX_CONCURRENCY = 64;

/**
 * Computes the runs of `simulate()` elsewhere — on workers, say — a few at once. Each `run` must
 * give what `simulationRuns(options).run(task)` gives for the same options (the CLI's workers call
 * exactly that), so the results are those of a simulation on one thread.
 */
export interface SimulationRunner {
  /** Runs under way at once, 1–64 (e.g. the number of cores). */
  readonly concurrency: number;
  /**
   * Computes one run. `onFraction` may be called with the share done, 0–1, as it goes (it reaches
   * `onProgress`). A rejection stops the simulation: `simulate()` rejects with it at once and
   * starts no other run; stopping the runs still under way is the runner's (terminate its workers).
   */
  run(task: SimulationTask, onFraction: (fraction: number) => void): Promise<RunOutput>;
}

/** The `runner` option checked: a `run` function and a whole `concurrency` from 1 to 64. */
export function checkedRunner(runner: unknown): SimulationRunner | undefined {
  if (runner === undefined) return undefined;
  const given = runner as Partial<SimulationRunner> | null;
  if (typeof given !== 'object' || given === null || typeof given.run !== 'function') {
    throw new FairpackError('INVALID_OPTION', `Expected \`runner\` of simulate() to be { concurrency, run(task, onFraction) }, got ${describeValue(runner)}. Pass a runner or leave it out to run on this thread.`, { method: 'simulate', option: 'runner' });
  }
  const concurrency = given.concurrency;
  if (typeof concurrency !== 'number' || !Number.isSafeInteger(concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
    throw new FairpackError('INVALID_OPTION', `Expected \`runner.concurrency\` of simulate() to be a whole number from 1 to ${MAX_CONCURRENCY}, got ${describeValue(concurrency)}. Pass the number of runs to have under way at once.`, { method: 'simulate', option: 'runner' });
  }
  return given as SimulationRunner;
}

/**
 * Hands the tasks to the runner, `concurrency` at once, in the order of `order` (positions in
 * `tasks`; by default their own order), and returns the outputs in the tasks' order whatever order
 * they start and finish in. `onProgress` hears of each run at its start (0), as
 * the runner reports, and at its end (1); a promise it returns at a start or an end is waited for.
 * The first failure — a run's, `onProgress`'s, or the `signal` aborting — rejects at once.
 */
export async function runInParallel(tasks: readonly SimulationTask[], runner: SimulationRunner, options: SimulateOptions, order: readonly number[] = tasks.map((_, position) => position)): Promise<RunOutput[]> {
  const outputs: RunOutput[] = new Array<RunOutput>(tasks.length);
  let failed = false;
  let stop: (error: unknown) => void = () => undefined;
  const stopped = new Promise<never>((_, reject) => {
    stop = reject;
  });
  // its rejection is read by the race below; this only keeps it from counting as unhandled
  stopped.catch(() => undefined);
  const fail = (error: unknown): void => {
    failed = true;
    stop(error);
  };
  // reports from a run under way are not waited for: the run goes on elsewhere
  const midRun = (task: SimulationTask) => (fraction: number): void => {
    if (failed) return;
    try {
      stopIfAborted(options);
      const pending = options.onProgress?.({ run: task.run, runs: task.runs, label: task.label, fraction });
      if (pending !== undefined) pending.then(undefined, fail);
    } catch (error) {
      fail(error);
    }
  };
  let next = 0;
  const lane = async (): Promise<void> => {
    while (!failed && next < order.length) {
      const index = order[next++] as number;
      const task = tasks[index] as SimulationTask;
      await reportProgress(options, task, 0);
      outputs[index] = await Promise.race([runner.run(task, midRun(task)), stopped]);
      await reportProgress(options, task, 1);
    }
  };
  const onAbort = (): void => {
    try {
      stopIfAborted(options);
    } catch (error) {
      fail(error);
    }
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const lanes = Array.from({ length: Math.min(runner.concurrency, tasks.length) }, () => lane().catch(fail));
    await Promise.race([Promise.all(lanes), stopped]);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  return outputs;
}
