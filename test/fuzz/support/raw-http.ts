import { connect } from 'node:net';

/*
 * A raw HTTP/1.1 client for the serve fuzzer: it sends exactly the bytes it is given (methods,
 * paths, headers and framings no HTTP library would send) and reads one answer until the server
 * closes the connection (the fuzzer always asks `Connection: close`).
 */

export interface RawAnswer {
  /** undefined when the server closed without answering. */
  readonly status: number | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** The connection was reset (ECONNRESET, EPIPE …) instead of closed. */
  readonly reset: boolean;
  /** No answer, and the connection still open, after `timeoutMs`. */
  readonly timedOut: boolean;
}

/** Sends `request` (then half-closes when `endWrite`) and resolves with what came back. */
export function rawExchange(port: number, request: Buffer, options: { readonly endWrite: boolean; readonly timeoutMs: number }): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let reset = false;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      socket.destroy();
    }, options.timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // a reset after a complete answer is the server closing early, not a lost answer
      if (error.code !== undefined) reset = true;
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ ...parse(Buffer.concat(chunks).toString('latin1')), reset, timedOut });
    });
    socket.on('connect', () => {
      socket.write(request);
      if (options.endWrite) socket.end();
    });
  });
}

function parse(text: string): Pick<RawAnswer, 'status' | 'headers' | 'body'> {
  // interim answers (`100 Continue` to `Expect: 100-continue`) come before the real one
  while (/^HTTP\/1\.[01] 1\d\d /.test(text) && text.includes('\r\n\r\n')) text = text.slice(text.indexOf('\r\n\r\n') + 4);
  const end = text.indexOf('\r\n\r\n');
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(text);
  if (end < 0 || match === null) return { status: undefined, headers: {}, body: text };
  const headers: Record<string, string> = {};
  for (const line of text.slice(0, end).split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const length = Number(headers['content-length'] ?? Number.NaN);
  const raw = text.slice(end + 4);
  const body = Buffer.from(Number.isFinite(length) ? raw.slice(0, length) : raw, 'latin1').toString('utf8');
  return { status: Number(match[1]), headers, body };
}
