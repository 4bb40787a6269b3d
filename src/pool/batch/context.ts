import type { DimensionSpace } from '../dimension-space.js';
import { isAvoided, isEligible } from '../eligibility.js';
import type { NodeState } from '../node-state.js';
import type { ParsedRequest } from '../request.js';
import type { AllocationRequest } from '../types.js';

/** 1: only nodes the request does not avoid (PreferNoSchedule); 2: every eligible node. */
export type Tier = 1 | 2;

/** Eligibility of one node for one group of requests. */
export const INELIGIBLE = 0;
export const PREFERRED = 1;
export const AVOIDED = 2;

/** One validated request of the batch. */
export interface BatchItem {
  /** Position in the input array; ties between requests go to the lowest. */
  readonly index: number;
  readonly input: AllocationRequest;
  readonly request: ParsedRequest;
  readonly replicas: number;
  readonly spread: boolean;
  /** Dense dimensions with a non-zero amount, increasing. */
  readonly dims: readonly number[];
  /** One replica, scaled and dense. */
  readonly amounts: readonly number[];
  /** Row of `BatchContext.eligibility` (requests with the same selector and tolerations share one). */
  readonly group: number;
  /** False when the request names a dimension no node has: it cannot be placed anywhere. */
  readonly placeable: boolean;
}

/** Everything every algorithm of a batch reads and none writes: built once, shared by the portfolio. */
export interface BatchContext {
  readonly space: DimensionSpace;
  /** Every node of the pool in node order (non-ready ones too: they count as used if they hold allocations). */
  readonly nodes: readonly NodeState[];
  readonly items: readonly BatchItem[];
  /** Per eligibility group, per node: INELIGIBLE, PREFERRED or AVOIDED. */
  readonly eligibility: readonly Uint8Array[];
  /** Largest capacity of a ready node per dimension: the normaliser of the size keys. */
  readonly maxCapacity: Float64Array;
  /** [1, 2] when some node is avoided by some request, else [1]: see docs/batch-packing.md. */
  readonly tiers: readonly Tier[];
}

/*
 * Eligibility depends only on a request's selector, tolerations and spot preference, and most
 * requests of a batch share them (typically none at all), so it is computed once per distinct
 * triple and node rather than once per request, node and algorithm.
 */
function signatureOf(request: ParsedRequest): string {
  if (request.selectorKeys.length === 0 && request.tolerations.length === 0 && request.spot === 'allow') return '';
  const selector = [...request.selectorKeys].sort().map((key) => [key, request.nodeSelector[key]]);
  return JSON.stringify([selector, request.tolerations, request.spot]);
}

export function buildContext(space: DimensionSpace, nodes: readonly NodeState[], inputs: readonly AllocationRequest[], parsed: readonly ParsedRequest[]): BatchContext {
  const groups = new Map<string, number>();
  const eligibility: Uint8Array[] = [];
  let avoided = false;
  const items = parsed.map((request, index): BatchItem => {
    const signature = signatureOf(request);
    let group = groups.get(signature);
    if (group === undefined) {
      group = eligibility.length;
      groups.set(signature, group);
      const row = new Uint8Array(nodes.length);
      nodes.forEach((node, n) => {
        row[n] = !isEligible(node, request) ? INELIGIBLE : isAvoided(node, request) ? AVOIDED : PREFERRED;
        if (row[n] === AVOIDED) avoided = true;
      });
      eligibility.push(row);
    }
    return {
      index,
      input: inputs[index] as AllocationRequest,
      request,
      replicas: request.replicas,
      spread: request.spread,
      dims: request.dense.nonZero,
      amounts: request.dense.amounts,
      group,
      placeable: request.unknown.length === 0,
    };
  });
  const maxCapacity = new Float64Array(space.size);
  for (const node of nodes) {
    if (node.status !== 'ready') continue;
    for (let d = 0; d < space.size; d++) maxCapacity[d] = Math.max(maxCapacity[d] as number, node.capacity[d] as number);
  }
  return { space, nodes, items, eligibility, maxCapacity, tiers: avoided ? [1, 2] : [1] };
}
