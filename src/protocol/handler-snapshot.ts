import { describeValue } from '../errors.js';
import type { JobRequest } from '../manager/index.js';
import { isPlainRecord } from '../resources/index.js';
import { array, bool, header, integer, invalidSnapshot, record, text } from '../snapshot/reader.js';
import type { Outgoing } from './outgoing.js';
import type { UnstampedBody } from './types.js';

/**
 * A protocol handler's own state, next to its manager's snapshot: what the wire protocol keeps
 * beyond the manager — which request each job answers (so a later `allocated` goes back to it),
 * the requests parked until a node can hold them, the next `msg_id` and job id, the node's name.
 * Take both at the same moment (between two messages): `ProtocolHandler.restore` checks that
 * every job it names is where the manager says.
 */
export interface ProtocolHandlerSnapshot {
  readonly format: 'fairpack.protocol';
  readonly version: 1;
  /** The handler's options, which decide how later messages are answered (a replay needs the same). */
  readonly settings: ProtocolHandlerSettings;
  /** The node's name (`nodeId`, or what `init` set); null when it has none. */
  readonly nodeId: string | null;
  /** The `msg_id` of the next message the handler sends. */
  readonly nextMsgId: number;
  /** Generated job ids: the handler's random prefix and its counter. */
  readonly jobIds: { readonly prefix: string; readonly count: number };
  /** Every job submitted through the protocol that has not ended, in the order they came. */
  readonly jobs: readonly ProtocolJobSnapshot[];
  /** The parked jobs' ids, in the order they are tried again when a node comes. */
  readonly parked: readonly string[];
  /** Messages that arose with no `send` to take them, returned first by the next `handle()`. */
  readonly backlog: readonly SnapshotOutgoing[];
}

export interface ProtocolHandlerSettings {
  readonly precision: number;
  readonly maxLineLength: number;
  readonly maxJobsPerMessage: number;
  readonly maxParked: number;
  readonly maxCategories: number;
}

export interface ProtocolJobSnapshot {
  readonly id: string;
  readonly request: JobRequest;
  /** The request that created it: `src`, `dest` and `msg_id`. */
  readonly origin: { readonly client?: string; readonly node?: string; readonly msgId: number };
  readonly category?: string;
  /** Whether a start is news (an unsolicited `allocated`): true once its request was answered. */
  readonly announce: boolean;
  readonly allocationId?: string;
  /** In the manager, or parked until a node can hold it. */
  readonly place: 'manager' | 'parked';
  /** Counted as running in its category. */
  readonly running: boolean;
}

export interface SnapshotOutgoing {
  readonly client?: string;
  readonly node?: string;
  readonly body: UnstampedBody;
}

export const PROTOCOL_SNAPSHOT_FORMAT = 'fairpack.protocol';

const TOP = ['format', 'version', 'settings', 'nodeId', 'nextMsgId', 'jobIds', 'jobs', 'parked', 'backlog'];
const SETTINGS = ['precision', 'maxLineLength', 'maxJobsPerMessage', 'maxParked', 'maxCategories'];
const JOB_REQUIRED = ['id', 'request', 'origin', 'announce', 'place', 'running'];
const JOB_OPTIONAL = ['category', 'allocationId'];
const REQUEST_REQUIRED = ['id', 'tenant', 'resources'];
const REQUEST_OPTIONAL = ['priority', 'category'];

export function outgoingSnapshot(outgoing: Outgoing): SnapshotOutgoing {
  return { ...(outgoing.client === undefined ? {} : { client: outgoing.client }), ...(outgoing.node === undefined ? {} : { node: outgoing.node }), body: outgoing.body };
}

/**
 * Checks a protocol snapshot's shape, field by field (`INVALID_SNAPSHOT` naming the first problem
 * by its path); how its jobs stand against the manager is checked by `ProtocolHandler.restore`.
 */
export function readProtocolSnapshot(value: unknown): ProtocolHandlerSnapshot {
  const snapshot = record(value, '', TOP);
  header(snapshot, PROTOCOL_SNAPSHOT_FORMAT, 1);
  const settings = record(snapshot['settings'], 'settings', SETTINGS);
  for (const key of SETTINGS) integer(settings[key], `settings.${key}`);
  if (snapshot['nodeId'] !== null) text(snapshot['nodeId'], 'nodeId');
  integer(snapshot['nextMsgId'], 'nextMsgId', 1);
  const jobIds = record(snapshot['jobIds'], 'jobIds', ['prefix', 'count']);
  text(jobIds['prefix'], 'jobIds.prefix');
  integer(jobIds['count'], 'jobIds.count');
  const ids = new Set<string>();
  array(snapshot['jobs'], 'jobs').forEach((raw, i) => {
    const job = readJob(raw, `jobs[${i}]`);
    if (ids.has(job.id)) throw invalidSnapshot(`jobs[${i}].id`, `job "${job.id}" is listed twice`);
    ids.add(job.id);
  });
  const jobs = snapshot['jobs'] as readonly ProtocolJobSnapshot[];
  const parked = new Set(jobs.filter((job) => job.place === 'parked').map((job) => job.id));
  const listed = array(snapshot['parked'], 'parked');
  listed.forEach((id, i) => {
    if (typeof id !== 'string' || !parked.delete(id)) throw invalidSnapshot(`parked[${i}]`, `expected the id of a parked job listed once, got ${describeValue(id)}`);
  });
  if (parked.size > 0) throw invalidSnapshot('parked', `parked job "${[...parked][0] as string}" is not in the list`);
  array(snapshot['backlog'], 'backlog').forEach((raw, i) => {
    const message = record(raw, `backlog[${i}]`, ['body'], ['client', 'node']);
    if (message['client'] !== undefined) name(message['client'], `backlog[${i}].client`);
    if (message['node'] !== undefined) name(message['node'], `backlog[${i}].node`);
    const body = record(message['body'], `backlog[${i}].body`, ['type'], Object.keys(isPlainRecord(message['body']) ? message['body'] : {}));
    text(body['type'], `backlog[${i}].body.type`);
  });
  return snapshot as unknown as ProtocolHandlerSnapshot;
}

function readJob(raw: unknown, path: string): ProtocolJobSnapshot {
  const job = record(raw, path, JOB_REQUIRED, JOB_OPTIONAL);
  const id = text(job['id'], `${path}.id`);
  const request = record(job['request'], `${path}.request`, REQUEST_REQUIRED, REQUEST_OPTIONAL);
  if (request['id'] !== id) throw invalidSnapshot(`${path}.request.id`, `expected the job's id "${id}", got ${describeValue(request['id'])}`);
  name(request['tenant'], `${path}.request.tenant`);
  const resources = record(request['resources'], `${path}.request.resources`, [], Object.keys(isPlainRecord(request['resources']) ? request['resources'] : {}));
  for (const [name, amount] of Object.entries(resources)) {
    if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0) throw invalidSnapshot(`${path}.request.resources.${name}`, `expected an amount >= 0, got ${describeValue(amount)}`);
  }
  for (const key of REQUEST_OPTIONAL) if (request[key] !== undefined) name(request[key], `${path}.request.${key}`);
  const origin = record(job['origin'], `${path}.origin`, ['msgId'], ['client', 'node']);
  integer(origin['msgId'], `${path}.origin.msgId`);
  if (origin['client'] !== undefined) name(origin['client'], `${path}.origin.client`);
  if (origin['node'] !== undefined) name(origin['node'], `${path}.origin.node`);
  if (job['category'] !== undefined) name(job['category'], `${path}.category`);
  if (job['category'] !== request['category']) throw invalidSnapshot(`${path}.category`, `expected the request's category ${describeValue(request['category'])}, got ${describeValue(job['category'])}`);
  bool(job['announce'], `${path}.announce`);
  bool(job['running'], `${path}.running`);
  if (job['allocationId'] !== undefined) text(job['allocationId'], `${path}.allocationId`);
  if (job['place'] !== 'manager' && job['place'] !== 'parked') throw invalidSnapshot(`${path}.place`, `expected "manager" or "parked", got ${describeValue(job['place'])}`);
  if (job['running'] === true && (job['place'] !== 'manager' || job['category'] === undefined)) throw invalidSnapshot(`${path}.running`, 'only a job of a category in the manager can be running in its category');
  return job as unknown as ProtocolJobSnapshot;
}

/** A name a client gave (a node, a tenant, a category): any string, the empty one included. */
function name(value: unknown, path: string): string {
  if (typeof value !== 'string') throw invalidSnapshot(path, `expected a string, got ${describeValue(value)}`);
  return value;
}
