import fc from 'fast-check';
import { type Ids, ref, resolveArguments } from './calls.js';
import { HOSTILE_STRINGS, hostileValue, mutated } from './hostile.js';
import { jobRequest } from './valid.js';

/*
 * HTTP requests for the serve fuzzer, as data: a method, a path (with Refs to live jobs), headers,
 * a body and how it is framed. `requestBytes` turns one into the bytes on the wire.
 */

export type Framing = 'length' | 'chunked' | 'none' | 'bad-chunked' | 'short';

export interface FuzzRequest {
  readonly method: string;
  /** Path segments and a query: a Ref segment is a live job's id, percent-encoded. */
  readonly path: readonly unknown[];
  readonly query: string;
  readonly headers: readonly (readonly [string, string])[];
  readonly body: { readonly kind: 'none' } | { readonly kind: 'json'; readonly value: unknown } | { readonly kind: 'text'; readonly text: string } | { readonly kind: 'bytes'; readonly bytes: Uint8Array };
  readonly framing: Framing;
}

export const ADMIN_TOKEN = 's3cret';
export const NODE_TOKEN = 'n0de-s3cret';

/** Percent-encodes the UTF-8 bytes of `text` (a lone surrogate becomes U+FFFD, where encodeURIComponent throws). */
export function percentEncode(text: string): string {
  return [...Buffer.from(text, 'utf8')].map((byte) => (/[A-Za-z0-9\-_.~]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
}

const segment = fc.oneof(
  { weight: 3, arbitrary: ref('job') },
  { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_STRINGS.map(percentEncode), '%00', '%E0%A4%A', '%', '%2F', '..', '.', '%2e%2e', '*', 'x%20y', '%FF') },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }).map(percentEncode) },
);

const paths: fc.Arbitrary<readonly unknown[]> = fc.oneof(
  fc.constant(['jobs']),
  fc.tuple(fc.constant('jobs'), segment),
  fc.tuple(fc.constant('jobs'), segment, fc.constantFrom('release', 'Release', '')),
  fc.tuple(fc.constant('tenants'), fc.oneof(fc.constantFrom('a', 'b', '__proto__', 'constructor', 'toString', '%00', ''), segment), fc.constant('quota')),
  fc.tuple(fc.constant('nodes'), fc.oneof(fc.constantFrom('n1', 'n2', 'n3', '__proto__', 'constructor'), segment)),
  fc.tuple(fc.constant('nodes'), fc.oneof(fc.constantFrom('n1', 'n2', 'n3', '__proto__'), segment), fc.constantFrom('heartbeat', 'drain', 'interrupt', 'Drain', '')),
  fc.constantFrom(['healthz'], ['metrics'], ['nodes'], ['queues'], [''], ['jobs', ''], ['', 'jobs'], ['nowhere'], ['jobs', 'a', 'b', 'c'], ['x'.repeat(10_000)]),
);

const query = fc.oneof(
  { weight: 4, arbitrary: fc.constant('') },
  { weight: 2, arbitrary: fc.constantFrom('?status=queued', '?status=running&tenant=a', '?status=', '?tenant=', '?tenant=__proto__', '?status=lost', '?status=queued&status=running', '?__proto__=1', '?%zz', '#frag', '?tenant=%00', '?force=true', '?force=yes', '?force=') },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }).map((q) => `?${percentEncode(q)}=${percentEncode(q)}`) },
);

const method = fc.oneof({ weight: 6, arbitrary: fc.constantFrom('GET', 'POST', 'DELETE', 'PATCH') }, { weight: 1, arbitrary: fc.constantFrom('PUT', 'HEAD', 'OPTIONS', 'TRACE', 'FOO', 'get', 'M-SEARCH', 'PROPFIND') });

const contentType = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', '');
const authorization = fc.constantFrom(`Bearer ${ADMIN_TOKEN}`, `Bearer ${NODE_TOKEN}`, 'Bearer wrong', 'Bearer', 'Basic czNjcmV0', `bearer    ${ADMIN_TOKEN}  `, '');
const extraHeader = fc.constantFrom<readonly [string, string]>(['X-Forwarded-For', '1.2.3.4'], ['Accept', '*/*'], ['Expect', '100-continue'], ['X-Long', 'y'.repeat(8_000)], ['Cookie', '__proto__=1']);

const quotaBody = fc.record({ limits: fc.oneof(fc.constant(null), fc.record({ cpu: fc.integer({ min: 0, max: 8 }) })), onExceed: fc.constantFrom('reject', 'queue'), burst: fc.constantFrom(1, 1.5), burstClasses: fc.constant(['low']) }, { requiredKeys: [] });
const releaseBody = fc.record({ outcome: fc.constantFrom('completed', 'failed', 'preempted') }, { requiredKeys: [] });
const nodeBody = fc.oneof(
  fc.record({ id: fc.constantFrom('n3', 'n1', '__proto__'), capacity: fc.record({ cpu: fc.integer({ min: 1, max: 4 }) }), labels: fc.constant({ zone: 'a' }), spot: fc.boolean() }, { requiredKeys: ['id', 'capacity'] }),
  fc.record({ status: fc.constantFrom('ready', 'draining', 'offline'), labels: fc.record({ zone: fc.constantFrom('a', 'b') }), taints: fc.constant([{ key: 'gpu', effect: 'NoSchedule' }]) }, { requiredKeys: [] }),
  fc.record({ deadlineMs: fc.integer({ min: 0, max: 1_000 }), noticeMs: fc.integer({ min: 0, max: 1_000 }), running: fc.array(fc.constantFrom('ghost', ''), { maxLength: 2 }) }, { requiredKeys: [] }),
);

const body: fc.Arbitrary<FuzzRequest['body']> = fc.oneof(
  { weight: 6, arbitrary: fc.oneof(jobRequest(), quotaBody, releaseBody, nodeBody).chain((valid) => fc.oneof(fc.constant(valid), mutated(fc.constant(valid)))).map((value) => ({ kind: 'json' as const, value })) },
  { weight: 1, arbitrary: hostileValue().map((value) => ({ kind: 'json' as const, value })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'none' as const }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '',
      '{"resources":',
      '{"resources":{"cpu":1}',
      'null',
      '[]',
      '"x"',
      '{"__proto__":{"resources":{"cpu":1}}}',
      `{"resources":{"cpu":1},"metadata":{"deep":${'['.repeat(5_000)}${']'.repeat(5_000)}}}`,
      `{"resources":{"cpu":1},"pad":"${'x'.repeat(70 * 1024)}"}`, // past the 64 KiB body limit
      '{"resources":{"cpu":1e400}}',
      '{"resources":{"cpu":1},"resources":{"cpu":-1}}',
      '\uFEFF{"resources":{"cpu":1}}',
    ).map((text) => ({ kind: 'text' as const, text })),
  },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ kind: 'bytes' as const, bytes })) },
);

const anyRequest: fc.Arbitrary<FuzzRequest> = fc.record({
  method,
  path: paths,
  query,
  headers: fc.tuple(fc.option(contentType, { nil: undefined }), fc.option(authorization, { nil: undefined }), fc.option(extraHeader, { nil: undefined })).map(([type, auth, extra]) => [
    ...(type === undefined ? [] : [['Content-Type', type] as const]),
    ...(auth === undefined ? [] : [['Authorization', auth] as const]),
    ...(extra === undefined ? [] : [extra]),
  ]),
  body,
  framing: fc.constantFrom<Framing>('length', 'length', 'length', 'length', 'chunked', 'none', 'bad-chunked', 'short'),
});

const JSON_TYPE = [['Content-Type', 'application/json']] as const;
const idempotencyKey = fc.oneof(fc.constantFrom('k1', 'k2', '__proto__', 'constructor', '', ' ', 'x'.repeat(251), 'x'.repeat(250)), fc.string({ maxLength: 40 }).filter((key) => /^[\x21-\x7e]*$/.test(key)));
const ADMIN = [...JSON_TYPE, ['Authorization', `Bearer ${ADMIN_TOKEN}`]] as const;
const job = ref('job');

/**
 * The API used as a client would — submit, release, cancel, read, set a quota — with bodies valid
 * or mutated in one place: these reach the manager, and keep jobs running and queued.
 */
const operation: fc.Arbitrary<FuzzRequest> = fc.oneof(
  { weight: 5, arbitrary: jobRequest().chain((valid) => fc.oneof(fc.constant(valid), mutated(fc.constant(valid)))).map((value) => ({ method: 'POST', path: ['jobs'], query: '', headers: JSON_TYPE, body: { kind: 'json' as const, value }, framing: 'length' as const })) },
  // retried submits: a few keys used over and over (a repeat, or another body under a key), and hostile ones
  { weight: 2, arbitrary: fc.tuple(jobRequest(), idempotencyKey).map(([value, key]) => ({ method: 'POST', path: ['jobs'], query: '', headers: [...JSON_TYPE, ['Idempotency-Key', key] as const], body: { kind: 'json' as const, value }, framing: 'length' as const })) },
  { weight: 2, arbitrary: fc.tuple(job, fc.oneof(releaseBody, mutated(releaseBody))).map(([id, value]) => ({ method: 'POST', path: ['jobs', id, 'release'], query: '', headers: JSON_TYPE, body: { kind: 'json' as const, value }, framing: 'length' as const })) },
  { weight: 1, arbitrary: job.map((id) => ({ method: 'DELETE', path: ['jobs', id], query: '', headers: [], body: { kind: 'none' as const }, framing: 'none' as const })) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('GET'), fc.oneof(job.map((id) => ['jobs', id]), fc.constant(['jobs']), fc.constant(['queues']), fc.constant(['metrics'])), query).map(([verb, path, q]) => ({ method: verb, path, query: q, headers: [], body: { kind: 'none' as const }, framing: 'none' as const })) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('a', 'b', '__proto__', 'constructor'), fc.oneof(quotaBody, mutated(quotaBody))).map(([tenant, value]) => ({ method: 'PATCH', path: ['tenants', tenant, 'quota'], query: '', headers: ADMIN, body: { kind: 'json' as const, value }, framing: 'length' as const })) },
);

/** Half the API used as a client would (bodies valid or mutated), half anything at all. */
export const fuzzRequest: fc.Arbitrary<FuzzRequest> = fc.oneof(operation, anyRequest);

/** The body's bytes (JSON that cannot be serialised, a BigInt say, is sent as what String() makes of it). */
function bodyBytes(request: FuzzRequest, ids: Ids): Buffer | undefined {
  const { body } = request;
  if (body.kind === 'none') return undefined;
  if (body.kind === 'bytes') return Buffer.from(body.bytes);
  if (body.kind === 'text') return Buffer.from(body.text);
  let text: string;
  try {
    text = JSON.stringify(resolveArguments(body.value, ids)) ?? 'undefined';
  } catch {
    text = '{"unserialisable":';
  }
  return Buffer.from(text);
}

/** The request on the wire, and whether it is complete (a `short` body is cut off and the write side closed). */
export function requestBytes(request: FuzzRequest, ids: Ids): { readonly bytes: Buffer; readonly complete: boolean } {
  const path = `/${request.path.map((part) => (typeof part === 'string' ? part : percentEncode(String(resolveArguments(part, ids))))).join('/')}${request.query}`;
  const payload = bodyBytes(request, ids);
  const head = [`${request.method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close', ...request.headers.map(([name, value]) => `${name}: ${value}`)];
  if (payload === undefined || request.framing === 'none') return { bytes: Buffer.from(`${[...head, '', ''].join('\r\n')}`), complete: true };
  switch (request.framing) {
    case 'length':
      return { bytes: Buffer.concat([Buffer.from([...head, `Content-Length: ${payload.length}`, '', ''].join('\r\n')), payload]), complete: true };
    case 'short':
      // declares more than it sends, then closes its side: the server must not wait, act or crash
      return { bytes: Buffer.concat([Buffer.from([...head, `Content-Length: ${payload.length + 10}`, '', ''].join('\r\n')), payload]), complete: false };
    case 'chunked': {
      const half = Math.floor(payload.length / 2);
      const chunks = [payload.subarray(0, half), payload.subarray(half)].filter((chunk) => chunk.length > 0);
      const framed = chunks.flatMap((chunk) => [Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]);
      return { bytes: Buffer.concat([Buffer.from([...head, 'Transfer-Encoding: chunked', '', ''].join('\r\n')), ...framed, Buffer.from('0\r\n\r\n')]), complete: true };
    }
    case 'bad-chunked':
      return { bytes: Buffer.concat([Buffer.from([...head, 'Transfer-Encoding: chunked', '', ''].join('\r\n')), Buffer.from('zz\r\n'), payload, Buffer.from('\r\n0\r\n\r\n')]), complete: true };
  }
}
