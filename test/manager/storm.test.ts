import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AllocationManager, type PriorityClassSpec, ResourcePool, placementStrategyNames } from 'fairpack';
import { checkInvariants } from 'fairpack/testing';
import { propertyRuns } from '../support.js';

/*
 * Preemption never storms, on any arrival sequence (submissions, completions, time passing):
 *
 * - a wave (one preemptor's evictions in one decision) evicts only strictly lower classes, each
 *   victim once;
 * - for every class c, the waves that evicted class-c jobs are at most the arrivals of classes
 *   above c (a job preempts at most once per stay in the queue, and only arrivals of a higher
 *   class, or jobs they displaced, can preempt c). "Preemptions" counts waves, not victims: one
 *   job may need several victims to fit. A wave whose victims were all reprieved evicted nobody
 *   and does not count: a preemptor that starts elsewhere before any victim left may take room
 *   freed for a nominee of a lower class, whose nomination lapses and which evicts again — that arrival pays
 *   for the second wave, not for its own (seed -1851384037, see preemption.test.ts);
 * - no job is evicted for room nobody takes: a preemptor that starts on another node than the one
 *   it was nominated to had none of its victims leave (they were reprieved), or the room they
 *   freed went to a job of a strictly higher class (room held for a lower band is a higher
 *   band's to take; the preemptor's nomination then lapses).
 */

const CLASSES: PriorityClassSpec[] = [
  { name: 'real-time', value: 1000, canPreempt: true, preemptible: false, preemptionGraceMs: 5 },
  { name: 'high', value: 100, canPreempt: true, preemptionGraceMs: 10 },
  { name: 'default', value: 0, canPreempt: true, preemptionGraceMs: 20, minRuntimeMs: 5 },
  { name: 'low', value: -100, preemptionGraceMs: 0 },
];
const VALUE = new Map(CLASSES.map((c) => [c.name, c.value]));

type Step = { submit: { priority: string; cpu: number; memory: number; runtime: number } } | { release: number } | { advance: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ priority: fc.constantFrom('real-time', 'high', 'default', 'low', 'low'), cpu: fc.integer({ min: 1, max: 6 }), memory: fc.integer({ min: 0, max: 8 }), runtime: fc.integer({ min: 1, max: 60 }) }).map((submit) => ({ submit })) },
  { weight: 2, arbitrary: fc.nat().map((release) => ({ release })) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 25 }).map((advance) => ({ advance })) },
);

describe.each(placementStrategyNames)('preemption never storms (%s)', (placement) => {
  it('waves per victim class <= arrivals of higher classes; victims lower; room always taken', () => {
    let wavesSeen = 0;
    fc.assert(
      fc.property(fc.array(step, { minLength: 10, maxLength: 80 }), (steps) => {
        const clock = { time: 0 };
        const pool = new ResourcePool({ nodes: [{ id: 'n1', capacity: { cpu: 8, memory: 16 } }, { id: 'n2', capacity: { cpu: 6, memory: 8 } }, { id: 'n3', capacity: { cpu: 4, memory: 16 } }], placement, now: () => clock.time });
        const manager = new AllocationManager({
          pool,
          priorityClasses: CLASSES,
          preemption: { backoffMs: 10 },
          now: () => clock.time,
          timers: false,
        });
        const arrivals = new Map<string, number>();
        /** Every wave so far: its victims, their classes, and those of them reprieved since. */
        const allWaves: { victims: Set<string>; classes: Set<string>; reprieved: Set<string> }[] = [];
        /** victim id → the last wave that took it (a reprieved job may be a victim again later). */
        const waveOfVictim = new Map<string, (typeof allWaves)[number]>();
        /** preemptor id → its current wave: the node and the victims that have left so far. */
        const waves = new Map<string, { node: string; priority: string; victims: Set<string>; left: Set<string>; takenByHigher: boolean }>();
        let pending = new Map<string, (typeof allWaves)[number]>(); // preemptor → its wave, this step
        manager.on('preempted', ({ victim, preemptor, nodeId }) => {
          expect(VALUE.get(victim.priority) as number).toBeLessThan(VALUE.get(preemptor.priority) as number);
          let wave = pending.get(preemptor.id);
          if (wave === undefined) {
            wave = { victims: new Set(), classes: new Set(), reprieved: new Set() };
            pending.set(preemptor.id, wave);
            allWaves.push(wave);
          }
          expect(wave.victims.has(victim.id), `${victim.id} preempted twice in one wave`).toBe(false);
          wave.victims.add(victim.id);
          wave.classes.add(victim.priority);
          waveOfVictim.set(victim.id, wave);
          waves.set(preemptor.id, { node: nodeId, priority: preemptor.priority, victims: wave.victims, left: new Set(), takenByHigher: false });
        });
        manager.on('reprieved', (job) => waveOfVictim.get(job.id)?.reprieved.add(job.id));
        manager.on('queued', (job) => {
          // a victim left (its grace period ended): note it against its preemptor's wave
          const wave = job.preemptedBy === undefined ? undefined : waves.get(job.preemptedBy);
          if (wave?.victims.has(job.id) === true) wave.left.add(job.id);
        });
        manager.on('released', (_allocation, job) => {
          for (const wave of waves.values()) if (wave.victims.has(job.id)) wave.left.add(job.id);
        });
        manager.on('allocated', (allocation, job) => {
          for (const other of waves.values()) {
            // room held for a preemptor may go to a job of a strictly higher class at any time in the
            // wave — before its victims leave too (then it waits for room elsewhere: found with seed
            // 1120464396, a real-time job took the room on the node while the victim was in its grace)
            if (other.node === allocation.placements[0]?.nodeId && (VALUE.get(job.priority) as number) > (VALUE.get(other.priority) as number)) other.takenByHigher = true;
          }
          const wave = waves.get(job.id);
          if (wave === undefined) return;
          waves.delete(job.id);
          if (allocation.placements[0]?.nodeId !== wave.node && !wave.takenByHigher) expect(wave.left.size, `${job.id} started off its node after victims left`).toBe(0);
        });
        let n = 0;
        for (const s of steps) {
          pending = new Map();
          if ('submit' in s) {
            const { priority, cpu, memory, runtime } = s.submit;
            arrivals.set(priority, (arrivals.get(priority) ?? 0) + 1);
            manager.submit({ id: `j${n++}`, priority, resources: { cpu, memory }, estimatedRuntimeMs: runtime });
          } else if ('release' in s) {
            const live = manager.allocations();
            const target = live[s.release % Math.max(1, live.length)];
            if (target !== undefined) manager.release(target.id);
          } else {
            clock.time += s.advance;
            manager.tick();
          }
          wavesSeen += pending.size;
          const wavesByVictimClass = new Map<string, number>();
          for (const wave of allWaves) {
            if (wave.reprieved.size === wave.victims.size) continue; // it evicted nobody
            for (const c of wave.classes) wavesByVictimClass.set(c, (wavesByVictimClass.get(c) ?? 0) + 1);
          }
          for (const [victimClass, count] of wavesByVictimClass) {
            const higher = [...arrivals].filter(([c]) => (VALUE.get(c) as number) > (VALUE.get(victimClass) as number)).reduce((sum, [, k]) => sum + k, 0);
            expect(count, `${count} waves evicted ${victimClass} jobs after ${higher} higher arrivals`).toBeLessThanOrEqual(higher);
          }
          checkInvariants(pool);
        }
      }),
      { numRuns: propertyRuns(40) },
    );
    // the property is only meaningful if preemption happened: 40 runs see dozens of waves
    expect(wavesSeen).toBeGreaterThan(10);
  });
});
