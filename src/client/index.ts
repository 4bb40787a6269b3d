/*
 * fairpack/client — a typed client of `fairpack serve` over fetch: follows the leader of
 * replicas, retries what is safe with back-off and a deadline, throws the server's error codes as
 * FairpackErrors, and watches `GET /events`. No dependency; runs in Node ≥ 18, browsers, Deno, Bun.
 * docs/client.md.
 */
export { type ClientOptions, FairpackClient, type ServerEvent, type ServerHealth, type SubmitAnswer } from './fairpack-client.js';
export { FairpackError, type FairpackErrorCode, isFairpackError } from '../errors.js';
export { SseParser, type SseEvent } from './sse.js';
