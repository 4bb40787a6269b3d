import { FairpackError, describeValue } from '../errors.js';
import type { DenseRequest } from '../placement/index.js';
import { type Resources, copyStringRecord, fromScaled, isPlainRecord, parseResources } from '../resources/index.js';
import type { DimensionSpace } from './dimension-space.js';
import type { Toleration } from './types.js';

const MAX_REPLICAS = 100_000;

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
  readonly metadata: Readonly<Record<string, unknown>> | undefined;
  /** One replica, as the user wrote it (zeros dropped), frozen. */
  readonly resources: Resources;
  readonly dense: DenseRequest;
  /** Dimensions with a non-zero amount that no node has: the request cannot fit anywhere. */
  readonly unknown: readonly { readonly name: string; readonly amount: number }[];
}

export function parseRequest(input: unknown, space: DimensionSpace): ParsedRequest {
  if (!isPlainRecord(input)) {
    throw new FairpackError('INVALID_REQUEST', `Expected a request object { resources, replicas?, nodeSelector?, tolerations? }, got ${describeValue(input)}.`);
  }
  const { names, amounts } = parseResources(input['resources'], space.scale, 'request resources');
  const replicas = input['replicas'] ?? 1;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 1 || replicas > MAX_REPLICAS) {
    throw new FairpackError('INVALID_REQUEST', `Expected \`replicas\` to be an integer from 1 to ${MAX_REPLICAS}, got ${describeValue(replicas)}.`, { value: replicas });
  }
  const size = space.size;
  // plain arrays: a request lives for one call, and small typed arrays cost more to allocate
  const denseAmounts = new Array<number>(size).fill(0);
  const denseUnscaled = new Array<number>(size).fill(0);
  const nonZero: number[] = [];
  const dense: DenseRequest = { amounts: denseAmounts, unscaled: denseUnscaled, nonZero };
  const unknown: { name: string; amount: number }[] = [];
  const resources: Record<string, number> = {};
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string;
    const scaled = amounts[i] as number;
    if (scaled * replicas > Number.MAX_SAFE_INTEGER) {
      throw new FairpackError('INVALID_RESOURCES', `Expected request "${name}" × replicas to stay within the exact range, got ${fromScaled(scaled, space.scale)} × ${replicas}. Lower the amount or the replicas.`, { dimension: name });
    }
    const amount = fromScaled(scaled, space.scale);
    resources[name] = amount;
    const d = space.indexOf(name);
    if (d < 0) {
      unknown.push({ name, amount });
      continue;
    }
    denseAmounts[d] = scaled;
    denseUnscaled[d] = amount;
    nonZero.push(d);
  }
  nonZero.sort((a, b) => a - b);
  const nodeSelector = copyStringRecord(input['nodeSelector'], '`nodeSelector`', 'INVALID_REQUEST');
  const metadata = input['metadata'];
  if (metadata !== undefined && !isPlainRecord(metadata)) {
    throw new FairpackError('INVALID_REQUEST', `Expected \`metadata\` to be a plain object, got ${describeValue(metadata)}.`);
  }
  return {
    id: optionalId(input['id'], 'id'),
    jobId: optionalId(input['jobId'], 'jobId'),
    tenant: optionalName(input['tenant'], 'tenant'),
    priority: optionalName(input['priority'], 'priority'),
    replicas,
    spread: parseSpread(input['spread']),
    nodeSelector,
    selectorKeys: Object.keys(nodeSelector),
    tolerations: parseTolerations(input['tolerations']),
    metadata: metadata === undefined ? undefined : Object.freeze({ ...metadata }),
    resources: Object.freeze(resources),
    dense,
    unknown,
  };
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
  return input.map((t: unknown, i) => {
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
