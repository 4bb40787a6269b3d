import { type AllocationManager, fairnessPolicyNames, placementStrategyNames, type Resources } from '../../index.js';
import { loadNodesFile, parseCapacityFlag } from '../cluster.js';
import { UsageError } from '../io.js';
import { QUEUE_FLAGS, QUEUE_HELP, buildManager, queueBoundsFromFlags } from '../manager-options.js';

/** The pool of `fairpack node` and `serve` without flags: the seed's sample cases assume it. */
export const DEFAULT_CAPACITY: Resources = Object.freeze({ cpu: 8, memory: 16, gpu: 2 });

/** The cluster flags (and the manager's queue bounds), in `util.parseArgs` form. */
export const CLUSTER_FLAGS = {
  ...QUEUE_FLAGS,
  capacity: { type: 'string' },
  nodes: { type: 'string' },
  placement: { type: 'string' },
  fairness: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const CLUSTER_HELP = [
  '  --capacity <pairs>   one node "default" with this capacity, e.g. cpu=16,memory=64,gpu=8',
  `                       (default ${formatResources(DEFAULT_CAPACITY, ',')})`,
  '  --nodes <file>       the nodes, from a JSON file: [{ "id", "capacity", "labels"?, "taints"? }]',
  `  --placement <name>   ${placementStrategyNames.join(' | ')} (default best-fit)`,
  `  --fairness <name>    ${fairnessPolicyNames.join(' | ')} (default drf)`,
  QUEUE_HELP,
].join('\n');

type ClusterFlagValues = { readonly [K in keyof typeof CLUSTER_FLAGS]?: K extends 'help' ? boolean | undefined : string | undefined };

/** Builds the manager the flags describe. Anything the manager refuses is a usage error. */
export async function managerFromFlags(values: ClusterFlagValues): Promise<AllocationManager> {
  return (await managerFactoryFromFlags(values))({});
}

/**
 * Reads the flags (and the nodes file) now; returns a function that builds the manager they
 * describe with `extra` options (a journal), so that a data directory can decide first whether
 * to build one at all.
 */
export async function managerFactoryFromFlags(values: ClusterFlagValues): Promise<(extra: Readonly<Record<string, unknown>>) => AllocationManager> {
  if (values.capacity !== undefined && values.nodes !== undefined) throw new UsageError('Expected --capacity or --nodes, got both. Use --nodes for several nodes.');
  const bounds = queueBoundsFromFlags(values);
  const options: Record<string, unknown> = {};
  if (values.nodes !== undefined) options['nodes'] = await loadNodesFile(values.nodes);
  else options['capacity'] = values.capacity === undefined ? DEFAULT_CAPACITY : parseCapacityFlag(values.capacity);
  if (values.placement !== undefined) options['placement'] = values.placement;
  if (values.fairness !== undefined) options['fairness'] = values.fairness;
  return (extra) => buildManager({ ...options, ...extra }, bounds);
}

export function formatResources(resources: Resources, separator = ' '): string {
  return Object.entries(resources)
    .map(([name, amount]) => `${name}=${amount}`)
    .join(separator);
}
