import { FairpackError, type NodeSpec } from '../index.js';
import type { NodeTypeSpec } from '../manager/scaling/scaling-options.js';
import { withEstimateError } from './estimate-error.js';
import type { ResolvedOptions } from './options.js';
import { fromSnapshot, readSnapshot } from './snapshot-start.js';
import type { Scenario } from './scenario.js';
import { withSpotNodes } from './spot.js';
import { checkedTraceRows } from './trace-rows.js';
import { traceScenario } from './trace.js';
import { syntheticCluster, syntheticScenario } from './workload.js';

/** Trace rows named in the misfit warning; the count of the rest is given. */
const SHOWN_MISFITS = 20;

/** The scenario every combination replays, and what the caller should know before reading the results. */
export interface BuiltScenario {
  readonly scenario: Scenario;
  readonly warnings: readonly string[];
}

/** The workload, the cluster, the failures and the spot model, from checked options and a seed. */
export function buildScenario(options: ResolvedOptions, seed: number): BuiltScenario {
  const read = options.snapshot === undefined ? undefined : readSnapshot(options.snapshot);
  // with a snapshot, `nodes` are added to its own
  const given = read !== undefined ? [...read.nodes, ...(options.nodes as readonly NodeSpec[])] : typeof options.nodes === 'number' ? syntheticCluster(options.nodes) : options.nodes;
  const cluster = options.nodeTypes === undefined ? given : pricedByType(given, options.nodeTypes);
  const fraction = options.spot?.fraction;
  const nodes = fraction === undefined ? cluster : withSpotNodes(cluster, fraction, seed);
  const spotNodes = nodes.filter((node) => node.spot === true).length;
  if ((options.spot?.interruptionsPerHour ?? 0) > 0 && spotNodes === 0) {
    throw new FairpackError(
      'INVALID_OPTION',
      `Expected spot nodes for \`spot.interruptionsPerHour\` of simulate() to reclaim, got none${fraction === undefined ? '' : ` (spot.fraction ${fraction} makes none)`}. Set spot.fraction, or give nodes with spot: true.`,
      { method: 'simulate', option: 'spot' },
    );
  }
  const repairMs = options.repairS * 1000;
  const warnings: string[] = [];
  let scenario: Scenario;
  if (options.trace === undefined) {
    scenario = syntheticScenario({ seed, jobs: options.jobs, nodes, load: options.load, nodeFailures: options.nodeFailures, repairMs });
  } else {
    const jobs = checkedTraceRows(options.trace);
    const misfits = jobs.flatMap((job, index) => (nodes.some((node) => couldHold(node, job.resources)) ? [] : [lineOf(job, index)]));
    if (misfits.length > 0) {
      const lines = misfits.slice(0, SHOWN_MISFITS);
      warnings.push(
        `${misfits.length} job${misfits.length > 1 ? 's' : ''} of the trace fit no node even when it is empty (line${lines.length > 1 ? 's' : ''} ${lines.join(', ')}${misfits.length > lines.length ? ', …' : ''}); the manager rejects them and they are counted as rejected.`,
      );
    }
    scenario = traceScenario({ file: options.traceName, jobs, nodes, seed, nodeFailures: options.nodeFailures, repairMs });
  }
  if (read !== undefined && options.snapshot !== undefined) {
    const added = nodes.slice(read.nodes.length);
    scenario = fromSnapshot(scenario, { document: options.snapshot, at: read.at, addedNodes: added, runtimeMs: options.snapshotRuntimeS * 1000, jobs: read.jobs, running: read.running }, read);
  }
  scenario = withSpotModel(scenario, options, spotNodes);
  // without the option no draw is made: the jobs, and so every figure, are exactly as before
  return { scenario: options.estimateError === undefined ? scenario : withEstimateError(scenario, options.estimateError, seed), warnings };
}

/** The CSV line of a row read by parseTrace, else its index in the sorted rows. */
function lineOf(job: object, index: number): number {
  const line = (job as { readonly line?: unknown }).line;
  return typeof line === 'number' ? line : index;
}

/**
 * The spot model and checkpoints, on the scenario and in its description — only when asked for:
 * without them the scenario (and so every figure) is exactly what it is without this code.
 */
function withSpotModel(scenario: Scenario, options: ResolvedOptions, spotNodes: number): Scenario {
  const spot = options.spot;
  const spotOn = spot !== undefined && (spot.fraction !== undefined || spot.interruptionsPerHour !== undefined);
  if (!spotOn && options.checkpointEveryS === undefined) return scenario;
  const interruptionsPerHour = spot?.interruptionsPerHour ?? 0;
  const noticeS = interruptionsPerHour > 0 ? (spot?.noticeS ?? 0) : 0;
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

/**
 * With node types, a starting node without a price whose capacity is a type's (the same amount of
 * every dimension) costs that type's price: the synthetic cluster's nodes have none of their own.
 */
function pricedByType(nodes: readonly NodeSpec[], types: readonly NodeTypeSpec[]): NodeSpec[] {
  const key = (capacity: Readonly<Record<string, number>>): string =>
    JSON.stringify(Object.entries(capacity).filter(([, amount]) => amount !== 0).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const prices = new Map<string, number>();
  for (const type of types) if (!prices.has(key(type.capacity))) prices.set(key(type.capacity), type.costPerHour);
  return nodes.map((node) => {
    if (node.costPerHour !== undefined) return node;
    const price = prices.get(key(node.capacity));
    return price === undefined ? node : { ...node, costPerHour: price };
  });
}

/** Whether the node, empty and ready, could hold the job (no tolerations: NoSchedule taints keep it off). */
function couldHold(node: NodeSpec, resources: Readonly<Record<string, number>>): boolean {
  if (node.taints?.some((taint) => taint.effect === 'NoSchedule') === true) return false;
  return Object.entries(resources).every(([name, amount]) => amount <= (node.capacity[name] ?? 0));
}
