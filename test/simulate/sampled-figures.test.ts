import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { NodeSpec, Placement } from '../../src/index.js';
import { ClusterBooks } from '../../src/simulate/cluster-books.js';
import { propertyRuns } from '../support.js';

/*
 * The recorder's stranded room and packing efficiency are kept per node as nodes change
 * (SampledFigures). After any sequence of starts, stops, failures, repairs, joins and removals
 * they must be exactly what a pass over every node gives — the definitions below, computed from
 * the test's own model of the cluster (scaled amounts: units × 1000).
 */

const DIMS = ['cpu', 'memory', 'gpu'] as const;
const SCALE = 1000;

interface ModelNode {
  readonly id: string;
  readonly capacity: number[];
  readonly allocated: number[];
  jobs: number;
  down: number;
}

/** Free room of the up nodes where no shape fits, per dimension, in node order. */
function strandedByDefinition(nodes: readonly ModelNode[], shapes: readonly number[][]): number[] {
  const out = DIMS.map(() => 0);
  for (const node of nodes) {
    if (node.down !== 0) continue;
    const fits = shapes.some((shape) => shape.every((amount, d) => amount <= (node.capacity[d] as number) - (node.allocated[d] as number)));
    if (fits) continue;
    DIMS.forEach((_, d) => (out[d] = (out[d] as number) + (node.capacity[d] as number) - (node.allocated[d] as number)));
  }
  return out;
}

/** Over the up nodes that hold a job, in node order, the mean of each one's mean fill over the dimensions it has. */
function packingByDefinition(nodes: readonly ModelNode[]): number | undefined {
  let counted = 0;
  let sum = 0;
  for (const node of nodes) {
    if (node.jobs === 0 || node.down !== 0) continue;
    let dims = 0;
    let fill = 0;
    DIMS.forEach((_, d) => {
      const cap = node.capacity[d] as number;
      if (cap === 0) return;
      dims++;
      fill += (node.allocated[d] as number) / cap;
    });
    if (dims === 0) continue;
    counted++;
    sum += fill / dims;
  }
  return counted === 0 ? undefined : sum / counted;
}

const amount = fc.integer({ min: 0, max: 16 }).map((n) => n / 2);
const capacity = fc.tuple(fc.integer({ min: 1, max: 32 }), fc.integer({ min: 0, max: 64 }), fc.constantFrom(0, 0, 4, 8));
const shape = fc.tuple(amount, amount, fc.constantFrom(0, 0, 1));
const op = fc.oneof(
  fc.record({ kind: fc.constant('start' as const), node: fc.nat(), replicas: fc.integer({ min: 1, max: 3 }), cpu: amount, memory: amount, gpu: fc.constantFrom(0, 0, 1) }),
  fc.record({ kind: fc.constant('stop' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('down' as const), node: fc.nat(), down: fc.boolean() }),
  fc.record({ kind: fc.constant('join' as const), capacity }),
  fc.record({ kind: fc.constant('remove' as const), node: fc.nat() }),
);

describe('SampledFigures (stranded room and packing, kept per node)', () => {
  it('equal a pass over every node after each step, bit for bit, with and without shapes', () => {
    fc.assert(
      fc.property(fc.array(capacity, { minLength: 1, maxLength: 6 }), fc.array(shape, { maxLength: 3 }), fc.array(op, { maxLength: 60 }), (capacities, shapeList, ops) => {
        const specOf = (id: string, cap: readonly number[]): NodeSpec => ({ id, capacity: { cpu: cap[0] as number, memory: cap[1] as number, gpu: cap[2] as number } });
        const nodes: ModelNode[] = capacities.map((cap, i) => ({ id: `n${i}`, capacity: cap.map((x) => x * SCALE), allocated: [0, 0, 0], jobs: 0, down: 0 }));
        const books = new ClusterBooks(capacities.map((cap, i) => specOf(`n${i}`, cap)), Float64Array.of(1), 1_000);
        const shapes = shapeList.map((s) => s.map((x) => x * SCALE));
        const figures = books.trackSampledFigures(shapes.map((s) => Float64Array.from(s)));
        const removed = new Set<number>();
        const running: { id: string; job: number; nodes: number[]; amounts: number[] }[] = [];
        let jobs = 0;
        const check = (): void => {
          const stranded = new Float64Array(DIMS.length);
          figures.addStranded(stranded);
          expect([...stranded]).toEqual(strandedByDefinition(nodes, shapes));
          expect(figures.packingEfficiency(books.nodeIds.length)).toBe(packingByDefinition(nodes));
        };
        check();
        for (const step of ops) {
          if (step.kind === 'start') {
            // replicas on consecutive nodes that are not removed (the books do not check room)
            const live = nodes.map((_, n) => n).filter((n) => !removed.has(n));
            if (live.length === 0) continue;
            const on = Array.from({ length: step.replicas }, (_, k) => live[(step.node + k) % live.length] as number);
            const amounts = [step.cpu, step.memory, step.gpu].map((x) => x * SCALE);
            const job = jobs++;
            const placements: Placement[] = on.map((n) => ({ nodeId: (nodes[n] as ModelNode).id, resources: { cpu: step.cpu, memory: step.memory, gpu: step.gpu } }));
            books.start(`a${job}`, job, 0, placements, 0);
            for (const n of on) {
              const node = nodes[n] as ModelNode;
              node.jobs++;
              amounts.forEach((x, d) => (node.allocated[d] = (node.allocated[d] as number) + x));
            }
            running.push({ id: `a${job}`, job, nodes: on, amounts });
          } else if (step.kind === 'stop') {
            if (running.length === 0) continue;
            const [run] = running.splice(step.pick % running.length, 1) as [(typeof running)[number]];
            expect(books.stop(run.id, run.job, 0)).toBe(0);
            for (const n of run.nodes) {
              const node = nodes[n] as ModelNode;
              node.jobs--;
              run.amounts.forEach((x, d) => (node.allocated[d] = (node.allocated[d] as number) - x));
            }
          } else if (step.kind === 'down') {
            const n = step.node % nodes.length;
            const node = nodes[n] as ModelNode;
            // a repair only follows a failure; a removed node stays down
            if (removed.has(n) || (!step.down && node.down === 0)) continue;
            books.setNodeDown(node.id, step.down);
            node.down += step.down ? 1 : -1;
          } else if (step.kind === 'join') {
            const id = `n${nodes.length}`;
            expect(books.addNode(specOf(id, step.capacity))).toBe(nodes.length);
            nodes.push({ id, capacity: step.capacity.map((x) => x * SCALE), allocated: [0, 0, 0], jobs: 0, down: 0 });
          } else {
            const n = step.node % nodes.length;
            const node = nodes[n] as ModelNode;
            if (removed.has(n) || node.jobs !== 0) continue;
            books.removeNode(node.id);
            removed.add(n);
            node.down++;
            node.capacity.fill(0);
          }
          check();
        }
      }),
      { numRuns: propertyRuns(200) },
    );
  });

  it('a worked example: a node where no shape fits strands its free room, and packing averages the busy nodes', () => {
    // two nodes of 8 cpu / 32 GiB; the only shape asks for 2 cpu, 4 GiB
    const books = new ClusterBooks(
      [
        { id: 'a', capacity: { cpu: 8, memory: 32 } },
        { id: 'b', capacity: { cpu: 8, memory: 32 } },
      ],
      Float64Array.of(1),
      10,
    );
    const figures = books.trackSampledFigures([Float64Array.of(2_000, 4_000)]);
    const stranded = (): number[] => {
      const out = new Float64Array(2);
      figures.addStranded(out);
      return [...out];
    };
    // both empty: the shape fits on both, nothing is stranded and no node is busy
    expect(stranded()).toEqual([0, 0]);
    expect(figures.packingEfficiency(2)).toBeUndefined();
    // 7 cpu, 8 GiB on a: 1 cpu and 24 GiB left there, too little cpu for the shape: stranded
    books.start('x', 0, 0, [{ nodeId: 'a', resources: { cpu: 7, memory: 8 } }], 0);
    expect(stranded()).toEqual([1_000, 24_000]);
    // a's fill: (7/8 + 8/32) / 2 = (0.875 + 0.25) / 2 = 0.5625, the only busy node
    expect(figures.packingEfficiency(2)).toBe(0.5625);
    // 4 cpu, 16 GiB on b: (0.5 + 0.5) / 2 = 0.5; the mean of the two: (0.5625 + 0.5) / 2 = 0.53125
    books.start('y', 1, 0, [{ nodeId: 'b', resources: { cpu: 4, memory: 16 } }], 0);
    expect(figures.packingEfficiency(2)).toBe(0.53125);
    expect(stranded()).toEqual([1_000, 24_000]);
    // a fails: its room is neither stranded nor counted for packing while it is down
    books.setNodeDown('a', true);
    expect(stranded()).toEqual([0, 0]);
    expect(figures.packingEfficiency(2)).toBe(0.5);
    books.setNodeDown('a', false);
    books.stop('x', 0, 0);
    expect(stranded()).toEqual([0, 0]);
    expect(figures.packingEfficiency(2)).toBe(0.5);
  });
});
