import { constants } from 'node:fs';
import { access, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { CliCommand, CliIo } from '../io.js';
import { UsageError } from '../io.js';
import { count, duration, thousands, wrap } from '../../simulate/format.js';
import { renderReport } from '../../simulate/report/html.js';
import { isFairpackError } from '../../index.js';
import { type SimulationResults, jsonDocument } from '../../simulate/results.js';
import type { ScenarioDescription } from '../../simulate/scenario.js';
import { simulate } from '../../simulate/simulate.js';
import { loadInputs } from './inputs.js';
import { HELP, parseSimulateArgs } from './options.js';
import { ProgressBar } from './progress.js';
import { MAX_WIDTH, formatResults } from './table.js';

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

    const progress = new ProgressBar(io.stderr, options.progress && io.stderr.isTTY === true, () => performance.now());
    let simulation: SimulationResults;
    try {
      simulation = await simulate({
        ...simulateOptions,
        wallClock: () => performance.now(),
        onProgress: ({ label, run, runs, fraction }) => progress.update(label, run, runs, fraction),
      });
    } catch (error) {
      // the flags were checked one by one; what only the combination refuses is still a usage error
      if (isFairpackError(error) && error.code === 'INVALID_OPTION') throw new UsageError(error.message);
      throw error;
    }
    progress.done();
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
