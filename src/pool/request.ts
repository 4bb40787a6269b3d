import { inputError, plainArray } from '../user-input.js';
import { FairpackError, describeValue } from '../errors.js';
import { checkKnownKeys, knownKeys, unknownKeyError } from '../known-keys.js';
import type { DenseRequest } from '../placement/index.js';
import { type Resources, type Scale, copyStringRecord, expectResourceRecord, fromScaled, isPlainRecord, scaleEntry } from '../resources/index.js';
import { type DimensionSpace, MASKED_DIMENSIONS } from './dimension-space.js';
import { type Metadata, type MetadataLimits, parseMetadata } from './metadata.js';
import { type ResourcesCache, mixEntry } from './resources-cache.js';
import type { SpotPreference, Toleration } from './types.js';

const MAX_REPLICAS = 100_000;

/** The fields of an allocation request; any other key is a typo that would drop a constraint. */
const REQUEST_FIELDS = knownKeys(
  'allocation request field',
  ['resources', 'replicas', 'nodeSelector', 'tolerations', 'spread', 'spot', 'id', 'jobId', 'tenant', 'priority', 'metadata'],
  'INVALID_REQUEST',
);
const TOLERATION_FIELDS = knownKeys('toleration field', ['key', 'operator', 'value', 'effect'], 'INVALID_REQUEST');

/** A validated request. Dimensions the pool does not know are kept apart: no node has them. */
export interface ParsedRequest {
  readonly id: string | undefined;
  readonly jobId: string | undefined;
  readonly tenant: string;
  readonly priority: string;
  readonly replicas: number;
  readonly spread: boolean;
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly selectorKeys: readonly string[];
  readonly tolerations: readonly Toleration[];
  readonly spot: SpotPreference;
  readonly metadata: Metadata | undefined;
  /** One replica, as the user wrote it (zeros dropped), frozen; requests of the same vector may share it. */
  readonly resources: Resources;
  readonly dense: DenseRequest;
  /** Dimensions with a non-zero amount that no node has: the request cannot fit anywhere. */
  readonly unknown: readonly { readonly name: string; readonly amount: number }[];
}

/**
 * What a manager decided about a job's request before the pool parses it (`parseRequest`'s `job`):
 * its fields were checked against the manager's own list, which has no `jobId` (the job's id is
 * it) and takes `id` for the job, not the allocation; `priority` is the resolved class's name, and
 * `spot` the class's preference, used when the request gives none.
 */
export interface JobFields {
  readonly jobId: string;
  readonly priority: string;
  readonly spot: SpotPreference | undefined;
}

const NO_UNKNOWN: ParsedRequest['unknown'] = Object.freeze([]);
const NO_KEYS: readonly string[] = Object.freeze([]);
const NO_NUMBERS: readonly number[] = Object.freeze([]);

/** A `ParsedRequest` that `parseRequest` may write into (a pool's `allocate` reuses one from call to call). */
export type WritableRequest = { -readonly [K in keyof ParsedRequest]: ParsedRequest[K] };

/** What a blank request holds until its first parse, which writes every field: shared, so that a blank costs one object. */
const NO_SELECTOR: Readonly<Record<string, string>> = Object.freeze({});
const NO_RESOURCES: Resources = Object.freeze({});
const NO_DENSE: DenseRequest = Object.freeze({ amounts: NO_NUMBERS, unscaled: NO_NUMBERS, nonZero: NO_NUMBERS });

/** An empty request to parse into; every parse writes every field (one shape for all requests). */
export function blankRequest(): WritableRequest {
  return {
    id: undefined,
    jobId: undefined,
    tenant: 'default',
    priority: 'default',
    replicas: 1,
    spread: false,
    nodeSelector: NO_SELECTOR,
    selectorKeys: NO_KEYS,
    tolerations: NO_TOLERATIONS,
    spot: 'allow',
    metadata: undefined,
    resources: NO_RESOURCES,
    dense: NO_DENSE,
    unknown: NO_UNKNOWN,
  };
}

/*
 * Runs on every allocate, so it walks the input once and builds little: `nonZero` shared per
 * request shape (DimensionSpace.dimsOf), the frozen `resources` shared per vector through the
 * pool's ResourcesCache, shared empty lists for the absent parts. Checks and their order (hence
 * which error a request with several faults gets): unknown fields first (a misspelt `resource`
 * is better reported as a typo than as missing resources), then those of parseResources,
 * replicas, selector, metadata, ids. The field check is one Set lookup per key; its message is
 * built only when a key is unknown.
 */
export function parseRequest(input: unknown, space: DimensionSpace, cache: ResourcesCache | undefined, limits: MetadataLimits, into?: WritableRequest, job?: JobFields): ParsedRequest {
  // a getter in the request may parse another request (through any pool) while this one holds
  // the shared scratch: the inner parse then works on arrays of its own
  const scratch = SCRATCH.busy ? new EntryScratch() : SCRATCH;
  scratch.busy = true;
  try {
    return parseRequestData(input, space, cache, limits, scratch, into ?? blankRequest(), job);
  } catch (error) {
    throw inputError(error, 'the request', 'INVALID_REQUEST');
  } finally {
    scratch.busy = false;
    // a request with very many dimensions must not keep its names alive through the scratch
    if (scratch.names.length > SCRATCH_KEPT) {
      scratch.names.length = 0;
      scratch.scaled.length = 0;
    }
  }
}

/** Entries the scratch keeps room for between calls. */
const SCRATCH_KEPT = 64;

/**
 * The non-zero entries of the request being parsed, in the input's order. Reused from call to
 * call: on a cache hit (most requests) the entries are only compared with the cached ones, so
 * no per-request arrays are built; a miss copies them (the cache keeps its own).
 */
class EntryScratch {
  readonly names: string[] = [];
  readonly scaled: number[] = [];
  busy = false;
}

const SCRATCH = new EntryScratch();

/** Parses into `out`, which it writes only at the end, whole: a parse that throws leaves it as it was. */
function parseRequestData(input: unknown, space: DimensionSpace, cache: ResourcesCache | undefined, limits: MetadataLimits, scratch: EntryScratch, out: WritableRequest, job: JobFields | undefined): ParsedRequest {
  if (!isPlainRecord(input)) {
    throw new FairpackError('INVALID_REQUEST', `Expected a request object { resources, replicas?, nodeSelector?, tolerations? }, got ${describeValue(input)}.`);
  }
  // for-in walks the object's enum cache without building an array; an inherited key (a polluted
  // Object.prototype) is not the caller's field, hence the own-property test, paid only on a miss.
  // A manager's job request was checked against the manager's fields already.
  if (job === undefined) {
    for (const field in input) {
      if (!REQUEST_FIELDS.keys.has(field) && Object.hasOwn(input, field)) throw unknownKeyError(field, REQUEST_FIELDS);
    }
  }
  const where = 'request resources';
  const raw = expectResourceRecord(input['resources'], where);
  const { scale } = space;
  const size = space.size;
  // the non-zero entries in the input's order (each amount read once: it may be a getter), into
  // the scratch; for-in walks the object's enum cache where Object.keys would build an array, in
  // the same order, and the own-property test drops what a polluted Object.prototype would add
  const names = scratch.names;
  const scaledAmounts = scratch.scaled;
  let kept = 0;
  let unknown: { name: string; amount: number }[] | undefined;
  let mask = 0;
  let wide: number[] | undefined;
  let hash = 0;
  for (const name in raw) {
    if (!Object.hasOwn(raw, name)) continue;
    const scaled = scaleEntry(name, raw[name], scale, where);
    if (scaled === 0) continue;
    names[kept] = name;
    scaledAmounts[kept] = scaled;
    kept++;
    const d = space.indexOf(name);
    if (d < 0) {
      (unknown ??= []).push({ name, amount: fromScaled(scaled, scale) });
      continue;
    }
    hash = mixEntry(hash, d, scaled);
    if (d < MASKED_DIMENSIONS) mask |= 1 << d;
    else (wide ??= []).push(d);
  }
  const replicas = input['replicas'] ?? 1;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 1 || replicas > MAX_REPLICAS) {
    throw new FairpackError('INVALID_REQUEST', `Expected \`replicas\` to be an integer from 1 to ${MAX_REPLICAS}, got ${describeValue(replicas)}.`, { value: replicas });
  }
  // one replica is within range by toScaled; a gang's total must be too
  if (replicas > 1) checkGangRange(names, scaledAmounts, kept, replicas, scale);
  const nodeSelectorInput = input['nodeSelector'];
  const nodeSelector = copyStringRecord(nodeSelectorInput, '`nodeSelector`', 'INVALID_REQUEST');
  const metadataInput = input['metadata'];
  const metadata = metadataInput === undefined ? undefined : parseMetadata(metadataInput, limits);
  const dims = space.dimsOf(mask);
  const nonZero = wide === undefined ? dims : [...dims, ...wide.sort((a, b) => a - b)];
  // a vector with an unknown dimension is never placed: not worth a cache entry
  const internable = cache !== undefined && unknown === undefined;
  const cached = internable ? cache.get(hash, names, scaledAmounts, kept) : undefined;
  let resources = cached?.resources;
  // the cached dense arrays hold while the pool has the same dimensions (they only ever grow)
  let dense = cached !== undefined && cached.dense.amounts.length === size ? cached.dense : undefined;
  if (dense === undefined) dense = denseForm(names, scaledAmounts, kept, space, nonZero);
  if (resources === undefined) {
    const built: Record<string, number> = {};
    for (let i = 0; i < kept; i++) built[names[i] as string] = fromScaled(scaledAmounts[i] as number, scale);
    resources = Object.freeze(built);
  }
  // the cache keeps copies: the scratch is overwritten by the next request
  if (internable && cached?.dense !== dense) cache.set(hash, names.slice(0, kept), scaledAmounts.slice(0, kept), resources, dense);
  // every field is read (and checked) before `out` is written: a parse that throws leaves it as it was
  // a job's `id` is the manager's (the allocation's is generated), its `priority` the resolved class
  const id = job === undefined ? optionalId(input['id'], 'id') : undefined;
  const jobId = job === undefined ? optionalId(input['jobId'], 'jobId') : job.jobId;
  const tenant = optionalName(input['tenant'], 'tenant');
  const priority = job === undefined ? optionalName(input['priority'], 'priority') : job.priority;
  const spread = parseSpread(input['spread']);
  const tolerations = parseTolerations(input['tolerations']);
  const spotInput = input['spot'];
  const spot = parseSpot(spotInput === undefined ? job?.spot : spotInput);
  out.id = id;
  out.jobId = jobId;
  out.tenant = tenant;
  out.priority = priority;
  out.replicas = replicas;
  out.spread = spread;
  out.nodeSelector = nodeSelector;
  out.selectorKeys = nodeSelectorInput === undefined ? NO_KEYS : Object.keys(nodeSelector);
  out.tolerations = tolerations;
  out.spot = spot;
  out.metadata = metadata;
  out.resources = resources;
  out.dense = dense;
  out.unknown = unknown ?? NO_UNKNOWN;
  return out;
}

/**
 * The dense arrays of a vector the cache did not hold. Built only then: most requests repeat a
 * recent vector, and two arrays per request built and dropped at once were a tenth of the
 * garbage a release + allocate made. Plain arrays of their final size (small typed arrays cost
 * more to allocate, and arrays grown by push call into the runtime), filled by loops (so does
 * Array.prototype.fill).
 */
function denseForm(names: readonly string[], scaledAmounts: readonly number[], count: number, space: DimensionSpace, nonZero: readonly number[]): DenseRequest {
  const size = space.size;
  const amounts = new Array<number>(size);
  const unscaled = new Array<number>(size);
  for (let d = 0; d < size; d++) {
    amounts[d] = 0;
    unscaled[d] = 0;
  }
  for (let i = 0; i < count; i++) {
    const d = space.indexOf(names[i] as string);
    if (d < 0) continue; // a dimension no node has: listed in `unknown`
    amounts[d] = scaledAmounts[i] as number;
    unscaled[d] = fromScaled(scaledAmounts[i] as number, space.scale);
  }
  return { amounts, unscaled, nonZero };
}

const SPOT_PREFERENCES: readonly SpotPreference[] = ['avoid', 'allow', 'require'];

function parseSpot(value: unknown): SpotPreference {
  if (value === undefined) return 'allow';
  if (SPOT_PREFERENCES.includes(value as SpotPreference)) return value as SpotPreference;
  throw new FairpackError('INVALID_REQUEST', `Expected \`spot\` to be 'avoid', 'allow' or 'require', got ${describeValue(value)}. Leave it out to allow spot nodes.`, { field: 'spot', value });
}

function checkGangRange(names: readonly string[], scaledAmounts: readonly number[], count: number, replicas: number, scale: Scale): void {
  for (let i = 0; i < count; i++) {
    const scaled = scaledAmounts[i] as number;
    if (scaled * replicas > Number.MAX_SAFE_INTEGER) {
      throw new FairpackError('INVALID_RESOURCES', `Expected request "${names[i] as string}" × replicas to stay within the exact range, got ${fromScaled(scaled, scale)} × ${replicas}. Lower the amount or the replicas.`, { dimension: names[i] });
    }
  }
}

function optionalId(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0) {
    throw new FairpackError('INVALID_REQUEST', `Expected \`${field}\` to be a non-empty string, got ${describeValue(value)}. Omit it to get a generated id.`, { field, value });
  }
  return value;
}

function optionalName(value: unknown, field: string): string {
  return optionalId(value, field) ?? 'default';
}

function parseSpread(value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new FairpackError('INVALID_REQUEST', `Expected \`spread\` to be a boolean, got ${describeValue(value)}.`);
  return value;
}

const NO_TOLERATIONS: readonly Toleration[] = Object.freeze([]);

function parseTolerations(input: unknown): readonly Toleration[] {
  if (input === undefined) return NO_TOLERATIONS;
  if (!Array.isArray(input)) {
    throw new FairpackError('INVALID_REQUEST', `Expected \`tolerations\` to be an array of { key?, operator?, value?, effect? }, got ${describeValue(input)}.`);
  }
  return plainArray(input).map((t: unknown, i) => {
    if (isPlainRecord(t)) checkKnownKeys(t, TOLERATION_FIELDS, `toleration ${i}`);
    const ok =
      isPlainRecord(t) &&
      (t['key'] === undefined || typeof t['key'] === 'string') &&
      (t['operator'] === undefined || t['operator'] === 'Equal' || t['operator'] === 'Exists') &&
      (t['value'] === undefined || typeof t['value'] === 'string') &&
      (t['effect'] === undefined || t['effect'] === 'NoSchedule' || t['effect'] === 'PreferNoSchedule') &&
      (t['key'] !== undefined || t['operator'] === 'Exists');
    if (!ok) {
      throw new FairpackError(
        'INVALID_REQUEST',
        `Expected toleration ${i} to be { key?: string, operator?: 'Equal' | 'Exists', value?: string, effect?: 'NoSchedule' | 'PreferNoSchedule' } (a key is needed unless operator is 'Exists'), got ${describeValue(t)}.`,
      );
    }
    return Object.freeze({ ...(t as Toleration) });
  });
}
