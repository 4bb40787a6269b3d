import { AllocationManager, type AllocationManagerOptions, fairnessPolicyNames, isFairpackError, placementStrategyNames, type Resources } from '../../index.js';
import { loadNodesFile, parseCapacityFlag } from '../cluster.js';
import { UsageError } from '../io.js';

/** The pool of `fairpack node` and `serve` without flags: the seed's sample cases assume it. */
export const DEFAULT_CAPACITY: Resources = Object.freeze({ cpu: 8, memory: 16, gpu: 2 });

/** The cluster flags, in `util.parseArgs` form. */
export const CLUSTER_FLAGS = {
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
  '  -h, --help           this help',
].join('\n');

/** Builds the manager the flags describe. Anything the manager refuses is a usage error. */
export async function managerFromFlags(values: { readonly capacity?: string | undefined; readonly nodes?: string | undefined; readonly placement?: string | undefined; readonly fairness?: string | undefined }): Promise<AllocationManager> {
  if (values.capacity !== undefined && values.nodes !== undefined) throw new UsageError('Expected --capacity or --nodes, got both. Use --nodes for several nodes.');
  const options: Record<string, unknown> = {};
  if (values.nodes !== undefined) options['nodes'] = await loadNodesFile(values.nodes);
  else options['capacity'] = values.capacity === undefined ? DEFAULT_CAPACITY : parseCapacityFlag(values.capacity);
  if (values.placement !== undefined) options['placement'] = values.placement;
  if (values.fairness !== undefined) options['fairness'] = values.fairness;
  try {
    return new AllocationManager(options as AllocationManagerOptions);
  } catch (error) {
    if (isFairpackError(error)) throw new UsageError(error.message);
    throw error;
  }
}

export function formatResources(resources: Resources, separator = ' '): string {
  return Object.entries(resources)
    .map(([name, amount]) => `${name}=${amount}`)
    .join(separator);
}
