import { readFile } from 'node:fs/promises';
import { AllocationManager, type NodeSpec, type NodeTypeSpec, ResourcePool, type TenantOptions, isFairpackError } from '../../index.js';
import type { SimulateOptions } from '../../simulate/options.js';
import { withSpotNodes } from '../../simulate/spot.js';
import { type TraceJob, parseTrace } from '../../simulate/trace.js';
import { syntheticCluster } from '../../simulate/workload.js';
import { loadNodesFile } from '../cluster.js';
import { UsageError } from '../io.js';
import type { SimulateFlags } from './options.js';

/** Problems listed in one error message; the count of the rest is given. */
const SHOWN_PROBLEMS = 20;

export interface Inputs {
  /** The options of the library's `simulate()`, files read and checked. */
  readonly options: SimulateOptions;
}

/** Reads and checks every input file; anything wrong is a UsageError that says where. */
export async function loadInputs(flags: SimulateFlags): Promise<Inputs> {
  const cluster = flags.nodesFile === undefined ? undefined : await checkedNodes(flags.nodesFile);
  // the flags' own wording for the one check the library would otherwise make
  if ((flags.interruptionsPerHour ?? 0) > 0) {
    const nodes = cluster ?? syntheticCluster(flags.nodeCount);
    const spotNodes = flags.spot === undefined ? nodes.filter((node) => node.spot === true).length : withSpotNodes(nodes, flags.spot, flags.seed).filter((node) => node.spot === true).length;
    if (spotNodes === 0) {
      throw new UsageError(
        flags.spot === undefined
          ? 'Expected spot nodes for --interruptions-per-hour to reclaim: add --spot <fraction of the nodes>, or give a --nodes file with "spot": true nodes.'
          : `Expected spot nodes for --interruptions-per-hour to reclaim, but --spot ${flags.spot} makes none.`,
      );
    }
  }
  const tenants = flags.tenantsFile === undefined ? undefined : await loadTenants(flags.tenantsFile, cluster ?? syntheticCluster(flags.nodeCount));
  const spotOn = flags.spot !== undefined || flags.interruptionsPerHour !== undefined;
  const options: SimulateOptions = {
    ...(flags.trace === undefined ? { workload: { jobs: flags.jobs, load: flags.load } } : { trace: await loadTrace(flags.trace), traceName: flags.trace }),
    ...(flags.snapshotFile === undefined ? { nodes: cluster ?? flags.nodeCount } : { snapshot: await loadSnapshot(flags.snapshotFile), ...(cluster === undefined ? {} : { nodes: cluster }), ...(flags.snapshotRuntimeS === undefined ? {} : { snapshotRuntimeS: flags.snapshotRuntimeS }) }),
    ...(tenants === undefined ? {} : { tenants }),
    strategies: flags.strategies,
    policies: flags.policies,
    preemption: flags.preemption.length === 2 ? 'both' : (flags.preemption[0] as boolean),
    seed: flags.seed,
    seeds: flags.seeds,
    objective: flags.objective,
    ...(flags.snapshotAtS === undefined ? {} : { snapshotAtS: flags.snapshotAtS }),
    nodeFailures: flags.nodeFailures,
    repairS: flags.repairS,
    ...(spotOn
      ? {
          spot: {
            ...(flags.spot === undefined ? {} : { fraction: flags.spot }),
            ...(flags.interruptionsPerHour === undefined ? {} : { interruptionsPerHour: flags.interruptionsPerHour }),
            noticeS: flags.interruptionNoticeS,
          },
        }
      : {}),
    ...(flags.checkpointEveryS === undefined ? {} : { checkpointEveryS: flags.checkpointEveryS }),
    ...(flags.nodeTypesFile === undefined ? {} : { nodeTypes: await loadNodeTypes(flags.nodeTypesFile), provisionDelayS: flags.provisionDelayS }),
    ...(flags.autoscale === undefined ? {} : { autoscale: flags.autoscale }),
    ...(flags.waitTargetS === 0 ? {} : { waitTargetS: flags.waitTargetS }),
    ...(flags.estimateError === undefined ? {} : { estimateError: flags.estimateError }),
    samples: flags.samples,
  };
  return { options };
}

async function checkedNodes(path: string): Promise<NodeSpec[]> {
  const nodes = await loadNodesFile(path);
  try {
    new ResourcePool({ nodes });
  } catch (error) {
    if (isFairpackError(error)) throw new UsageError(`The --nodes file "${path}" is not a valid cluster: ${error.message}`);
    throw error;
  }
  return nodes;
}

/** A manager snapshot, as JSON; the library checks it by restoring it. */
async function loadSnapshot(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as unknown;
  } catch (error) {
    throw new UsageError(`Could not read --snapshot file "${path}" as JSON: ${(error as Error).message}`);
  }
}

/** The node types, as JSON; the library checks each (as scalingAdvice does) before anything runs. */
async function loadNodeTypes(path: string): Promise<NodeTypeSpec[]> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`Could not read --node-types file "${path}" as JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(data)) throw new UsageError(`Expected --node-types file "${path}" to hold an array [{ "name", "capacity", "costPerHour", … }].`);
  return data as NodeTypeSpec[];
}

async function loadTrace(path: string): Promise<TraceJob[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`Could not read --trace file "${path}": ${(error as Error).message}`);
  }
  const parsed = parseTrace(text);
  if (parsed.ok) return [...parsed.jobs];
  const shown = parsed.problems.slice(0, SHOWN_PROBLEMS).map((p) => `  line ${p.line}: ${p.message}`);
  const more = parsed.problems.length - shown.length;
  throw new UsageError(
    [`The --trace file "${path}" has ${parsed.problems.length} problem${parsed.problems.length > 1 ? 's' : ''}; nothing was simulated. Fix these rows:`, ...shown, ...(more > 0 ? [`  … and ${more} more`] : [])].join('\n'),
  );
}

/** The manager's `tenants` option from a JSON file, checked by building a manager with it. */
async function loadTenants(path: string, nodes: readonly NodeSpec[]): Promise<Record<string, TenantOptions>> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`Could not read --tenants file "${path}" as JSON: ${(error as Error).message}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new UsageError(`Expected --tenants file "${path}" to hold an object { "<tenant>": { "weight"?, "quota"?, … } }.`);
  }
  try {
    new AllocationManager({ nodes, tenants: data as Record<string, TenantOptions>, timers: false });
  } catch (error) {
    if (isFairpackError(error)) throw new UsageError(`The --tenants file "${path}" is not valid: ${error.message}`);
    throw error;
  }
  return data as Record<string, TenantOptions>;
}
