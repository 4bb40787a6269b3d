import type { ServerResponse } from 'node:http';
import type { EventHub } from './event-hub.js';
import { HttpError } from './http-io.js';

/** What open `GET /events` streams may cost the server. */
export interface EventStreamLimits {
  /** Streams open at once; one more is answered 503 TOO_MANY_STREAMS. */
  readonly maxStreams: number;
  /**
   * Bytes a stream may have waiting to go out (its socket could not take them yet) for longer than
   * `slowReaderMs`, or at all beyond 8× this. A reader that falls that far behind is disconnected,
   * never buffered for without bound: it reconnects with `Last-Event-ID` and resumes from the
   * replay buffer (or gets a reset). The grace lets a reader that keeps up absorb a burst.
   */
  readonly maxBufferedBytes: number;
  readonly slowReaderMs: number;
  /** A comment line is sent this often so that proxies and clients see a live connection. */
  readonly keepAliveMs: number;
}

export const DEFAULT_STREAM_LIMITS: EventStreamLimits = Object.freeze({ maxStreams: 64, maxBufferedBytes: 1024 * 1024, slowReaderMs: 1_000, keepAliveMs: 15_000 });

/** Past this many times `maxBufferedBytes`, a stream is dropped at once, grace or not. */
const HARD_FACTOR = 8;

/** How long a browser waits before reconnecting a dropped stream (the SSE `retry:` field). */
const RETRY_MS = 2_000;

/**
 * The open event streams of one server: each is subscribed to the hub, gets a keep-alive comment
 * on a shared timer, is dropped when its reader is too slow, and is ended by `closeAll` when the
 * server stops (an open stream would otherwise hold `server.close()` for ever).
 */
export class EventStreams {
  readonly #hub: EventHub;
  readonly #limits: EventStreamLimits;
  readonly #open = new Map<ServerResponse, () => void>();
  /** Streams behind on their reader, and the timer that drops them unless they catch up. */
  readonly #watched = new Map<ServerResponse, ReturnType<typeof setTimeout>>();
  #keepAlive: ReturnType<typeof setInterval> | undefined;
  #closed = false;
  /** Streams cut because their reader fell behind (for the log and the tests). */
  dropped = 0;

  constructor(hub: EventHub, limits: EventStreamLimits) {
    this.#hub = hub;
    this.#limits = limits;
  }

  get size(): number {
    return this.#open.size;
  }

  /** Throws 503 TOO_MANY_STREAMS when the cap is reached (or the server is stopping). */
  checkRoom(): void {
    if (this.#closed) throw new HttpError(503, 'SHUTTING_DOWN', 'The server is stopping; reconnect to it (or another replica) shortly.', { 'retry-after': '5' });
    if (this.#open.size >= this.#limits.maxStreams) {
      throw new HttpError(503, 'TOO_MANY_STREAMS', `Expected at most ${this.#limits.maxStreams} open event streams, and that many are open. Close one, or retry later (the server's --max-event-streams).`, { 'retry-after': '5' });
    }
  }

  /**
   * Starts streaming on a response whose headers are written: first what the client missed since
   * `lastSeen` (its Last-Event-ID), then every group as the hub closes it.
   */
  open(response: ServerResponse, lastSeen: number | undefined): void {
    if (this.#closed || response.destroyed) {
      response.destroy();
      return;
    }
    // a group still being collected goes out first (to the streams already open, and into the
    // buffer): delivered after subscribing, it would reach this stream twice — live and replayed.
    // Then subscribe before the replay is read: nothing can fall between the two (both synchronous).
    this.#hub.flush();
    const unsubscribe = this.#hub.subscribe((group) => this.#write(response, group.frames));
    this.#open.set(response, unsubscribe);
    response.once('close', () => this.#forget(response));
    const replay = lastSeen === undefined ? '' : this.#hub.replay(lastSeen).frames;
    this.#write(response, `retry: ${RETRY_MS}\n: fairpack events from position ${this.#hub.position()}\n\n${replay}`);
    this.#keepAlive ??= this.#startKeepAlive();
  }

  /** Ends every stream (the server is stopping); later ones are refused. */
  closeAll(): void {
    this.#closed = true;
    for (const response of [...this.#open.keys()]) {
      this.#forget(response);
      response.end();
    }
  }

  #write(response: ServerResponse, text: string): void {
    if (response.destroyed || response.writableEnded) return;
    response.write(text);
    const waiting = response.writableLength;
    if (waiting > HARD_FACTOR * this.#limits.maxBufferedBytes) this.#drop(response);
    else if (waiting > this.#limits.maxBufferedBytes && !this.#watched.has(response)) {
      // behind: it has slowReaderMs to catch up (its socket drains below the bound) or it is dropped
      const timer = setTimeout(() => {
        this.#watched.delete(response);
        if (response.writableLength > this.#limits.maxBufferedBytes) this.#drop(response);
      }, this.#limits.slowReaderMs);
      timer.unref();
      this.#watched.set(response, timer);
    }
  }

  #drop(response: ServerResponse): void {
    this.dropped++;
    this.#forget(response);
    response.destroy();
  }

  #forget(response: ServerResponse): void {
    const timer = this.#watched.get(response);
    if (timer !== undefined) clearTimeout(timer);
    this.#watched.delete(response);
    this.#open.get(response)?.();
    this.#open.delete(response);
    if (this.#open.size === 0 && this.#keepAlive !== undefined) {
      clearInterval(this.#keepAlive);
      this.#keepAlive = undefined;
    }
  }

  #startKeepAlive(): ReturnType<typeof setInterval> {
    const timer = setInterval(() => {
      for (const response of [...this.#open.keys()]) this.#write(response, ': keep-alive\n\n');
    }, this.#limits.keepAliveMs);
    timer.unref();
    return timer;
  }
}

/**
 * The `Last-Event-ID` header as a journal position: undefined when not sent, NaN when it is not a
 * whole number (the hub answers that with a reset: it is no position of this history).
 */
export function lastEventId(header: string | string[] | undefined): number | undefined {
  if (header === undefined) return undefined;
  const value = (Array.isArray(header) ? header[0] : header)?.trim() ?? '';
  return /^\d{1,15}$/.test(value) ? Number(value) : Number.NaN;
}
