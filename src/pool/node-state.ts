import { plainArray, readingInput } from '../user-input.js';
import { grow } from '../typed-arrays.js';
import { FairpackError, describeValue } from '../errors.js';
import { checkKnownKeys, knownKeys } from '../known-keys.js';
import type { IndexedNode, NodeStatus, NodeView, Taint } from '../placement/index.js';
import { type Resources, copyStringRecord, fromScaled, isPlainRecord, parseResources } from '../resources/index.js';
import type { MutableCapacityGroup } from './capacity-groups.js';
import type { DimensionSpace } from './dimension-space.js';

const STATUSES: readonly NodeStatus[] = ['ready', 'draining', 'offline'];
const EFFECTS = ['NoSchedule', 'PreferNoSchedule'] as const;
const UPDATE_FIELDS = knownKeys('node update field', ['labels', 'taints'], 'INVALID_NODE');
const NODE_FIELDS = knownKeys('node spec field', ['id', 'capacity', 'labels', 'taints', 'status', 'costPerHour', 'spot'], 'INVALID_NODE');
const TAINT_FIELDS = knownKeys('taint field', ['key', 'value', 'effect'], 'INVALID_NODE');

/**
 * The pool's mutable record of one node. `free` and `reserved` are scaled and dense;
 * allocated = capacity − free − reserved (room held for a waiting job is not free, and not allocated).
 *
 * Only `free` is the node's own typed array: `capacity` is its group's (nodes of a group have the
 * same vector) and `reserved` is the group's zeros until the node first holds room. A typed array
 * is three heap objects (the array, its buffer, its elements); with one each for capacity, free,
 * reserved and the deferred index's copy, a node was 17 objects (1.2 KB), and the concurrent
 * sweeping after each full collection visits every one: at 10,000 nodes ≈ 2–3 ms of helper-thread
 * time per collection, which the placement bench counts in its CPU time.
 */
export class NodeState implements IndexedNode {
  /** The group's `capacityDense` (shared, never written). */
  capacity: Float64Array;
  free: Float64Array;
  /** The group's `zeros` (shared, never written) until `holdable()` gives the node its own. */
  reserved: Float64Array;
  allocationCount = 0;
  /**
   * `[this]`: the node list of every one-replica allocation on this node shares it (internal,
   * never written; not frozen, because optimised code reads frozen arrays through a slow path).
   */
  readonly alone: readonly NodeState[] = [this];

  constructor(
    readonly id: string,
    readonly order: number,
    public slot: number,
    readonly group: MutableCapacityGroup,
    /** Changed only by `pool.updateNode` (whole, never in place: views share them). */
    public labels: Readonly<Record<string, string>>,
    public taints: readonly Taint[],
    public status: NodeStatus,
    readonly costPerHour: number | undefined,
    readonly spot: boolean,
  ) {
    this.capacity = group.capacityDense;
    this.free = Float64Array.from(group.capacityDense);
    this.reserved = group.zeros;
  }

  /** `reserved`, as the node's own array (made on the first hold), to write to. */
  holdable(): Float64Array {
    if (this.reserved === this.group.zeros) this.reserved = new Float64Array(this.free.length);
    return this.reserved;
  }

  /**
   * Grows the dense arrays after a new dimension was registered (the node has none of it). The
   * group must be widened first: the node takes its new vectors.
   */
  widen(size: number): void {
    this.capacity = this.group.capacityDense;
    this.free = grow(this.free, size);
    // nothing held (the former zeros, or its own array back at 0): the group's zeros again
    this.reserved = this.reserved.every((amount) => amount === 0) ? this.group.zeros : grow(this.reserved, size);
  }

  view(space: DimensionSpace): NodeView {
    const capacity: Record<string, number> = {};
    const allocated: Record<string, number> = {};
    const reserved: Record<string, number> = {};
    const available: Record<string, number> = {};
    for (const d of this.group.dims) {
      const name = space.dimensions[d] as string;
      const cap = this.capacity[d] as number;
      const free = this.free[d] as number;
      const held = this.reserved[d] as number;
      capacity[name] = fromScaled(cap, space.scale);
      allocated[name] = fromScaled(cap - free - held, space.scale);
      reserved[name] = fromScaled(held, space.scale);
      available[name] = fromScaled(free, space.scale);
    }
    return Object.freeze({
      id: this.id,
      order: this.order,
      capacity: Object.freeze(capacity),
      allocated: Object.freeze(allocated),
      reserved: Object.freeze(reserved),
      available: Object.freeze(available),
      labels: this.labels,
      taints: this.taints,
      status: this.status,
      ...(this.costPerHour === undefined ? {} : { costPerHour: this.costPerHour }),
      ...(this.spot ? { spot: true as const } : {}),
      allocationCount: this.allocationCount,
    });
  }
}

/** A validated node spec: everything checked, nothing registered yet. */
export interface ParsedNode {
  readonly id: string;
  readonly names: readonly string[];
  readonly amounts: readonly number[];
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly Taint[];
  readonly status: NodeStatus;
  readonly costPerHour: number | undefined;
  readonly spot: boolean;
}

export function parseNodeSpec(spec: unknown, space: DimensionSpace): ParsedNode {
  return readingInput('the node spec', 'INVALID_NODE', () => parseNodeData(spec, space));
}

function parseNodeData(spec: unknown, space: DimensionSpace): ParsedNode {
  if (!isPlainRecord(spec)) {
    throw new FairpackError('INVALID_NODE', `Expected a node to be an object { id, capacity, labels?, taints?, status?, costPerHour?, spot? }, got ${describeValue(spec)}.`);
  }
  const named = spec['id'];
  checkKnownKeys(spec, NODE_FIELDS, typeof named === 'string' && named.length > 0 ? `node "${named}"` : undefined);
  const id = parseNodeId(named);
  const { names, amounts } = parseResources(spec['capacity'], space.scale, `capacity of node "${id}"`);
  const labels = copyStringRecord(spec['labels'], `labels of node "${id}"`, 'INVALID_NODE');
  const taints = parseTaints(spec['taints'], id);
  const status = parseStatus(spec['status'] ?? 'ready', `status of node "${id}"`);
  const cost = spec['costPerHour'];
  if (cost !== undefined && (typeof cost !== 'number' || !Number.isFinite(cost) || cost < 0)) {
    throw new FairpackError('INVALID_NODE', `Expected costPerHour of node "${id}" to be a finite number >= 0, got ${describeValue(cost)}.`, { nodeId: id });
  }
  const spot = spec['spot'] ?? false;
  if (typeof spot !== 'boolean') throw new FairpackError('INVALID_NODE', `Expected spot of node "${id}" to be true or false, got ${describeValue(spot)}.`, { nodeId: id });
  return { id, names, amounts, labels, taints, status, costPerHour: cost, spot };
}

export function parseNodeId(id: unknown): string {
  if (typeof id !== 'string' || id.length === 0) {
    throw new FairpackError('INVALID_NODE', `Expected a node id to be a non-empty string, got ${describeValue(id)}. Give every node a unique \`id\`.`, { value: id });
  }
  return id;
}

export function parseStatus(status: unknown, what: string): NodeStatus {
  if (!STATUSES.includes(status as NodeStatus)) {
    throw new FairpackError('INVALID_NODE', `Expected ${what} to be one of 'ready', 'draining', 'offline', got ${describeValue(status)}.`, { value: status });
  }
  return status as NodeStatus;
}

/** What `pool.updateNode` may change: labels and taints, each given whole. */
export function parseNodeUpdate(update: unknown, nodeId: string): { readonly labels?: Readonly<Record<string, string>>; readonly taints?: readonly Taint[] } {
  return readingInput('the node update', 'INVALID_NODE', () => {
    if (!isPlainRecord(update)) throw new FairpackError('INVALID_NODE', `Expected a node update { labels?, taints? } for node "${nodeId}", got ${describeValue(update)}.`, { nodeId });
    checkKnownKeys(update, UPDATE_FIELDS, `node "${nodeId}"`);
    return {
      ...(update['labels'] === undefined ? {} : { labels: copyStringRecord(update['labels'], `labels of node "${nodeId}"`, 'INVALID_NODE') }),
      ...(update['taints'] === undefined ? {} : { taints: parseTaints(update['taints'], nodeId) }),
    };
  });
}

/** The taints of every node given none (one array: a frozen empty array per node was one more object per node for the collector to visit). */
const NO_TAINTS: readonly Taint[] = Object.freeze([]);

function parseTaints(input: unknown, nodeId: string): readonly Taint[] {
  if (input === undefined) return NO_TAINTS;
  if (!Array.isArray(input)) {
    throw new FairpackError('INVALID_NODE', `Expected taints of node "${nodeId}" to be an array of { key, value?, effect }, got ${describeValue(input)}.`, { nodeId });
  }
  return Object.freeze(
    plainArray(input).map((taint: unknown, i) => {
      const where = `taint ${i} of node "${nodeId}"`;
      if (isPlainRecord(taint)) checkKnownKeys(taint, TAINT_FIELDS, where); // a misspelt `key` is reported as such
      if (!isPlainRecord(taint) || typeof taint['key'] !== 'string' || taint['key'].length === 0) {
        throw new FairpackError('INVALID_NODE', `Expected ${where} to be { key: non-empty string, value?, effect }, got ${describeValue(taint)}.`, { nodeId });
      }
      const { key, value, effect } = taint;
      if (value !== undefined && typeof value !== 'string') {
        throw new FairpackError('INVALID_NODE', `Expected the value of ${where} to be a string, got ${describeValue(value)}.`, { nodeId });
      }
      if (!EFFECTS.includes(effect as (typeof EFFECTS)[number])) {
        throw new FairpackError('INVALID_NODE', `Expected the effect of ${where} to be 'NoSchedule' or 'PreferNoSchedule', got ${describeValue(effect)}.`, { nodeId });
      }
      return Object.freeze({ key, ...(value === undefined ? {} : { value }), effect: effect as Taint['effect'] });
    }),
  );
}

/** Dense scaled vector from parsed entries (names must be registered). */
export function denseVector(names: readonly string[], amounts: readonly number[], space: DimensionSpace): Float64Array {
  const out = new Float64Array(space.size);
  for (let i = 0; i < names.length; i++) out[space.indexOf(names[i] as string)] = amounts[i] as number;
  return out;
}

export function sparseResources(dims: readonly number[], amounts: ArrayLike<number>, space: DimensionSpace, times = 1): Resources {
  const out: Record<string, number> = {};
  for (const d of dims) out[space.dimensions[d] as string] = fromScaled((amounts[d] as number) * times, space.scale);
  return Object.freeze(out);
}
