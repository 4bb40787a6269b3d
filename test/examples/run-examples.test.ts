/**
 * Every example in examples/ runs to the end: the docs point at them, so a change that breaks
 * one breaks a promise to a reader. Each runs in its own process, as a reader would run it.
 */
import { execFile, spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
// demo-workload.ts is the demo's data, imported by demo.ts and the batch tests; it prints nothing
// (and examples/lib/, what several examples share, is a folder: not read here)
const modulesOnly = new Set(['demo-workload.ts']);
const examples = readdirSync('examples')
  .filter((name) => name.endsWith('.ts') && !modulesOnly.has(name))
  .sort();

/**
 * Runs one example as a reader would (`npx tsx examples/<name>`); its stdout. The examples run side
 * by side; on a loaded machine the PostgreSQL replicas example took over 60 s, and an example killed
 * at its time limit leaves the servers it started running: the limit is generous.
 */
async function runExample(name: string): Promise<string> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', `examples/${name}`], { timeout: 150_000 });
  return stdout;
}

describe.concurrent('examples/*.ts', () => {
  it('has examples to run', () => {
    expect(examples.length).toBeGreaterThan(5);
  });

  for (const name of examples) {
    it(`${name} exits 0 and prints something`, async () => {
      const stdout = await runExample(name);
      expect(stdout.trim().length).toBeGreaterThan(0);
    }, 180_000);
  }

  it('node-agent.ts: a crashed agent\'s job runs on the other node, which then drains and leaves', async () => {
    const stdout = await runExample('node-agent.ts');
    const lines = stdout.split('\n').filter((line) => line !== '');
    expect(lines.slice(0, 2)).toEqual(['a: registered', 'scheduler: train placed on a']);
    expect(lines.slice(-3)).toEqual(['b: running train (restart 1)', 'b: train done, released', 'b: drained and removed']);
    expect(lines).toContain('a: crashed');
  }, 180_000);

  it('event-stream.ts: a client that lost its stream gets what it missed when it comes back with its Last-Event-ID', async () => {
    const stdout = await runExample('event-stream.ts');
    expect(stdout.split('\n').filter((line) => line !== '')).toEqual([
      'live: allocated train (position 1)',
      'live: queued eval (position 2)',
      'connection dropped at position 2',
      // one call (the release), two events: the id on the last
      'resumed: released train',
      'resumed: allocated eval (position 3)',
    ]);
  }, 180_000);

  it('replicas-client.ts: a submit after the leader was killed lands on the new leader, with every earlier job', async () => {
    const stdout = await runExample('replicas-client.ts');
    const lines = stdout.split('\n').filter((line) => line !== '');
    expect(lines).toContain('serve-model: allocated, after the failover');
    expect(lines.at(-1)).toBe('the new leader has train (running), eval (running), serve-model (running)');
  }, 180_000);

  it('autoscaling.ts buys the cheapest mix for the burst, then gives back what idles', async () => {
    const stdout = await runExample('autoscaling.ts');
    const lines = stdout.split('\n').filter((line) => line !== '').map((line) => line.trim());
    // one small for the service, one large for the eight 2-cpu jobs: $0.90/h more, proven optimal
    expect(lines.slice(0, 3)).toEqual([
      '0 min  start: 2 running, 9 waiting',
      '0 min  launch small-1 for 1 waiting job ($0.20/h → $1.10/h, optimal)',
      '0 min  launch large-2 for 8 waiting jobs ($0.20/h → $1.10/h, optimal)',
    ]);
    expect(lines).toContain('40 min  terminate small-0 (idle)');
    expect(lines.at(-1)).toMatch(/^60 min {2}end: nodes large-2; 1 running/);
  }, 180_000);

  it('autoscaling-wait-target.ts: with a 30-minute target, fewer nodes for the same burst, every job within the target', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'examples/autoscaling-wait-target.ts'], { timeout: 150_000 });
    // no target: 5 × c8 for the 10 jobs c8-0 cannot hold, 2–12 min, idle to 22: 0.40 + 5 × 20/60 × 0.40
    // = $1.0667. Target 30 min: c8-0 serves 2 jobs at 0 and 2 at 10 (each within 30 min), so 2 × c8
    // are bought for 4 jobs, which serve 8 jobs from 2 to 22, idle to 32: 0.40 + 2 × 30/60 × 0.40 = $0.80.
    expect(stdout.split('\n').filter((line) => line !== '')).toEqual([
      'no wait target:',
      '   0 min  launch 5 × c8 for 10 jobs',
      '  5 nodes launched, longest wait 2 min, spent $1.0667',
      'wait target 30 min:',
      '   0 min  launch 2 × c8 for 4 jobs; 6 expected on the nodes there are',
      '  2 nodes launched, longest wait 12 min, spent $0.8000',
    ]);
  }, 180_000);

  it('snapshot-restore.ts carries on after the restart exactly where it was', async () => {
    const stdout = await runExample('snapshot-restore.ts');
    expect(stdout.split('\n').filter((line) => line !== '')).toEqual([
      'before: train running, web queued',
      'restored: train running, web queued',
      'after release: web running, train completed',
    ]);
  }, 180_000);

  it('an example stopped by SIGTERM (a runner\'s time limit, Ctrl-C) stops the servers it started', async () => {
    const example = spawn(process.execPath, ['--import', 'tsx', 'examples/event-stream.ts'], { stdio: 'ignore' });
    const pid = example.pid as number;
    const exited = new Promise<number | null>((resolve) => example.once('exit', (code) => resolve(code)));
    // the example's `fairpack serve` children, from Linux's /proc (tsx has a child of its own too)
    const children = (): number[] =>
      readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
        .trim()
        .split(/\s+/)
        .filter(Boolean)
        .map(Number)
        .filter((child) => {
          try {
            return readFileSync(`/proc/${child}/cmdline`, 'utf8').split('\0').includes('serve');
          } catch {
            return false; // gone already
          }
        });
    let servers: number[] = [];
    for (let tries = 0; servers.length === 0 && tries < 600; tries++) {
      await sleep(50);
      servers = children();
    }
    expect(servers.length).toBeGreaterThan(0);
    example.kill('SIGTERM');
    expect(await exited).toBe(143);
    const alive = (child: number): boolean => {
      try {
        process.kill(child, 0);
        return true;
      } catch {
        return false;
      }
    };
    let left = servers;
    for (let tries = 0; left.length > 0 && tries < 100; tries++) {
      await sleep(50);
      left = left.filter(alive);
    }
    expect(left).toEqual([]);
  }, 180_000);
});
