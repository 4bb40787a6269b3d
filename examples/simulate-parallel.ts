/**
 * fairpack/simulate's runs on worker threads, as `fairpack simulate --workers` does it — the
 * companion of docs/simulate.md ("Parallel runs"). Run it with `npx tsx examples/simulate-parallel.ts`.
 *
 * This one file is both the main thread and the workers. Each worker computes the runs it is sent
 * with `simulationRuns(options).run(task)`; the main thread gives `simulate()` a runner that hands
 * the runs out, two at once, and assembles them in their order: the results are those of the
 * simulation on one thread, figure for figure.
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { type RunOutput, type SimulateOptions, type SimulationRunner, type SimulationTask, jsonDocument, simulate, simulationRuns } from 'fairpack/simulate';

const options: SimulateOptions = { workload: { jobs: 2000 }, nodes: 20, strategies: ['best-fit', 'worst-fit'], policies: ['fifo', 'drf'] };

if (!isMainThread) {
  // a worker: the same options, so the same runs
  const runs = simulationRuns(workerData as SimulateOptions);
  parentPort?.on('message', (task: SimulationTask) => parentPort?.postMessage(runs.run(task)));
} else {
  const workers = [startWorker(), startWorker()];
  const idle = [...workers];
  const runner: SimulationRunner = {
    concurrency: workers.length,
    run: (task) =>
      new Promise<RunOutput>((resolve, reject) => {
        // simulate() never has more than `concurrency` runs under way: a worker is free
        const worker = idle.pop() as Worker;
        worker.once('error', reject);
        worker.once('message', (output: RunOutput) => {
          worker.off('error', reject);
          idle.push(worker);
          resolve(output);
        });
        worker.postMessage(task);
      }),
  };
  try {
    const parallel = await simulate({
      ...options,
      runner,
      // with a runner, onProgress also hears of each run's end (fraction 1); the runs may end out of order
      onProgress: ({ run, runs, label, fraction }) => {
        if (fraction === 1) console.log(`run ${run}/${runs} done: ${label}`);
      },
    });
    console.log(parallel.recommendation?.summary);
    const alone = await simulate(options);
    // no wall clock was given: the timing figures are 0 in both, and the documents equal to the byte
    console.log(`the same as on one thread: ${JSON.stringify(jsonDocument(parallel)) === JSON.stringify(jsonDocument(alone))}`);
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}

/**
 * A worker running this file. Compiled to JavaScript, that is `new Worker(new URL(import.meta.url),
 * { workerData: options })`; run as TypeScript through tsx on Node 20, tsx must load it (its
 * `--import` does not reach a worker's entry), hence the small script.
 */
function startWorker(): Worker {
  const here = JSON.stringify(import.meta.url);
  return new Worker(`import('tsx/esm/api').then(({ tsImport }) => tsImport(${here}, ${here}))`, { eval: true, workerData: options });
}
