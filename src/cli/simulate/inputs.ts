import { readFile } from 'node:fs/promises';
import { AllocationManager, type NodeSpec, ResourcePool, type TenantOptions, isFairpackError } from '../../index.js';
import { loadNodesFile } from '../cluster.js';
import { UsageError } from '../io.js';
import type { SimulateOptions } from './options.js';
import type { Scenario } from './scenario.js';
import { withSpotNodes } from './spot.js';
import { type TraceJob, parseTrace, traceScenario } from './trace.js';
import { syntheticCluster, syntheticScenario } from './workload.js';

/** Problems listed in one error message; the count of the rest is given. */
const SHOWN_PROBLEMS = 20;

export interface Inputs {
  readonly scenario: Scenario;
  readonly tenants?: Readonly<Record<string, TenantOptions>>;
  /** Things the user should know before reading the results (printed on stderr). */
  readonly warnings: readonly string[];
}

/** Reads and checks every input file; anything wrong is a UsageError that says where. */
export async function loadInputs(options: SimulateOptions): Promise<Inputs> {
  const cluster = options.nodesFile === undefined ? syntheticCluster(options.nodeCount) : await checkedNodes(options.nodesFile);
  const nodes = options.spot === undefined ? cluster : withSpotNodes(cluster, options.spot, options.seed);
  const spotNodes = nodes.filter((node) => node.spot === true).length;
  if ((options.interruptionsPerHour ?? 0) > 0 && spotNodes === 0) {
    throw new UsageError(
      options.spot === undefined
        ? 'Expected spot nodes for --interruptions-per-hour to reclaim: add --spot <fraction of the nodes>, or give a --nodes file with "spot": true nodes.'
        : `Expected spot nodes for --interruptions-per-hour to reclaim, but --spot ${options.spot} makes none.`,
    );
  }
  const tenants = options.tenantsFile === undefined ? undefined : await loadTenants(options.tenantsFile, nodes);
  const repairMs = options.repairS * 1000;
  const warnings: string[] = [];
  let scenario: Scenario;
  if (options.trace === undefined) {
    scenario = syntheticScenario({ seed: options.seed, jobs: options.jobs, nodes, load: options.load, nodeFailures: options.nodeFailures, repairMs });
  } else {
    const jobs = await loadTrace(options.trace);
    const misfits = jobs.filter((job) => !nodes.some((node) => couldHold(node, job.resources)));
    if (misfits.length > 0) {
      const lines = misfits.slice(0, SHOWN_PROBLEMS).map((job) => job.line);
      warnings.push(
        `${misfits.length} job${misfits.length > 1 ? 's' : ''} of the trace fit no node even when it is empty (line${lines.length > 1 ? 's' : ''} ${lines.join(', ')}${misfits.length > lines.length ? ', …' : ''}); the manager rejects them and they are counted as rejected.`,
      );
    }
    scenario = traceScenario({ file: options.trace, jobs, nodes, seed: options.seed, nodeFailures: options.nodeFailures, repairMs });
  }
  return { scenario: withSpotModel(scenario, options, spotNodes), ...(tenants === undefined ? {} : { tenants }), warnings };
}

/**
 * The spot model and checkpoints, on the scenario and in its description — only when their flags
 * are given: without them the scenario (and so every figure) is exactly what it was before.
 */
function withSpotModel(scenario: Scenario, options: SimulateOptions, spotNodes: number): Scenario {
  const spotOn = options.spot !== undefined || options.interruptionsPerHour !== undefined;
  if (!spotOn && options.checkpointEveryS === undefined) return scenario;
  const interruptionsPerHour = options.interruptionsPerHour ?? 0;
  const noticeS = interruptionsPerHour > 0 ? options.interruptionNoticeS : 0;
  return {
    ...scenario,
    description: {
      ...scenario.description,
      ...(spotOn ? { spot: { nodes: spotNodes, interruptionsPerHour, noticeS, returnAfterS: options.repairS } } : {}),
      ...(options.checkpointEveryS === undefined ? {} : { checkpointEveryS: options.checkpointEveryS }),
    },
    ...(spotOn ? { spot: { interruptionsPerHour, noticeMs: noticeS * 1000, returnAfterMs: options.repairS * 1000 } } : {}),
    // whole milliseconds, at least one
    ...(options.checkpointEveryS === undefined ? {} : { checkpointEveryMs: Math.max(1, Math.round(options.checkpointEveryS * 1000)) }),
  };
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

/** Whether the node, empty and ready, could hold the job (no tolerations: NoSchedule taints keep it off). */
function couldHold(node: NodeSpec, resources: Readonly<Record<string, number>>): boolean {
  if (node.taints?.some((taint) => taint.effect === 'NoSchedule') === true) return false;
  return Object.entries(resources).every(([name, amount]) => amount <= (node.capacity[name] ?? 0));
}
