import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CliIo, UsageError } from '../../src/cli/io.js';
import { loadInputs } from '../../src/cli/simulate/inputs.js';
import { buildScenario } from '../../src/simulate/build-scenario.js';
import { resolveOptions } from '../../src/simulate/options.js';
import { ProgressBar } from '../../src/cli/simulate/progress.js';
import { HELP, parseSimulateArgs } from '../../src/cli/simulate/options.js';
import { refusedBySimulate } from './simulate-refused.js';
import type { SimulationReport } from '../../src/simulate/results.js';
import { MAX_WIDTH, formatTable } from '../../src/cli/simulate/table.js';
import { useBuiltCli } from './built-cli.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');

describe('simulate options', () => {
  it('has defaults for everything', () => {
    expect(parseSimulateArgs([])).toMatchObject({
      help: false,
      nodeCount: 100,
      jobs: 10_000,
      seed: 1,
      seeds: 1,
      objective: 'balanced',
      strategies: ['first-fit', 'best-fit', 'worst-fit', 'dot-product'],
      policies: ['fifo', 'drf'],
      preemption: [true],
      nodeFailures: 0,
      json: false,
      progress: true,
    });
  });

  it('reads --nodes as a count or a file, and lists', () => {
    expect(parseSimulateArgs(['--nodes', '250'])).toMatchObject({ nodeCount: 250 });
    expect(parseSimulateArgs(['--nodes', 'cluster.json']).nodesFile).toBe('cluster.json');
    expect(parseSimulateArgs(['--nodes=./10']).nodesFile).toBe('./10');
    expect(parseSimulateArgs(['--strategies', 'best-fit, worst-fit,best-fit', '--policies=round-robin', '--preemption', 'both'])).toMatchObject({
      strategies: ['best-fit', 'worst-fit'],
      policies: ['round-robin'],
      preemption: [true, false],
    });
  });

  it('refuses bad values with a usage error that says what was expected', () => {
    const refused = refusedBySimulate;
    expect(refused(['--jobs', '0'])).toMatch(/--jobs to be a whole number from 1/);
    expect(refused(['--jobs', '1.5'])).toMatch(/got "1.5"/);
    expect(refused(['--seed', '-1'])).toMatch(/--seed/);
    expect(refused(['--load', 'high'])).toMatch(/--load to be a number > 0/);
    expect(refused(['--strategies', 'best-fit,tightest'])).toMatch(/unknown: "tightest"/);
    expect(refused(['--policies', ''])).toMatch(/--policies/);
    expect(refused(['--preemption', 'yes'])).toMatch(/on, off or both/);
    expect(refused(['--trace', 't.csv', '--jobs', '5'])).toMatch(/--jobs only with the synthetic workload/);
    expect(refused(['--frobnicate'])).toMatch(/frobnicate/);
    expect(refused(['--objective', 'speed'])).toMatch(/--objective to be one of balanced, wait, p95, makespan, fairness, cost, got "speed"/);
    expect(refused(['--seeds', '0'])).toMatch(/--seeds to be a whole number from 1 to 20/);
    expect(refused(['--seeds', '21'])).toMatch(/--seeds/);
    expect(refused(['--snapshot-at', '-5'])).toMatch(/--snapshot-at/);
  });

  it('reads --wait-target (the fairpack autoscaler\'s scaleUp.waitTargetMs) as a duration, only with --autoscale fairpack', () => {
    const autoscaling = ['--node-types', 'types.json', '--autoscale', 'threshold,fairpack'];
    expect(parseSimulateArgs(autoscaling).waitTargetS).toBe(0);
    expect(parseSimulateArgs([...autoscaling, '--wait-target', '1h']).waitTargetS).toBe(3600);
    expect(parseSimulateArgs([...autoscaling, '--wait-target=90m']).waitTargetS).toBe(5400);
    expect(parseSimulateArgs([...autoscaling, '--wait-target', '900']).waitTargetS).toBe(900);
    expect(refusedBySimulate([...autoscaling, '--wait-target', 'soon'])).toMatch(/--wait-target to be a duration/);
    expect(refusedBySimulate([...autoscaling, '--wait-target', '2d'])).toMatch(/--wait-target/);
    expect(refusedBySimulate(['--wait-target', '1h'])).toMatch(/--wait-target only with --autoscale fairpack/);
    expect(refusedBySimulate(['--node-types', 'types.json', '--autoscale', 'threshold', '--wait-target', '1h'])).toMatch(/--wait-target only with --autoscale fairpack/);
  });

  it('reads --estimate-error as named parts (sigma=, factor=) and passes it to simulate()', async () => {
    expect(parseSimulateArgs([]).estimateError).toBeUndefined();
    expect(parseSimulateArgs(['--estimate-error', 'sigma=0.5']).estimateError).toEqual({ sigma: 0.5 });
    expect(parseSimulateArgs(['--estimate-error=factor=3']).estimateError).toEqual({ factor: 3 });
    expect(parseSimulateArgs(['--estimate-error', 'factor=3, sigma=1']).estimateError).toEqual({ factor: 3, sigma: 1 });
    expect(refusedBySimulate(['--estimate-error', '0.5'])).toMatch(/--estimate-error to be sigma=<σ> and\/or factor=<k>.*got "0.5"/);
    expect(refusedBySimulate(['--estimate-error', 'sigma=1,sigma=2'])).toMatch(/--estimate-error to be/);
    expect(refusedBySimulate(['--estimate-error', 'sigma=4'])).toMatch(/--estimate-error's sigma to be from 0 to 3, got 4/);
    expect(refusedBySimulate(['--estimate-error', 'factor=0'])).toMatch(/--estimate-error's factor to be > 0 and <= 100, got 0/);
    const { options } = await loadInputs(parseSimulateArgs(['--jobs', '10', '--nodes', '2', '--estimate-error', 'factor=2']));
    expect(options.estimateError).toEqual({ factor: 2 });
  });

  it('--help documents every flag', () => {
    for (const flag of ['--estimate-error', '--jobs', '--load', '--seed', '--trace', '--nodes', '--node-failures', '--repair-time', '--tenants', '--strategies', '--policies', '--preemption', '--json', '--report', '--samples', '--no-progress', '--wait-target', '--help']) {
      expect(HELP).toContain(flag);
    }
    expect(Math.max(...HELP.split('\n').map((line) => line.length))).toBeLessThanOrEqual(MAX_WIDTH);
  });
});

describe('input files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fairpack-simulate-inputs-'));
  const file = (name: string, text: string): string => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };

  it('passes a tenants file to the runs, and refuses one the manager refuses', async () => {
    const good = file('tenants.json', JSON.stringify({ ci: { weight: 2 } }));
    const inputs = await loadInputs(parseSimulateArgs(['--jobs', '10', '--nodes', '3', '--tenants', good]));
    expect(inputs.options.tenants).toEqual({ ci: { weight: 2 } });
    const bad = file('bad-tenants.json', JSON.stringify({ ci: { weight: -1 } }));
    await expect(loadInputs(parseSimulateArgs(['--tenants', bad]))).rejects.toThrow(/--tenants file .* is not valid: Expected the weight of tenant "ci"/);
    await expect(loadInputs(parseSimulateArgs(['--tenants', file('list.json', '[]')]))).rejects.toThrow(/to hold an object/);
    await expect(loadInputs(parseSimulateArgs(['--tenants', join(dir, 'missing.json')]))).rejects.toThrow(UsageError);
  });

  it('runs a trace on the synthetic cluster when no nodes file is given', async () => {
    const trace = file('t.csv', 'submit_time_s,tenant,priority,cpu,memory,gpu,duration_s\n0,web,,1,1,0,10\n');
    const inputs = buildScenario(resolveOptions((await loadInputs(parseSimulateArgs(['--trace', trace, '--nodes', '4']))).options), 1);
    expect(inputs.scenario.nodes).toHaveLength(4);
    expect(inputs.scenario.description).toMatchObject({ workload: 'trace', trace, jobs: 1, nodes: 4 });
    expect(inputs.warnings).toEqual([]);
    await expect(loadInputs(parseSimulateArgs(['--trace', join(dir, 'missing.csv')]))).rejects.toThrow(/Could not read --trace file/);
  });
});

describe('console tables', () => {
  it('align columns and split a table that would not fit, repeating the first column', () => {
    const text = formatTable(
      'T',
      [{ header: '', align: 'left' }, { header: 'num', align: 'right' }, { header: 'wide', align: 'right', group: 'g' }],
      [
        ['a', '1', 'x'.repeat(40)],
        ['bb', '22', 'y'],
      ],
      40,
    );
    expect(text.split('\n')).toEqual([
      'T (1/2)',
      '    num',
      'a     1',
      'bb   22',
      '',
      'T (2/2)',
      `    ${'─'.repeat(18)} g ${'─'.repeat(19)}`,
      `${' '.repeat(40)}wide`,
      `a   ${'x'.repeat(40)}`,
      `bb${' '.repeat(41)}y`,
    ]);
  });
});

describe('the progress bar', () => {
  const stream = (isTTY: boolean): { written: string[]; stderr: CliIo['stderr'] } => {
    const written: string[] = [];
    const stderr = Object.assign(new PassThrough(), { isTTY, columns: 60 });
    stderr.on('data', (chunk: Buffer) => written.push(chunk.toString()));
    return { written, stderr };
  };

  it('draws one line on a terminal, at most every 100 ms, and clears it', async () => {
    const { written, stderr } = stream(true);
    let now = 0;
    const bar = new ProgressBar(stderr, true, () => now);
    bar.update('best-fit · drf', 2, 4, 0.5);
    now = 50;
    bar.update('best-fit · drf', 2, 4, 0.6); // too soon: not drawn
    now = 200;
    bar.update('best-fit · drf', 2, 4, 1);
    bar.done();
    await new Promise((resolve) => setImmediate(resolve));
    expect(written).toHaveLength(3);
    // run 2 of 4, half done: 37 % overall
    expect(written[0]).toMatch(/^\r\[#+\.+\] 37%  run 2\/4  best-fit · drf\x1b\[K$/);
    expect((written[0] as string).length).toBeLessThanOrEqual(60 + 4);
    expect(written[2]).toBe('\r\x1b[K');
  });

  it('writes nothing when disabled (stderr is not a terminal, or --no-progress)', async () => {
    const { written, stderr } = stream(false);
    const bar = new ProgressBar(stderr, false, () => 0);
    bar.update('x', 1, 1, 0.5);
    bar.done();
    await new Promise((resolve) => setImmediate(resolve));
    expect(written).toEqual([]);
  });
});

describe('fairpack simulate, built and run end to end', () => {
  // the CLI built as in dist/, into a folder of this file's own (two trees or runs never share it)
  const cli = useBuiltCli();
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fairpack-simulate-'));
  });

  const simulateCli = async (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    try {
      const { stdout, stderr } = await run('node', [cli(), 'simulate', ...args], { cwd: ROOT });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  };
  const small = ['--jobs', '400', '--nodes', '12', '--strategies', 'best-fit,worst-fit', '--seed', '3'];

  it('prints the tables within 100 columns, and no progress bar when stderr is not a terminal', async () => {
    const { code, stdout, stderr } = await simulateCli(small);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^fairpack simulate — synthetic workload \(seed 3\): 400 jobs/);
    for (const title of ['Outcome', 'Capacity', 'Wait by tenant', 'Wait by priority class']) expect(stdout).toContain(title);
    for (const label of ['best-fit · fifo', 'best-fit · drf', 'worst-fit · fifo', 'worst-fit · drf']) expect(stdout).toContain(label);
    expect(Math.max(...stdout.split('\n').map((line) => line.length))).toBeLessThanOrEqual(MAX_WIDTH);
  });

  it('--json is the same for the same seed (but for the timing figures), and --report writes the charts', async () => {
    const report = join(dir, 'report.html');
    const first = await simulateCli([...small, '--json', '--report', report]);
    const second = await simulateCli([...small, '--json']);
    expect(first.code).toBe(0);
    expect(first.stderr).toContain(`Report written to ${report}`);
    const strip = (text: string): unknown => {
      const parsed = JSON.parse(text) as SimulationReport;
      return { ...parsed, results: parsed.results.map(({ timing: _timing, ...rest }) => rest) };
    };
    expect(strip(second.stdout)).toEqual(strip(first.stdout));
    const parsed = JSON.parse(first.stdout) as SimulationReport;
    expect(parsed.results.map((r) => r.label)).toEqual(['best-fit · fifo', 'best-fit · drf', 'worst-fit · fifo', 'worst-fit · drf']);
    expect(parsed.results.every((r) => r.jobs.completed === 400 && typeof r.timing.decisionsPerSecond === 'number')).toBe(true);
    const html = readFileSync(report, 'utf8');
    // per run: utilisation, shares; once: the wait CDF, the queue, Jain's index, two wait box
    // plots, preemptions and lost work; and a node heatmap per run
    expect(html.split('<svg class="chart"').length - 1).toBe(4 + 4 + 2 + 1 + 2 + 2);
    expect(html.split('<svg class="chart heatmap-grid"').length - 1).toBe(4);
    expect(html.indexOf('id="recommendation"')).toBeLessThan(html.indexOf('id="summary"'));
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('replays the sample trace on the sample nodes', async () => {
    const { code, stdout } = await simulateCli(['--trace', 'examples/sample-trace.csv', '--nodes', 'examples/sample-nodes.json', '--strategies', 'best-fit', '--policies', 'drf']);
    expect(code).toBe(0);
    expect(stdout).toContain('trace examples/sample-trace.csv: 400 jobs, 12 nodes');
    expect(stdout).toMatch(/best-fit · drf\s+400 /);
  });

  it('reports bad trace rows with line numbers, exit code 2, and simulates nothing', async () => {
    const trace = join(dir, 'bad.csv');
    writeFileSync(trace, 'submit_time_s,tenant,priority,cpu,memory,gpu,duration_s\n0,web,default,1,1,0,10\n5,web,urgent,1,1,0,10\n7,web,default,1,1,0,-2\n');
    const { code, stdout, stderr } = await simulateCli(['--trace', trace]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('has 2 problems; nothing was simulated');
    expect(stderr).toMatch(/line 3: priority: expected one of/);
    expect(stderr).toMatch(/line 4: duration_s: expected a duration > 0, got -2/);
    expect(stderr).toContain('fairpack simulate --help');
  });

  it('warns about trace jobs no node can hold, and counts them as rejected', async () => {
    const trace = join(dir, 'big.csv');
    writeFileSync(trace, 'submit_time_s,tenant,priority,cpu,memory,gpu,duration_s\n0,web,default,1,1,0,10\n1,web,default,4096,1,0,10\n');
    const { code, stdout, stderr } = await simulateCli(['--trace', trace, '--nodes', '3', '--strategies', 'first-fit', '--policies', 'fifo', '--json']);
    expect(code).toBe(0);
    expect(stderr).toMatch(/1 job of the trace fit no node even when it is empty \(line 3\)/);
    expect((JSON.parse(stdout) as SimulationReport).results[0]?.jobs).toEqual({ submitted: 2, completed: 1, rejected: 1, unfinished: 0 });
  });

  it('refuses a nodes file the pool refuses, and an unwritable report path', async () => {
    const nodes = join(dir, 'nodes.json');
    writeFileSync(nodes, JSON.stringify([{ id: 'n1', capacity: { cpu: -1 } }]));
    const bad = await simulateCli(['--nodes', nodes]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`The --nodes file "${nodes}" is not a valid cluster`);
    const unwritable = await simulateCli([...small, '--strategies', 'first-fit', '--policies', 'fifo', '--report', join(dir, 'missing-dir', 'r.html')]);
    expect(unwritable.code).toBe(2);
    expect(unwritable.stderr).toContain('Could not write --report file');
    expect(existsSync(join(dir, 'missing-dir'))).toBe(false);
  });

  it('opens with the recommendation; --objective and --seeds change it, and --json carries it and the spread', async () => {
    const plain = await simulateCli(small);
    expect(plain.stdout.split('\n\n')[1]).toMatch(/^Recommended: \S+ · \S+ is best on a balanced score/);
    expect(plain.stdout).toContain('One seed only');
    const seeded = await simulateCli([...small, '--seeds', '2', '--objective', 'p95', '--json']);
    expect(seeded.code).toBe(0);
    const doc = JSON.parse(seeded.stdout) as SimulationReport;
    expect(doc.recommendation?.objective).toBe('p95');
    expect(doc.seeds?.seeds).toEqual([3, 4]);
    expect(doc.seeds?.runs.map((r) => r.label)).toEqual(doc.results.map((r) => r.label));
    expect(doc.seeds?.runs.every((r) => r.p95WaitS.length === 2)).toBe(true);
    // the p95 objective's score is the p95 wait itself; the first seed's is the result's
    expect(doc.seeds?.runs.map((r) => r.score[0])).toEqual(doc.results.map((r) => Number(r.wait.p95S.toFixed(4))));
    expect(doc.recommendation?.alternatives.every((a) => typeof a.withinNoise === 'boolean')).toBe(true);
    const table = await simulateCli([...small, '--seeds', '2']);
    expect(table.stdout).toContain('Spread over seeds 3–4');
    expect(Math.max(...table.stdout.split('\n').map((line) => line.length))).toBeLessThanOrEqual(MAX_WIDTH);
  });

  it('without the spot flags the figures are those of the simulator before it had them', async () => {
    // sha256 of this command's --json (timing left out), as printed before --spot and friends existed
    const { code, stdout } = await simulateCli([...small, '--node-failures', '2', '--json']);
    expect(code).toBe(0);
    const parsed = JSON.parse(stdout) as SimulationReport;
    // the recommendation came later: every figure before it is unchanged
    const { recommendation: _recommendation, ...figures } = parsed;
    const stripped = JSON.stringify({ ...figures, results: parsed.results.map(({ timing: _timing, ...rest }) => rest) });
    expect(createHash('sha256').update(stripped).digest('hex')).toBe('3e8e30f78a9f7367935e12a15eaacb627be496bb3e168daf6322e117098dfa91');
    expect(stdout).not.toMatch(/interruptions|spot|checkpoint/i);
  });

  it('spot interruptions with checkpoints: a table of what they cost, the same for the same seed', async () => {
    const spot = [...small, '--spot', '0.5', '--interruptions-per-hour', '6', '--interruption-notice', '60', '--checkpoint-every', '300'];
    const table = await simulateCli(spot);
    expect(table.code).toBe(0);
    expect(table.stdout.replace(/\s+/g, ' ')).toContain('6 spot, reclaimed 6 times per hour with 1 min notice, back 10 min later; jobs checkpoint every 5 min.');
    expect(table.stdout).toContain('Spot interruptions (6 spot nodes, 6 reclaims per hour with 1 min notice; checkpoints every 5 min)');
    expect(Math.max(...table.stdout.split('\n').map((line) => line.length))).toBeLessThanOrEqual(MAX_WIDTH);
    const [first, second] = await Promise.all([simulateCli([...spot, '--json']), simulateCli([...spot, '--json'])]);
    const strip = (text: string): unknown => {
      const parsed = JSON.parse(text) as SimulationReport;
      return { ...parsed, results: parsed.results.map(({ timing: _timing, ...rest }) => rest) };
    };
    expect(strip((second as { stdout: string }).stdout)).toEqual(strip((first as { stdout: string }).stdout));
    const parsed = JSON.parse((first as { stdout: string }).stdout) as SimulationReport;
    expect(parsed.scenario).toMatchObject({ spot: { nodes: 6, interruptionsPerHour: 6, noticeS: 60, returnAfterS: 600 }, checkpointEveryS: 300 });
    for (const r of parsed.results) {
      expect(r.jobs.completed).toBe(400);
      expect(r.interruptions?.count).toBeGreaterThan(0);
      expect(r.interruptions?.lostWorkHours).toBeLessThanOrEqual(r.interruptions?.lostWorkHoursWithoutCheckpoints ?? 0);
      expect(r.lostWorkHoursWithoutCheckpoints).toBeGreaterThanOrEqual(r.lostWorkHours);
    }
  });

  it('refuses bad spot flags with exit code 2 and a message that says what was expected', async () => {
    const cases: [string[], string][] = [
      [['--spot', '2'], 'Expected --spot to be a fraction of the nodes from 0 to 1, got "2".'],
      [['--interruptions-per-hour', 'lots'], 'Expected --interruptions-per-hour to be a rate per hour from 0 to 1,000,000, got "lots".'],
      [['--checkpoint-every', '0'], 'Expected --checkpoint-every to be a number > 0'],
      [['--interruption-notice', '30'], 'Expected --interruption-notice only with --interruptions-per-hour'],
      [['--interruptions-per-hour', '2'], 'Expected spot nodes for --interruptions-per-hour to reclaim'],
    ];
    for (const [args, message] of cases) {
      const { code, stdout, stderr } = await simulateCli([...small, ...args]);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toContain(message);
    }
  });

  it('--help prints the options and `fairpack --help` lists the command', async () => {
    const help = await simulateCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toBe(HELP);
    const { stdout } = await run('node', [cli(), '--help'], { cwd: ROOT });
    expect(stdout).toMatch(/simulate\s+compare placement strategies/);
  });
});
