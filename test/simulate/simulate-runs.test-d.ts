import { describe, expectTypeOf, it } from 'vitest';
import {
  type RunHooks,
  type RunOutput,
  type RunResult,
  type RunSeries,
  type ScenarioDescription,
  type ScenarioSummary,
  type SimulateOptions,
  type SimulationResults,
  type SimulationRunner,
  type SimulationRuns,
  type SimulationTask,
  simulate,
  simulationRuns,
} from 'fairpack/simulate';

describe('fairpack/simulate: runs computed apart', () => {
  it('simulationRuns lists the tasks and computes one synchronously, as plain data', () => {
    const runs = simulationRuns({ workload: { jobs: 10 } });
    expectTypeOf(runs).toEqualTypeOf<SimulationRuns>();
    expectTypeOf(runs.tasks).toEqualTypeOf<readonly SimulationTask[]>();
    expectTypeOf(runs.run).parameters.toEqualTypeOf<[Pick<SimulationTask, 'seedIndex' | 'combination'>, RunHooks?]>();
    expectTypeOf(runs.run({ seedIndex: 0, combination: 0 })).toEqualTypeOf<RunOutput>();
    expectTypeOf<RunOutput['result']>().toEqualTypeOf<RunResult>();
    expectTypeOf<RunOutput['series']>().toEqualTypeOf<RunSeries>();
    expectTypeOf<RunOutput['scenario']>().toEqualTypeOf<ScenarioSummary>();
    expectTypeOf<ScenarioSummary['description']>().toEqualTypeOf<ScenarioDescription>();
    expectTypeOf<SimulationTask>().toEqualTypeOf<{ readonly run: number; readonly runs: number; readonly seedIndex: number; readonly combination: number; readonly label: string }>();
    expectTypeOf<RunHooks>().toEqualTypeOf<{ readonly wallClock?: () => number; readonly onFraction?: (fraction: number) => void }>();
  });

  it('simulate() takes a runner: a concurrency and an async run of a task', () => {
    const runner: SimulationRunner = { concurrency: 2, run: async (task, onFraction) => {
      expectTypeOf(task).toEqualTypeOf<SimulationTask>();
      onFraction(0.5);
      return simulationRuns({}).run(task);
    } };
    expectTypeOf<SimulateOptions['runner']>().toEqualTypeOf<SimulationRunner | undefined>();
    expectTypeOf(simulate({ runner })).toEqualTypeOf<Promise<SimulationResults>>();
    // @ts-expect-error a runner's run returns a promise
    const sync: SimulationRunner = { concurrency: 1, run: (task) => simulationRuns({}).run(task) };
    void sync;
  });
});
