import type { Resources } from '../resources/index.js';
import { fromScaled } from '../resources/index.js';
import type { DimensionSpace } from './dimension-space.js';
import { isEligible } from './eligibility.js';
import type { NodeState } from './node-state.js';
import type { ParsedRequest } from './request.js';
import type { AllocateResult } from './types.js';

export type DoesNotFit = Extract<AllocateResult, { ok: false }>;

/**
 * Explains why one replica of `request` fits nowhere, from the closest eligible node's view:
 * the node with the fewest short dimensions, then the smallest relative shortfall
 * Σ (required − free) / required, then the earliest in node order. `available` and `required`
 * name only the dimensions that fall short there.
 */
export function explainShortfall(
  request: ParsedRequest,
  nodes: Iterable<NodeState>,
  excluded: ReadonlySet<NodeState> | undefined,
  space: DimensionSpace,
): DoesNotFit {
  let closest: NodeState | undefined;
  let closestShort = Infinity;
  let closestGap = Infinity;
  const { amounts, nonZero } = request.dense;
  for (const node of nodes) {
    if (!isEligible(node, request) || excluded?.has(node)) continue;
    let short = request.unknown.length;
    let gap = short;
    for (const d of nonZero) {
      const free = node.free[d] as number;
      const need = amounts[d] as number;
      if (free < need) {
        short++;
        gap += (need - free) / need;
      }
    }
    if (short < closestShort || (short === closestShort && gap < closestGap)) {
      closest = node;
      closestShort = short;
      closestGap = gap;
    }
  }
  if (closest === undefined) {
    return Object.freeze({
      ok: false,
      reason: 'no-eligible-node',
      message:
        'No eligible node: none is ready, matches the nodeSelector and tolerates its NoSchedule taints' +
        (excluded !== undefined && excluded.size > 0 ? `, apart from the ${excluded.size} node(s) this spread gang already uses` : '') +
        '.',
      available: Object.freeze({}),
      required: request.resources,
    });
  }
  const available: Record<string, number> = {};
  const required: Record<string, number> = {};
  const parts: string[] = [];
  for (const { name, amount } of request.unknown) {
    available[name] = 0;
    required[name] = amount;
    parts.push(`${name} needs ${amount}, no node has any`);
  }
  for (const d of nonZero) {
    const free = closest.free[d] as number;
    if (free >= (amounts[d] as number)) continue;
    const name = space.dimensions[d] as string;
    available[name] = fromScaled(free, space.scale);
    required[name] = request.dense.unscaled[d] as number;
    parts.push(`${name} needs ${required[name]}, ${available[name]} free`);
  }
  return Object.freeze({
    ok: false,
    reason: 'insufficient-resources',
    message: `Insufficient resources on the closest node "${closest.id}": ${parts.join('; ')}.`,
    available: Object.freeze(available) as Resources,
    required: Object.freeze(required) as Resources,
    nodeId: closest.id,
  });
}
