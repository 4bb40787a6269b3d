import { FairpackError, describeValue } from '../errors.js';
import { type Resources, type Scale, isPlainRecord, toScaled, validateDimensionName } from '../resources/index.js';
import type { ProtocolErrorCode } from './types.js';

/** A message the handler refuses before touching the manager. Internal: replies carry its code. */
export class MessageError extends Error {
  constructor(
    readonly code: ProtocolErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'MessageError';
  }
}

export type Body = Record<string, unknown>;

export function invalid(message: string): MessageError {
  return new MessageError('INVALID_MESSAGE', message);
}

/** `msg_id` as Maelstrom uses it: a non-negative integer. */
export function isMessageId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/**
 * `-0` passes as a `msg_id` (it is an integer >= 0) but would be echoed as `in_reply_to: -0`,
 * which `JSON.stringify` writes as `0`: a handler given plain data answered with a reply that
 * differs from the same reply after a trip through JSON. Answer with `0`.
 */
export function withoutNegativeZero(id: number): number {
  return id === 0 ? 0 : id;
}

export function requiredString(body: Body, field: string, type: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value.length === 0) throw invalid(`Expected \`${field}\` of ${type} to be a non-empty string, got ${describeField(value)}.`);
  return value;
}

export function optionalString(body: Body, field: string, type: string): string | undefined {
  return body[field] === undefined ? undefined : requiredString(body, field, type);
}

export function optionalInteger(body: Body, field: string, type: string, min: number, max: number): number | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(`Expected \`${field}\` of ${type} to be an integer from ${min} to ${max}, got ${describeField(value)}.`);
  }
  return value;
}

export function describeField(value: unknown): string {
  return value === undefined ? 'nothing' : describeValue(value);
}

/**
 * The seed's requirement list, `[{ "type": "cpu", "amount": 2 }, …]`, as `Resources` in the order
 * given (replies echo that order). Checked completely here — names and amounts at `scale`'s
 * precision — so a `submit_job` of many jobs is refused whole, before any is created. `field` is
 * the list's name in the message: `requirements`, or a `node_add` node's `capacity`.
 * Throws `INVALID_RESOURCES`.
 */
export function parseRequirements(value: unknown, scale: Scale, type: string, field = 'requirements'): Resources {
  if (!Array.isArray(value)) {
    throw new FairpackError('INVALID_RESOURCES', `Expected \`${field}\` of ${type} to be an array of { "type": name, "amount": number }, got ${describeField(value)}.`);
  }
  // null prototype: a dimension named like an Object.prototype member stays an ordinary key
  const out: Record<string, number> = Object.create(null) as Record<string, number>;
  value.forEach((item: unknown, i) => {
    const where = `${field}[${i}]`;
    if (!isPlainRecord(item) || typeof item['type'] !== 'string') {
      throw new FairpackError('INVALID_RESOURCES', `Expected ${where} to be { "type": name, "amount": number }, got ${describeField(item)}.`, { index: i });
    }
    const name = item['type'];
    validateDimensionName(name, where);
    if (Object.hasOwn(out, name)) throw new FairpackError('INVALID_RESOURCES', `Expected each resource type once in \`${field}\`, got "${name}" twice. Add the amounts up.`, { dimension: name });
    toScaled(item['amount'], name, scale, `${where}.amount of`);
    out[name] = item['amount'] as number;
  });
  return out;
}
