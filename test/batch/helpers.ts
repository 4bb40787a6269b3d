import type { BatchPlan, NodeSpec, PlanBatchOptions } from 'fairpack';

/** Every single algorithm configuration, in portfolio order (what `auto` runs). */
export const SINGLE_RUNS: readonly PlanBatchOptions[] = [
  { algorithm: 'ffd', sizeKey: 'sum' },
  { algorithm: 'ffd', sizeKey: 'max' },
  { algorithm: 'ffd', sizeKey: 'l2' },
  { algorithm: 'bfd', sizeKey: 'sum' },
  { algorithm: 'bfd', sizeKey: 'max' },
  { algorithm: 'bfd', sizeKey: 'l2' },
  { algorithm: 'dot-product' },
  { algorithm: 'l2-norm' },
];

export const ALL_ALGORITHMS = ['auto', 'ffd', 'bfd', 'dot-product', 'l2-norm'] as const;

/** `count` nodes n1, n2, … with the same capacity. */
export function sameNodes(count: number, capacity: Record<string, number>): NodeSpec[] {
  return Array.from({ length: count }, (_, i) => ({ id: `n${i + 1}`, capacity }));
}

/** Node ids of each placed allocation, e.g. [['n1'], ['n2', 'n2']]. */
export function nodesOf(plan: BatchPlan): string[][] {
  return plan.placed.map((allocation) => allocation.placements.map((p) => p.nodeId));
}

/** The requests of the batch (by input index) on each node: { n1: [1, 0], … }. */
export function layout(plan: BatchPlan, ids: readonly string[]): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const allocation of plan.placed) {
    for (const { nodeId } of allocation.placements) (out[nodeId] ??= []).push(ids.indexOf(allocation.id));
  }
  return out;
}

/** The plan summary `auto` compares, as a tuple. */
export function summary(plan: { placedCount: number; nodesUsed: number; stranded: number }): [number, number, number] {
  return [plan.placedCount, plan.nodesUsed, plan.stranded];
}

/** Strictly better by the documented order: more placed, then fewer nodes, then less stranded. */
export function strictlyBetter(a: [number, number, number], b: [number, number, number]): boolean {
  if (a[0] !== b[0]) return a[0] > b[0];
  if (a[1] !== b[1]) return a[1] < b[1];
  return a[2] < b[2] - 1e-9 * Math.max(1, Math.abs(b[2]));
}
