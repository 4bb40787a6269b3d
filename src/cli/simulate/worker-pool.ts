import { Worker } from 'node:worker_threads';
import { FairpackError, type FairpackErrorCode } from '../../errors.js';
import type { SimulationRunner } from '../../simulate/parallel-runs.js';
import type { RunOutput, SimulationTask } from '../../simulate/runs.js';
import type { WorkerEntry } from './worker-entry.js';
import type { FailedRun, RunRequest, WorkerData, WorkerReply } from './worker-messages.js';

/**
 * `simulate()`'s runner for `--workers`: up to `concurrency` worker threads, started as runs need
 * them and each given one run at a time. A run fails when its worker reports an error, throws, or
 * exits; `terminate()` stops every worker (on the first failure, on Ctrl-C, and at the end).
 */
export class WorkerPool implements SimulationRunner {
  private readonly idle: Worker[] = [];
  private readonly workers = new Set<Worker>();
  private terminated = false;

  constructor(
    private readonly entry: WorkerEntry,
    private readonly data: WorkerData,
    readonly concurrency: number,
  ) {}

  /** Runs under way now (workers busy). */
  get busy(): number {
    return this.workers.size - this.idle.length;
  }

  run(task: SimulationTask, onFraction: (fraction: number) => void): Promise<RunOutput> {
    if (this.terminated) return Promise.reject(new Error(`fairpack simulate: run ${task.run} (${task.label}) was not started: the workers were stopped.`));
    const worker = this.idle.pop() ?? this.start();
    return new Promise<RunOutput>((resolve, reject) => {
      const settle = (): void => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      const onMessage = (reply: WorkerReply): void => {
        if (reply.run !== task.run) return;
        if (reply.kind === 'progress') {
          onFraction(reply.fraction);
          return;
        }
        settle();
        this.idle.push(worker);
        if (reply.kind === 'done') resolve(reply.output);
        else reject(rebuilt(reply.error, task));
      };
      const onError = (error: Error): void => {
        settle();
        reject(new Error(`a simulate worker failed during run ${task.run} of ${task.runs} (${task.label}): ${error.message}`, { cause: error }));
      };
      const onExit = (code: number): void => {
        settle();
        reject(new Error(`a simulate worker stopped (exit code ${code}) during run ${task.run} of ${task.runs} (${task.label})${this.terminated ? ': the workers were stopped' : ''}.`));
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.postMessage({ task } satisfies RunRequest);
    });
  }

  /** Stops every worker, busy or not; runs under way reject. */
  async terminate(): Promise<void> {
    this.terminated = true;
    const workers = [...this.workers];
    this.workers.clear();
    this.idle.length = 0;
    await Promise.all(workers.map((worker) => worker.terminate()));
  }

  private start(): Worker {
    const worker = this.entry.bootstrap === undefined ? new Worker(this.entry.url, { workerData: this.data }) : new Worker(this.entry.bootstrap, { eval: true, workerData: this.data });
    this.workers.add(worker);
    // a run under way hears of an error through its own listener; an idle worker's must not crash the command
    worker.on('error', () => undefined);
    worker.once('exit', () => {
      this.workers.delete(worker);
      const index = this.idle.indexOf(worker);
      if (index >= 0) this.idle.splice(index, 1);
    });
    return worker;
  }
}

/** The worker's error on this thread: a FairpackError keeps its code (INVALID_OPTION becomes a usage error). */
function rebuilt(error: FailedRun, task: SimulationTask): Error {
  if (error.code !== undefined) return new FairpackError(error.code as FairpackErrorCode, error.message, { method: 'simulate', run: task.run });
  const rebuiltError = new Error(`run ${task.run} of ${task.runs} (${task.label}) failed in its worker: ${error.message}`);
  if (error.stack !== undefined) rebuiltError.stack = `${rebuiltError.message}\n--- in the worker:\n${error.stack}`;
  return rebuiltError;
}
