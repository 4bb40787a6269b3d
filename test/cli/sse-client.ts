import { type ClientRequest, type IncomingMessage, request } from 'node:http';

/** One Server-Sent Event as a client parses it (spec: event / data / id fields, blank line ends it). */
export interface SseEvent {
  readonly event: string;
  readonly data: string;
  readonly id?: string;
}

/**
 * A `GET /events` stream read over a real socket, parsed as a browser would: `events` fills as
 * they arrive, `lastEventId` follows the `id:` fields, `comments` keeps the `:` lines.
 */
export interface SseStream {
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  readonly events: SseEvent[];
  readonly comments: string[];
  readonly lastEventId: () => string | undefined;
  /** Resolves when the server ends the stream (or the connection closes). */
  readonly ended: Promise<void>;
  /** The body of a refused request (not a stream). */
  readonly body: () => string;
  close(): void;
  readonly response: IncomingMessage;
  readonly request: ClientRequest;
}

export function openSse(base: string, lastEventId?: string): Promise<SseStream> {
  return new Promise((resolve, reject) => {
    const url = new URL('/events', base);
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (lastEventId !== undefined) headers['last-event-id'] = lastEventId;
    const req = request(url, { headers, agent: false });
    req.once('error', reject);
    req.once('response', (response) => {
      const events: SseEvent[] = [];
      const comments: string[] = [];
      let last: string | undefined = lastEventId;
      let buffer = '';
      let raw = '';
      let fields: { event?: string; data: string[]; id?: string } = { data: [] };
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        raw += chunk;
        buffer += chunk;
        let newline: number;
        while ((newline = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, newline);
          buffer = buffer.slice(newline + 1);
          if (line === '') {
            if (fields.id !== undefined) last = fields.id;
            if (fields.data.length > 0) events.push({ event: fields.event ?? 'message', data: fields.data.join('\n'), ...(fields.id === undefined ? {} : { id: fields.id }) });
            fields = { data: [] };
          } else if (line.startsWith(':')) comments.push(line.slice(1).trim());
          else {
            const colon = line.indexOf(':');
            const name = colon < 0 ? line : line.slice(0, colon);
            const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (name === 'event') fields.event = value;
            else if (name === 'data') fields.data.push(value);
            else if (name === 'id') fields.id = value;
          }
        }
      });
      const ended = new Promise<void>((done) => {
        response.once('end', () => done());
        response.once('close', () => done());
        response.once('error', () => done());
      });
      resolve({
        status: response.statusCode ?? 0,
        headers: response.headers,
        events,
        comments,
        lastEventId: () => last,
        ended,
        body: () => raw,
        close: () => req.destroy(),
        response,
        request: req,
      });
    });
    req.end();
  });
}

/** Resolves once `predicate` holds, polling; rejects after `ms`. */
export async function until(predicate: () => boolean, ms = 10_000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!predicate()) {
    if (performance.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
