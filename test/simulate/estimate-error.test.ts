import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type RunResult, type TraceRow, jsonDocument, parseTrace, simulate } from 'fairpack/simulate';
import { estimateOf, withEstimateError } from '../../src/simulate/estimate-error.js';
import type { Scenario, SimJob } from '../../src/simulate/scenario.js';
import { refusedOption } from './support.js';

const jobsOf = (scenario: Scenario): SimJob[] => {
  const list: SimJob[] = [];
  const iterator = scenario.jobs();
  for (let step = iterator.next(); step.done !== true; step = iterator.next()) list.push(step.value);
  return list;
};

/** A scenario of `n` jobs of 10 minutes, the first with its own estimate of 1 minute. */
const tenMinuteJobs = (n: number): Scenario => {
  const jobs: SimJob[] = Array.from({ length: n }, (_, i) => ({ submitAt: i, tenant: 't', priority: 'default', resources: { cpu: 1 }, durationMs: 600_000, ...(i === 0 ? { estimatedRuntimeMs: 60_000 } : {}) }));
  return { jobs: () => jobs[Symbol.iterator](), description: { workload: 'trace', seed: 1 } } as unknown as Scenario;
};

describe('imperfect runtime estimates (estimateError)', () => {
  it('estimate = round(runtime × factor × exp(sigma × z)), at least 1 ms (worked example)', () => {
    const model = { sigma: 0.5, factor: 3 };
    // 600,000 × 3 × e^0 = 1,800,000
    expect(estimateOf(600_000, model, 0)).toBe(1_800_000);
    // 600,000 × 3 × e^0.5 = 1,800,000 × 1.648721… = 2,967,698.28… → 2,967,698
    expect(estimateOf(600_000, model, 1)).toBe(2_967_698);
    // σ 1, no bias, z = −2: 600,000 × e^−2 = 600,000 × 0.135335… = 81,201.16… → 81,201 (runs past it)
    expect(estimateOf(600_000, { sigma: 1, factor: 1 }, -2)).toBe(81_201);
    // 1 ms × 0.01 = 0.01 → 0 → never announced as instant: 1
    expect(estimateOf(1, { sigma: 0, factor: 0.01 }, 0)).toBe(1);
  });

  it('draws one seeded error per job, keeps a job\'s own estimate, and says so in the description', () => {
    const model = { sigma: 1, factor: 1 };
    const jobs = jobsOf(withEstimateError(tenMinuteJobs(2_000), model, 7));
    // the same seed, the same estimates; the job with its own estimate keeps it
    expect(jobsOf(withEstimateError(tenMinuteJobs(2_000), model, 7))).toEqual(jobs);
    expect(jobsOf(withEstimateError(tenMinuteJobs(2_000), model, 8))).not.toEqual(jobs);
    expect(jobs[0]?.estimatedRuntimeMs).toBe(60_000);
    expect(withEstimateError(tenMinuteJobs(1), model, 7).description.estimateError).toEqual({ sigma: 1, factor: 1 });
    // ln(estimate / runtime) is N(0, 1) here: over 1,999 draws its mean is near 0 and its spread near 1,
    // and about 31.7 % of the jobs fall outside ×e^±1 (P(|z| > 1) = 0.3173)
    const logs = jobs.slice(1).map((job) => Math.log((job.estimatedRuntimeMs as number) / job.durationMs));
    const mean = logs.reduce((a, b) => a + b, 0) / logs.length;
    const sd = Math.sqrt(logs.reduce((a, b) => a + (b - mean) ** 2, 0) / logs.length);
    expect(Math.abs(mean)).toBeLessThan(0.1);
    expect(Math.abs(sd - 1)).toBeLessThan(0.1);
    expect(Math.abs(logs.filter((l) => Math.abs(l) > 1).length / logs.length - 0.3173)).toBeLessThan(0.04);
  });

  it('estimates are whole milliseconds >= 1, in the order of the draws (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 * 86_400_000 }),
        fc.double({ min: 0, max: 3, noNaN: true }),
        fc.double({ min: 0.01, max: 100, noNaN: true }),
        fc.double({ min: -8, max: 8, noNaN: true }),
        fc.double({ min: 0, max: 4, noNaN: true }),
        (durationMs, sigma, factor, z, dz) => {
          const low = estimateOf(durationMs, { sigma, factor }, z);
          const high = estimateOf(durationMs, { sigma, factor }, z + dz);
          return Number.isSafeInteger(low) && low >= 1 && high >= low;
        },
      ),
    );
  });

  it('changes nothing without the option, nor with a neutral one (but the description)', async () => {
    const small = { workload: { jobs: 200 }, nodes: 6, strategies: ['best-fit'], policies: ['drf'] } as const;
    const plain = jsonDocument(await simulate(small));
    const neutral = jsonDocument(await simulate({ ...small, estimateError: { sigma: 0, factor: 1 } }));
    expect(neutral.scenario).toEqual({ ...plain.scenario, estimateError: { sigma: 0, factor: 1 } });
    expect(neutral.results).toEqual(plain.results);
    expect(plain.scenario).not.toHaveProperty('estimateError');
  });

  it('the wait target goes by the estimates: too long buys a node, too short lets a job wait past the target (worked example)', async () => {
    // a and b (cpu 4, 200 s) at 0 on n1 (cpu 4, $4/h): a runs 0–200 s, b waits for n1 or a new node.
    // The autoscaler looks at 0 (before the arrivals), 60 s, 120 s, …; a node joins 120 s after its launch.
    const node = { id: 'n1', capacity: { cpu: 4 }, costPerHour: 4 };
    const trace: TraceRow[] = [
      { submitAt: 0, tenant: 'a', priority: 'default', resources: { cpu: 4 }, durationMs: 200_000 },
      { submitAt: 0, tenant: 'b', priority: 'default', resources: { cpu: 4 }, durationMs: 200_000 },
    ];
    const types = [{ name: 'small', capacity: { cpu: 4 }, costPerHour: 2 }];
    const run = async (waitTargetS: number, estimateError?: { sigma?: number; factor?: number }, rows = trace): Promise<RunResult> =>
      (await simulate({ trace: rows, nodes: [node], strategies: ['first-fit'], policies: ['fifo'], nodeTypes: types, autoscale: 'fairpack', waitTargetS, ...(estimateError === undefined ? {} : { estimateError }) })).results[0] as RunResult;

    // exact, target 300 s: n1 is back at 200 s ≤ b's deadline 300 s → nothing bought, b waits 200 s
    expect((await run(300)).autoscaling).toMatchObject({ nodesAdded: 0 });
    // 2× over: a said to end at 400 s > 300 s → b is late → a small launched at 60 s joins at 180 s:
    // b waits 180 s, and the node was bought for 20 s of gain
    const over = await run(300, { factor: 2 });
    expect(over.autoscaling).toMatchObject({ nodesAdded: 1 });
    expect(over.wait.p95S).toBe(180);
    // a trace's own estimate is kept over the model: a's estimate_s 250 s ≤ 300 s → nothing bought
    const ownEstimate = trace.map((row, i) => (i === 0 ? { ...row, estimatedRuntimeMs: 250_000 } : row));
    expect((await run(300, { factor: 2 }, ownEstimate)).autoscaling).toMatchObject({ nodesAdded: 0 });

    // exact, target 150 s: n1 back at 200 s > 150 s → a small launched at 60 s, b starts at 180 s
    expect((await run(150)).wait.p95S).toBe(180);
    // ½ under: a said to end at 100 s ≤ 150 s → nothing bought at 60 s. At 120 s a is past its
    // estimate: expected to run as long again (to 240 s > b's deadline 150 s), b is late → a small
    // launched then (joins 240 s), but a ends at 200 s and b starts on n1: b waits 200 s, past the
    // target, and the node is bought for nothing
    const under = await run(150, { factor: 0.5 });
    expect(under.wait.p95S).toBe(200);
    expect(under.autoscaling).toMatchObject({ nodesAdded: 1 });
  });

  it('refuses a bad model or a bad trace estimate, saying what was expected', async () => {
    const small = { workload: { jobs: 10 }, nodes: 2 } as const;
    expect(await refusedOption({ ...small, estimateError: { sigma: -1 } })).toMatch(/`estimateError.sigma` of simulate\(\) to be a number from 0 to 3, got -1/);
    expect(await refusedOption({ ...small, estimateError: { sigma: 3.5 } })).toMatch(/estimateError.sigma/);
    expect(await refusedOption({ ...small, estimateError: { factor: 0 } })).toMatch(/`estimateError.factor` of simulate\(\) to be a number > 0 and <= 100, got 0/);
    expect(await refusedOption({ ...small, estimateError: { factor: Number.NaN } })).toMatch(/estimateError.factor/);
    expect(await refusedOption({ ...small, estimateError: { spread: 1 } as never })).toMatch(/`estimateError.spread` .* left out/);
    expect(await refusedOption({ ...small, estimateError: 0.5 as never })).toMatch(/`estimateError` of simulate\(\) to be \{ sigma\?: 0–3, factor\?: > 0 and <= 100 \}, got 0.5/);
    expect(await refusedOption({ trace: [{ submitAt: 0, tenant: 'a', priority: 'default', resources: { cpu: 1 }, durationMs: 1000, estimatedRuntimeMs: 0 }] })).toMatch(/row 0: estimatedRuntimeMs: expected a duration > 0/);
  });

  it('reads a trace\'s estimate_s column (seconds; empty: the true runtime)', () => {
    const parsed = parseTrace('submit_time_s,tenant,priority,cpu,memory,gpu,duration_s,estimate_s\n0,a,,1,1,0,60,180\n5,a,,1,1,0,60,\n');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    expect(parsed.jobs.map((job) => job.estimatedRuntimeMs)).toEqual([180_000, undefined]);
    const bad = parseTrace('submit_time_s,tenant,priority,cpu,memory,gpu,duration_s,estimate_s\n0,a,,1,1,0,60,0\n0,a,,1,1,0,60,soon\n');
    expect(bad).toMatchObject({ ok: false, problems: [{ line: 2, message: expect.stringMatching(/estimate_s: expected a duration > 0/) }, { line: 3, message: expect.stringMatching(/estimate_s: expected a number/) }] });
  });
});
