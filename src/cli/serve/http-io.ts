import type { IncomingMessage, ServerResponse } from 'node:http';

/** Largest request body accepted; larger ones get 413 before they are read (or as soon as they pass it). */
export const BODY_LIMIT_BYTES = 64 * 1024;

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

/** What a route answers: JSON (`body`) or text (`text` with its `contentType`). */
export interface Reply {
  readonly status: number;
  readonly body?: unknown;
  readonly text?: string;
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * Reads the request body as JSON. The size is checked twice: the declared `content-length` up
 * front, and the bytes actually received (a chunked body declares none), so a client can never
 * make the server buffer more than the limit.
 */
export function readJsonBody(request: IncomingMessage, limit = BODY_LIMIT_BYTES): Promise<unknown> {
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
      } else chunks.push(chunk);
    });
    request.on('error', (error) => reject(error));
    request.on('end', () => {
      if (refused) return;
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim().length === 0) return reject(new HttpError(400, 'MALFORMED_JSON', 'Expected a JSON body, got an empty one.'));
      try {
        resolve(JSON.parse(text) as unknown);
      } catch (error) {
        reject(new HttpError(400, 'MALFORMED_JSON', `Expected a JSON body, but it does not parse: ${(error as Error).message}`));
      }
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
  return new HttpError(413, 'PAYLOAD_TOO_LARGE', `Expected a body of at most ${limit} bytes.`);
}

export function send(response: ServerResponse, reply: Reply): void {
  const json = reply.text === undefined;
  const payload = json ? JSON.stringify(reply.body ?? {}) : (reply.text as string);
  response.writeHead(reply.status, {
    'content-type': json ? 'application/json; charset=utf-8' : (reply.contentType ?? 'text/plain; charset=utf-8'),
    'content-length': Buffer.byteLength(payload),
    'cache-control': 'no-store',
    ...reply.headers,
  });
  response.end(payload);
}

export function errorReply(error: HttpError): Reply {
  return { status: error.status, body: { error: { code: error.code, message: error.message, ...error.extra } }, headers: error.headers };
}
