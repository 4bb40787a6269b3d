import type { NodeView } from '../placement/index.js';
import type { Resources } from '../resources/index.js';

/** The seed's three dimensions, in the order its manager checks them, with how texts name them. */
const DIMENSIONS = [
  { key: 'workers', label: 'workers', unit: '' },
  { key: 'cpu', label: 'CPU', unit: '' },
  { key: 'memory', label: 'memory', unit: ' MB' },
] as const;
export type SeedDimension = (typeof DIMENSIONS)[number]['key'];
export type Demand = Readonly<Record<SeedDimension, number>>;

export interface DimensionShortfall {
  readonly resource: SeedDimension;
  readonly requested: number;
  readonly available: number;
  readonly missing: number;
}

/**
 * Nodes an allocation may go to: ready, and without a `NoSchedule` taint (the seed's requests
 * carry no tolerations). An allocation's workers share one node: it is one manager job.
 */
export function eligibleNodes(nodes: readonly NodeView[]): NodeView[] {
  return nodes.filter((node) => node.status === 'ready' && !node.taints.some((taint) => taint.effect === 'NoSchedule'));
}

function amount(resources: Resources, key: string): number {
  return resources[key] ?? 0;
}

function shortOn(demand: Demand, resources: Resources): DimensionShortfall[] {
  const out: DimensionShortfall[] = [];
  for (const { key } of DIMENSIONS) {
    const available = amount(resources, key);
    if (demand[key] > available) out.push({ resource: key, requested: demand[key], available, missing: demand[key] - available });
  }
  return out;
}

/**
 * The node closest to taking `demand` now, and what it lacks: the fewest short dimensions, then
 * the least total shortfall relative to the demand (ties: node order). Undefined with no eligible node.
 */
export function closestNode(demand: Demand, nodes: readonly NodeView[]): { readonly node: NodeView; readonly shortfall: DimensionShortfall[] } | undefined {
  let best: { node: NodeView; shortfall: DimensionShortfall[]; score: number } | undefined;
  for (const node of eligibleNodes(nodes)) {
    const shortfall = shortOn(demand, node.available);
    const score = shortfall.reduce((sum, s) => sum + s.missing / s.requested, 0);
    if (best === undefined || shortfall.length < best.shortfall.length || (shortfall.length === best.shortfall.length && score < best.score)) best = { node, shortfall, score };
  }
  return best === undefined ? undefined : { node: best.node, shortfall: best.shortfall };
}

/**
 * Why `demand` cannot start now, in the seed's words — `Insufficient workers: requested 10,
 * available 6` — or undefined when some eligible node has room for it. The first dimension
 * (workers, CPU, memory) that no single node has enough of is named, with the most any node has
 * free; on a cluster of several nodes the text says "on any one node". When every dimension is
 * there but on different nodes, the text says so.
 */
export function insufficientText(demand: Demand, nodes: readonly NodeView[]): string | undefined {
  const eligible = eligibleNodes(nodes);
  if (eligible.length === 0) return 'No node is ready to take the request (every node is draining, offline or tainted)';
  if (eligible.some((node) => shortOn(demand, node.available).length === 0)) return undefined;
  const several = nodes.length > 1;
  for (const { key, label, unit } of DIMENSIONS) {
    const most = Math.max(...eligible.map((node) => amount(node.available, key)));
    if (demand[key] > most) return `Insufficient ${label}: requested ${demand[key]}${unit}, available ${most}${unit}${several ? ' on any one node' : ''}`;
  }
  return `Insufficient resources: no node has ${demand.workers} workers, ${demand.cpu} CPU and ${demand.memory} MB free at once`;
}

/** Why `demand` can never fit: the first dimension larger than any node's whole capacity. */
export function neverFitsText(demand: Demand, nodes: readonly NodeView[]): string | undefined {
  const several = nodes.length > 1;
  for (const { key, label, unit } of DIMENSIONS) {
    const most = Math.max(0, ...nodes.map((node) => amount(node.capacity, key)));
    if (demand[key] > most) return `Insufficient ${label}: requested ${demand[key]}${unit}, ${several ? 'at most' : 'total'} ${most}${unit}${several ? ' on one node' : ''}; it can never fit`;
  }
  return undefined;
}

/** Why MCP servers cannot start: more new names than free ports in 9000–9099. */
export function mcpPortsText(starting: number, free: number): string {
  return `Insufficient MCP server ports: ${starting} new server(s) requested, ${free} port(s) free in 9000-9099`;
}
