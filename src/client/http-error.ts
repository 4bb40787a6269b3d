import { FairpackError, type FairpackErrorCode } from '../errors.js';

/** Codes `fairpack serve` answers with that this version knows; any other becomes SERVER_ERROR. */
const KNOWN = new Set<string>([
  'INVALID_RESOURCES', 'INVALID_REQUEST', 'INVALID_NODE', 'DUPLICATE_NODE', 'UNKNOWN_NODE', 'NODE_NOT_EMPTY', 'UNKNOWN_ALLOCATION', 'ALREADY_RELEASED',
  'UNKNOWN_JOB', 'INVALID_OPTION', 'UNKNOWN_PRIORITY_CLASS', 'DUPLICATE_JOB', 'QUEUE_FULL', 'MANAGER_CLOSED', 'HEARTBEATS_OFF', 'IDEMPOTENCY_KEY_REUSED',
  'STORE_FAILED', 'NOT_FOUND', 'METHOD_NOT_ALLOWED', 'INVALID_BODY', 'INVALID_QUERY', 'MALFORMED_JSON', 'PAYLOAD_TOO_LARGE', 'UNAUTHORIZED', 'FORBIDDEN',
  'ADMIN_DISABLED', 'NODE_API_DISABLED', 'JOB_NOT_RUNNING', 'ALLOCATION_REPLACED', 'UNSATISFIABLE', 'QUOTA_EXCEEDED', 'NOT_LEADER', 'NO_LEADER', 'INTERNAL_ERROR',
]);

/**
 * The server's `{ error: { code, message, … } }` answer as a FairpackError: its code (or
 * SERVER_ERROR for one this version does not know, the server's code in `details.code`), its
 * message, the HTTP status and the other fields in `details`.
 */
export function errorFromAnswer(status: number, body: unknown, what: string): FairpackError {
  const error = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
  const fields = typeof error === 'object' && error !== null ? (error as Record<string, unknown>) : {};
  const code = typeof fields['code'] === 'string' ? fields['code'] : undefined;
  const message = typeof fields['message'] === 'string' ? fields['message'] : `${what} was answered ${status} without an error body.`;
  const details: Record<string, unknown> = { status };
  for (const [key, value] of Object.entries(fields)) if (key !== 'code' && key !== 'message') details[key] = value;
  if (code !== undefined && KNOWN.has(code)) return new FairpackError(code as FairpackErrorCode, message, details);
  return new FairpackError('SERVER_ERROR', `${what}: the server answered ${status}${code === undefined ? '' : ` ${code}`}: ${message}`, { ...details, ...(code === undefined ? {} : { code }) });
}
