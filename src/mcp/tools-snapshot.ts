import { describeValue } from '../errors.js';
import type { JsonObject } from '../pool/index.js';
import { isPlainRecord } from '../resources/index.js';
import { array, bool, finite, header, integer, invalidSnapshot, record, text } from '../snapshot/reader.js';
import { ID_PREFIX_PATTERN } from './allocation-ids.js';
import type { AllocationRecord, NewAllocation } from './allocation-record.js';
import { WORKER_FIRST_PORT, WORKER_LAST_PORT } from './allocation-book.js';
import { MCP_FIRST_PORT, MCP_LAST_PORT, endpointOf } from './mcp-servers.js';
import { SEED_PRIORITIES } from './priorities.js';
import { SEED_STATES, type SeedState, holdsResources } from './states.js';

/**
 * What `AllocationTools` keeps beyond its manager, as plain JSON: every allocation's record, the
 * running MCP servers with their ports and users, the worker ports in use, the allocation id
 * generator, the settings that shape answers, and the clock's latest reading. Take it together
 * with the manager's (`manager.snapshot()`), between two calls: `AllocationTools.restore` checks
 * that every allocation that waits or holds is where the manager says. Waiters
 * (`wait_for_allocation`) and `onChange` listeners are not state: they belong to the process.
 */
export interface AllocationToolsSnapshot {
  readonly format: 'fairpack.allocation-tools';
  readonly version: 1;
  /** The options that decide answers: what a worker takes, the default TTL, how many finished allocations are kept. */
  readonly settings: AllocationToolsSettings;
  /** The latest clock reading the tools remembered (answers never go back before it); null before the first. */
  readonly clock: number | null;
  /** The allocation id generator: its random prefix and counter; `custom` when ids came from `newAllocationId`. */
  readonly ids: { readonly prefix: string; readonly count: number; readonly custom: boolean };
  /** Every allocation remembered, oldest first. */
  readonly allocations: readonly AllocationRecordSnapshot[];
  /** The finished (released or failed) allocations' ids, in the order they finished: the oldest are forgotten first. */
  readonly finished: readonly string[];
  /** The running MCP servers, in the order they started: their port and how many holding allocations use them. */
  readonly mcpServers: readonly { readonly name: string; readonly port: number; readonly users: number }[];
  /** Worker ports in use, ascending. */
  readonly workerPorts: readonly number[];
}

export interface AllocationToolsSettings {
  readonly workerCpu: number;
  readonly workerMemory: number;
  readonly defaultTtlSeconds: number;
  readonly history: number;
}

/** One allocation as a snapshot keeps it (times in ms of the tools' clock). */
export interface AllocationRecordSnapshot extends NewAllocation {
  readonly state: SeedState;
  readonly activatedAt?: number;
  readonly releasedAt?: number;
  /** What it holds (active, releasing) or held last (released): the manager's allocation, its node, one port per worker, one endpoint per MCP server. */
  readonly activation?: { readonly allocationId: string; readonly nodeId: string; readonly workerPorts: readonly number[]; readonly endpoints: readonly string[] };
  readonly error?: string;
  readonly pendingReason?: string;
  readonly expired: boolean;
  readonly preemptedBy?: string;
}

export const TOOLS_SNAPSHOT_FORMAT = 'fairpack.allocation-tools';

const TOP = ['format', 'version', 'settings', 'clock', 'ids', 'allocations', 'finished', 'mcpServers', 'workerPorts'];
const SETTINGS = ['workerCpu', 'workerMemory', 'defaultTtlSeconds', 'history'];
const RECORD_REQUIRED = ['id', 'jobId', 'priority', 'mcpServers', 'workers', 'ttlSeconds', 'metadata', 'createdAt', 'state', 'expired'];
const RECORD_OPTIONAL = ['activatedAt', 'releasedAt', 'activation', 'error', 'pendingReason', 'preemptedBy'];

export function recordSnapshot(record: AllocationRecord): AllocationRecordSnapshot {
  const { activation } = record;
  return {
    id: record.id,
    jobId: record.jobId,
    priority: record.priority,
    mcpServers: [...record.mcpServers],
    workers: record.workers,
    ttlSeconds: record.ttlSeconds,
    metadata: record.metadata,
    createdAt: record.createdAt,
    state: record.state,
    ...(record.activatedAt === undefined ? {} : { activatedAt: record.activatedAt }),
    ...(record.releasedAt === undefined ? {} : { releasedAt: record.releasedAt }),
    ...(activation === undefined
      ? {}
      : { activation: { allocationId: activation.allocationId, nodeId: activation.nodeId, workerPorts: [...activation.workerPorts], endpoints: record.mcpServers.map((name) => activation.endpoints.get(name) as string) } }),
    ...(record.error === undefined ? {} : { error: record.error }),
    ...(record.pendingReason === undefined ? {} : { pendingReason: record.pendingReason }),
    expired: record.expired,
    ...(record.preemptedBy === undefined ? {} : { preemptedBy: record.preemptedBy }),
  };
}

/** The record again, from a snapshot `readToolsSnapshot` checked (the metadata is copied: records keep their own). */
export function recordFrom(snapshot: AllocationRecordSnapshot): AllocationRecord {
  const { activation } = snapshot;
  return {
    id: snapshot.id,
    jobId: snapshot.jobId,
    priority: snapshot.priority,
    mcpServers: [...snapshot.mcpServers],
    workers: snapshot.workers,
    ttlSeconds: snapshot.ttlSeconds,
    metadata: JSON.parse(JSON.stringify(snapshot.metadata)) as JsonObject,
    createdAt: snapshot.createdAt,
    state: snapshot.state,
    activatedAt: snapshot.activatedAt,
    releasedAt: snapshot.releasedAt,
    activation:
      activation === undefined
        ? undefined
        : { allocationId: activation.allocationId, nodeId: activation.nodeId, workerPorts: [...activation.workerPorts], endpoints: new Map(snapshot.mcpServers.map((name, i) => [name, activation.endpoints[i] as string])) },
    error: snapshot.error,
    pendingReason: snapshot.pendingReason,
    expired: snapshot.expired,
    preemptedBy: snapshot.preemptedBy,
  };
}

/**
 * Checks a tools snapshot field by field and its books against each other — the finished list,
 * the MCP servers' users and ports, the worker ports are what the allocations that hold say —
 * throwing `INVALID_SNAPSHOT` naming the first problem by its path. How the allocations stand
 * against the manager is checked by `AllocationTools.restore`.
 */
export function readToolsSnapshot(value: unknown): AllocationToolsSnapshot {
  const snapshot = record(value, '', TOP);
  header(snapshot, TOOLS_SNAPSHOT_FORMAT, 1);
  const settings = record(snapshot['settings'], 'settings', SETTINGS);
  amount(settings['workerCpu'], 'settings.workerCpu');
  amount(settings['workerMemory'], 'settings.workerMemory');
  integer(settings['defaultTtlSeconds'], 'settings.defaultTtlSeconds', 1);
  const history = integer(settings['history'], 'settings.history');
  if (snapshot['clock'] !== null) finite(snapshot['clock'], 'clock');
  const ids = record(snapshot['ids'], 'ids', ['prefix', 'count', 'custom']);
  if (typeof ids['prefix'] !== 'string' || !ID_PREFIX_PATTERN.test(ids['prefix'])) throw invalidSnapshot('ids.prefix', `expected 6 lowercase hex digits, got ${describeValue(ids['prefix'])}`);
  integer(ids['count'], 'ids.count');
  bool(ids['custom'], 'ids.custom');

  const records = new Map<string, AllocationRecordSnapshot>();
  array(snapshot['allocations'], 'allocations').forEach((raw, i) => {
    const allocation = readRecord(raw, `allocations[${i}]`);
    if (records.has(allocation.id)) throw invalidSnapshot(`allocations[${i}].id`, `allocation "${allocation.id}" is listed twice`);
    records.set(allocation.id, allocation);
  });

  const finished = new Set<string>();
  const listed = array(snapshot['finished'], 'finished');
  listed.forEach((id, i) => {
    const state = typeof id === 'string' ? records.get(id)?.state : undefined;
    if (finished.has(id as string) || (state !== 'released' && state !== 'failed')) throw invalidSnapshot(`finished[${i}]`, `expected the id of a released or failed allocation, listed once, got ${describeValue(id)}`);
    finished.add(id as string);
  });
  for (const allocation of records.values()) {
    if ((allocation.state === 'released' || allocation.state === 'failed') && !finished.has(allocation.id)) throw invalidSnapshot('finished', `${allocation.state} allocation "${allocation.id}" is not in the list`);
  }
  if (finished.size > history) throw invalidSnapshot('finished', `${finished.size} finished allocations kept, more than settings.history (${history})`);

  checkHeld(snapshot, [...records.values()].filter((allocation) => holdsResources(allocation.state)));
  return snapshot as unknown as AllocationToolsSnapshot;
}

/** The MCP servers and the worker ports are exactly what the allocations that hold resources use. */
function checkHeld(snapshot: Record<string, unknown>, holding: readonly AllocationRecordSnapshot[]): void {
  const users = new Map<string, { endpoint: string; users: number }>();
  const workerPorts = new Map<number, string>();
  for (const allocation of holding) {
    const activation = allocation.activation as NonNullable<AllocationRecordSnapshot['activation']>;
    allocation.mcpServers.forEach((name, i) => {
      const endpoint = activation.endpoints[i] as string;
      const server = users.get(name);
      if (server === undefined) users.set(name, { endpoint, users: 1 });
      else if (server.endpoint !== endpoint) throw invalidSnapshot(() => `allocations[${allocationIndex(snapshot, allocation.id)}].activation.endpoints[${i}]`, `MCP server "${name}" is at ${server.endpoint} for another allocation`);
      else server.users++;
    });
    for (const port of activation.workerPorts) {
      const holder = workerPorts.get(port);
      if (holder !== undefined) throw invalidSnapshot(() => `allocations[${allocationIndex(snapshot, allocation.id)}].activation.workerPorts`, `worker port ${port} is held by allocation "${holder}" too`);
      workerPorts.set(port, allocation.id);
    }
  }

  const ports = new Set<number>();
  const servers = array(snapshot['mcpServers'], 'mcpServers');
  servers.forEach((raw, i) => {
    const path = `mcpServers[${i}]`;
    const server = record(raw, path, ['name', 'port', 'users']);
    const name = text(server['name'], `${path}.name`);
    const port = portIn(server['port'], `${path}.port`, MCP_FIRST_PORT, MCP_LAST_PORT);
    const count = integer(server['users'], `${path}.users`, 1);
    if (ports.has(port)) throw invalidSnapshot(`${path}.port`, `port ${port} is listed twice`);
    ports.add(port);
    const used = users.get(name);
    if (used === undefined) throw invalidSnapshot(path, `MCP server "${name}" is listed twice, or no allocation that holds resources uses it`);
    if (used.endpoint !== endpointOf(port)) throw invalidSnapshot(`${path}.port`, `the allocations that use "${name}" have it at ${used.endpoint}, not on port ${port}`);
    if (used.users !== count) throw invalidSnapshot(`${path}.users`, `${used.users} allocations that hold resources use "${name}", not ${count}`);
    users.delete(name);
  });
  if (users.size > 0) throw invalidSnapshot('mcpServers', `MCP server "${[...users.keys()][0] as string}" is used by an allocation but not listed`);

  const listed = array(snapshot['workerPorts'], 'workerPorts');
  let previous = -1;
  listed.forEach((raw, i) => {
    const port = portIn(raw, `workerPorts[${i}]`, WORKER_FIRST_PORT, WORKER_LAST_PORT);
    if (port <= previous) throw invalidSnapshot(`workerPorts[${i}]`, 'expected the ports ascending, each once');
    if (!workerPorts.delete(port)) throw invalidSnapshot(`workerPorts[${i}]`, `port ${port} is held by no allocation that holds resources`);
    previous = port;
  });
  if (workerPorts.size > 0) throw invalidSnapshot('workerPorts', `port ${[...workerPorts.keys()][0] as number} of allocation "${[...workerPorts.values()][0] as string}" is not listed`);
}

function readRecord(raw: unknown, path: string): AllocationRecordSnapshot {
  const allocation = record(raw, path, RECORD_REQUIRED, RECORD_OPTIONAL);
  text(allocation['id'], `${path}.id`);
  text(allocation['jobId'], `${path}.jobId`);
  if (!SEED_PRIORITIES.includes(allocation['priority'] as never)) throw invalidSnapshot(`${path}.priority`, `expected one of ${SEED_PRIORITIES.join(', ')}, got ${describeValue(allocation['priority'])}`);
  const names = array(allocation['mcpServers'], `${path}.mcpServers`);
  names.forEach((name, i) => {
    text(name, `${path}.mcpServers[${i}]`);
    if (names.indexOf(name) !== i) throw invalidSnapshot(`${path}.mcpServers[${i}]`, `"${name as string}" is listed twice`);
  });
  const workers = integer(allocation['workers'], `${path}.workers`);
  integer(allocation['ttlSeconds'], `${path}.ttlSeconds`, 1);
  if (!isPlainRecord(allocation['metadata'])) throw invalidSnapshot(`${path}.metadata`, `expected an object, got ${describeValue(allocation['metadata'])}`);
  finite(allocation['createdAt'], `${path}.createdAt`);
  const state = allocation['state'];
  if (!SEED_STATES.includes(state as SeedState)) throw invalidSnapshot(`${path}.state`, `expected one of ${SEED_STATES.join(', ')}, got ${describeValue(state)}`);
  for (const key of ['activatedAt', 'releasedAt'] as const) if (allocation[key] !== undefined) finite(allocation[key], `${path}.${key}`);
  for (const key of ['error', 'pendingReason', 'preemptedBy'] as const) if (allocation[key] !== undefined) text(allocation[key], `${path}.${key}`);
  bool(allocation['expired'], `${path}.expired`);
  if (allocation['activation'] !== undefined) {
    const activation = record(allocation['activation'], `${path}.activation`, ['allocationId', 'nodeId', 'workerPorts', 'endpoints']);
    text(activation['allocationId'], `${path}.activation.allocationId`);
    if (typeof activation['nodeId'] !== 'string') throw invalidSnapshot(`${path}.activation.nodeId`, `expected a string, got ${describeValue(activation['nodeId'])}`);
    const ports = array(activation['workerPorts'], `${path}.activation.workerPorts`);
    if (ports.length !== workers) throw invalidSnapshot(`${path}.activation.workerPorts`, `expected one port per worker (${workers}), got ${ports.length}`);
    ports.forEach((port, i) => portIn(port, `${path}.activation.workerPorts[${i}]`, WORKER_FIRST_PORT, WORKER_LAST_PORT));
    const endpoints = array(activation['endpoints'], `${path}.activation.endpoints`);
    if (endpoints.length !== names.length) throw invalidSnapshot(`${path}.activation.endpoints`, `expected one endpoint per MCP server (${names.length}), got ${endpoints.length}`);
    endpoints.forEach((endpoint, i) => {
      const port = typeof endpoint === 'string' ? /^http:\/\/localhost:(\d+)$/.exec(endpoint)?.[1] : undefined;
      if (port === undefined || Number(port) < MCP_FIRST_PORT || Number(port) > MCP_LAST_PORT || endpointOf(Number(port)) !== endpoint) {
        throw invalidSnapshot(`${path}.activation.endpoints[${i}]`, `expected http://localhost:<port> with a port from ${MCP_FIRST_PORT} to ${MCP_LAST_PORT}, got ${describeValue(endpoint)}`);
      }
    });
  }
  const has = (key: string): boolean => allocation[key] !== undefined;
  if (state === 'pending' && (has('activation') || has('activatedAt') || has('releasedAt'))) throw invalidSnapshot(path, 'a pending allocation holds nothing: it has no activation, activatedAt or releasedAt');
  if (holdsResources(state as SeedState) && (!has('activation') || !has('activatedAt') || has('releasedAt'))) throw invalidSnapshot(path, `an ${state as string} allocation has its activation and activatedAt, and no releasedAt`);
  return allocation as unknown as AllocationRecordSnapshot;
}

function amount(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw invalidSnapshot(path, `expected a finite number >= 0, got ${describeValue(value)}`);
  return value;
}

function portIn(value: unknown, path: string, first: number, last: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < first || value > last) throw invalidSnapshot(path, `expected a port from ${first} to ${last}, got ${describeValue(value)}`);
  return value;
}

/** An allocation's index in the snapshot's list, for a path (worked out only when something is wrong). */
function allocationIndex(snapshot: Record<string, unknown>, id: string): number {
  return (snapshot['allocations'] as readonly AllocationRecordSnapshot[]).findIndex((allocation) => allocation.id === id);
}
