import { type KnownKeys, describeUnknownKey, firstUnknownKey, knownKeys } from '../known-keys.js';
import { type Body, MessageError } from './fields.js';
import type { ProtocolRequestType } from './types.js';

/*
 * The fields each request accepts. A field the handler does not know is refused rather than
 * ignored: `{"type":"allocate","priorty":"high"}` would otherwise run at the default priority.
 * The envelope also accepts `id`, which Maelstrom's network stamps on every message it delivers.
 */
const ENVELOPE = knownKeys('message field', ['src', 'dest', 'body', 'id'], 'INVALID_REQUEST');

const FIELDS: Readonly<Record<ProtocolRequestType, readonly string[]>> = {
  init: ['node_id', 'node_ids'],
  allocate: ['requirements', 'priority', 'tenant'],
  release: ['allocation_id', 'job_status'],
  submit_job: ['category', 'jobs', 'concurrency_limit', 'requirements', 'tenant'],
  cancel: ['job_id'],
  capacity: [],
  allocations: ['tenant'],
  queues: [],
  nodes: [],
  node_add: ['node'],
  node_remove: ['node_id', 'force'],
  node_status: ['node_id', 'status'],
  heartbeat: ['node_id'],
};

/** By request type; a Map because the type comes off the wire. */
const BODIES = new Map<string, KnownKeys>(Object.entries(FIELDS).map(([type, fields]) => [type, knownKeys(`${type} field`, ['type', 'msg_id', ...fields], 'INVALID_REQUEST')]));

/** The accepted fields of a request type; undefined for a type the handler does not answer. */
export function bodyFields(type: string): KnownKeys | undefined {
  return BODIES.get(type);
}

/** Throws `INVALID_MESSAGE` (the protocol's code for a malformed message) naming an unknown field. */
export function checkFields(record: Body, known: KnownKeys): void {
  const key = firstUnknownKey(record, known);
  if (key !== undefined) throw new MessageError('INVALID_MESSAGE', describeUnknownKey(key, known).message);
}

export function checkEnvelope(message: Body): void {
  checkFields(message, ENVELOPE);
}
