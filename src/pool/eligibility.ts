import type { Taint } from '../placement/index.js';
import type { NodeState } from './node-state.js';
import type { ParsedRequest } from './request.js';
import type { Toleration } from './types.js';

/*
 * Eligibility is everything but room: the node is ready, its labels satisfy the selector, and
 * every NoSchedule taint is tolerated. An untolerated PreferNoSchedule taint does not exclude a
 * node; it puts it in the second tier, tried only when no first-tier node fits.
 */

/*
 * The loops go by index: these run for every node a scheduling pass looks at (inlined into the
 * manager's reservations too), and a `for…of` there left an iterator result per step whenever the
 * compiler could not prove it away — ≈ 16 % of the bytes a congested simulation allocates.
 */

function tolerates(tolerations: readonly Toleration[], taint: Taint): boolean {
  for (let i = 0; i < tolerations.length; i++) {
    const t = tolerations[i] as Toleration;
    if (t.effect !== undefined && t.effect !== taint.effect) continue;
    if (t.operator === 'Exists') {
      if (t.key === undefined || t.key === taint.key) return true;
      continue;
    }
    if (t.key === taint.key && (t.value ?? '') === (taint.value ?? '')) return true;
  }
  return false;
}

export function matchesSelector(node: NodeState, request: ParsedRequest): boolean {
  const keys = request.selectorKeys;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    if (!Object.hasOwn(node.labels, key) || node.labels[key] !== request.nodeSelector[key]) return false;
  }
  return true;
}

/** Ready, selector matched, no untolerated NoSchedule taint. */
export function isEligible(node: NodeState, request: ParsedRequest): boolean {
  return node.status === 'ready' && isEligibleWhenReady(node, request);
}

/** Selector matched, spot if required, and no untolerated NoSchedule taint, whatever the node's status. */
export function isEligibleWhenReady(node: NodeState, request: ParsedRequest): boolean {
  if (!matchesSelector(node, request)) return false;
  if (request.spot === 'require' && !node.spot) return false;
  const taints = node.taints;
  for (let i = 0; i < taints.length; i++) {
    const taint = taints[i] as Taint;
    if (taint.effect === 'NoSchedule' && !tolerates(request.tolerations, taint)) return false;
  }
  return true;
}

/** Has an untolerated PreferNoSchedule taint, or is a spot node the request avoids (second tier). */
export function isAvoided(node: NodeState, request: ParsedRequest): boolean {
  if (request.spot === 'avoid' && node.spot) return true;
  const taints = node.taints;
  for (let i = 0; i < taints.length; i++) {
    const taint = taints[i] as Taint;
    if (taint.effect === 'PreferNoSchedule' && !tolerates(request.tolerations, taint)) return true;
  }
  return false;
}
