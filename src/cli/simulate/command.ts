import { constants } from 'node:fs';
import { access, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { CliCommand, CliIo } from '../io.js';
import { UsageError } from '../io.js';
import { count, duration, thousands, wrap } from '../../simulate/format.js';
import { renderReport } from '../../simulate/report/html.js';
import { isFairpackError } from '../../index.js';
import { type SimulationResults, jsonDocument } from '../../simulate/results.js';
import type { ScenarioDescription } from '../../simulate/scenario.js';
import type { SimulateOptions } from '../../simulate/options.js';
import { MAX_CONCURRENCY } from '../../simulate/parallel-runs.js';
import { simulationRuns } from '../../simulate/runs.js';
import { simulate } from '../../simulate/simulate.js';
import { loadInputs } from './inputs.js';
import { HELP, type SimulateFlags, parseSimulateArgs } from './options.js';
import { ProgressBar } from './progress.js';
import { MAX_WIDTH, formatResults } from './table.js';
import { entryExists, simulateWorkerEntry } from './worker-entry.js';
import { WorkerPool } from './worker-pool.js';

/** `fairpack simulate`: see HELP and docs/simulate.md. */
export const simulateCommand: CliCommand = {
  summary: 'compare placement strategies × fairness policies on a workload (table, JSON, HTML report)',
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const options = parseSimulateArgs(args);
    if (options.help) {
      io.stdout.write(HELP);
      return 0;
    }
    const { options: simulateOptions } = await loadInputs(options);
    // a long run should not end in "cannot write the report": check the directory first
    if (options.report !== undefined) await checkWritable(options.report);

    let simulation: SimulationResults;
    try {
      simulation = await simulateWith(simulateOptions, options, io);
    } catch (error) {
      if (error instanceof Interrupted) {
        io.stderr.write(`fairpack simulate: ${error.message}\n`);
        return 130;
      }
      // the flags were checked one by one; what only the combination refuses is still a usage error
      if (isFairpackError(error) && error.code === 'INVALID_OPTION') throw new UsageError(error.message);
      throw error;
    }
    for (const warning of simulation.warnings) io.stderr.write(`fairpack simulate: warning: ${warning}\n`);

    const report = jsonDocument(simulation);
    const rejected = report.results[0]?.jobs.rejected ?? 0;
    if (options.trace === undefined && rejected > 0) {
      io.stderr.write(`fairpack simulate: warning: ${thousands(rejected)} jobs were rejected: no node of the cluster could ever hold them (or they were past a tenant's quota).\n`);
    }
    if (options.json) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else io.stdout.write(`${describe(report.scenario)}\n\n${formatResults(report)}\n`);

    if (options.report !== undefined) {
      const html = renderReport(simulation, { command: commandLine(args) });
      try {
        await writeFile(options.report, html, 'utf8');
      } catch (error) {
        throw new UsageError(`Could not write --report file "${options.report}": ${(error as Error).message}`);
      }
      // with --json, stdout is for the JSON document only
      (options.json ? io.stderr : io.stdout).write(`${options.json ? 'fairpack simulate: ' : '\n'}Report written to ${options.report}\n`);
    }
    return 0;
  },
};

/** Ctrl-C during a run on workers: exit code 130, as a shell gives a process ended by SIGINT. */
class Interrupted extends Error {}

/**
 * The simulation, on the main thread (`--workers 1`) or with its runs on worker threads, a few at
 * once (the results are assembled in their order: the same output). With workers, Ctrl-C stops
 * them all and ends the command with a message; without, Ctrl-C ends the process as it always did
 * (the main thread is busy and would not hear it before the end).
 */
async function simulateWith(simulateOptions: SimulateOptions, flags: SimulateFlags, io: CliIo): Promise<SimulationResults> {
  const runs = simulationRuns(simulateOptions).tasks.length;
  const workers = flags.workers ?? Math.max(1, Math.min(runs, availableParallelism(), MAX_CONCURRENCY));
  const drawn = flags.progress && io.stderr.isTTY === true;
  const wallClock = (): number => performance.now();
  if (workers === 1 || runs === 1) {
    const progress = new ProgressBar(io.stderr, drawn, wallClock);
    const simulation = await simulate({ ...simulateOptions, wallClock, onProgress: ({ label, run, runs: all, fraction }) => progress.update(label, run, all, fraction) });
    progress.done();
    return simulation;
  }
  const entry = simulateWorkerEntry();
  if (!entryExists(entry)) throw new Error(`the worker of --workers is missing: ${fileURLToPath(entry.url)} (it is built beside cli.js). Rebuild fairpack, or run with --workers 1.`);
  const pool = new WorkerPool(entry, { options: simulateOptions }, Math.min(workers, runs));
  const progress = new ProgressBar(io.stderr, drawn, wallClock, true);
  const interrupted = new AbortController();
  const onInterrupt = (): void => interrupted.abort(new Error('interrupted (SIGINT)'));
  process.once('SIGINT', onInterrupt);
  try {
    return await simulate({ ...simulateOptions, runner: pool, signal: interrupted.signal, onProgress: ({ label, run, runs: all, fraction }) => progress.update(label, run, all, fraction) });
  } catch (error) {
    if (interrupted.signal.aborted) throw new Interrupted(`interrupted (Ctrl-C): the ${count(pool.concurrency, 'worker')} were stopped; nothing was written.`);
    throw error;
  } finally {
    process.off('SIGINT', onInterrupt);
    progress.done();
    await pool.terminate();
  }
}

async function checkWritable(path: string): Promise<void> {
  try {
    await access(dirname(resolve(path)), constants.W_OK);
  } catch (error) {
    throw new UsageError(`Could not write --report file "${path}": ${(error as Error).message}`);
  }
}

/** The line above the tables: what was simulated. */
function describe(s: ScenarioDescription): string {
  const workload = s.workload === 'trace' ? `trace ${s.trace ?? ''}: ${count(s.jobs, 'job')}` : `synthetic workload (seed ${s.seed}): ${count(s.jobs, 'job')} at offered load ${s.load ?? ''}`;
  const cluster = s.nodeShapes
    .map((shape) => `${thousands(shape.count)} × ${Object.entries(shape.capacity).map(([name, amount]) => `${name} ${amount}`).join(' ')}`)
    .join(', ');
  const failures = s.nodeFailures > 0 ? `; ${count(s.nodeFailures, 'node failure')}` : '';
  const spot =
    s.spot === undefined
      ? ''
      : `; ${thousands(s.spot.nodes)} spot, reclaimed ${s.spot.interruptionsPerHour} times per hour${s.spot.interruptionsPerHour > 0 ? ` with ${duration(s.spot.noticeS)} notice, back ${duration(s.spot.returnAfterS)} later` : ''}`;
  const checkpoints = s.checkpointEveryS === undefined ? '' : `; jobs checkpoint every ${duration(s.checkpointEveryS)}`;
  const snapshot = s.snapshot === undefined ? '' : `; from a snapshot: ${count(s.snapshot.jobs, 'live job')} (${thousands(s.snapshot.running)} running) on its ${count(s.snapshot.nodes, 'node')}${s.snapshot.addedNodes > 0 ? ` + ${count(s.snapshot.addedNodes, 'added node')}` : ''}, the arrivals from its clock on`;
  const error = s.estimateError;
  const estimates = error === undefined ? '' : `; runtime estimates = runtime${error.factor === 1 ? '' : ` × ${error.factor}`}${error.sigma > 0 ? ` × exp(${error.sigma}·N(0,1))` : ''}`;
  return wrap(`fairpack simulate — ${workload}, ${count(s.nodes, 'node')} (${cluster})${failures}${spot}${checkpoints}${snapshot}${estimates}.`, MAX_WIDTH);
}

/** The command as typed, quoted where needed, for the report. */
function commandLine(args: readonly string[]): string {
  return ['fairpack', 'simulate', ...args.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`))].join(' ');
}
