import { inputError } from '../user-input.js';
import { FairpackError, describeValue } from '../errors.js';
import { checkKnownKeys, knownKeys } from '../known-keys.js';
import type { AllocationRequest } from '../pool/index.js';
import type { PoolInternals } from '../pool/internals.js';
import type { ParsedRequest } from '../pool/request.js';
import { isPlainRecord } from '../resources/index.js';
import type { PriorityClasses } from './priority-classes.js';
import type { SharedRequests } from './shared-requests.js';
import type { PriorityClass } from './types.js';

/** Every field of a job request: the pool's (less `jobId`: the job's `id` is it) and the manager's. */
const JOB_FIELDS = knownKeys(
  'job request field',
  ['resources', 'replicas', 'nodeSelector', 'tolerations', 'spread', 'spot', 'id', 'tenant', 'priority', 'category', 'ttlMs', 'deadline', 'estimatedRuntimeMs', 'metadata'],
  'INVALID_REQUEST',
);

export interface ParsedJobRequest {
  readonly id: string;
  readonly tenant: string;
  readonly priorityClass: PriorityClass;
  readonly category: string | undefined;
  readonly ttlMs: number | undefined;
  readonly deadline: number | undefined;
  readonly estimatedRuntimeMs: number | undefined;
  /** What the pool parsed (the manager's own fields taken out; job id as `jobId`, or none in a request jobs share: SharedRequests): see `poolRequestOf`. */
  readonly request: ParsedRequest;
}

/** A `ParsedJobRequest` that `parseJobRequest` may write into (see `into`). */
export type WritableParsedJobRequest = { -readonly [K in keyof ParsedJobRequest]: ParsedJobRequest[K] };

/**
 * An empty parsed job request to parse into, for a caller that reads each parse completely before
 * the next (the manager's single submissions: the job record copies every field at once). Every
 * parse writes every field; until the first, the fields hold placeholders of their types' kinds.
 */
export function blankParsedJobRequest(): WritableParsedJobRequest {
  return { id: '', tenant: '', priorityClass: undefined as unknown as PriorityClass, category: undefined, ttlMs: undefined, deadline: undefined, estimatedRuntimeMs: undefined, request: undefined as unknown as ParsedRequest };
}

/**
 * Validates a job request completely, or throws a FairpackError; nothing is changed either way
 * (but `into`'s fields, which a failed parse may leave half written). With `into`, the result is
 * written there and `into` returned: no object per parse.
 */
export function parseJobRequest(input: unknown, classes: PriorityClasses, pool: PoolInternals, newId: () => string, into?: WritableParsedJobRequest, shared?: SharedRequests): ParsedJobRequest {
  // readingInput's steps inline: no closure per submission
  try {
    return parseJobData(input, classes, pool, newId, into, shared);
  } catch (error) {
    throw inputError(error, 'the job request', 'INVALID_REQUEST');
  }
}

function parseJobData(input: unknown, classes: PriorityClasses, pool: PoolInternals, newId: () => string, into: WritableParsedJobRequest | undefined, shared: SharedRequests | undefined): ParsedJobRequest {
  if (!isPlainRecord(input)) throw new FairpackError('INVALID_REQUEST', `Expected a job request object { resources, tenant?, priority?, … }, got ${describeValue(input)}.`);
  if (input['jobId'] !== undefined) throw new FairpackError('INVALID_REQUEST', 'Expected `id` for the job id, got `jobId`. The manager uses the job id as the allocation\'s `jobId`.');
  // checked here, not left to the pool, so that the message lists (and suggests) the manager's fields too
  checkKnownKeys(input, JOB_FIELDS);
  const id = optionalString(input['id'], 'id') ?? newId();
  const priorityClass = classes.resolve(input['priority'] ?? 'default');
  // the pool reads its own fields from the job request: the manager's (`id`, `category`, …) it
  // does not read, the job id is the allocation's `jobId`, the resolved class its `priority`, and
  // the class's spot preference holds unless the job says its own (critical work kept off spot
  // nodes). No pool request is built for it: that object, key by key, cost more than its parse.
  // With `shared`, a plain request may be one that other jobs share (SharedRequests: no jobId).
  const fields = { jobId: id, priority: priorityClass.name, spot: priorityClass.spot };
  const request = shared === undefined ? pool.parseRequest(input, fields) : shared.parse(pool, input, fields);
  // checked in this order (the first bad field is the one reported)
  const category = optionalString(input['category'], 'category');
  const ttlMs = optionalNumber(input['ttlMs'], 'ttlMs', isPositive, 'a finite number > 0');
  const deadline = optionalNumber(input['deadline'], 'deadline', isAnyNumber, 'a finite number (ms, on the manager\'s clock)');
  const estimatedRuntimeMs = optionalNumber(input['estimatedRuntimeMs'], 'estimatedRuntimeMs', isNotNegative, 'a finite number >= 0');
  if (into === undefined) return { id, tenant: request.tenant, priorityClass, category, ttlMs, deadline, estimatedRuntimeMs, request };
  into.id = id;
  into.tenant = request.tenant;
  into.priorityClass = priorityClass;
  into.category = category;
  into.ttlMs = ttlMs;
  into.deadline = deadline;
  into.estimatedRuntimeMs = estimatedRuntimeMs;
  into.request = request;
  return into;
}

/**
 * The pool request a job keeps (to parse it again when dimensions grow, and in snapshots), built
 * from what was parsed rather than the caller's object: frozen parts only, nothing the caller can
 * still change, zero amounts and defaults left out — the same request for the pool, as JSON.
 * A function of the parsed request and the id alone, so a job builds it only when first needed
 * (`jobInput`): most jobs are never snapshotted nor parsed again.
 */
export function poolRequestOf(request: ParsedRequest, jobId: string): AllocationRequest {
  // field by field (no spreads of small objects: this runs for every submission), same key order
  const out: { -readonly [K in keyof AllocationRequest]: AllocationRequest[K] } = { jobId, tenant: request.tenant, priority: request.priority, resources: request.resources };
  if (request.replicas !== 1) out.replicas = request.replicas;
  if (request.spread) out.spread = true;
  if (request.selectorKeys.length !== 0) out.nodeSelector = request.nodeSelector;
  if (request.tolerations.length !== 0) out.tolerations = request.tolerations;
  if (request.spot !== 'allow') out.spot = request.spot;
  if (request.metadata !== undefined) out.metadata = request.metadata;
  return out;
}

function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0) throw new FairpackError('INVALID_REQUEST', `Expected \`${field}\` to be a non-empty string, got ${describeValue(value)}.`, { field, value });
  return value;
}

// the checks of optionalNumber, made once (a function written in the call would be made per request)
const isPositive = (v: number): boolean => v > 0;
const isAnyNumber = (): boolean => true;
const isNotNegative = (v: number): boolean => v >= 0;

function optionalNumber(value: unknown, field: string, ok: (v: number) => boolean, expected: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) throw new FairpackError('INVALID_REQUEST', `Expected \`${field}\` to be ${expected}, got ${describeValue(value)}.`, { field, value });
  return value;
}
