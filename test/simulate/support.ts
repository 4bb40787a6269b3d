import { isFairpackError } from 'fairpack';
import { simulate } from 'fairpack/simulate';
import type { NodeSpec } from '../../src/index.js';
import type { RunResult, SimulationRun } from '../../src/simulate/results.js';
import type { Scenario } from '../../src/simulate/scenario.js';
import { type TraceJob, traceScenario } from '../../src/simulate/trace.js';

/*
 * What the simulator's tests (test/simulate/, test/cli/simulate-*) set up alike: scenarios worked
 * out by hand, runs compared without their wall-clock timing, and the refusals of `simulate()`.
 */

/** One job of a hand-made scenario, its times in seconds; tenant `a` and the default class unless given. */
export interface HandJob {
  readonly at: number;
  readonly tenant?: string;
  readonly priority?: string;
  readonly cpu: number;
  readonly memory?: number;
  readonly seconds: number;
  /** Absolute, in seconds, like `at`. */
  readonly deadline?: number;
}

/** A scenario of the given nodes and jobs: a trace, so nothing in it is random. */
export function handScenario(nodes: NodeSpec[], jobs: readonly HandJob[]): Scenario {
  const traceJobs: TraceJob[] = jobs.map((job, i) => ({
    line: i + 2,
    submitAt: job.at * 1000,
    tenant: job.tenant ?? 'a',
    priority: job.priority ?? 'default',
    resources: { cpu: job.cpu, ...(job.memory === undefined ? {} : { memory: job.memory }) },
    durationMs: job.seconds * 1000,
    ...(job.deadline === undefined ? {} : { deadline: job.deadline * 1000 }),
  }));
  return traceScenario({ file: 'hand', jobs: traceJobs, nodes, seed: 1, nodeFailures: 0, repairMs: 1000 });
}

/** A run without its timing (the wall clock's, different each time): what must repeat exactly. */
export function withoutTiming(run: SimulationRun): { result: Omit<RunResult, 'timing'>; series: SimulationRun['series'] } {
  const { timing: _timing, ...result } = run.result;
  return { result, series: run.series };
}

/** The message of the INVALID_OPTION `simulate()` refuses `options` with; fails the test on anything else. */
export async function refusedOption(options: Parameters<typeof simulate>[0]): Promise<string> {
  try {
    await simulate(options);
  } catch (error) {
    if (isFairpackError(error) && error.code === 'INVALID_OPTION') return error.message;
    throw error;
  }
  throw new Error('expected simulate() to refuse with INVALID_OPTION');
}
