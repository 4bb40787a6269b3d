import { type FairpackError } from '../../index.js';
import { HttpError } from './http-io.js';

/** The HTTP status of each FairpackError code the routes can meet; anything else is a 500. */
const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  INVALID_RESOURCES: 400,
  INVALID_REQUEST: 400,
  INVALID_OPTION: 400,
  UNKNOWN_PRIORITY_CLASS: 400,
  UNKNOWN_JOB: 404,
  UNKNOWN_ALLOCATION: 404,
  UNKNOWN_NODE: 404,
  INVALID_NODE: 400,
  DUPLICATE_NODE: 409,
  /** jobs run on it: remove it with ?force=true, or drain it first */
  NODE_NOT_EMPTY: 409,
  /** the server runs without --heartbeat-timeout */
  HEARTBEATS_OFF: 409,
  DUPLICATE_JOB: 409,
  /** an Idempotency-Key (or a job id) retried with another request (as Stripe answers it) */
  IDEMPOTENCY_KEY_REUSED: 422,
  ALREADY_RELEASED: 409,
  MANAGER_CLOSED: 503,
};

/** The status of a refused submission, by its `code`. */
export const REJECTED_STATUS: Readonly<Record<string, number>> = {
  /** no node could ever hold it */
  UNSATISFIABLE: 422,
  /** `maxQueued` jobs already wait: try again later */
  QUEUE_FULL: 429,
  /** the tenant's quota forbids it (as Kubernetes answers a ResourceQuota refusal) */
  QUOTA_EXCEEDED: 403,
};

export function fromFairpackError(error: FairpackError): HttpError {
  const status = Object.hasOwn(STATUS_BY_CODE, error.code) ? (STATUS_BY_CODE[error.code] as number) : 500;
  // an unknown field: the structured hint travels too, so that a client can show or fix it
  const { field, accepted, suggestion } = error.details;
  const hint = typeof field === 'string' && Array.isArray(accepted) ? { field, accepted, ...(suggestion === undefined ? {} : { suggestion }) } : {};
  return new HttpError(status, error.code, error.message, {}, hint);
}
