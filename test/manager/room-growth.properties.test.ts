import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AllocationManager, type NodeView, type PlacementStrategy, type PriorityClassSpec, ResourcePool, placementStrategies } from 'fairpack';
import { propertyRuns } from '../support.js';

/*
 * Differential test of the blocking walks' proofs (src/manager/room-growth.ts): a queue blocked
 * because no job of its window fitted asks the pool, after a release, only for the jobs that fit
 * on a node where room grew. A strategy with its own `select` turns the proofs off (it may refuse
 * a feasible node), so the same strategy given as `score` (proofs on) and as an equivalent
 * `select` (proofs off, every try asks the pool) must decide the same, command for command:
 * job states, reasons and nodes, the queues (and whether each is blocked), reservations.
 */

/** Victims get grace periods: a preemptor waits nominated while other jobs end. */
const CLASSES: PriorityClassSpec[] = [
  { name: 'high', value: 100, canPreempt: true, preemptionGraceMs: 5 },
  { name: 'default', value: 0, preemptionGraceMs: 20 },
  { name: 'low', value: -100, preemptionGraceMs: 10 },
];
const NODES = [
  { id: 'a', capacity: { cpu: 8, memory: 16 } },
  { id: 'b', capacity: { cpu: 8, memory: 16 }, labels: { zone: 'x' } },
  { id: 'c', capacity: { cpu: 4, memory: 32 } },
  { id: 'd', capacity: { cpu: 16, memory: 8, gpu: 2 } },
];
const TENANTS = ['t0', 't1', 't2', 't3'];

type Command =
  | { submit: { tenant: number; priority: string; cpu: number; memory: number; gpu: number; replicas: number; zone: boolean; category: boolean } }
  | { release: number }
  | { cancel: number }
  | { advance: number }
  | { status: { node: number; to: 'ready' | 'offline' | 'draining' } }
  | { addNode: number }
  | { quota: { tenant: number; cpu: number | null } }
  | { cap: number | undefined }
  | { relabel: { node: number; zone: boolean } };

const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .record({
        tenant: fc.nat(3),
        priority: fc.constantFrom('high', 'default', 'default', 'low'),
        // few shapes: a pass's failed shapes set whole queues aside (sweeps)
        cpu: fc.constantFrom(1, 2, 3, 5, 8),
        memory: fc.constantFrom(0, 2, 12),
        gpu: fc.constantFrom(0, 0, 0, 1),
        replicas: fc.constantFrom(1, 1, 1, 1, 2),
        zone: fc.constantFrom(false, false, false, true),
        category: fc.constantFrom(false, false, true),
      })
      .map((submit) => ({ submit })),
  },
  { weight: 6, arbitrary: fc.nat().map((release) => ({ release })) },
  { weight: 1, arbitrary: fc.nat().map((cancel) => ({ cancel })) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 40 }).map((advance) => ({ advance })) },
  { weight: 1, arbitrary: fc.record({ node: fc.nat(3), to: fc.constantFrom('ready' as const, 'offline' as const, 'draining' as const) }).map((status) => ({ status })) },
  { weight: 1, arbitrary: fc.nat(1000).map((addNode) => ({ addNode })) },
  { weight: 1, arbitrary: fc.record({ tenant: fc.nat(3), cpu: fc.option(fc.integer({ min: 2, max: 20 })) }).map((quota) => ({ quota })) },
  { weight: 1, arbitrary: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }).map((cap) => ({ cap })) },
  { weight: 1, arbitrary: fc.record({ node: fc.nat(3), zone: fc.boolean() }).map((relabel) => ({ relabel })) },
);

/** The built-in strategy's score, as a score-only strategy (the manager's proofs are on). */
function scored(name: 'best-fit' | 'worst-fit' | 'first-fit'): PlacementStrategy {
  const score = placementStrategies[name]().score as NonNullable<PlacementStrategy['score']>;
  return { name: `${name}-scored`, score };
}

/** The same choice as `scored(name)` — the first candidate with the highest score — made by `select` (proofs off). */
function selecting(name: 'best-fit' | 'worst-fit' | 'first-fit'): PlacementStrategy {
  const score = placementStrategies[name]().score as NonNullable<PlacementStrategy['score']>;
  return {
    name: `${name}-scored`,
    select: (nodes: readonly NodeView[], request) => {
      let best: NodeView | undefined;
      let bestScore = -Infinity;
      for (const node of nodes) {
        const value = score(node, request);
        if (best === undefined || value > bestScore) {
          best = node;
          bestScore = value;
        }
      }
      return best?.id;
    },
  };
}

interface Run {
  readonly manager: AllocationManager;
  readonly clock: { time: number };
}

function start(placement: PlacementStrategy, fairness: 'drf' | 'fifo' | 'round-robin'): Run {
  const clock = { time: 0 };
  const pool = new ResourcePool({ nodes: NODES, placement, now: () => clock.time });
  const manager = new AllocationManager({
    pool,
    fairness,
    now: () => clock.time,
    timers: false,
    priorityClasses: CLASSES,
    starvation: { afterMs: 30 },
    backfillWindow: 4,
    concurrency: { heavy: 1 },
  });
  return { manager, clock };
}

/** Runs one command; what it answered (or the error's code), without allocation ids (they are random). */
function run({ manager, clock }: Run, step: Command, index: number): unknown {
  try {
    if ('submit' in step) {
      const { tenant, priority, cpu, memory, gpu, replicas, zone, category } = step.submit;
      const result = manager.submit({
        id: `j${index}`,
        tenant: TENANTS[tenant] as string,
        priority,
        resources: { cpu, ...(memory > 0 ? { memory } : {}), ...(gpu > 0 ? { gpu } : {}) },
        ...(replicas > 1 ? { replicas } : {}),
        ...(zone ? { nodeSelector: { zone: 'x' } } : {}),
        ...(category ? { category: 'heavy' } : {}),
      });
      return result.status;
    }
    if ('release' in step) {
      const running = manager.jobs({ status: 'running' });
      const job = running[step.release % Math.max(1, running.length)];
      if (job?.allocationId === undefined) return 'none';
      return manager.release(job.allocationId).job.status;
    }
    if ('cancel' in step) {
      const queued = manager.jobs({ status: 'queued' });
      const job = queued[step.cancel % Math.max(1, queued.length)];
      return job === undefined ? 'none' : manager.cancel(job.id).status;
    }
    if ('advance' in step) {
      clock.time += step.advance;
      manager.tick();
      return 'ticked';
    }
    if ('status' in step) return manager.setNodeStatus(manager.nodes()[step.status.node % manager.nodes().length]?.id as string, step.status.to).status;
    if ('addNode' in step) return manager.addNode({ id: `n${index}`, capacity: { cpu: 2 + (step.addNode % 8), memory: 4 + (step.addNode % 16) } }).id;
    if ('quota' in step) return manager.setQuota(TENANTS[step.quota.tenant] as string, step.quota.cpu === null ? null : { cpu: step.quota.cpu }).tenant;
    if ('cap' in step) {
      manager.setConcurrency('heavy', step.cap);
      return 'capped';
    }
    const node = manager.nodes()[step.relabel.node % manager.nodes().length] as NodeView;
    return manager.updateNode(node.id, { labels: step.relabel.zone ? { zone: 'x' } : {} }).id;
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

/** What the manager decided, allocation ids left out (each pool draws its own). */
function state({ manager }: Run): unknown {
  const nodeOf = new Map(manager.allocations().map((a) => [a.jobId, a.placements.map((p) => p.nodeId)]));
  const snapshot = manager.snapshot();
  return {
    jobs: manager.jobs().map(({ allocationId, ...job }) => ({ ...job, nodes: allocationId === undefined ? undefined : nodeOf.get(job.id) })),
    queues: snapshot.queues.map((q) => ({ band: q.band, tenant: q.tenant, jobs: q.jobs, blocked: q.blocked })),
    reservations: manager.reservations(),
    free: manager.nodes().map((n) => [n.id, n.status, n.available, n.reserved]),
  };
}

describe('blocking walks keep proofs across releases (RoomGrowth)', () => {
  for (const strategy of ['best-fit', 'worst-fit', 'first-fit'] as const) {
    it(`decide as walks that ask the pool for every job (${strategy})`, () => {
      fc.assert(
        fc.property(fc.array(command, { minLength: 20, maxLength: 200 }), fc.constantFrom('drf' as const, 'fifo' as const, 'round-robin' as const), (commands, fairness) => {
          const proved = start(scored(strategy), fairness);
          const plain = start(selecting(strategy), fairness);
          commands.forEach((step, i) => {
            expect(run(proved, step, i)).toEqual(run(plain, step, i));
            expect(state(proved)).toEqual(state(plain));
          });
        }),
        { numRuns: propertyRuns(100) },
      );
    });
  }
});
