import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * The answer to a request Node's HTTP parser refuses before any route sees it — a malformed
 * request line or header, bad chunked framing, headers past Node's size limit, or a request not in
 * within the time limits — as JSON like every other answer (Node's own is a bare status line):
 * `{"error":{"code","message"}}`, then the connection is closed.
 */
const ANSWERS: Readonly<Record<string, readonly [status: number, reason: string, code: string, message: string]>> = {
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout', 'REQUEST_TIMEOUT', 'The request did not arrive in time (headers within 10 s, the whole request within 30 s by default); send it again, faster.'],
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large', 'HEADERS_TOO_LARGE', 'The request headers are larger than the server accepts; send fewer or shorter headers.'],
  // the client closed its side before the request was whole: nothing was done with it
  HPE_INVALID_EOF_STATE: [400, 'Bad Request', 'INCOMPLETE_REQUEST', 'The connection ended before the request was complete; nothing was done. Send the whole request.'],
};
const BAD_REQUEST = [400, 'Bad Request', 'BAD_REQUEST', 'The request is not valid HTTP/1.1 (its request line, a header or the chunked framing of its body); fix the client.'] as const;

/**
 * `inFlight` is the response of a request whose body was still arriving when the parser failed (a
 * broken chunk, say): the answer goes out through it, unless it has started already.
 */
export function answerClientError(error: Error & { readonly code?: string }, socket: Duplex & { readonly bytesWritten?: number }, inFlight: ServerResponse | undefined): void {
  // a connection that reset has nobody to answer; one that has been written to otherwise (an
  // answer in progress, or an earlier one on a keep-alive connection) must not get bytes in the
  // middle of another answer — as Node itself does, it is closed unanswered
  const answerable = inFlight === undefined ? (socket.bytesWritten ?? 0) === 0 : !inFlight.headersSent;
  if (error.code === 'ECONNRESET' || !socket.writable || !answerable) {
    socket.destroy();
    return;
  }
  const [status, reason, code, message] = (error.code !== undefined && Object.hasOwn(ANSWERS, error.code) ? ANSWERS[error.code] : undefined) ?? BAD_REQUEST;
  const payload = JSON.stringify({ error: { code, message } });
  const headers = { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(payload), 'cache-control': 'no-store', connection: 'close' };
  if (inFlight !== undefined) {
    inFlight.writeHead(status, headers).end(payload, () => socket.destroy());
    return;
  }
  const head = [`HTTP/1.1 ${status} ${reason}`, ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)];
  socket.write(`${head.join('\r\n')}\r\n\r\n${payload}`, () => socket.destroy());
}
