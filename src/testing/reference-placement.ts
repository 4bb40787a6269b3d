import type { NodeView, PlacementStrategy } from '../placement/index.js';
import type { AllocationRequest, ResourcePool, Toleration } from '../pool/index.js';
import type { Resources } from '../resources/index.js';

function tolerated(tolerations: readonly Toleration[], taint: NodeView['taints'][number]): boolean {
  return tolerations.some(
    (t) =>
      (t.effect === undefined || t.effect === taint.effect) &&
      (t.operator === 'Exists' ? t.key === undefined || t.key === taint.key : t.key === taint.key && (t.value ?? '') === (taint.value ?? '')),
  );
}

function fits(node: NodeView, resources: Resources): boolean {
  return Object.entries(resources).every(([name, amount]) => amount === 0 || (node.available[name] ?? 0) >= amount);
}

/**
 * The node a brute-force scan would choose for ONE replica of `request` right now: among ready
 * nodes that fit, match the selector, tolerate NoSchedule taints and are spot if the request
 * requires it — preferring nodes without an untolerated PreferNoSchedule taint (and, for a request
 * that avoids spot, on-demand nodes) — the highest `strategy.score`, ties to node order.
 * Written independently of the pool's index, for differential tests of any strategy with `score`.
 */
export function referencePlacement(pool: ResourcePool, strategy: PlacementStrategy, request: AllocationRequest): string | undefined {
  const score = strategy.score;
  if (score === undefined) throw new Error(`strategy "${strategy.name}" has no score(); the reference needs one`);
  const selector = request.nodeSelector ?? {};
  const tolerations = request.tolerations ?? [];
  const resources = Object.fromEntries(Object.entries(request.resources).filter(([, amount]) => amount !== 0));
  const feasible = pool
    .nodes()
    .filter(
      (node) =>
        node.status === 'ready' &&
        fits(node, resources) &&
        Object.entries(selector).every(([key, value]) => Object.hasOwn(node.labels, key) && node.labels[key] === value) &&
        node.taints.every((taint) => taint.effect !== 'NoSchedule' || tolerated(tolerations, taint)) &&
        (request.spot !== 'require' || node.spot === true),
    );
  const preferred = feasible.filter((node) => node.taints.every((taint) => taint.effect !== 'PreferNoSchedule' || tolerated(tolerations, taint)) && !(request.spot === 'avoid' && node.spot === true));
  const tier = preferred.length > 0 ? preferred : feasible;
  let best: NodeView | undefined;
  let bestScore = -Infinity;
  for (const node of tier) {
    const value = score(node, resources);
    if (best === undefined || value > bestScore) {
      best = node;
      bestScore = value;
    }
  }
  return best?.id;
}
