import { describe, expect, it } from 'vitest';
import { type SimulationProgress, jsonDocument, parseTrace, renderReport, simulate, syntheticCluster } from 'fairpack/simulate';
import { refusedOption } from './support.js';

const SMALL = { workload: { jobs: 300 }, nodes: 8, strategies: ['best-fit', 'worst-fit'], policies: ['fifo', 'drf'] } as const;

const withoutTiming = (doc: ReturnType<typeof jsonDocument>): unknown => ({ ...doc, results: doc.results.map(({ timing: _timing, ...rest }) => rest) });

describe('simulate() of fairpack/simulate', () => {
  it('runs every combination, strategy × policy, preemption outermost, and is deterministic', async () => {
    const a = await simulate({ ...SMALL, preemption: 'both' });
    // 2 strategies × 2 policies × 2 preemption settings = 8 runs
    expect(a.results.map((r) => r.label)).toEqual([
      'best-fit · fifo', 'best-fit · drf', 'worst-fit · fifo', 'worst-fit · drf',
      'best-fit · fifo · no preemption', 'best-fit · drf · no preemption', 'worst-fit · fifo · no preemption', 'worst-fit · drf · no preemption',
    ]);
    expect(a.series).toHaveLength(8);
    expect(a.results.every((r) => r.jobs.completed === 300)).toBe(true);
    // without a wall clock the core reads none: the timing figures are 0
    expect(a.results.every((r) => r.timing.wallMs === 0 && r.timing.decisionsPerSecond === 0)).toBe(true);
    const b = await simulate({ ...SMALL, preemption: 'both' });
    expect(JSON.stringify(jsonDocument(b))).toBe(JSON.stringify(jsonDocument(a)));
    expect(b.series).toEqual(a.series);
    const other = await simulate({ ...SMALL, preemption: 'both', seed: 2 });
    expect(withoutTiming(jsonDocument(other))).not.toEqual(withoutTiming(jsonDocument(a)));
  });

  it('reports progress per run, waits for a promise onProgress returns, and stops on its signal', async () => {
    const seen: SimulationProgress[] = [];
    let paused = 0;
    await simulate({ ...SMALL, onProgress: (p) => { seen.push(p); return Promise.resolve().then(() => void paused++); } });
    expect(seen.filter((p) => p.fraction === 0).map((p) => [p.run, p.runs, p.label])).toEqual([
      [1, 4, 'best-fit · fifo'], [2, 4, 'best-fit · drf'], [3, 4, 'worst-fit · fifo'], [4, 4, 'worst-fit · drf'],
    ]);
    expect(paused).toBe(seen.length);

    const controller = new AbortController();
    const stopped = simulate({ ...SMALL, signal: controller.signal, onProgress: (p) => { if (p.run === 2) controller.abort(new Error('enough')); } });
    await expect(stopped).rejects.toMatchObject({ code: 'SIMULATION_ABORTED', cause: new Error('enough') });
  });

  it('replays trace rows (parseTrace reads the CSV) and warns about jobs that fit no node', async () => {
    const parsed = parseTrace('submit_time_s,tenant,priority,cpu,memory,gpu,duration_s\n0,web,,2,4,0,60\n30,batch,low,8,8,0,120\n10,web,high,100,1,0,5\n');
    if (!parsed.ok) throw new Error('the trace should parse');
    const run = await simulate({ trace: parsed.jobs, traceName: 'tiny.csv', nodes: [{ id: 'n1', capacity: { cpu: 8, memory: 16 } }], strategies: ['first-fit'], policies: ['fifo'] });
    expect(run.scenario).toMatchObject({ workload: 'trace', trace: 'tiny.csv', jobs: 3, nodes: 1 });
    // the 100-cpu job (line 4) fits nowhere: rejected; the other two run one after the other
    expect(run.results[0]?.jobs).toEqual({ submitted: 3, completed: 2, rejected: 1, unfinished: 0 });
    expect(run.warnings).toEqual([expect.stringMatching(/^1 job of the trace fit no node even when it is empty \(line 4\)/)]);
    // rows built by hand, in any order, are sorted by submission time
    const byHand = await simulate({ trace: [{ submitAt: 5000, tenant: 'b', priority: 'default', resources: { cpu: 1 }, durationMs: 1000 }, { submitAt: 0, tenant: 'a', priority: 'default', resources: { cpu: 1 }, durationMs: 1000 }], nodes: 1, strategies: ['first-fit'], policies: ['fifo'] });
    expect(byHand.results[0]?.makespanS).toBe(6);
  });

  it('refuses bad options before running anything, saying what was expected', async () => {
    expect(await refusedOption({ strategies: ['nope' as 'best-fit'] })).toMatch(/Expected `strategies` of simulate\(\) to be a non-empty list of first-fit, best-fit/);
    expect(await refusedOption({ workload: { jobs: 0 } })).toMatch(/`workload.jobs` .* a whole number from 1 to 100000000, got 0 \(number\)/);
    expect(await refusedOption({ nodes: 2.5 })).toMatch(/`nodes`/);
    expect(await refusedOption({ seeds: 0 })).toMatch(/`seeds` of simulate\(\) to be a whole number from 1 to 20/);
    expect(await refusedOption({ objective: 'speed' as 'wait' })).toMatch(/`objective` .* one of balanced, wait, p95, makespan, fairness, cost/);
    expect(await refusedOption({ colour: 'blue' } as never)).toMatch(/option `colour`/);
    expect(await refusedOption({ trace: [{ submitAt: -1, tenant: 'a', priority: 'default', resources: { cpu: 1 }, durationMs: 1 }] })).toMatch(/row 0: submitAt: expected a time >= 0/);
    expect(await refusedOption({ nodes: 3, spot: { interruptionsPerHour: 2 } })).toMatch(/Expected spot nodes for `spot.interruptionsPerHour`/);
  });

  it('refuses a setting group that is not an object or has a misspelt key, and hooks that are not functions or a signal', async () => {
    // `spot: 0.3` (the CLI's --spot 0.3) and the typos below used to run without a word, as if left out
    expect(await refusedOption({ spot: 0.3 as never })).toMatch(/`spot` of simulate\(\) to be an object \{ fraction\?, interruptionsPerHour\?, noticeS\? \}, got 0.3 \(number\)/);
    expect(await refusedOption({ spot: { fraction: 0.3, interuptionsPerHour: 5 } as never })).toMatch(/`spot.interuptionsPerHour` of simulate\(\) to be left out .* Remove it or check its spelling/);
    expect(await refusedOption({ workload: { job: 100 } as never })).toMatch(/`workload.job` of simulate\(\) to be left out \(an object \{ jobs\?, load\? \}\)/);
    expect(await refusedOption({ workload: 100 as never })).toMatch(/`workload` of simulate\(\) to be an object \{ jobs\?, load\? \}, got 100/);
    // these failed mid-run with a TypeError, or (the signal) never stopped it
    expect(await refusedOption({ ...SMALL, onProgress: 'yes' as never })).toMatch(/`onProgress` of simulate\(\) to be a function, got "yes"/);
    expect(await refusedOption({ ...SMALL, wallClock: 0 as never })).toMatch(/`wallClock` of simulate\(\) to be a function/);
    expect(await refusedOption({ ...SMALL, signal: { stop: true } as never })).toMatch(/`signal` of simulate\(\) to be an AbortSignal, got an object/);
    // an AbortController's signal is one
    expect((await simulate({ ...SMALL, signal: new AbortController().signal })).results.length).toBeGreaterThan(0);
  });

  it('the helpers refuse what they cannot use with a FairpackError, where a TypeError (or nothing) came before', async () => {
    const results = await simulate(SMALL);
    const code = (call: () => unknown): string => {
      try {
        call();
      } catch (error) {
        return `${(error as { code?: string }).code}: ${(error as Error).message}`;
      }
      return 'accepted';
    };
    expect(code(() => renderReport({} as never))).toMatch(/^INVALID_OPTION: Expected `results` of renderReport\(\) to be what simulate\(\) returns/);
    // the --json document has no series to chart
    expect(code(() => renderReport(jsonDocument(results) as never))).toMatch(/^INVALID_OPTION: .*\{ scenario, results, series, … \}/);
    expect(code(() => renderReport(results, 5 as never))).toMatch(/^INVALID_OPTION: Expected the options of renderReport\(\) to be an object \{ command\?: string \}/);
    expect(code(() => renderReport(results, { comand: 'x' } as never))).toMatch(/^INVALID_OPTION: Expected option `comand` .* Remove it or check its spelling/);
    expect(code(() => renderReport(results, { command: 5 } as never))).toMatch(/^INVALID_OPTION: Expected `command` of renderReport\(\) to be a string/);
    expect(code(() => jsonDocument({} as never))).toMatch(/^INVALID_OPTION: Expected `results` of jsonDocument\(\)/);
    expect(code(() => parseTrace(5 as never))).toMatch(/^INVALID_OPTION: Expected `text` of parseTrace\(\) to be a string/);
    expect(code(() => syntheticCluster(0))).toMatch(/^INVALID_OPTION: Expected `count` of syntheticCluster\(\) to be a whole number from 1 to 1000000, got 0/);
    expect(code(() => syntheticCluster(2.5))).toMatch(/got 2.5/);
    expect(syntheticCluster(10)).toHaveLength(10);
  });

  it('renders the report from the results alone', async () => {
    const html = renderReport(await simulate(SMALL));
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toContain('<dt>Command</dt>');
    expect(renderReport(await simulate(SMALL), { command: 'node compare.js' })).toContain('<code>node compare.js</code>');
  });
});
