import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { isFairpackError } from '../../errors.js';
import { simulationRuns } from '../../simulate/runs.js';
import type { FailedRun, RunRequest, WorkerData, WorkerReply } from './worker-messages.js';

/**
 * A `fairpack simulate --workers` worker (built as dist/simulate-worker.js): computes the runs
 * the main thread sends it, one at a time, with the same options — so exactly what the main thread
 * would have computed — and posts back each run's output. Progress at most every 100 ms.
 */
const PROGRESS_EVERY_MS = 100;

const port = parentPort;
if (port === null) throw new Error('src/cli/simulate/worker.ts is a worker thread of `fairpack simulate --workers`; it cannot run on its own.');
// the options are checked by the main thread first; the same check here cannot fail
const runs = simulationRuns((workerData as WorkerData).options);

port.on('message', ({ task }: RunRequest) => {
  const post = (reply: WorkerReply): void => port.postMessage(reply);
  let lastReport = -Infinity;
  try {
    const output = runs.run(task, {
      wallClock: () => performance.now(),
      onFraction: (fraction) => {
        const now = performance.now();
        if (now - lastReport < PROGRESS_EVERY_MS) return;
        lastReport = now;
        post({ kind: 'progress', run: task.run, fraction });
      },
    });
    post({ kind: 'done', run: task.run, output });
  } catch (error) {
    post({ kind: 'failed', run: task.run, error: failure(error) });
  }
});

function failure(error: unknown): FailedRun {
  if (!(error instanceof Error)) return { message: String(error) };
  return { message: error.message, ...(error.stack === undefined ? {} : { stack: error.stack }), ...(isFairpackError(error) ? { code: error.code } : {}) };
}
