import { describe, expect, it } from 'vitest';
import { type RunOutput, type SimulationProgress, type SimulationRunner, type SimulationTask, jsonDocument, simulate, simulationRuns } from 'fairpack/simulate';
import { refusedOption } from './support.js';

// 2 strategies × 2 policies × preemption on/off = 8 combinations, × 2 seeds = 16 runs
const OPTIONS = { workload: { jobs: 250 }, nodes: 8, strategies: ['best-fit', 'worst-fit'], policies: ['fifo', 'drf'], preemption: 'both', seeds: 2 } as const;

const withoutTiming = (doc: ReturnType<typeof jsonDocument>): unknown => ({ ...doc, results: doc.results.map(({ timing: _timing, ...rest }) => rest) });

/**
 * A runner on this thread that finishes its runs out of order (the later of two at once first),
 * with a structured clone between, as a worker's `postMessage` makes: what the CLI's workers do,
 * without the workers.
 */
function shuffledRunner(concurrency: number, seen: SimulationTask[] = []): SimulationRunner {
  const runs = simulationRuns(OPTIONS);
  let started = 0;
  return {
    concurrency,
    async run(task, onFraction) {
      seen.push(task);
      const output = structuredClone(runs.run(task, { onFraction }));
      // odd runs wait longer: run 2 ends before run 1, run 4 before run 3, …
      const delay = started++ % 2 === 0 ? 5 : 0;
      await new Promise((resolve) => setTimeout(resolve, delay));
      return output;
    },
  };
}

describe('simulate() with a runner (the runs computed apart)', () => {
  it('gives what the one-thread simulation gives, whatever order the runs end in', async () => {
    const alone = await simulate(OPTIONS);
    const seen: SimulationTask[] = [];
    const apart = await simulate({ ...OPTIONS, runner: shuffledRunner(3, seen) });
    // without a wall clock the timing figures are 0 in both: the documents are equal to the byte
    expect(JSON.stringify(jsonDocument(apart))).toBe(JSON.stringify(jsonDocument(alone)));
    expect(apart.series).toEqual(alone.series);
    expect(apart.seeds).toEqual(alone.seeds);
    expect(apart.recommendation).toEqual(alone.recommendation);
    expect(apart.warnings).toEqual(alone.warnings);
    // every run handed out once, seed by seed, the runs expected to take longest first: the
    // combinations are preemption on (0–3) then off (4–7), each best-fit·fifo, best-fit·drf,
    // worst-fit·fifo, worst-fit·drf; worst-fit (118) before best-fit (67), drf (× 1.15) before
    // fifo, ties (on and off) in results order
    const byCost = [3, 7, 2, 6, 1, 5, 0, 4];
    expect(seen.map((task) => [task.seedIndex, task.combination])).toEqual([...byCost.map((c) => [0, c]), ...byCost.map((c) => [1, c])]);
    expect(seen.map((task) => task.run)).toEqual([...byCost.map((c) => c + 1), ...byCost.map((c) => c + 9)]);
    expect(seen[0]).toMatchObject({ runs: 16, label: 'worst-fit · drf' });
  });

  it('simulationRuns lists the runs of simulate() and computes any one of them alone, the same as in a row', () => {
    const runs = simulationRuns(OPTIONS);
    expect(runs.tasks).toHaveLength(16);
    const fresh = simulationRuns(OPTIONS);
    // run 12 (seed index 1, combination 3) computed first on a fresh one: the same as after the others of its seed
    const alone = fresh.run({ seedIndex: 1, combination: 3 });
    for (const task of runs.tasks.slice(0, 11)) runs.run(task);
    expect(runs.run(runs.tasks[11] as SimulationTask)).toEqual(alone);
    expect(alone.result.label).toBe('worst-fit · drf');
    expect(alone.scenario).toMatchObject({ nodes: 8, warnings: [] });
    expect(alone.scenario.description).toMatchObject({ seed: 2, jobs: 250 });
  });

  it('tells onProgress of each run\'s start (0), of what the runner reports, and of its end (1)', async () => {
    const seen: SimulationProgress[] = [];
    await simulate({ ...OPTIONS, seeds: 1, runner: shuffledRunner(2), onProgress: (p) => void seen.push(p) });
    const runsAt = (fraction: number): number[] => seen.filter((p) => p.fraction === fraction).map((p) => p.run).sort((a, b) => a - b);
    expect(runsAt(0)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(runsAt(1)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(seen.every((p) => p.runs === 8 && p.fraction >= 0 && p.fraction <= 1)).toBe(true);
  });

  it('rejects at once with the first failure of a run, and starts no run after it', async () => {
    const runs = simulationRuns(OPTIONS);
    const started: number[] = [];
    const failing: SimulationRunner = {
      concurrency: 2,
      async run(task) {
        started.push(task.run);
        if (task.run === 3) throw new Error('worker 3 crashed');
        // run 4 never ends: the simulation must not wait for it
        if (task.run === 4) return new Promise<RunOutput>(() => undefined);
        return runs.run(task);
      },
    };
    await expect(simulate({ ...OPTIONS, runner: failing })).rejects.toThrow('worker 3 crashed');
    // started longest first (see above): run 4 (never ends) and run 8 at once, then run 3 on the
    // lane run 8 freed, which fails; nothing after it
    expect(started).toEqual([4, 8, 3]);
  });

  it('stops on its signal, even while runs are under way that never end', async () => {
    const controller = new AbortController();
    const stuck: SimulationRunner = {
      concurrency: 2,
      run: () => {
        setTimeout(() => controller.abort(new Error('enough')), 1);
        return new Promise<RunOutput>(() => undefined);
      },
    };
    await expect(simulate({ ...OPTIONS, runner: stuck, signal: controller.signal })).rejects.toMatchObject({ code: 'SIMULATION_ABORTED', cause: new Error('enough') });
  });

  it('refuses a runner without run() or with a concurrency outside 1–64, and a task simulationRuns does not have', async () => {
    const run = (): Promise<RunOutput> => Promise.reject(new Error('not called'));
    expect(await refusedOption({ runner: { concurrency: 0, run } })).toMatch(/`runner.concurrency` of simulate\(\) to be a whole number from 1 to 64, got 0/);
    expect(await refusedOption({ runner: { concurrency: 65, run } })).toMatch(/from 1 to 64, got 65/);
    expect(await refusedOption({ runner: { concurrency: 1.5, run } })).toMatch(/got 1.5/);
    expect(await refusedOption({ runner: { concurrency: 2 } as unknown as SimulationRunner })).toMatch(/`runner` of simulate\(\) to be \{ concurrency, run\(task, onFraction\) \}/);
    const runs = simulationRuns({ ...OPTIONS, seeds: 1 });
    expect(() => runs.run({ seedIndex: 1, combination: 0 })).toThrow(/Expected a task of simulationRuns\(\).tasks, got seed index 1 .* \(1 seed\(s\) × 8 combination\(s\)\)/);
    expect(() => runs.run({ seedIndex: 0, combination: 8 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });

  it('the timing figures aside, a runner changes nothing with a wall clock either', async () => {
    let tick = 0;
    const wallClock = (): number => (tick += 3);
    const alone = await simulate({ ...OPTIONS, seeds: 1, wallClock });
    const apart = await simulate({ ...OPTIONS, seeds: 1, wallClock, runner: shuffledRunner(4) });
    expect(withoutTiming(jsonDocument(apart))).toEqual(withoutTiming(jsonDocument(alone)));
  });
});
