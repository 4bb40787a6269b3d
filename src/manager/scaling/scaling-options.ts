import { FairpackError, describeValue, isFairpackError } from '../../errors.js';
import { checkKnownKeys, knownKeys } from '../../known-keys.js';
import type { Taint } from '../../placement/index.js';
import type { DimensionSpace } from '../../pool/dimension-space.js';
import { parseNodeSpec } from '../../pool/node-state.js';
import type { Resources } from '../../resources/index.js';
import { isPlainRecord } from '../../resources/index.js';
import { plainArray, readingInput } from '../../user-input.js';
import { microsPerHour } from '../cost-ledger.js';

/** A kind of node the cloud can add (an instance type, in a zone, on-demand or spot). */
export interface NodeTypeSpec {
  /** Unique among the types; what `add[].type` names. */
  readonly name: string;
  readonly capacity: Resources;
  /** Price of one node, in the currency of the nodes' `costPerHour`. */
  readonly costPerHour: number;
  /** Labels a node of this type gets (job `nodeSelector`s are matched against them). */
  readonly labels?: Readonly<Record<string, string>>;
  /** Taints a node of this type gets (jobs must tolerate the NoSchedule ones). */
  readonly taints?: readonly Taint[];
  /** A spot node: jobs with `spot: 'avoid'` take it only if no other type holds them. @default false */
  readonly spot?: boolean;
  /** Most nodes of this type one piece of advice adds. @default Infinity */
  readonly max?: number;
}

/** `mgr.scalingAdvice(options)`. */
export interface ScalingOptions {
  /** The node types that may be added (1 to 100). */
  readonly nodeTypes: readonly NodeTypeSpec[];
  /** Removals never take the cluster below this many nodes. @default 0 */
  readonly minNodes?: number;
  /** Additions never take the cluster above this many nodes. @default Infinity */
  readonly maxNodes?: number;
  /**
   * Scale-down: a node where nothing has run for `idleForMs` is removed; a node whose largest used
   * share is below `utilisationBelow` is removed if all its jobs can move elsewhere. `false`: none.
   * @default { utilisationBelow: 0.5, idleForMs: 600_000 }
   */
  readonly scaleDown?: { readonly utilisationBelow?: number; readonly idleForMs?: number } | false;
  /** No removal while a node added less than this long ago is in the cluster (against flapping). @default 600_000 */
  readonly cooldownMs?: number;
  /**
   * Scale-up: `waitTargetMs` is the wait a job may be left to before new nodes are bought for it.
   * A job that does not fit now is bought for only if the nodes there are would not start it
   * within `waitTargetMs` of when it entered the queue — judged by the room running jobs give
   * back at their `estimatedRuntimeMs` or TTL (jobs without either are assumed to run on). 0:
   * buy for every job that does not fit now. See docs/costs-and-scaling.md#a-wait-target.
   * @default { waitTargetMs: 0 }
   */
  readonly scaleUp?: { readonly waitTargetMs?: number };
  /** The time to measure idleness against. @default the manager's latest clock reading */
  readonly now?: number;
  /** Most search nodes the exact packing may visit before it settles for the best found. @default 200_000 */
  readonly searchBudget?: number;
}

export interface ParsedNodeType {
  readonly name: string;
  /** Scaled, dense over the pool's dimensions (a dimension the pool lacks is needed by no job). */
  readonly capacity: readonly number[];
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly Taint[];
  readonly spot: boolean;
  /** Micro-units per hour. */
  readonly cost: number;
  readonly max: number;
}

export interface ParsedScalingOptions {
  readonly types: readonly ParsedNodeType[];
  readonly minNodes: number;
  readonly maxNodes: number;
  readonly scaleDown: { readonly utilisationBelow: number; readonly idleForMs: number } | false;
  readonly cooldownMs: number;
  /** 0: no target (every job that does not fit now is bought for). */
  readonly waitTargetMs: number;
  readonly now: number | undefined;
  readonly budget: number;
}

const MAX_TYPES = 100;
const MAX_BUDGET = 2_000_000;
/** A week: a longer target is no target (and keeps `queuedSince + target` far from the float limits). */
const MAX_WAIT_TARGET_MS = 7 * 24 * 3_600_000;
const OPTIONS = knownKeys('scalingAdvice() option', ['nodeTypes', 'minNodes', 'maxNodes', 'scaleDown', 'scaleUp', 'cooldownMs', 'now', 'searchBudget'], 'INVALID_OPTION');
const TYPE_FIELDS = knownKeys('node type field', ['name', 'capacity', 'costPerHour', 'labels', 'taints', 'spot', 'max'], 'INVALID_OPTION');
const SCALE_DOWN = knownKeys('scaleDown field', ['utilisationBelow', 'idleForMs'], 'INVALID_OPTION');
const SCALE_UP = knownKeys('scaleUp field', ['waitTargetMs'], 'INVALID_OPTION');

export function parseScalingOptions(input: unknown, space: DimensionSpace): ParsedScalingOptions {
  return readingInput('the options of scalingAdvice()', 'INVALID_OPTION', () => parse(input, space));
}

function parse(input: unknown, space: DimensionSpace): ParsedScalingOptions {
  if (!isPlainRecord(input)) throw new FairpackError('INVALID_OPTION', `Expected the options of scalingAdvice() to be an object { nodeTypes, minNodes?, maxNodes?, scaleDown?, scaleUp?, cooldownMs?, now?, searchBudget? }, got ${describeValue(input)}.`);
  checkKnownKeys(input, OPTIONS);
  const raw = input['nodeTypes'];
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > MAX_TYPES) {
    throw new FairpackError('INVALID_OPTION', `Expected \`nodeTypes\` of scalingAdvice() to be an array of 1 to ${MAX_TYPES} node types { name, capacity, costPerHour, labels?, taints?, spot?, max? }, got ${Array.isArray(raw) ? `${raw.length} types` : describeValue(raw)}.`, { option: 'nodeTypes' });
  }
  const names = new Set<string>();
  const types = plainArray(raw).map((spec, i) => {
    const type = parseType(spec, i, space);
    if (names.has(type.name)) throw new FairpackError('INVALID_OPTION', `Expected unique node type names, got "${type.name}" twice (nodeTypes[${i}]). Give each type its own name.`, { option: 'nodeTypes', index: i });
    names.add(type.name);
    return type;
  });
  const minNodes = count(input['minNodes'], 'minNodes', 0, false);
  const maxNodes = count(input['maxNodes'], 'maxNodes', Infinity, true);
  if (minNodes > maxNodes) throw new FairpackError('INVALID_OPTION', `Expected \`minNodes\` (${minNodes}) to be at most \`maxNodes\` (${maxNodes}).`, { option: 'minNodes' });
  const scaleDown = parseScaleDown(input['scaleDown']);
  const cooldownMs = milliseconds(input['cooldownMs'], 'cooldownMs', 600_000);
  const waitTargetMs = parseScaleUp(input['scaleUp']);
  const now = input['now'];
  if (now !== undefined && (typeof now !== 'number' || !Number.isFinite(now))) throw new FairpackError('INVALID_OPTION', `Expected \`now\` of scalingAdvice() to be a finite number of milliseconds on the manager's clock, got ${describeValue(now)}.`, { option: 'now' });
  const budget = count(input['searchBudget'], 'searchBudget', 200_000, false);
  if (budget > MAX_BUDGET) throw new FairpackError('INVALID_OPTION', `Expected \`searchBudget\` of scalingAdvice() to be at most ${MAX_BUDGET.toLocaleString('en-US')}, got ${budget}.`, { option: 'searchBudget' });
  return { types, minNodes, maxNodes, scaleDown, cooldownMs, waitTargetMs, now: now as number | undefined, budget };
}

function parseType(spec: unknown, i: number, space: DimensionSpace): ParsedNodeType {
  const where = `nodeTypes[${i}]`;
  if (!isPlainRecord(spec)) throw new FairpackError('INVALID_OPTION', `Expected ${where} to be a node type { name, capacity, costPerHour, labels?, taints?, spot?, max? }, got ${describeValue(spec)}.`, { option: 'nodeTypes', index: i });
  checkKnownKeys(spec, TYPE_FIELDS, where);
  const { name, capacity, costPerHour, labels, taints, spot, max } = spec;
  if (typeof name !== 'string' || name.length === 0 || name.length > 253) throw new FairpackError('INVALID_OPTION', `Expected the name of ${where} to be a non-empty string of at most 253 characters, got ${describeValue(name)}.`, { option: 'nodeTypes', index: i });
  if (typeof costPerHour !== 'number' || !Number.isFinite(costPerHour) || costPerHour < 0 || microsPerHour(costPerHour) > Number.MAX_SAFE_INTEGER / 1e6) {
    throw new FairpackError('INVALID_OPTION', `Expected costPerHour of node type "${name}" to be a finite number >= 0 (a price per hour), got ${describeValue(costPerHour)}.`, { option: 'nodeTypes', index: i });
  }
  let parsed;
  try {
    // the node spec's own checks (amounts, labels, taints, spot), with the type's name as its id
    parsed = parseNodeSpec({ id: name, capacity, ...(labels === undefined ? {} : { labels }), ...(taints === undefined ? {} : { taints }), ...(spot === undefined ? {} : { spot }) }, space);
  } catch (error) {
    if (!isFairpackError(error)) throw error;
    throw new FairpackError('INVALID_OPTION', `Node type "${name}" (${where}) is invalid: ${error.message}`, { option: 'nodeTypes', index: i });
  }
  const dense = new Array<number>(space.size).fill(0);
  parsed.names.forEach((dimension, k) => {
    const d = space.indexOf(dimension);
    if (d >= 0) dense[d] = parsed.amounts[k] as number;
  });
  return { name, capacity: dense, labels: parsed.labels, taints: parsed.taints, spot: parsed.spot, cost: microsPerHour(costPerHour), max: count(max, `max of node type "${name}"`, Infinity, true) };
}

function parseScaleDown(value: unknown): ParsedScalingOptions['scaleDown'] {
  if (value === false) return false;
  if (value === undefined) return { utilisationBelow: 0.5, idleForMs: 600_000 };
  if (!isPlainRecord(value)) throw new FairpackError('INVALID_OPTION', `Expected \`scaleDown\` of scalingAdvice() to be { utilisationBelow?, idleForMs? } or false, got ${describeValue(value)}.`, { option: 'scaleDown' });
  checkKnownKeys(value, SCALE_DOWN, 'scaleDown');
  const below = value['utilisationBelow'] ?? 0.5;
  if (typeof below !== 'number' || !(below >= 0 && below <= 1)) throw new FairpackError('INVALID_OPTION', `Expected \`scaleDown.utilisationBelow\` to be a number from 0 (never consolidate) to 1, got ${describeValue(below)}.`, { option: 'scaleDown' });
  return { utilisationBelow: below, idleForMs: milliseconds(value['idleForMs'], 'scaleDown.idleForMs', 600_000) };
}

function parseScaleUp(value: unknown): number {
  if (value === undefined) return 0;
  if (!isPlainRecord(value)) throw new FairpackError('INVALID_OPTION', `Expected \`scaleUp\` of scalingAdvice() to be { waitTargetMs? }, got ${describeValue(value)}.`, { option: 'scaleUp' });
  checkKnownKeys(value, SCALE_UP, 'scaleUp');
  const target = milliseconds(value['waitTargetMs'], 'scaleUp.waitTargetMs', 0);
  if (target > MAX_WAIT_TARGET_MS) throw new FairpackError('INVALID_OPTION', `Expected \`scaleUp.waitTargetMs\` to be at most ${MAX_WAIT_TARGET_MS} (a week), got ${target}. Use a shorter target, or scale up by hand.`, { option: 'scaleUp.waitTargetMs' });
  return target;
}

function count(value: unknown, what: string, fallback: number, infinite: boolean): number {
  if (value === undefined) return fallback;
  if ((infinite && value === Infinity) || (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0)) return value as number;
  throw new FairpackError('INVALID_OPTION', `Expected \`${what}\` to be a whole number >= 0${infinite ? ' or Infinity' : ''}, got ${describeValue(value)}.`, { option: what });
}

function milliseconds(value: unknown, what: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  throw new FairpackError('INVALID_OPTION', `Expected \`${what}\` to be milliseconds (a finite number >= 0), got ${describeValue(value)}.`, { option: what });
}
