import type { QueuedReason } from '../manager/index.js';
import type { NodeView } from '../placement/index.js';
import type { Resources } from '../resources/index.js';

export interface Shortfall {
  readonly available: Resources;
  readonly required: Resources;
}

/** The `reason` text of a `queued` reply; the seed's own words for a lack of room. */
export function queuedReasonText(reason: QueuedReason | string): string {
  switch (reason) {
    case 'insufficient-resources':
      return 'Insufficient resources';
    case 'no-eligible-node':
      return 'No eligible node';
    case 'concurrency-limit':
      return 'Concurrency limit reached';
    case 'fairness':
      return 'Waiting behind other jobs';
    case 'quota':
      return 'Quota exceeded';
    case 'preempting':
      return 'Waiting for preempted jobs to leave';
    case 'backoff':
      return 'Preempted; backing off';
    default:
      return String(reason);
  }
}

/**
 * Why a request that no node could hold even empty waits (the manager rejects those as
 * `UNSATISFIABLE`; the protocol parks them, as the seed's queue does). Its closest node is the one
 * with the fewest dimensions whose capacity is too small (ties: node order); the shortfall lists
 * those dimensions, with what is free of them now. With no nodes at all, every requested dimension
 * falls short with 0 free. When no dimension is short (taints or node status keep it out), both
 * are empty.
 */
export function neverFitsShortfall(resources: Resources, nodes: readonly NodeView[]): Shortfall {
  const asked = Object.keys(resources).filter((name) => (resources[name] as number) > 0);
  let best: { node: NodeView; short: string[] } | undefined;
  for (const node of nodes) {
    const short = asked.filter((name) => (node.capacity[name] ?? 0) < (resources[name] as number));
    if (best === undefined || short.length < best.short.length) best = { node, short };
  }
  const short = best?.short ?? asked;
  // built from entries, never by assignment: dimension names are the caller's
  const available = Object.fromEntries(short.map((name) => [name, best?.node.available[name] ?? 0]));
  const required = Object.fromEntries(short.map((name) => [name, resources[name] as number]));
  return { available, required };
}

/** The seed's `required`: the number itself when one dimension falls short, else the object. */
export function requiredField(required: Resources): number | Resources {
  const names = Object.keys(required);
  return names.length === 1 ? (required[names[0] as string] as number) : required;
}
