/**
 * The hub behind `GET /events`: manager events in, Server-Sent Events out, with a bounded replay
 * buffer so that a client that reconnects with `Last-Event-ID: N` gets exactly the events after
 * journal position N — or `event: reset` when the hub no longer holds them all.
 *
 * Every state-changing manager call has one journal position (`seq`) and may cause several
 * events. They form a *group*; only the last event of a group carries `id: <seq>`, so a client's
 * last-event-id advances only once the whole group arrived (a stream cut in the middle of a group
 * resumes from the previous seq and gets the whole group again). A group is closed when an event
 * of another seq arrives or at the next microtask: the manager delivers a call's events
 * synchronously, one after the other.
 *
 * The hub knows nothing of managers (see manager-events.ts): a leader, a follower or a promoted
 * replica feeds it through `publish`, and `rebase` tells it about a change of history.
 */

/** One event as subscribers inside the process see it. */
export interface HubEvent {
  readonly name: string;
  readonly payload: unknown;
}

/** A call's events, delivered together: `frames` is their SSE text, the `id:` on the last. */
export interface EventGroup {
  readonly seq: number;
  readonly events: readonly HubEvent[];
  readonly frames: string;
}

export interface EventHubOptions {
  /** Events kept for replay. @default 4096 */
  readonly bufferEvents?: number;
  /** Bytes of SSE text kept for replay (whichever bound is hit first evicts the oldest). @default 8 MiB */
  readonly bufferBytes?: number;
  /** The journal position the hub starts at (events up to it are not held). @default 0 */
  readonly seq?: number;
}

export const DEFAULT_BUFFER_EVENTS = 4096;
export const DEFAULT_BUFFER_BYTES = 8 * 1024 * 1024;

/** What a reconnecting client is sent: the frames it missed, or a reset to reload its state. */
export type Replay = { readonly kind: 'frames'; readonly frames: string } | { readonly kind: 'reset'; readonly frames: string };

interface BufferedGroup {
  readonly seq: number;
  readonly frames: string;
  readonly events: number;
  readonly bytes: number;
}

export class EventHub {
  readonly #maxEvents: number;
  readonly #maxBytes: number;
  /** The groups kept for replay, oldest first from `#head` (a queue: evicting is a step of `#head`, not a shift). */
  readonly #buffer: BufferedGroup[] = [];
  #head = 0;
  #bufferedEvents = 0;
  #bufferedBytes = 0;
  /** Every group with a seq above `floor` is whole in the buffer; groups at or below it may be gone. */
  #floor: number;
  /** The seq of the last group closed (the position a client that saw everything is at). */
  #latest: number;
  #pending: { seq: number; events: { name: string; payload: unknown; data: string }[] } | undefined;
  #closeScheduled = false;
  readonly #subscribers = new Set<(group: EventGroup) => void>();

  constructor(options: EventHubOptions = {}) {
    this.#maxEvents = Math.max(1, options.bufferEvents ?? DEFAULT_BUFFER_EVENTS);
    this.#maxBytes = Math.max(1, options.bufferBytes ?? DEFAULT_BUFFER_BYTES);
    this.#floor = options.seq ?? 0;
    this.#latest = this.#floor;
  }

  /** The journal position of the last event group delivered. */
  position(): number {
    return this.#latest;
  }

  /** Delivers the group still being collected now, rather than at the next microtask. */
  flush(): void {
    this.#closeGroup();
  }

  /**
   * One event of the call at journal position `seq`. The payload is serialised now (the manager's
   * views are frozen, but a later call must not change what this event said); one that cannot be
   * serialised is sent as `{ "error": "unserialisable" }` rather than lost.
   */
  publish(seq: number, name: string, payload: unknown): void {
    if (this.#pending !== undefined && this.#pending.seq !== seq) this.#closeGroup();
    this.#pending ??= { seq, events: [] };
    let data: string;
    try {
      data = JSON.stringify(payload) ?? 'null';
    } catch {
      data = '{"error":"unserialisable"}';
    }
    this.#pending.events.push({ name, payload, data });
    if (!this.#closeScheduled) {
      this.#closeScheduled = true;
      queueMicrotask(() => {
        this.#closeScheduled = false;
        this.#closeGroup();
      });
    }
  }

  /**
   * The source now stands at journal position `seq`. The same history continuing (a follower
   * promoted at the position the hub reached) changes nothing; anything else — another manager,
   * a history that went back — empties the buffer and tells every stream to reset.
   */
  rebase(seq: number): void {
    this.#closeGroup();
    if (seq === this.#latest) return;
    this.#buffer.length = 0;
    this.#head = 0;
    this.#bufferedEvents = 0;
    this.#bufferedBytes = 0;
    this.#floor = seq;
    this.#latest = seq;
    this.#deliver({ seq, events: [{ name: 'reset', payload: { seq } }], frames: resetFrame(seq) });
  }

  /**
   * What a client that last saw journal position `lastSeen` needs: every buffered group after it,
   * or a reset when some are gone (it is older than the buffer) or it is not a position of this
   * history (ahead of it, or not a number).
   */
  replay(lastSeen: number | undefined): Replay {
    this.#closeGroup();
    if (lastSeen === undefined || !Number.isSafeInteger(lastSeen) || lastSeen < this.#floor || lastSeen > this.#latest) {
      return { kind: 'reset', frames: resetFrame(this.#latest) };
    }
    let frames = '';
    // the buffer is in seq order: skip what the client has
    for (let i = this.#head; i < this.#buffer.length; i++) {
      const group = this.#buffer[i] as BufferedGroup;
      if (group.seq > lastSeen) frames += group.frames;
    }
    return { kind: 'frames', frames };
  }

  /** Calls `listener` with every group from now on; returns the unsubscribe function. */
  subscribe(listener: (group: EventGroup) => void): () => void {
    this.#subscribers.add(listener);
    return () => void this.#subscribers.delete(listener);
  }

  #closeGroup(): void {
    const pending = this.#pending;
    if (pending === undefined) return;
    this.#pending = undefined;
    // a call that threw part-way still announces what it changed, without a seq of its own: its
    // events go out without an id (the client's position stays right), see docs/http.md
    const continuing = pending.seq <= this.#latest;
    let frames = '';
    pending.events.forEach(({ name, data }, i) => {
      const last = i === pending.events.length - 1 && !continuing;
      frames += `event: ${name}\n${dataLines(data)}${last ? `id: ${pending.seq}\n` : ''}\n`;
    });
    if (!continuing) this.#latest = pending.seq;
    this.#keep({ seq: pending.seq, frames, events: pending.events.length, bytes: Buffer.byteLength(frames) });
    this.#deliver({ seq: pending.seq, events: pending.events.map(({ name, payload }) => ({ name, payload })), frames });
  }

  #keep(group: BufferedGroup): void {
    this.#buffer.push(group);
    this.#bufferedEvents += group.events;
    this.#bufferedBytes += group.bytes;
    // the newest group stays even when it alone is past a bound: a client one group behind can resume
    while (this.#buffer.length - this.#head > 1 && (this.#bufferedEvents > this.#maxEvents || this.#bufferedBytes > this.#maxBytes)) {
      const evicted = this.#buffer[this.#head] as BufferedGroup;
      this.#head++;
      this.#bufferedEvents -= evicted.events;
      this.#bufferedBytes -= evicted.bytes;
      this.#floor = Math.max(this.#floor, evicted.seq);
    }
    // the evicted prefix is dropped in one go once it is as long as what is kept
    if (this.#head > 1024 && this.#head * 2 > this.#buffer.length) {
      this.#buffer.splice(0, this.#head);
      this.#head = 0;
    }
  }

  #deliver(group: EventGroup): void {
    // (a Set may be changed while it is iterated: one unsubscribed meanwhile is skipped)
    for (const listener of this.#subscribers) {
      try {
        listener(group);
      } catch {
        // a subscriber's fault is its own (a stream that broke is dropped by its own handler)
      }
    }
  }
}

/** `data:` lines: JSON has no raw newlines, but a line per line keeps any text valid SSE. */
function dataLines(data: string): string {
  return data
    .split(/\r\n|\r|\n/)
    .map((line) => `data: ${line}\n`)
    .join('');
}

/** Tells a client to reload its state from the JSON endpoints; its position becomes `seq`. */
export function resetFrame(seq: number): string {
  return `event: reset\ndata: ${JSON.stringify({ seq })}\nid: ${seq}\n\n`;
}
