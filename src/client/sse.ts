/*
 * A Server-Sent Events parser (the WHATWG "event stream interpretation", the parts fairpack's
 * `GET /events` uses): fields `event`, `data` (joined by newlines), `id`, comments; an event is
 * dispatched at a blank line. The last event id is kept as the spec says — it changes only when an
 * `id` field arrives, and is what a reconnection sends as `Last-Event-ID`.
 */

export interface SseEvent {
  /** The `event` field, or 'message'. */
  readonly event: string;
  readonly data: string;
  /** The last event id after this event (the stream's, not necessarily set by this event). */
  readonly lastEventId: string;
}

export class SseParser {
  lastEventId: string;
  #buffer = '';
  #event = '';
  #data: string[] = [];
  #sawData = false;

  constructor(lastEventId = '') {
    this.lastEventId = lastEventId;
  }

  /** Feeds decoded text; returns the events it completed. */
  push(text: string): SseEvent[] {
    this.#buffer += text;
    const events: SseEvent[] = [];
    for (;;) {
      const end = this.#buffer.search(/\r\n|\r|\n/);
      if (end < 0) break;
      // a lone \r at the end of the buffer may be the first half of \r\n: wait for more
      if (this.#buffer[end] === '\r' && end === this.#buffer.length - 1) break;
      const line = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end + (this.#buffer.startsWith('\r\n', end) ? 2 : 1));
      const event = this.#line(line);
      if (event !== undefined) events.push(event);
    }
    return events;
  }

  #line(line: string): SseEvent | undefined {
    if (line === '') {
      const event = this.#sawData ? { event: this.#event === '' ? 'message' : this.#event, data: this.#data.join('\n'), lastEventId: this.lastEventId } : undefined;
      this.#event = '';
      this.#data = [];
      this.#sawData = false;
      return event;
    }
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.#event = value;
    else if (field === 'data') {
      this.#data.push(value);
      this.#sawData = true;
    } else if (field === 'id' && !value.includes('\0')) this.lastEventId = value;
    return undefined;
  }
}
