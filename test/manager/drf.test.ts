import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AllocationManager } from 'fairpack';
import { propertyRuns } from '../support.js';

/** Queue every job behind a filler that holds the whole cluster, then free it at once. */
function fillAtOnce(capacity: Record<string, number>, jobs: readonly { tenant: string; resources: Record<string, number> }[], weights: Record<string, number> = {}) {
  const manager = new AllocationManager({
    capacity,
    fairness: 'drf',
    now: () => 0,
    tenants: Object.fromEntries(Object.entries(weights).map(([t, weight]) => [t, { weight }])),
  });
  const filler = manager.submit({ tenant: 'filler', resources: capacity });
  if (filler.status !== 'allocated') throw new Error('filler must fit');
  manager.submitMany(jobs);
  manager.release(filler.allocation.id);
  const count = (tenant: string) => manager.allocations({ tenant }).length;
  return { manager, count };
}

describe('DRF — the paper’s worked example (Ghodsi et al., NSDI 2011, §4.1)', () => {
  // 9 cpu, 18 GB. A's tasks ⟨1 cpu, 4 GB⟩: dominant share 4/18 = 2/9 each (memory).
  // B's tasks ⟨3 cpu, 1 GB⟩: dominant share 3/9 = 1/3 each (cpu).
  // Progressive filling: A 0→2/9, B 0→1/3, A 2/9→4/9, B 1/3→2/3, A 4/9→2/3 (cpu 1+1+1+3+3 = 9).
  // Then A needs a 10th cpu and B needs 3 more: nothing fits. A runs 3 tasks, B 2.
  const A = { tenant: 'A', resources: { cpu: 1, memory: 4 } };
  const B = { tenant: 'B', resources: { cpu: 3, memory: 1 } };

  it('A runs 3 tasks and B 2, whatever order the jobs were queued in', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray([...Array(6).fill(A), ...Array(6).fill(B)], { minLength: 12 }), (jobs) => {
        const { count, manager } = fillAtOnce({ cpu: 9, memory: 18 }, jobs);
        expect([count('A'), count('B')]).toEqual([3, 2]);
        // exactly 9 cpu and 3·4 + 2·1 = 14 GB in use
        expect(manager.capacity().allocated).toEqual({ cpu: 9, memory: 14 });
        expect(manager.metrics().tenants['A']?.dominantShare).toBeCloseTo(2 / 3, 12);
        expect(manager.metrics().tenants['B']?.dominantShare).toBeCloseTo(2 / 3, 12);
      }),
      { numRuns: propertyRuns(100) },
    );
  });

  it('weights tilt the split: with A weighted 2, A runs 4 tasks and B 1', () => {
    // weighted shares per task: A (4/18)/2 = 1/9, B 3/9 = 1/3. A's jobs are queued first.
    // A 0 (tie with B at 0, earlier head) → 1/9; B 0 → 1/3 (cpu 4, GB 5); A → 2/9; A → 3/9 (cpu 6, GB 13);
    // A 1/3 ties B 1/3, A's head is earlier → 4/9 (cpu 7, GB 17); B needs cpu 10: no; A needs GB 21: no.
    const { count } = fillAtOnce({ cpu: 9, memory: 18 }, [...Array(6).fill(A), ...Array(6).fill(B)], { A: 2 });
    expect([count('A'), count('B')]).toEqual([4, 1]);
  });
});

/**
 * Progressive filling (the paper's Algorithm 1, weighted, skipping a user whose next task does
 * not fit instead of stopping): repeatedly pick the user with the lowest dominant share ÷ weight
 * (ties: earlier next task, then user id) and launch its next task if it fits.
 */
function progressiveFilling(capacity: readonly number[], users: readonly { id: string; weight: number; task: readonly number[]; sequences: number[] }[]): Record<string, number> {
  const used = capacity.map(() => 0);
  const usage = new Map(users.map((u) => [u.id, capacity.map(() => 0)]));
  const launched = new Map(users.map((u) => [u.id, 0]));
  const active = new Set(users.filter((u) => u.sequences.length > 0));
  const share = (id: string) => Math.max(0, ...(usage.get(id) as number[]).map((x, d) => (x > 0 ? (x * 1000) / ((capacity[d] as number) * 1000) : 0)));
  while (active.size > 0) {
    const next = [...active].sort((a, b) => share(a.id) / a.weight - share(b.id) / b.weight || (a.sequences[0] as number) - (b.sequences[0] as number) || (a.id < b.id ? -1 : 1))[0] as (typeof users)[number];
    if (next.task.every((x, d) => (used[d] as number) + x <= (capacity[d] as number))) {
      next.task.forEach((x, d) => {
        used[d] = (used[d] as number) + x;
        const mine = usage.get(next.id) as number[];
        mine[d] = (mine[d] as number) + x;
      });
      launched.set(next.id, (launched.get(next.id) as number) + 1);
      next.sequences.shift();
      if (next.sequences.length === 0) active.delete(next);
    } else {
      active.delete(next);
    }
  }
  return Object.fromEntries(launched);
}

describe('weighted DRF matches progressive filling on random instances', () => {
  it('same number of tasks per tenant', () => {
    const task = fc.tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 3 })).filter((t) => t.some((x) => x > 0));
    const user = fc.record({ weight: fc.constantFrom(0.5, 1, 2, 3), task, jobs: fc.integer({ min: 1, max: 8 }) });
    fc.assert(
      fc.property(
        fc.tuple(fc.integer({ min: 4, max: 24 }), fc.integer({ min: 4, max: 24 }), fc.integer({ min: 1, max: 8 })),
        fc.array(user, { minLength: 1, maxLength: 4 }),
        fc.infiniteStream(fc.nat()),
        ([cpu, memory, gpu], spec, mixer) => {
          const capacity = [cpu, memory, gpu];
          const ids = spec.map((_, i) => `t${i}`);
          // interleave submissions: a random but reproducible order of (user) picks
          const remaining = spec.map((u) => u.jobs);
          const order: number[] = [];
          const it = mixer[Symbol.iterator]();
          while (remaining.some((r) => r > 0)) {
            const open = remaining.flatMap((r, i) => (r > 0 ? [i] : []));
            const i = open[(it.next().value as number) % open.length] as number;
            remaining[i] = (remaining[i] as number) - 1;
            order.push(i);
          }
          const jobs = order.map((i) => {
            const [c, m, g] = (spec[i] as (typeof spec)[number]).task;
            return { tenant: ids[i] as string, resources: { cpu: c, memory: m, gpu: g } };
          });
          const weights = Object.fromEntries(spec.map((u, i) => [ids[i] as string, u.weight]));
          const { count } = fillAtOnce({ cpu, memory, gpu }, jobs, weights);
          // the filler took sequence 0; job k has sequence k + 1
          const users = spec.map((u, i) => ({ id: ids[i] as string, weight: u.weight, task: u.task, sequences: order.flatMap((who, k) => (who === i ? [k + 1] : [])) }));
          const expected = progressiveFilling(capacity, users);
          expect(Object.fromEntries(ids.map((id) => [id, count(id)]))).toEqual(expected);
        },
      ),
      { numRuns: propertyRuns(150) },
    );
  });
});
