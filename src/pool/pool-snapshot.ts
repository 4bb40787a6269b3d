import type { NodeStatus, Taint } from '../placement/index.js';
import type { Resources } from '../resources/index.js';
import { array, bool, finite, header, integer, invalidSnapshot, isRecordOf, record, text } from '../snapshot/reader.js';
import type { Allocation, NodeSpec } from './types.js';

/** A node as a snapshot keeps it: its spec and its place in node order. */
export interface NodeSnapshot {
  readonly id: string;
  readonly capacity: Resources;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly Taint[];
  readonly status: NodeStatus;
  readonly costPerHour?: number;
  readonly spot?: boolean;
  readonly order: number;
}

/**
 * Everything that decides a pool's future, as plain JSON (`pool.snapshot()`): its settings, its
 * nodes in node order, its live allocations in creation order with the slots they hold, and the
 * state of its id generator and of its memory of released ids — so that a restored pool gives the
 * same answers, and the same generated ids, to the same further calls.
 */
export interface PoolSnapshot {
  readonly format: 'fairpack.pool';
  readonly version: 1;
  readonly precision: number;
  /** The placement strategy's name (a custom one is given again to `restore`). */
  readonly placement: string;
  readonly maxMetadataBytes: number;
  readonly maxMetadataDepth: number;
  /** Dimension names in the order the pool registered them. */
  readonly dimensions: readonly string[];
  readonly nodes: readonly NodeSnapshot[];
  /** The `order` the next added node gets. */
  readonly nextOrder: number;
  /** Live allocations, oldest first; `slot` is where the pool keeps each (generated ids end with it). */
  readonly allocations: readonly { readonly slot: number; readonly chosen: boolean; readonly allocation: Allocation }[];
  /** Size of the slot table and its free slots (the next allocation takes the last one). */
  readonly slots: number;
  readonly freeSlots: readonly number[];
  /** The allocation id generator: its random prefix, its counter, and whether it checks for taken ids. */
  readonly ids: { readonly prefix: string; readonly count: number; readonly guarded: boolean };
  /** The last releases remembered (oldest first): `[id, how]`, so that a second release says ALREADY_RELEASED. */
  readonly released: readonly (readonly [string, string])[];
}

/** A pool snapshot read back, its structure checked (amounts, ids and books are checked as it is rebuilt). */
export interface PoolState extends Omit<PoolSnapshot, 'nodes'> {
  readonly nodes: readonly (NodeSpec & { readonly order: number })[];
}

const NODE_KEYS = ['id', 'capacity', 'labels', 'taints', 'status', 'order'];
const ALLOCATION_KEYS = ['id', 'jobId', 'tenant', 'priority', 'resources', 'placements', 'createdAt'];
const PLACEMENT_KEYS = ['nodeId', 'resources'];

/** Checks the structure of a pool snapshot at `path` (`pool` inside a manager's) and returns it typed. */
export function readPoolSnapshot(value: unknown, path = ''): PoolState {
  const at = (field: string) => (path === '' ? field : `${path}.${field}`);
  const s = record(value, path, ['format', 'version', 'precision', 'placement', 'maxMetadataBytes', 'maxMetadataDepth', 'dimensions', 'nodes', 'nextOrder', 'allocations', 'slots', 'freeSlots', 'ids', 'released']);
  header(s, 'fairpack.pool', 1);
  const nodes = array(s['nodes'], at('nodes')).map((n, i) => {
    const where = `${at('nodes')}[${i}]`;
    const node = record(n, where, NODE_KEYS, ['costPerHour', 'spot']);
    integer(node['order'], `${where}.order`);
    return node as unknown as NodeSpec & { readonly order: number };
  });
  // one allocation per live job: each is checked as it is rebuilt (readAllocationEntry), not here
  const allocations = array(s['allocations'], at('allocations')) as PoolSnapshot['allocations'];

  const ids = record(s['ids'], at('ids'), ['prefix', 'count', 'guarded']);
  text(ids['prefix'], at('ids.prefix'));
  integer(ids['count'], at('ids.count'));
  bool(ids['guarded'], at('ids.guarded'));
  const released = array(s['released'], at('released')).map((r, i) => {
    const pair = array(r, `${at('released')}[${i}]`);
    if (pair.length !== 2) throw invalidSnapshot(`${at('released')}[${i}]`, `expected [id, how], got an array of ${pair.length}`);
    return [text(pair[0], `${at('released')}[${i}][0]`), text(pair[1], `${at('released')}[${i}][1]`)] as const;
  });
  const slots = integer(s['slots'], at('slots'));
  const freeSlots = array(s['freeSlots'], at('freeSlots')).map((f, i) => integer(f, `${at('freeSlots')}[${i}]`));
  return {
    format: 'fairpack.pool',
    version: 1,
    precision: integer(s['precision'], at('precision')),
    placement: text(s['placement'], at('placement')),
    maxMetadataBytes: integer(s['maxMetadataBytes'], at('maxMetadataBytes')),
    maxMetadataDepth: integer(s['maxMetadataDepth'], at('maxMetadataDepth')),
    dimensions: array(s['dimensions'], at('dimensions')).map((d, i) => text(d, `${at('dimensions')}[${i}]`)),
    nodes,
    nextOrder: integer(s['nextOrder'], at('nextOrder')),
    allocations,
    slots,
    freeSlots,
    ids: { prefix: ids['prefix'] as string, count: ids['count'] as number, guarded: ids['guarded'] as boolean },
    released,
  };
}

/** Checks one allocation of a pool snapshot (`i`: its place, for the path of a problem). */
export function readAllocationEntry(a: unknown, i: number, path = ''): PoolSnapshot['allocations'][number] {
  // a restore reads 100,000s of these: each part is tested inline, and the reader (with a path
  // closure) is called only for a part that fails, to throw with its path
  const entry = isRecordOf(a, ENTRY_KEYS) ? a : record(a, entryPath(path, i, ''), ENTRY_KEYS);
  const slot = entry['slot'];
  if (typeof slot !== 'number' || !Number.isSafeInteger(slot) || slot < 0) integer(slot, entryPath(path, i, '.slot'));
  if (typeof entry['chosen'] !== 'boolean') bool(entry['chosen'], entryPath(path, i, '.chosen'));
  const raw = entry['allocation'];
  const allocation = isRecordOf(raw, ALLOCATION_KEYS, ALLOCATION_OPTIONAL) ? raw : record(raw, entryPath(path, i, '.allocation'), ALLOCATION_KEYS, ALLOCATION_OPTIONAL);
  const id = allocation['id'];
  if (typeof id !== 'string' || id === '') text(id, entryPath(path, i, '.allocation.id'));
  if (!isFiniteNumber(allocation['createdAt'])) finite(allocation['createdAt'], entryPath(path, i, '.allocation.createdAt'));
  if (allocation['expiresAt'] !== undefined && !isFiniteNumber(allocation['expiresAt'])) finite(allocation['expiresAt'], entryPath(path, i, '.allocation.expiresAt'));
  const placements = Array.isArray(allocation['placements']) ? (allocation['placements'] as readonly unknown[]) : array(allocation['placements'], entryPath(path, i, '.allocation.placements'));
  for (let r = 0; r < placements.length; r++) {
    const p = placements[r];
    const placement = isRecordOf(p, PLACEMENT_KEYS) ? p : record(p, entryPath(path, i, `.allocation.placements[${r}]`), PLACEMENT_KEYS);
    const nodeId = placement['nodeId'];
    if (typeof nodeId !== 'string' || nodeId === '') text(nodeId, entryPath(path, i, `.allocation.placements[${r}].nodeId`));
  }
  return entry as unknown as PoolSnapshot['allocations'][number];
}

/** The path of a part of allocation entry `i`, built only when it is wrong. */
function entryPath(path: string, i: number, field: string): () => string {
  return () => `${path === '' ? '' : `${path}.`}allocations[${i}]${field}`;
}

const ENTRY_KEYS = ['slot', 'chosen', 'allocation'];
const ALLOCATION_OPTIONAL = ['expiresAt', 'metadata'];

function isFiniteNumber(value: unknown): boolean {
  return typeof value === 'number' && Number.isFinite(value);
}
