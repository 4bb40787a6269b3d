import type { NodeSpec, Resources } from '../index.js';
import type { SnapshotStart } from './snapshot-start.js';

/** One job as the simulator submits it. Times are milliseconds on the simulation's clock. */
export interface SimJob {
  readonly submitAt: number;
  readonly tenant: string;
  readonly priority: string;
  /** One replica's resources (the simulator submits single-replica jobs). */
  readonly resources: Resources;
  /**
   * How long it runs once started; a restarted job runs this long again, or (with checkpoints)
   * this long less the work its checkpoints saved.
   */
  readonly durationMs: number;
  /** Absolute time by which it should start (trace column `deadline_s`). */
  readonly deadline?: number;
  /**
   * The runtime the manager is told (`estimatedRuntimeMs`): a trace's `estimate_s`, or drawn by
   * `estimateError`. Without it the manager is told `durationMs`, a perfect estimate.
   */
  readonly estimatedRuntimeMs?: number;
}

/** A node that fails at `at` (its jobs are re-queued) and is ready again `downForMs` later. */
export interface NodeFailure {
  readonly at: number;
  readonly nodeId: string;
  readonly downForMs: number;
}

/** What the report and `--json` say about the workload and the cluster. */
export interface ScenarioDescription {
  readonly workload: 'synthetic' | 'trace';
  /** The trace file, for `trace`. */
  readonly trace?: string;
  readonly seed: number;
  readonly jobs: number;
  readonly nodes: number;
  /** Node shapes and how many of each, e.g. `{ capacity: { cpu: 64, memory: 256 }, count: 70 }`. */
  readonly nodeShapes: readonly { readonly capacity: Resources; readonly count: number }[];
  /** Synthetic only: target offered load of the busiest dimension. */
  readonly load?: number;
  readonly nodeFailures: number;
  readonly repairS: number;
  /** Per tenant: share of the jobs, and for synthetic tenants what their jobs look like. */
  readonly tenants: readonly { readonly name: string; readonly jobs: number; readonly about?: string }[];
  /** Only with `--spot` or `--interruptions-per-hour`: the spot nodes and how they are reclaimed. */
  readonly spot?: {
    /** How many nodes are spot nodes. */
    readonly nodes: number;
    readonly interruptionsPerHour: number;
    readonly noticeS: number;
    /** How long a reclaimed node stays gone after its notice ends (`--repair-time`). */
    readonly returnAfterS: number;
  };
  /** Only with `--checkpoint-every`: seconds of work between a job's checkpoints. */
  readonly checkpointEveryS?: number;
  /**
   * Only with `--snapshot` (a what-if from a live cluster): the snapshot's clock (ms), its live
   * jobs (and how many of them run), its nodes, and the nodes added to them.
   */
  readonly snapshot?: { readonly at: number; readonly jobs: number; readonly running: number; readonly nodes: number; readonly addedNodes: number };
  /** Only with `estimateError` (`--estimate-error`): how wrong the runtime estimates the manager is told are. */
  readonly estimateError?: { readonly sigma: number; readonly factor: number };
}

/**
 * The spot market: reclaims (`interruptNode`) at the times of a Poisson process over the spot
 * nodes, each warning the node's jobs `noticeMs` ahead; the node is ready again `returnAfterMs`
 * after its notice ended. See docs/simulate.md.
 */
export interface SpotSettings {
  /** Reclaims per hour over the whole spot fleet; 0: spot nodes are never reclaimed. */
  readonly interruptionsPerHour: number;
  readonly noticeMs: number;
  readonly returnAfterMs: number;
  /**
   * Reclaims at these times (ms, on the simulation's clock) instead of the Poisson process — for
   * worked examples and tests; the node is still drawn among the spot nodes that are up.
   */
  readonly reclaimTimes?: readonly number[];
}

/** Everything one run needs; every combination replays the same scenario. */
export interface Scenario {
  readonly description: ScenarioDescription;
  readonly nodes: readonly NodeSpec[];
  /** Every tenant that submits, in a stable order (the order of tables and chart legends). */
  readonly tenants: readonly string[];
  /** Priority class names that jobs use, highest first. */
  readonly priorities: readonly string[];
  readonly jobCount: number;
  /**
   * The jobs in submission order, generated afresh for each run. A synthetic workload makes each
   * job when it is pulled, so a million jobs never exist at once.
   */
  jobs(): Iterator<SimJob>;
  /**
   * The smallest job shapes (no other shape fits inside them): free room on a node that holds
   * none of them is stranded — no job of this workload could use it.
   */
  readonly minimalShapes: readonly Resources[];
  readonly failures: readonly NodeFailure[];
  /** The spot model; undefined: off (spot nodes, if any, are never reclaimed). */
  readonly spot?: SpotSettings;
  /** Work between a job's checkpoints, ms; undefined: none (a re-queued job restarts from zero). */
  readonly checkpointEveryMs?: number;
  /** Tenants with the most offered work first: the ones charted by name (the rest as "others"). */
  readonly chartedTenants: readonly string[];
  /** Start from a manager snapshot instead of an empty cluster (snapshot-start.ts). */
  readonly snapshot?: SnapshotStart;
}

/** The default priority classes, highest first (the manager's DEFAULT_PRIORITY_CLASSES). */
export const PRIORITY_ORDER: readonly string[] = ['real-time', 'high', 'default', 'low', 'best-effort'];

/** Keeps the shapes that no other shape fits inside (a smaller shape fits wherever a larger one does). */
export function minimalShapes(shapes: Iterable<Resources>, limit = 64): Resources[] {
  const fitsInside = (small: Resources, large: Resources): boolean => {
    for (const [name, amount] of Object.entries(small)) if (amount > (large[name] ?? 0)) return false;
    return true;
  };
  const kept: Resources[] = [];
  const seen = new Set<string>();
  for (const shape of shapes) {
    const key = JSON.stringify(shape);
    if (seen.has(key)) continue;
    seen.add(key);
    if (kept.some((other) => fitsInside(other, shape))) continue;
    for (let i = kept.length - 1; i >= 0; i--) if (fitsInside(shape, kept[i] as Resources)) kept.splice(i, 1);
    kept.push(shape);
  }
  // a long tail of incomparable shapes only slows the stranded-capacity check down; the smallest
  // (by total normalised size) decide nearly every node, so keep those
  const size = (shape: Resources): number => Object.values(shape).reduce((sum, amount) => sum + amount, 0);
  return kept.sort((a, b) => size(a) - size(b)).slice(0, limit);
}

/** Nodes grouped by capacity, for the description. */
export function nodeShapes(nodes: readonly NodeSpec[]): { capacity: Resources; count: number }[] {
  const groups = new Map<string, { capacity: Resources; count: number }>();
  // nodes of one type usually share their capacity object: its key is made once (a sort and a
  // stringify per node were a few per cent of a 100,000-node run)
  const keys = new Map<Resources, string>();
  for (const node of nodes) {
    let key = keys.get(node.capacity);
    if (key === undefined) keys.set(node.capacity, (key = JSON.stringify(Object.entries(node.capacity).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))));
    const group = groups.get(key);
    if (group === undefined) groups.set(key, { capacity: node.capacity, count: 1 });
    else group.count++;
  }
  return [...groups.values()];
}
