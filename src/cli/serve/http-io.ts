import type { IncomingMessage, ServerResponse } from 'node:http';

/** An HTTP failure with a stable code, sent as `{ "error": { "code", "message" } }`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
    readonly extra: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/**
 * The client went away before its request was complete (it aborted an upload, or the server cut
 * it at the request timeout). Nobody is left to answer: it is logged as a client error, in one
 * line, and no reply is written.
 */
export class ClientAbortError extends Error {
  override readonly name = 'ClientAbortError';
}

/**
 * What a route answers: JSON (`body`), text (`text` with its `contentType`), or a stream (`stream`
 * with its `contentType`: called with the response once the headers are out; it writes and ends it).
 */
export interface Reply {
  readonly status: number;
  readonly body?: unknown;
  readonly text?: string;
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly stream?: (response: ServerResponse) => void;
}

/**
 * Reads the request body as JSON. The size is checked twice: the declared `content-length` up
 * front, and the bytes actually received (a chunked body declares none), so a client can never
 * make the server buffer more than `limit`.
 */
export async function readJsonBody(request: IncomingMessage, limit: number): Promise<unknown> {
  const text = Buffer.concat(await readBody(request, limit, true)).toString('utf8');
  if (text.trim().length === 0) throw new HttpError(400, 'MALFORMED_JSON', 'Expected a JSON body, got an empty one.');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new HttpError(400, 'MALFORMED_JSON', `Expected a JSON body, but it does not parse: ${(error as Error).message}`);
  }
}

/** Waits for the whole body of a request whose route takes none, keeping none of it (same limit and errors). */
export async function discardBody(request: IncomingMessage, limit: number): Promise<void> {
  if (request.complete) return;
  await readBody(request, limit, false);
}

/** The body's chunks (none kept unless `keep`) once it is complete; 413 past `limit`; ClientAbortError if the client goes away. */
function readBody(request: IncomingMessage, limit: number, keep: boolean): Promise<Buffer[]> {
  const declared = Number(request.headers['content-length'] ?? '');
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    // 'data' events rather than async iteration: leaving a for-await early would destroy the
    // socket before the 413 could be sent. Past the limit, what still arrives is discarded.
    request.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > limit) {
        refused = true;
        chunks.length = 0;
        reject(tooLarge(limit));
      } else if (keep) chunks.push(chunk);
    });
    // Node reports a connection lost mid-body as an 'error' (ECONNRESET "aborted") and then
    // 'close'; either one settles the promise (a settled promise ignores the other). The socket's
    // own 'close' too: a request answered early (a client error mid-body, see client-errors.ts)
    // is detached from its socket and never closes by itself.
    const socket = request.socket;
    const aborted = (): void => {
      socket.off('close', onSocketClose);
      const of = Number.isFinite(declared) ? ` of ${declared}` : '';
      reject(new ClientAbortError(`the connection closed after ${size}${of} body bytes, before the request was complete`));
    };
    const onSocketClose = (): void => {
      if (!request.complete) aborted();
    };
    socket.on('close', onSocketClose);
    request.on('error', aborted);
    request.on('close', onSocketClose);
    request.on('end', () => {
      socket.off('close', onSocketClose);
      if (!refused) resolve(chunks);
    });
  });
}

/*
 * The rest of a refused body is read and dropped, not buffered (Node drains it after the reply),
 * and the connection stays usable: closing it at once would make a client still sending its body
 * fail with EPIPE instead of reading the 413. The server's requestTimeout bounds how long a client
 * may keep sending.
 */
function tooLarge(limit: number): HttpError {
  return new HttpError(413, 'PAYLOAD_TOO_LARGE', `Expected a body of at most ${limit} bytes; send less (the server's --max-body-bytes).`);
}

/** A reply turned into bytes, ready to write: nothing about it can fail any more. */
export interface RenderedReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | number>>;
  readonly payload: string;
  readonly stream?: (response: ServerResponse) => void;
}

/**
 * Serialises a reply. It throws when the body cannot be serialised (a cycle, a BigInt, nesting
 * too deep for the stack) — before any header is written, so the caller can still answer 500.
 */
export function renderReply(reply: Reply): RenderedReply {
  if (reply.stream !== undefined) {
    // no length: the body goes on until one side closes
    return { status: reply.status, headers: { 'content-type': reply.contentType ?? 'application/octet-stream', 'cache-control': 'no-store', ...reply.headers }, payload: '', stream: reply.stream };
  }
  const json = reply.text === undefined;
  const payload = json ? JSON.stringify(reply.body ?? {}) : (reply.text as string);
  return {
    status: reply.status,
    headers: {
      'content-type': json ? 'application/json; charset=utf-8' : (reply.contentType ?? 'text/plain; charset=utf-8'),
      'content-length': Buffer.byteLength(payload),
      'cache-control': 'no-store',
      ...reply.headers,
    },
    payload,
  };
}

export function writeReply(response: ServerResponse, rendered: RenderedReply): void {
  response.writeHead(rendered.status, rendered.headers);
  if (rendered.stream === undefined) response.end(rendered.payload);
  else {
    response.flushHeaders();
    rendered.stream(response);
  }
}

export function errorReply(error: HttpError): Reply {
  return { status: error.status, body: { error: { code: error.code, message: error.message, ...error.extra } }, headers: error.headers };
}

/** The answer when something went wrong on the server's side: details go to the log, never to the client. */
export const INTERNAL_ERROR = new HttpError(500, 'INTERNAL_ERROR', 'Internal error; see the server log.');
