import { describe, expect, it } from 'vitest';
import type { NodeSpec } from '../../src/index.js';
import { type RunOptions, runScenario as simulate } from '../../src/simulate/engine.js';
import { buildScenario } from '../../src/simulate/build-scenario.js';
import { resolveOptions } from '../../src/simulate/options.js';
import { loadInputs } from '../../src/cli/simulate/inputs.js';
import { HELP, parseSimulateArgs } from '../../src/cli/simulate/options.js';
import { refusedBySimulate } from './simulate-refused.js';
import { renderReport } from '../../src/simulate/report/html.js';
import type { RunResult } from '../../src/simulate/results.js';
import type { Scenario, SpotSettings } from '../../src/simulate/scenario.js';
import { afterLoss, withSpotNodes } from '../../src/simulate/spot.js';
import { formatResults } from '../../src/cli/simulate/table.js';
import { syntheticCluster, syntheticScenario } from '../../src/simulate/workload.js';
import { handScenario, withoutTiming } from '../simulate/support.js';

const OPTIONS: RunOptions = { strategy: 'best-fit', policy: 'drf', preemption: true, samples: 50, wallClock: () => 0 };
const MIN = 60_000;

/** Reclaims at fixed times (ms), the node back one minute after its notice ends. */
function reclaimsAt(times: number[], noticeMs: number, returnAfterMs = MIN): SpotSettings {
  return { interruptionsPerHour: 0, noticeMs, returnAfterMs, reclaimTimes: times };
}

const hours = (ms: number): number => Number((ms / 3_600_000).toPrecision(6));
const oneSpotNode: NodeSpec[] = [{ id: 'n1', capacity: { cpu: 2 }, spot: true }];
// one job of 10 minutes on the only (spot) node
const tenMinutes = handScenario(oneSpotNode, [{ at: 0, cpu: 2, seconds: 600 }]);

describe('spot interruptions and checkpoints, worked by hand', () => {
  it('reclaimed at minute 6, checkpoints every 5 min: 1 min lost, the job runs its last 5 min when the node is back', () => {
    for (const spot of [reclaimsAt([4 * MIN], 2 * MIN), reclaimsAt([6 * MIN], 0)]) {
      // warned at 4 min (2 min notice) or reclaimed at once at 6 min: either way it loses its node at 6 min
      const { result } = simulate({ ...tenMinutes, spot, checkpointEveryMs: 5 * MIN }, OPTIONS);
      expect(result.interruptions).toEqual({ count: 1, jobsHit: 1, finishedInNotice: 0, restarts: 1, lostWorkHours: hours(MIN), lostWorkHoursWithoutCheckpoints: hours(6 * MIN) });
      expect(result).toMatchObject({ restarts: 1, lostWorkHours: hours(MIN), lostWorkHoursWithoutCheckpoints: hours(6 * MIN), preemptions: 0, nodeFailures: 0 });
      // back at 7 min, 5 min left: done at 12 min; it waited the minute the node was gone
      expect(result.makespanS).toBe(720);
      expect(result.wait.meanS).toBe(60);
      expect(result.jobs).toEqual({ submitted: 1, completed: 1, rejected: 0, unfinished: 0 });
    }
  });

  it('without checkpoints the same reclaim loses all 6 min, and the job runs its full 10 min again', () => {
    const { result } = simulate({ ...tenMinutes, spot: reclaimsAt([4 * MIN], 2 * MIN) }, OPTIONS);
    expect(result.interruptions).toEqual({ count: 1, jobsHit: 1, finishedInNotice: 0, restarts: 1, lostWorkHours: hours(6 * MIN), lostWorkHoursWithoutCheckpoints: hours(6 * MIN) });
    expect(result.lostWorkHours).toBe(hours(6 * MIN));
    expect(result).not.toHaveProperty('lostWorkHoursWithoutCheckpoints');
    expect(result.makespanS).toBe(1020);
  });

  it('a job that ends within the notice just finishes', () => {
    const { result } = simulate({ ...handScenario(oneSpotNode, [{ at: 0, cpu: 2, seconds: 300 }]), spot: reclaimsAt([4 * MIN], 2 * MIN) }, OPTIONS);
    expect(result.interruptions).toEqual({ count: 1, jobsHit: 1, finishedInNotice: 1, restarts: 0, lostWorkHours: 0, lostWorkHoursWithoutCheckpoints: 0 });
    expect(result).toMatchObject({ restarts: 0, lostWorkHours: 0, makespanS: 300 });
  });

  it('a job interrupted twice keeps what its checkpoints saved across both', () => {
    // 10 min job, checkpoints every 3 min. Lost at 4 min (kept 3, lost 1); back at 5, restarts with
    // 7 min left; lost again at 10 min after 5 min more (progress 8: kept 6, lost 2); back at 11, 4
    // min left: done at 15 min. Without checkpoints the two runs were 4 + 5 min.
    const { result } = simulate({ ...tenMinutes, spot: reclaimsAt([4 * MIN, 10 * MIN], 0), checkpointEveryMs: 3 * MIN }, OPTIONS);
    expect(result.interruptions).toMatchObject({ count: 2, jobsHit: 2, restarts: 2, lostWorkHours: hours(3 * MIN), lostWorkHoursWithoutCheckpoints: hours(9 * MIN) });
    expect(result.makespanS).toBe(15 * 60);
  });

  it('the re-queued job moves to an on-demand node if one is free; the reclaimed node comes back', () => {
    const nodes: NodeSpec[] = [
      { id: 'spot-1', capacity: { cpu: 2 }, spot: true },
      { id: 'od-1', capacity: { cpu: 2 } },
    ];
    // first-fit puts A on spot-1 and B on od-1; B ends at 5 min, A is reclaimed at 6 min and restarts at once on od-1
    const scenario = { ...handScenario(nodes, [{ at: 0, cpu: 2, seconds: 600 }, { at: 0, cpu: 2, seconds: 300 }]), spot: reclaimsAt([6 * MIN], 0), checkpointEveryMs: 5 * MIN };
    const { result } = simulate(scenario, { ...OPTIONS, strategy: 'first-fit' });
    expect(result.interruptions).toMatchObject({ count: 1, jobsHit: 1, restarts: 1 });
    expect(result.makespanS).toBe(11 * 60);
    expect(result.wait.maxS).toBe(0);
  });

  it('checkpoints also save preempted jobs’ work', () => {
    // a low job of 100 s, evicted at 70 s by a high one of 10 s; checkpoints every 30 s keep 60 s
    const jobs = [
      { at: 0, priority: 'low', cpu: 2, seconds: 100 },
      { at: 70, priority: 'high', cpu: 2, seconds: 10 },
    ];
    const { result } = simulate({ ...handScenario([{ id: 'n1', capacity: { cpu: 2 } }], jobs), checkpointEveryMs: 30_000 }, OPTIONS);
    expect(result).toMatchObject({ preemptions: 1, restarts: 1, lostWorkHours: hours(10_000), lostWorkHoursWithoutCheckpoints: hours(70_000) });
    expect(result).not.toHaveProperty('interruptions');
    // the victim resumes at 80 s with 40 s left
    expect(result.makespanS).toBe(120);
  });

  it('afterLoss: the last checkpoint, never one at the very end', () => {
    expect(afterLoss(0, 360_000, 600_000, 300_000)).toEqual({ keptMs: 300_000, lostMs: 60_000 });
    expect(afterLoss(300_000, 100_000, 600_000, 300_000)).toEqual({ keptMs: 300_000, lostMs: 100_000 });
    // lost at the instant it would have ended: its work up to the last checkpoint before the end
    expect(afterLoss(0, 600_000, 600_000, 300_000)).toEqual({ keptMs: 300_000, lostMs: 300_000 });
    expect(afterLoss(0, 200_000, 600_000, 300_000)).toEqual({ keptMs: 0, lostMs: 200_000 });
  });
});

describe('the spot model on a synthetic workload', () => {
  const base = (seed: number): Scenario => syntheticScenario({ seed, jobs: 600, nodes: withSpotNodes(syntheticCluster(16), 0.5, seed), load: 0.9, nodeFailures: 1, repairMs: 300_000 });
  const spot: SpotSettings = { interruptionsPerHour: 6, noticeMs: 2 * MIN, returnAfterMs: 10 * MIN };

  it('the same seed gives the same results and series; another seed does not', () => {
    const a = simulate({ ...base(4), spot, checkpointEveryMs: 5 * MIN }, OPTIONS);
    const b = simulate({ ...base(4), spot, checkpointEveryMs: 5 * MIN }, { ...OPTIONS, wallClock: () => performance.now() });
    expect(JSON.stringify(withoutTiming(b))).toBe(JSON.stringify(withoutTiming(a)));
    expect(withoutTiming(simulate({ ...base(5), spot, checkpointEveryMs: 5 * MIN }, OPTIONS)).result).not.toEqual(withoutTiming(a).result);
  });

  it('interrupts, restarts and finishes every job; checkpoints lose less than no checkpoints', () => {
    const withCheckpoints = simulate({ ...base(4), spot, checkpointEveryMs: 5 * MIN }, OPTIONS).result;
    const figures = withCheckpoints.interruptions as NonNullable<RunResult['interruptions']>;
    expect(figures.count).toBeGreaterThan(3);
    expect(figures.jobsHit).toBe(figures.finishedInNotice + figures.restarts);
    expect(figures.restarts).toBeGreaterThan(0);
    expect(figures.lostWorkHours).toBeLessThan(figures.lostWorkHoursWithoutCheckpoints);
    expect(withCheckpoints.restarts).toBeGreaterThanOrEqual(figures.restarts);
    expect(withCheckpoints.jobs).toMatchObject({ completed: 600, unfinished: 0 });
    const none = simulate({ ...base(4), spot }, OPTIONS).result;
    expect(none.jobs).toMatchObject({ completed: 600, unfinished: 0 });
    expect(none.interruptions?.lostWorkHours).toBe(none.interruptions?.lostWorkHoursWithoutCheckpoints);
  });

  it('spot nodes that are never reclaimed change nothing but the added (zero) figures', () => {
    const off = withoutTiming(simulate(base(4), OPTIONS));
    const on = withoutTiming(simulate({ ...base(4), spot: { ...spot, interruptionsPerHour: 0 } }, OPTIONS));
    const { interruptions, ...rest } = on.result;
    expect(interruptions).toEqual({ count: 0, jobsHit: 0, finishedInNotice: 0, restarts: 0, lostWorkHours: 0, lostWorkHoursWithoutCheckpoints: 0 });
    expect(rest).toEqual(off.result);
    expect(on.series).toEqual(off.series);
  });

  it('withSpotNodes: the share of the nodes, chosen from the seed, order and specs kept', () => {
    const nodes = syntheticCluster(20);
    const a = withSpotNodes(nodes, 0.25, 1);
    expect(a.filter((node) => node.spot === true)).toHaveLength(5);
    expect(a.map((node) => node.id)).toEqual(nodes.map((node) => node.id));
    expect(withSpotNodes(nodes, 0.25, 1)).toEqual(a);
    expect(withSpotNodes(nodes, 0.25, 2).map((node) => node.spot === true)).not.toEqual(a.map((node) => node.spot === true));
    expect(withSpotNodes(nodes, 0, 1).some((node) => node.spot === true)).toBe(false);
    expect(withSpotNodes(nodes, 1, 1).every((node) => node.spot === true)).toBe(true);
    // a tiny fraction still makes one; a file's own flags are replaced
    expect(withSpotNodes(nodes, 0.001, 1).filter((node) => node.spot === true)).toHaveLength(1);
    expect(withSpotNodes([{ id: 'x', capacity: { cpu: 1 }, spot: true }], 0, 1)).toEqual([{ id: 'x', capacity: { cpu: 1 } }]);
  });
});

describe('spot flags', () => {
  const refused = refusedBySimulate;

  it('reads them, with the two-minute notice by default', () => {
    expect(parseSimulateArgs(['--spot', '0.3', '--interruptions-per-hour', '2.5', '--checkpoint-every', '300'])).toMatchObject({ spot: 0.3, interruptionsPerHour: 2.5, interruptionNoticeS: 120, checkpointEveryS: 300 });
    expect(parseSimulateArgs(['--spot=1', '--interruptions-per-hour=1', '--interruption-notice=0'])).toMatchObject({ spot: 1, interruptionNoticeS: 0 });
    const none = parseSimulateArgs([]);
    for (const key of ['spot', 'interruptionsPerHour', 'checkpointEveryS']) expect(none).not.toHaveProperty(key);
  });

  it('refuses bad values with a usage error that says what was expected', () => {
    expect(refused(['--spot', '1.5'])).toBe('Expected --spot to be a fraction of the nodes from 0 to 1, got "1.5".');
    expect(refused(['--spot', 'half'])).toMatch(/--spot to be a fraction of the nodes from 0 to 1, got "half"/);
    expect(refused(['--spot', ''])).toMatch(/--spot/);
    expect(refused(['--interruptions-per-hour=-1'])).toMatch(/--interruptions-per-hour to be a rate per hour from 0/);
    expect(refused(['--interruptions-per-hour', '1', '--interruption-notice=-5'])).toMatch(/--interruption-notice to be a number of seconds from 0/);
    expect(refused(['--interruption-notice', '30'])).toMatch(/--interruption-notice only with --interruptions-per-hour/);
    expect(refused(['--checkpoint-every', '0'])).toMatch(/--checkpoint-every to be a number > 0/);
    expect(refused(['--checkpoint-every', 'often'])).toMatch(/got "often"/);
  });

  it('refuses interruptions without spot nodes to reclaim', async () => {
    await expect(loadInputs(parseSimulateArgs(['--jobs', '10', '--nodes', '3', '--interruptions-per-hour', '2']))).rejects.toThrow(/Expected spot nodes for --interruptions-per-hour to reclaim: add --spot/);
    await expect(loadInputs(parseSimulateArgs(['--jobs', '10', '--nodes', '3', '--spot', '0', '--interruptions-per-hour', '2']))).rejects.toThrow(/--spot 0 makes none/);
  });

  it('puts the model on the scenario and in its description only when asked', async () => {
    const plain = buildScenario(resolveOptions((await loadInputs(parseSimulateArgs(['--jobs', '10', '--nodes', '8']))).options), 1);
    expect(plain.scenario).not.toHaveProperty('spot');
    expect(plain.scenario.description).not.toHaveProperty('spot');
    expect(plain.scenario.nodes.some((node) => node.spot === true)).toBe(false);
    const spot = buildScenario(resolveOptions((await loadInputs(parseSimulateArgs(['--jobs', '10', '--nodes', '8', '--spot', '0.5', '--interruptions-per-hour', '3', '--checkpoint-every', '90', '--repair-time', '300']))).options), 1);
    expect(spot.scenario.nodes.filter((node) => node.spot === true)).toHaveLength(4);
    expect(spot.scenario.spot).toEqual({ interruptionsPerHour: 3, noticeMs: 120_000, returnAfterMs: 300_000 });
    expect(spot.scenario.checkpointEveryMs).toBe(90_000);
    expect(spot.scenario.description).toMatchObject({ spot: { nodes: 4, interruptionsPerHour: 3, noticeS: 120, returnAfterS: 300 }, checkpointEveryS: 90 });
    const all = (scenario: Scenario): unknown[] => {
      const out: unknown[] = [];
      const jobs = scenario.jobs();
      for (let job = jobs.next(); job.done !== true; job = jobs.next()) out.push(job.value);
      return out;
    };
    expect(all(spot.scenario)).toEqual(all(plain.scenario));
  });

  it('--help documents them within 100 columns', () => {
    for (const flag of ['--spot', '--interruptions-per-hour', '--interruption-notice', '--checkpoint-every']) expect(HELP).toContain(flag);
    expect(Math.max(...HELP.split('\n').map((line) => line.length))).toBeLessThanOrEqual(100);
  });
});

describe('spot figures in the tables and the report', () => {
  const scenario: Scenario = {
    ...syntheticScenario({ seed: 2, jobs: 300, nodes: withSpotNodes(syntheticCluster(10), 0.4, 2), load: 1, nodeFailures: 0, repairMs: 600_000 }),
    spot: { interruptionsPerHour: 8, noticeMs: 2 * MIN, returnAfterMs: 10 * MIN },
    checkpointEveryMs: 5 * MIN,
  };
  const description = { ...scenario.description, spot: { nodes: 4, interruptionsPerHour: 8, noticeS: 120, returnAfterS: 600 }, checkpointEveryS: 300 };
  const runs = [simulate(scenario, OPTIONS), simulate(scenario, { ...OPTIONS, strategy: 'worst-fit', policy: 'fifo' })];
  const report = { scenario: description, results: runs.map((r) => r.result) };

  it('the console gets a spot table, within 100 columns', () => {
    const text = formatResults(report);
    expect(text).toContain('Spot interruptions (4 spot nodes, 8 reclaims per hour with 2 min notice; checkpoints every 5 min)');
    expect(text).toMatch(/nodes\s+jobs hit\s+finished\s+restarted\s+with ckpt\s+w\/o ckpt\s+with ckpt\s+w\/o ckpt/);
    expect(Math.max(...text.split('\n').map((line) => line.length))).toBeLessThanOrEqual(100);
    const first = report.results[0]?.interruptions;
    expect(text).toMatch(new RegExp(`best-fit · drf\\s+${first?.count}\\s+${first?.jobsHit}\\s+${first?.finishedInNotice}\\s+${first?.restarts}\\s+${first?.lostWorkHours.toFixed(1)}`));
  });

  it('without the model, no spot table', () => {
    const plain = simulate(syntheticScenario({ seed: 2, jobs: 100, nodes: syntheticCluster(10), load: 1, nodeFailures: 0, repairMs: 1 }), OPTIONS).result;
    const text = formatResults({ scenario: scenario.description, results: [plain] });
    expect(text).not.toContain('Spot');
    expect(text).not.toContain('Checkpoints');
  });

  it('the HTML report has the setting, a summary table, a line at a glance and the definitions', () => {
    const html = renderReport({ ...report, series: runs.map((r) => r.series), warnings: [] }, { command: 'fairpack simulate --spot 0.4' });
    expect(html).toContain('<dt>Spot</dt><dd>4 of the 10 nodes are spot nodes, reclaimed 8 times per hour');
    expect(html).toContain('<dt>Checkpoints</dt><dd>every 5 min');
    expect(html).toContain('<h3>Spot interruptions and lost work</h3>');
    expect(html).toContain('lost job-hours, without checkpoints');
    expect(html).toMatch(/The spot market reclaimed [\d–]+ nodes per run/);
    expect(html).toContain('<dt>spot interruptions</dt>');
    expect(html).toContain('<dt>checkpoints</dt>');
  });
});
