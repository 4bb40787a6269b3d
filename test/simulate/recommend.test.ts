import { describe, expect, it } from 'vitest';
import { scores } from '../../src/simulate/objective.js';
import { recommend } from '../../src/simulate/recommend.js';
import type { RunResult } from '../../src/simulate/results.js';

/** A run with only the figures the recommendation reads. */
function run(label: string, meanS: number, p95S: number, makespanS: number, jain: number | null, costMicros?: number): RunResult {
  const [strategy, policy] = label.split(' · ') as ['best-fit', 'fifo'];
  return {
    strategy, policy, preemption: true, label,
    jobs: { submitted: 10, completed: 10, rejected: 0, unfinished: 0 },
    makespanS,
    wait: { count: 10, meanS, p95S, maxS: p95S, byTenant: {}, byPriority: {} },
    utilisation: {}, packingEfficiency: 0, strandedCapacity: {}, preemptions: 0, restarts: 0, lostWorkHours: 0, nodeFailures: 0,
    deadlines: { total: 0, missed: 0 }, jainIndex: jain, decisions: 10, timing: { wallMs: 0, decisionsPerSecond: 0 },
    ...(costMicros === undefined ? {} : { cost: { unit: 'micro' as const, total: costMicros, used: costMicros, idle: 0 } }),
  };
}

const A = run('best-fit · drf', 60, 300, 3600, 0.9);
const B = run('worst-fit · fifo', 120, 600, 3384, 0.8);
const C = run('first-fit · fifo', 90, 450, 3492, 0.85);

describe('objectives', () => {
  it('balanced: each criterion scaled 0 (best) to 1 (worst), averaged', () => {
    // mean wait: A 0, B 1, C (90−60)/60 = 0.5; p95: the same; makespan: A (3600−3384)/216 = 1,
    // B 0, C (3492−3384)/216 = 0.5; unfairness 0.1, 0.2, 0.15: A 0, B 1, C 0.5
    // A: (0 + 0 + 1 + 0) / 4 = 0.25; B: (1 + 1 + 0 + 1) / 4 = 0.75; C: 0.5
    expect(scores('balanced', [A, B, C], 10).map((v) => Number(v.toFixed(9)))).toEqual([0.25, 0.75, 0.5]);
  });

  it('single objectives read one figure; cost is node-hours without prices, micro-units with', () => {
    expect(scores('wait', [A, B], 10)).toEqual([60, 120]);
    expect(scores('p95', [A, B], 10)).toEqual([300, 600]);
    expect(scores('makespan', [A, B], 10)).toEqual([3600, 3384]);
    expect(scores('fairness', [A, run('x · y', 1, 1, 1, null)], 10).map((v) => Number(v.toFixed(6)))).toEqual([0.1, 0]);
    // 10 nodes × 1 h = 10 node-hours; 10 nodes × 0.94 h = 9.4
    expect(scores('cost', [A, B], 10)).toEqual([10, 9.4]);
    expect(scores('cost', [run('a · b', 1, 1, 1, null, 5_000_000)], 10)).toEqual([5_000_000]);
  });
});

describe('the recommendation', () => {
  it('picks the lowest score and says what each other run trades, largest gain against largest loss', () => {
    const r = recommend('balanced', [[A, B, C]], 10);
    expect(r?.best).toBe('best-fit · drf');
    expect(r?.summary).toBe("best-fit · drf is best on a balanced score (mean wait, p95 wait, makespan and fairness, equally weighted): mean wait 1 min, p95 wait 5 min, makespan 1 h, Jain's index 0.900.");
    // C: makespan 3492 vs 3600 → 3 % sooner; p95 450 vs 300 → 1.5×; mean 90 vs 60 → 1.5×
    // B: makespan 3384 vs 3600 → 6 % sooner; mean and p95 2× longer
    expect(r?.alternatives.map((a) => a.tradeOff)).toEqual([
      'first-fit · fifo finishes 3 % sooner but has a mean wait 1.5× longer.',
      'worst-fit · fifo finishes 6 % sooner but has a mean wait 2× longer.',
    ]);
    expect(r?.alternatives.map((a) => a.withinNoise)).toEqual([null, null]);
    expect(r?.noise).toMatch(/^One seed only: .* rerun with --seeds 3/);
  });

  it('the objective decides: makespan picks the run that finishes first', () => {
    expect(recommend('makespan', [[A, B, C]], 10)?.best).toBe('worst-fit · fifo');
  });

  it('with several seeds: beyond noise only when the winner beat that run on every seed', () => {
    const A2 = run('best-fit · drf', 80, 400, 3600, 0.9);
    const B2 = run('worst-fit · fifo', 70, 350, 3600, 0.9);
    // seed 1: A 60 < B 120; seed 2: A 80 > B 70 → within noise; A's mean 70 < B's 95 → A recommended
    const r = recommend('wait', [[A, B], [A2, B2]], 10);
    expect(r?.best).toBe('best-fit · drf');
    expect(r?.alternatives[0]?.withinNoise).toBe(true);
    expect(r?.alternatives[0]?.tradeOff).toMatch(/\(within noise\)\.$/);
    expect(r?.noise).toMatch(/^Within noise of every other run/);
    const beyond = recommend('wait', [[A, B], [A2, run('worst-fit · fifo', 90, 350, 3600, 0.9)]], 10);
    expect(beyond?.alternatives[0]?.withinNoise).toBe(false);
    expect(beyond?.noise).toBe('Beyond noise: it beat every other run on each of the 2 seeds.');
  });
});
