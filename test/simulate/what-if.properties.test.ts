import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AllocationManager, type FairnessPolicyName } from 'fairpack';
import { jsonDocument, simulate } from 'fairpack/simulate';
import { propertyRuns } from '../support.js';

/*
 * What-if from any live cluster: whatever a live manager did (its policy, its classes' queued
 * jobs, held room, preemption on or off), every policy of the simulator starts from its snapshot
 * and runs to the end, the same twice. A snapshot taken under one policy, simulated under one that
 * lays queues out otherwise (fifo ignores priority classes), was refused before the queues were
 * laid out again (engine.ts, snapshot-start.ts `queuesUnder`).
 */

const POLICIES: readonly FairnessPolicyName[] = ['fifo', 'drf', 'priority', 'round-robin'];
const CLASSES = ['real-time', 'high', 'default', 'low', 'best-effort'] as const;

const step = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      submit: fc.record({ tenant: fc.constantFrom('a', 'b', 'c'), priority: fc.constantFrom(...CLASSES), cpu: fc.integer({ min: 1, max: 8 }), memory: fc.integer({ min: 1, max: 16 }), runtimeS: fc.integer({ min: 10, max: 110 }), deadline: fc.boolean() }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ release: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ tick: fc.constant(true) }) },
);

const liveCluster = fc.record({
  fairness: fc.constantFrom(...POLICIES),
  nodes: fc.integer({ min: 2, max: 8 }),
  starvation: fc.boolean(),
  preemption: fc.boolean(),
  steps: fc.array(fc.record({ step, gapMs: fc.integer({ min: 0, max: 3_000 }) }), { minLength: 5, maxLength: 60 }),
});

function snapshotOf(live: typeof liveCluster extends fc.Arbitrary<infer T> ? T : never): unknown {
  let t = 1_000_000;
  const mgr = new AllocationManager({
    nodes: Array.from({ length: live.nodes }, (_, i) => ({ id: `n${i}`, capacity: { cpu: 8, memory: 32 } })),
    fairness: live.fairness,
    now: () => t,
    timers: false,
    ...(live.starvation ? { starvation: { afterMs: 5_000 } } : {}),
    ...(live.preemption ? {} : { preemption: false }),
  });
  const running: string[] = [];
  for (const { step: s, gapMs } of live.steps) {
    t += gapMs;
    if ('submit' in s) {
      const { tenant, priority, cpu, memory, runtimeS, deadline } = s.submit;
      const result = mgr.submit({ tenant, priority, resources: { cpu, memory }, estimatedRuntimeMs: runtimeS * 1_000, ...(deadline ? { deadline: t + 50_000 } : {}) });
      if (result.status === 'allocated') running.push(result.allocation.id);
    } else if ('release' in s) {
      const id = running.splice(s.release % Math.max(1, running.length), 1)[0];
      // a preemption may have ended it already: then the release is refused, which is fine here
      if (id !== undefined) {
        try {
          mgr.release(id);
        } catch {
          /* released or preempted before */
        }
      }
    } else mgr.tick();
  }
  mgr.tick();
  return JSON.parse(JSON.stringify(mgr.snapshot()));
}

describe('simulate({ snapshot }) from any live cluster (property)', () => {
  it('every policy, with and without preemption, runs from the snapshot to the end, the same twice', async () => {
    await fc.assert(
      fc.asyncProperty(liveCluster, async (live) => {
        const snapshot = snapshotOf(live);
        const options = { snapshot, workload: { jobs: 60 }, strategies: ['best-fit'], policies: POLICIES, preemption: 'both' } as const;
        const first = await simulate(options);
        const again = await simulate(options);
        expect(first.results).toHaveLength(2 * POLICIES.length);
        // every job the snapshot held or the workload brought is counted once, in every run
        for (const run of first.results) expect(run.jobs.completed + run.jobs.rejected + run.jobs.unfinished).toBe(run.jobs.submitted);
        const untimed = (document: ReturnType<typeof jsonDocument>) => JSON.stringify(document.results.map((run) => ({ ...run, timing: undefined })));
        expect(untimed(jsonDocument(again))).toBe(untimed(jsonDocument(first)));
      }),
      { numRuns: propertyRuns(12) },
    );
  }, 120_000);
});
