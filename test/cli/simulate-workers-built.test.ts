import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SimulationReport } from '../../src/simulate/results.js';
import { runCli, startCli, useBuiltCli } from './built-cli.js';

/*
 * `fairpack simulate --workers` as shipped: the bin and its worker (dist/simulate-worker.js) built
 * by tsup.config.ts, run as a process.
 */
const cli = useBuiltCli();

const deterministic = (text: string): unknown => {
  const parsed = JSON.parse(text) as SimulationReport;
  return { ...parsed, results: parsed.results.map(({ timing: _timing, ...rest }) => rest) };
};

// 2 strategies × 2 policies × 2 seeds = 8 runs
const SMALL = ['simulate', '--jobs', '300', '--nodes', '10', '--strategies', 'first-fit,worst-fit', '--seeds', '2', '--json', '--no-progress'];

/**
 * Resolves once `count` threads of the process other than its main thread have run for 0.3 s of
 * CPU each (Linux: /proc/<pid>/task/<tid>/stat) — its workers are simulating, so the command has
 * long been listening for SIGINT (it starts to right after it creates them). A fixed pause could
 * send the signal too early on a loaded machine and kill the process outright.
 */
async function untilWorking(pid: number, count: number): Promise<void> {
  const busy = (): number =>
    readdirSync(`/proc/${pid}/task`).filter((tid) => {
      if (Number(tid) === pid) return false;
      try {
        // the fields after the command name (which is in parentheses); utime is the 14th field
        const fields = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
        return Number(fields[11]) >= 30; // clock ticks of 10 ms
      } catch {
        return false; // the thread ended
      }
    }).length;
  for (let tries = 0; tries < 2400; tries++) {
    if (busy() >= count) return;
    await new Promise((done) => setTimeout(done, 25));
  }
  throw new Error(`process ${pid} never had ${count} busy threads`);
}

describe('the built fairpack simulate with workers', () => {
  it('prints the same JSON with --workers 2 and by default as with --workers 1 (the timing figures aside)', async () => {
    const one = await runCli(cli(), [...SMALL, '--workers', '1'], '');
    const two = await runCli(cli(), [...SMALL, '--workers', '2'], '');
    const byDefault = await runCli(cli(), SMALL, '');
    for (const finished of [one, two, byDefault]) expect(finished).toMatchObject({ code: 0, stderr: '' });
    expect(deterministic(two.stdout)).toEqual(deterministic(one.stdout));
    expect(deterministic(byDefault.stdout)).toEqual(deterministic(one.stdout));
  });

  it('refuses --workers 0 with exit code 2', async () => {
    const refused = await runCli(cli(), ['simulate', '--workers', '0'], '');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/Expected --workers to be a whole number from 1 to 64, got "0"/);
  });

  it('Ctrl-C stops the workers: exit code 130, a message, nothing on stdout', async () => {
    // minutes of work: still under way when the signal comes
    const child = startCli(cli(), ['simulate', '--jobs', '300000', '--nodes', '2000', '--workers', '2', '--json', '--no-progress']);
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
    // the command listens for SIGINT from when it starts its workers: wait until they work
    await untilWorking(child.pid as number, 2);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toBe('fairpack simulate: interrupted (Ctrl-C): the 2 workers were stopped; nothing was written.\n');
    expect(stdout).toBe('');
  }, 60_000);

  it('says so when the worker is missing beside the bundle', async () => {
    const built = dirname(cli());
    // beside the build (inside node_modules/.cache), so the bundle's dependencies still resolve
    const copy = mkdtempSync(join(resolve(built, '..'), 'no-worker-'));
    try {
      cpSync(built, copy, { recursive: true });
      rmSync(join(copy, 'simulate-worker.js'));
      const failed = await runCli(join(copy, 'cli.js'), [...SMALL, '--workers', '2'], '');
      expect(failed.code).toBe(1);
      expect(failed.stderr).toMatch(/the worker of --workers is missing: .*simulate-worker\.js \(it is built beside cli\.js\)\. Rebuild fairpack, or run with --workers 1\./);
      expect((await runCli(join(copy, 'cli.js'), [...SMALL, '--workers', '1'], '')).code).toBe(0);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
