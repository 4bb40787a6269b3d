import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { parseSimulateArgs } from '../../src/cli/simulate/options.js';
import { ProgressBar } from '../../src/cli/simulate/progress.js';
import { simulateWorkerEntry } from '../../src/cli/simulate/worker-entry.js';
import { WorkerPool } from '../../src/cli/simulate/worker-pool.js';
import { simulate } from '../../src/simulate/simulate.js';
import type { SimulationReport } from '../../src/simulate/results.js';
import type { SimulationTask } from '../../src/simulate/runs.js';
import { refusedBySimulate } from './simulate-refused.js';

/** `fairpack simulate` run in this process (its workers are real threads, loaded from the sources through tsx). */
async function simulateCommand(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = new PassThrough().on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const err = new PassThrough().on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const io: CliIo = { stdin: new PassThrough(), stdout: out, stderr: err, env: {} };
  const code = await main(['simulate', ...args], io);
  await new Promise((resolve) => setImmediate(resolve));
  return { code, stdout, stderr };
}

/** The JSON document without its wall-clock figures: what is the same on every machine. */
const deterministic = (text: string): unknown => {
  const parsed = JSON.parse(text) as SimulationReport;
  return { ...parsed, results: parsed.results.map(({ timing: _timing, ...rest }) => rest) };
};

/** A worker whose code is given inline. */
const inlineWorker = (code: string): { url: URL } => ({ url: new URL(`data:text/javascript,${encodeURIComponent(code)}`) });

const TASK: SimulationTask = { run: 1, runs: 1, seedIndex: 0, combination: 0, label: 'best-fit · fifo' };

describe('fairpack simulate --workers', () => {
  it('reads --workers as a whole number from 1 to 64', () => {
    expect(parseSimulateArgs([]).workers).toBeUndefined();
    expect(parseSimulateArgs(['--workers', '3']).workers).toBe(3);
    expect(parseSimulateArgs(['--workers=64']).workers).toBe(64);
    expect(refusedBySimulate(['--workers', '0'])).toBe('Expected --workers to be a whole number from 1 to 64, got "0".');
    expect(refusedBySimulate(['--workers', '65'])).toMatch(/--workers to be a whole number from 1 to 64, got "65"/);
    expect(refusedBySimulate(['--workers', 'all'])).toMatch(/got "all"/);
    expect(refusedBySimulate(['--workers', '1.5'])).toMatch(/got "1.5"/);
  });

  it('prints what --workers 1 prints (the timing figures aside), with several combinations and seeds', async () => {
    // 2 strategies × 2 policies × preemption on/off × 2 seeds = 16 runs on 3 workers
    const args = ['--jobs', '300', '--nodes', '10', '--strategies', 'best-fit,dot-product', '--preemption', 'both', '--seeds', '2', '--seed', '5', '--json'];
    const one = await simulateCommand([...args, '--workers', '1']);
    const three = await simulateCommand([...args, '--workers', '3']);
    expect(one.code).toBe(0);
    expect(three).toMatchObject({ code: 0, stderr: '' });
    expect(deterministic(three.stdout)).toEqual(deterministic(one.stdout));
    // and byte for byte, once the wall-clock figures are blanked
    const blank = (text: string): string => text.replace(/"(wallMs|decisionsPerSecond)": \d+/g, '"$1": 0');
    expect(blank(three.stdout)).toBe(blank(one.stdout));
    // the tables are drawn from that document alone (formatResults): the same but for the decisions/s column
    const tables = await simulateCommand([...args.filter((arg) => arg !== '--json'), '--workers', '2']);
    expect(tables.stdout.split('\n')[0]).toContain('fairpack simulate — synthetic workload (seed 5): 300 jobs at offered load 0.95, 10 nodes (7 ×');
  });

  it('refuses on the workers what only the scenario refuses, as a usage error (exit code 2)', async () => {
    // the cluster of a --nodes count has no spot node: --interruptions-per-hour is refused before any worker starts
    const refused = await simulateCommand(['--jobs', '50', '--nodes', '4', '--interruptions-per-hour', '3', '--workers', '2']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/Expected spot nodes for --interruptions-per-hour/);
  });
});

describe('the workers (WorkerPool)', () => {
  it('a run the worker refuses rejects simulate() with the same FairpackError', async () => {
    // no spot node for the interruptions: buildScenario refuses, on the worker
    const options = { workload: { jobs: 20 }, nodes: 3, strategies: ['best-fit'], policies: ['fifo', 'drf'], spot: { interruptionsPerHour: 2 } } as const;
    const pool = new WorkerPool(simulateWorkerEntry(), { options }, 2);
    try {
      await expect(simulate({ ...options, runner: pool })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringMatching(/Expected spot nodes for `spot.interruptionsPerHour`/) });
    } finally {
      await pool.terminate();
    }
  });

  it('a worker that throws, or exits, fails its run with a message that names it — no hang', async () => {
    const throwing = new WorkerPool(inlineWorker("throw new Error('out of memory, say')"), { options: {} }, 1);
    await expect(throwing.run(TASK, () => undefined)).rejects.toThrow(/a simulate worker failed during run 1 of 1 \(best-fit · fifo\): out of memory, say/);
    await throwing.terminate();

    const exiting = new WorkerPool(inlineWorker("import { parentPort } from 'node:worker_threads'; parentPort.on('message', () => process.exit(7));"), { options: {} }, 1);
    await expect(exiting.run(TASK, () => undefined)).rejects.toThrow(/a simulate worker stopped \(exit code 7\) during run 1 of 1 \(best-fit · fifo\)/);
    await exiting.terminate();
  });

  it('terminate() stops a worker in the middle of a run, which then rejects', async () => {
    const silent = new WorkerPool(inlineWorker("import { parentPort } from 'node:worker_threads'; parentPort.on('message', () => { for (;;); });"), { options: {} }, 1);
    const running = silent.run(TASK, () => undefined);
    expect(silent.busy).toBe(1);
    await silent.terminate();
    await expect(running).rejects.toThrow(/stopped .* during run 1 of 1 .*: the workers were stopped/);
    await expect(silent.run(TASK, () => undefined)).rejects.toThrow(/was not started: the workers were stopped/);
  });
});

describe('the progress bar with runs under way at once', () => {
  it('counts the runs ended and the shares of those under way, and names each', async () => {
    const written: string[] = [];
    const stderr = Object.assign(new PassThrough(), { isTTY: true, columns: 100 });
    stderr.on('data', (chunk: Buffer) => written.push(chunk.toString()));
    let now = 0;
    const bar = new ProgressBar(stderr, true, () => now, true);
    bar.update('best-fit · fifo', 1, 8, 0);
    now += 200;
    bar.update('best-fit · drf', 2, 8, 0.5);
    now += 200;
    // run 2 ends before run 1, and run 3 takes its worker
    bar.update('best-fit · drf', 2, 8, 1);
    now += 200;
    bar.update('worst-fit · fifo', 3, 8, 0.25);
    now += 200;
    bar.update('best-fit · fifo', 1, 8, 0.5);
    bar.done();
    await new Promise((resolve) => setImmediate(resolve));
    // (0 + 0.5) / 8 = 6 %, two under way
    expect(written[1]).toMatch(/ 6%  runs 1,2\/8  best-fit · fifo 0%, best-fit · drf 50%\x1b\[K$/);
    // run 2 ended: 1 / 8 = 12 %, run 1 alone under way
    expect(written[2]).toMatch(/ 12%  run 1\/8  best-fit · fifo\x1b\[K$/);
    // (1 + 0.25) / 8 = 15 %, then (1 + 0.5 + 0.25) / 8 = 21 %
    expect(written[3]).toMatch(/ 15%  runs 1,3\/8  best-fit · fifo 0%, worst-fit · fifo 25%/);
    expect(written[4]).toMatch(/ 21%  runs 1,3\/8  best-fit · fifo 50%, worst-fit · fifo 25%/);
  });

  it('counts only the runs that ended when they start longest first, not in their order', async () => {
    const written: string[] = [];
    const stderr = Object.assign(new PassThrough(), { isTTY: true, columns: 100 });
    stderr.on('data', (chunk: Buffer) => written.push(chunk.toString()));
    let now = 0;
    const bar = new ProgressBar(stderr, true, () => now, true);
    bar.update('dot-product · drf', 8, 8, 0);
    now += 200;
    bar.update('dot-product · fifo', 7, 8, 0.5);
    now += 200;
    // run 7 ends first; runs 1–6 have not started (a count from the earliest run under way, 8,
    // would call 7 runs ended: 87 %)
    bar.update('dot-product · fifo', 7, 8, 1);
    now += 200;
    bar.update('worst-fit · drf', 6, 8, 0.25);
    bar.done();
    await new Promise((resolve) => setImmediate(resolve));
    // (0 + 0.5) / 8 = 6 %
    expect(written[1]).toMatch(/ 6%  runs 7,8\/8  dot-product · fifo 50%, dot-product · drf 0%/);
    // 1 / 8 = 12 %, run 8 alone under way
    expect(written[2]).toMatch(/ 12%  run 8\/8  dot-product · drf\x1b\[K$/);
    // (1 + 0.25) / 8 = 15 %
    expect(written[3]).toMatch(/ 15%  runs 6,8\/8  worst-fit · drf 25%, dot-product · drf 0%/);
  });
});
