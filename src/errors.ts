/**
 * Stable error codes. A code never changes meaning once published; messages may be reworded.
 */
export type FairpackErrorCode =
  | 'INVALID_RESOURCES'
  | 'INVALID_REQUEST'
  | 'INVALID_NODE'
  | 'DUPLICATE_NODE'
  | 'UNKNOWN_NODE'
  | 'NODE_NOT_EMPTY'
  | 'DUPLICATE_ALLOCATION'
  | 'UNKNOWN_ALLOCATION'
  | 'ALREADY_RELEASED'
  | 'UNKNOWN_JOB'
  | 'INVALID_OPTION'
  | 'UNKNOWN_STRATEGY'
  | 'STRATEGY_CONTRACT_VIOLATION'
  | 'UNKNOWN_POLICY'
  | 'POLICY_CONTRACT_VIOLATION'
  | 'UNKNOWN_PRIORITY_CLASS'
  | 'DUPLICATE_JOB'
  | 'QUEUE_FULL'
  | 'JOB_REJECTED'
  | 'JOB_CANCELLED'
  | 'ACQUIRE_TIMEOUT'
  | 'ACQUIRE_ABORTED'
  | 'MANAGER_CLOSED'
  | 'INVALID_CLOCK'
  | 'REENTRANCY_LIMIT'
  | 'INVALID_SNAPSHOT'
  | 'INVALID_JOURNAL'
  | 'HEARTBEATS_OFF'
  | 'IDEMPOTENCY_KEY_REUSED'
  // the data directory of the Node side (src/store): docs/durability.md
  | 'STORE_CORRUPT'
  | 'STORE_LOCKED'
  | 'STORE_FAILED'
  | 'STORE_CLOSED'
  | 'STORE_INVALID_INPUT'
  | 'STORE_FENCED'
  // answers of `fairpack serve` as fairpack/client throws them (docs/client.md), and the client's own
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'INVALID_BODY'
  | 'INVALID_QUERY'
  | 'MALFORMED_JSON'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'ADMIN_DISABLED'
  | 'NODE_API_DISABLED'
  | 'JOB_NOT_RUNNING'
  | 'ALLOCATION_REPLACED'
  | 'UNSATISFIABLE'
  | 'QUOTA_EXCEEDED'
  | 'NOT_LEADER'
  | 'NO_LEADER'
  | 'INTERNAL_ERROR'
  | 'SERVER_ERROR'
  | 'CONNECTION_FAILED'
  | 'CLIENT_TIMEOUT';

// A registry symbol (Symbol.for) is shared by every copy of the library loaded in one realm,
// so the guard below recognises errors thrown by the ESM copy from the CJS copy and back.
const BRAND = Symbol.for('fairpack.error');

/** The one error class fairpack throws. `code` is stable; `message` says expected / got / what to do. */
export class FairpackError extends Error {
  readonly code: FairpackErrorCode;
  /** Structured facts about the failure (the dimension, the value, the id …). */
  readonly details: Readonly<Record<string, unknown>>;

  /** `options.cause`: the error behind this one (a clock that threw, an abort signal's reason). */
  constructor(code: FairpackErrorCode, message: string, details: Record<string, unknown> = {}, options?: { readonly cause?: unknown }) {
    super(message, options);
    this.name = 'FairpackError';
    this.code = code;
    this.details = Object.freeze({ ...details });
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/** True for any `FairpackError`, even one thrown by another copy (ESM vs CJS) of fairpack. */
export function isFairpackError(value: unknown): value is FairpackError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

/** Renders a value for an error message: strings quoted, type named, e.g. `-1 (number)`. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `"${value.length > 60 ? `${value.slice(0, 57)}...` : value}" (string)`;
  if (typeof value === 'number') return `${Object.is(value, -0) ? '-0' : String(value)} (number)`;
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  return `${String(value)} (${typeof value})`;
}
