import { expect } from 'vitest';
import type { AllocationRequest, BatchPlan, NodeSpec, NodeView, PlanBatchOptions } from 'fairpack';

/**
 * Every single algorithm configuration, in portfolio order (what `auto` runs): the first eight
 * always, the rest only when those leave some request out.
 */
export const SINGLE_RUNS: readonly PlanBatchOptions[] = [
  { algorithm: 'ffd', sizeKey: 'sum' },
  { algorithm: 'ffd', sizeKey: 'max' },
  { algorithm: 'ffd', sizeKey: 'l2' },
  { algorithm: 'bfd', sizeKey: 'sum' },
  { algorithm: 'bfd', sizeKey: 'max' },
  { algorithm: 'bfd', sizeKey: 'l2' },
  { algorithm: 'dot-product' },
  { algorithm: 'l2-norm' },
  { algorithm: 'smallest-first', sizeKey: 'sum' },
  { algorithm: 'smallest-first', sizeKey: 'max' },
  { algorithm: 'smallest-first', sizeKey: 'l2' },
  { algorithm: 'one-at-a-time', placement: 'first-fit' },
  { algorithm: 'one-at-a-time', placement: 'best-fit' },
  { algorithm: 'one-at-a-time', placement: 'worst-fit' },
  { algorithm: 'one-at-a-time', placement: 'dot-product' },
];

/** How many of SINGLE_RUNS `auto` runs when they place everything. */
export const FIRST_STAGE = 8;

/**
 * A clock that never advances: the improvement phase of `auto` is then bounded by its work limit
 * only, so a plan does not depend on how busy the machine is (pass it where plans are compared).
 */
export const FIXED_CLOCK = (): number => 0;

export const ALL_ALGORITHMS = ['auto', 'ffd', 'bfd', 'dot-product', 'l2-norm', 'smallest-first', 'one-at-a-time'] as const;

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

type Summary = [placedCount: number, demand: number, nodesUsed: number, stranded: number];

/** The plan summary `auto` compares, as a tuple. */
export function summary(plan: { placedCount: number; demand: number; nodesUsed: number; stranded: number }): Summary {
  return [plan.placedCount, plan.demand, plan.nodesUsed, plan.stranded];
}

/** a < b beyond rounding (relative 1e-9, as the planner compares sums of fractions). */
function below(a: number, b: number): boolean {
  return a < b - 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

/** Strictly better by the documented order: more placed, more demand, fewer nodes, less stranded. */
export function strictlyBetter(a: Summary, b: Summary): boolean {
  if (a[0] !== b[0]) return a[0] > b[0];
  if (below(b[1], a[1]) || below(a[1], b[1])) return below(b[1], a[1]);
  if (a[2] !== b[2]) return a[2] < b[2];
  return below(a[3], b[3]);
}

/** What allocate() checks before placing a replica on a node, from the public views. */
function eligible(node: NodeView, request: AllocationRequest): boolean {
  if (node.status !== 'ready') return false;
  for (const [key, value] of Object.entries(request.nodeSelector ?? {})) if (node.labels[key] !== value) return false;
  return node.taints.every(
    (taint) =>
      taint.effect !== 'NoSchedule' ||
      (request.tolerations ?? []).some((t) => (t.effect === undefined || t.effect === taint.effect) && (t.operator === 'Exists' ? t.key === undefined || t.key === taint.key : t.key === taint.key && (t.value ?? '') === (taint.value ?? ''))),
  );
}

/**
 * Every allocation of the plan (ids r0, r1, … giving the index in `batch`) has one node per replica,
 * distinct nodes for a spread gang, and only nodes `allocate` would accept for its request (`views`:
 * the pool's nodes before the plan, by id).
 */
export function expectReplicasAllowed(plan: BatchPlan, batch: readonly AllocationRequest[], views: ReadonlyMap<string, NodeView>): void {
  for (const allocation of plan.placed) {
    const request = batch[Number(allocation.id.slice(1))] as AllocationRequest;
    const nodeIds = allocation.placements.map((p) => p.nodeId);
    expect(nodeIds).toHaveLength(request.replicas ?? 1);
    if (request.spread === true) expect(new Set(nodeIds).size).toBe(nodeIds.length);
    for (const id of nodeIds) expect(eligible(views.get(id) as NodeView, request)).toBe(true);
  }
}
