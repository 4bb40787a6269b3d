import { FairpackError, describeValue } from '../errors.js';
import { checkKnownKeys, knownKeys } from '../known-keys.js';
import { AllocationManager, type AllocationManagerOptions } from '../manager/index.js';
import type { NodeSpec } from '../pool/index.js';
import { isPlainRecord } from '../resources/index.js';
import { SEED_PRIORITY_CLASSES } from './priorities.js';

/** Options of `AllocationTools`, validated once at construction. */
export interface AllocationToolsOptions {
  /**
   * Schedule on this manager instead of building one. Give it `priorityClasses:
   * SEED_PRIORITY_CLASSES` (or classes named `critical`, `high`, `default`, `low`) and nodes with a
   * `workers` dimension, and pass its clock as `now`. Not with `nodes`, the totals or `managerOptions`.
   */
  readonly manager?: AllocationManager;
  /** The nodes, each with `cpu`, `memory` (MB) and `workers` in its capacity. Not with the totals. */
  readonly nodes?: readonly NodeSpec[];
  /** One node `default` of this many cores. @default 16 */
  readonly totalCpu?: number;
  /** …and this much memory, in MB. @default 32768 */
  readonly totalMemory?: number;
  /** …and this many worker slots. @default 10 */
  readonly totalWorkers?: number;
  /**
   * More options of the manager built here (placement, fairness, maxQueued, starvation …).
   * `priorityClasses` defaults to `SEED_PRIORITY_CLASSES`. @default {}
   */
  readonly managerOptions?: Omit<AllocationManagerOptions, 'nodes' | 'capacity' | 'pool' | 'now'>;
  /** Cores each worker takes. @default 1 */
  readonly workerCpu?: number;
  /** Memory each worker takes, in MB. @default 2048 */
  readonly workerMemory?: number;
  /** `ttl_seconds` when a request gives none. @default 3600 */
  readonly defaultTtlSeconds?: number;
  /** The clock, in milliseconds; the manager built here reads it too. @default () => Date.now() */
  readonly now?: () => number;
  /**
   * Allocation ids. @default `alloc-` and 12 hex digits, as the seed's: 6 drawn at random once per
   * instance, then a 6-digit counter (`alloc-3f9c2a000001`), so that restored tools go on with the same ids
   */
  readonly newAllocationId?: () => string;
  /** Finished (released or failed) allocations remembered; the oldest are forgotten first. @default 10_000 */
  readonly history?: number;
}

export interface ResolvedToolOptions {
  readonly manager: AllocationManager;
  /** The manager was built here: closing the tools closes it. */
  readonly ownsManager: boolean;
  readonly workerCpu: number;
  readonly workerMemory: number;
  readonly defaultTtlSeconds: number;
  readonly now: () => number;
  readonly newAllocationId: (() => string) | undefined;
  readonly history: number;
}

const OPTIONS = knownKeys(
  'AllocationTools option',
  ['manager', 'nodes', 'totalCpu', 'totalMemory', 'totalWorkers', 'managerOptions', 'workerCpu', 'workerMemory', 'defaultTtlSeconds', 'now', 'newAllocationId', 'history'],
  'INVALID_OPTION',
);
const CLUSTER = ['nodes', 'totalCpu', 'totalMemory', 'totalWorkers', 'managerOptions'] as const;

/** Checks the options and fills in the seed's defaults; builds the manager unless one is given. */
export function resolveToolOptions(options: AllocationToolsOptions): ResolvedToolOptions {
  if (!isPlainRecord(options as unknown)) throw invalid(`Expected AllocationTools options to be an object, got ${describeValue(options)}.`, 'options');
  checkKnownKeys(options, OPTIONS);
  const now = options.now ?? (() => Date.now());
  if (typeof now !== 'function') throw invalid(`Expected \`now\` to be a function returning milliseconds, got ${describeValue(options.now)}.`, 'now');
  if (options.newAllocationId !== undefined && typeof options.newAllocationId !== 'function') {
    throw invalid(`Expected \`newAllocationId\` to be a function returning a string, got ${describeValue(options.newAllocationId)}.`, 'newAllocationId');
  }
  const shared = {
    workerCpu: amount(options.workerCpu ?? 1, 'workerCpu'),
    workerMemory: amount(options.workerMemory ?? 2048, 'workerMemory'),
    defaultTtlSeconds: whole(options.defaultTtlSeconds ?? 3600, 'defaultTtlSeconds', 1),
    now,
    newAllocationId: options.newAllocationId,
    history: whole(options.history ?? 10_000, 'history', 0),
  };
  if (options.manager !== undefined) {
    for (const key of CLUSTER) if (options[key] !== undefined) throw invalid(`Expected \`${key}\` to be left out when \`manager\` is given, got both. Configure the manager itself.`, key);
    // duck-typed: the CommonJS build of fairpack/mcp carries its own copy of the class
    const manager = options.manager as Partial<AllocationManager> | null;
    if (typeof manager !== 'object' || manager === null || typeof manager.submit !== 'function' || typeof manager.cleanupExpired !== 'function') {
      throw invalid(`Expected \`manager\` to be an AllocationManager, got ${describeValue(options.manager)}.`, 'manager');
    }
    return { ...shared, manager: withWorkers(options.manager), ownsManager: false };
  }
  if (options.nodes !== undefined && (options.totalCpu !== undefined || options.totalMemory !== undefined || options.totalWorkers !== undefined)) {
    throw invalid('Expected `nodes` or the totals (`totalCpu`, `totalMemory`, `totalWorkers`), got both. Give every node its own cpu, memory and workers.', 'nodes');
  }
  const cluster =
    options.nodes !== undefined
      ? { nodes: options.nodes }
      : { capacity: { cpu: options.totalCpu ?? 16, memory: options.totalMemory ?? 32768, workers: options.totalWorkers ?? 10 } };
  const manager = new AllocationManager({ priorityClasses: SEED_PRIORITY_CLASSES, ...options.managerOptions, ...cluster, ...(options.now === undefined ? {} : { now }) });
  return { ...shared, manager: withWorkers(manager), ownsManager: true };
}

/** Every node must say how many workers it holds: without the dimension, no worker could go there. */
function withWorkers(manager: AllocationManager): AllocationManager {
  for (const node of manager.nodes()) {
    if (!Object.hasOwn(node.capacity, 'workers')) {
      throw invalid(`Expected every node to have a \`workers\` capacity (worker slots), but node "${node.id}" has none. Add e.g. "workers": 4 to its capacity.`, 'nodes');
    }
  }
  return manager;
}

function amount(value: unknown, option: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw invalid(`Expected \`${option}\` to be a finite number >= 0, got ${describeValue(value)}.`, option);
  return value;
}

function whole(value: unknown, option: string, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) throw invalid(`Expected \`${option}\` to be an integer >= ${min}, got ${describeValue(value)}.`, option);
  return value;
}

function invalid(message: string, option: string): FairpackError {
  return new FairpackError('INVALID_OPTION', message, { option });
}
