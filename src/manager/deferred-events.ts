import { EventEmitter } from 'eventemitter3';
import { FairpackError, describeValue } from '../errors.js';
import { knownKeys, unknownKeyError } from '../known-keys.js';
import type { Allocation } from '../pool/index.js';
import type { NodeState } from '../pool/node-state.js';
import { type JobRecord, NO_NODES, jobView } from './job-record.js';
import type { AllocationManagerEvents } from './types.js';

/** How deep listeners may nest calls back into the manager (see `operation`). */
export const MAX_NESTED_CALLS = 64;

export type EventName = keyof AllocationManagerEvents;

/** Every event a manager emits: `on`, `once` and `off` accept these names only. */
export const EVENT_NAMES: readonly EventName[] = Object.freeze(['allocated', 'queued', 'released', 'cancelled', 'expired', 'preempted', 'reprieved', 'rejected', 'node:added', 'node:removed', 'node:status', 'node:updated', 'node:drained', 'node:drift', 'interrupted', 'migrated', 'error']);
const EVENTS = knownKeys('event', EVENT_NAMES, 'INVALID_OPTION', 'event');

/** A known event name and a function, or INVALID_OPTION (a typo would otherwise listen to nothing, for ever). */
function checkListener(event: unknown, listener: unknown, method: string): void {
  if (typeof event !== 'string') throw new FairpackError('INVALID_OPTION', `Expected the event of ${method}() to be one of ${EVENT_NAMES.join(', ')}, got ${describeValue(event)}.`, { option: 'event' });
  if (!EVENTS.keys.has(event)) throw unknownKeyError(event, EVENTS);
  if (typeof listener !== 'function') throw new FairpackError('INVALID_OPTION', `Expected the listener of ${method}('${event}') to be a function, got ${describeValue(listener)}.`, { option: 'listener' });
  // a class is a function that cannot be called: as a listener it would throw a TypeError out of
  // every later call whose events reach it (found by the fuzz suite)
  if (/^class\b/.test(Function.prototype.toString.call(listener))) {
    throw new FairpackError('INVALID_OPTION', `Expected the listener of ${method}('${event}') to be a function that can be called, got the class ${listener.name === '' ? '(anonymous)' : listener.name}. Pass (…args) => { … } instead.`, { option: 'listener' });
  }
}
export type Listener<E extends EventName> = (...args: AllocationManagerEvents[E]) => void;
type AnyListener = (...args: unknown[]) => void;

/**
 * fairpack's own listeners that read a fact or two of a job and no view (the simulator's, which
 * hears of every start, wait and end): not public API, reached through the manager's internals.
 * They are delivered in order with the public events, after the public listeners of the same event.
 */
export interface EventTaps {
  /**
   * A job started (its id is `allocation.jobId`), on these nodes of the pool: one per placement,
   * in their order (`JobRecord.nodes`, never to be written) — a node's slot finds it in books
   * kept by slot without hashing its id.
   */
  allocated: (allocation: Allocation, nodes: readonly NodeState[]) => void;
  /** A job waits (again); after a preemption, until when it backs off. */
  queued: (jobId: string, backoffUntil: number | undefined) => void;
  /** An allocation ended with a `released` or `expired` event (its job is `allocation.jobId`). */
  ended: (allocation: Allocation) => void;
}
export type TapName = keyof EventTaps;

/** What a queued event's second slot holds when the event has one argument (events have one or two). */
const NO_ARG: unique symbol = Symbol('no argument');
/** Queued taps, told apart from the public events' names by these keys. */
const TAP_KEYS: { readonly [T in TapName]: string } = { allocated: ' tap allocated', queued: ' tap queued', ended: ' tap ended' };

/**
 * Events are queued while the manager changes state and emitted when the outermost public call
 * is done, so every listener sees consistent books and may call back into the manager (its call
 * runs as a new, complete operation). Every listener is guarded: one that throws does not stop
 * the others; its error is emitted as `error` — or, with no `error` listener, rethrown once every
 * event was delivered.
 */
export class DeferredEvents {
  private readonly emitter = new EventEmitter();
  private readonly guards = new Map<string, Map<AnyListener, AnyListener[]>>();
  private readonly taps: { readonly [T in TapName]: EventTaps[T][] } = { allocated: [], queued: [], ended: [] };
  /**
   * The events to deliver, from `head` to `count`, in three parallel arrays (name or tap key, first
   * and second argument) rather than an entry object and an arguments array per event: a simulation
   * queues two or three events per decision, and these were a few per cent of what it allocated.
   */
  private readonly pendingEvent: string[] = [];
  private readonly pendingFirst: unknown[] = [];
  private readonly pendingSecond: unknown[] = [];
  private head = 0;
  private count = 0;
  private errors: unknown[] = [];
  private depth = 0;
  /** Deliveries in progress: each listener that calls back into the manager nests one more. */
  private delivering = 0;

  on<E extends EventName>(event: E, listener: Listener<E>, once = false): void {
    checkListener(event, listener, once ? 'once' : 'on');
    const guarded = event === 'error' ? (listener as AnyListener) : this.guard(listener as AnyListener);
    let byListener = this.guards.get(event);
    if (byListener === undefined) this.guards.set(event, (byListener = new Map()));
    byListener.set(listener as AnyListener, [...(byListener.get(listener as AnyListener) ?? []), guarded]);
    if (once) this.emitter.once(event, guarded);
    else this.emitter.on(event, guarded);
  }

  off<E extends EventName>(event: E, listener: Listener<E>): void {
    checkListener(event, listener, 'off');
    const guarded = this.guards.get(event)?.get(listener as AnyListener);
    for (const fn of guarded ?? []) this.emitter.off(event, fn);
    this.guards.get(event)?.delete(listener as AnyListener);
  }

  /**
   * Whether anyone listens to `event` now. The manager builds the payload of its per-job events
   * (a job view for every start, queue, release) only when someone does: an event that nobody
   * listens to when it happens is not queued — a listener added later, even by another listener
   * while that call's events are delivered, does not receive it.
   */
  listens(event: EventName): boolean {
    return this.emitter.listenerCount(event) > 0;
  }

  defer<E extends EventName>(event: E, ...args: AllocationManagerEvents[E]): void;
  // one or two arguments, never an array of them (see `pendingEvent`)
  defer(event: EventName, first: unknown, second: unknown = NO_ARG): void {
    this.push(event, first, second);
  }

  /** Adds one of fairpack's own listeners (see `EventTaps`); it cannot be removed. */
  tap<T extends TapName>(event: T, listener: EventTaps[T]): void {
    (this.taps[event] as EventTaps[T][]).push(listener);
  }

  /** A job started: `allocated` with its view for the listeners, the allocation alone for the taps. */
  jobAllocated(allocation: Allocation, job: JobRecord): void {
    if (this.listens('allocated')) this.push('allocated', allocation, jobView(job));
    if (this.taps.allocated.length > 0) this.push(TAP_KEYS.allocated, allocation, job.nodes ?? NO_NODES);
  }

  /** A job waits (new or again): `queued` with its view for the listeners, its id and back-off for the taps. */
  jobQueued(job: JobRecord): void {
    if (this.listens('queued')) this.push('queued', jobView(job), NO_ARG);
    if (this.taps.queued.length > 0) this.push(TAP_KEYS.queued, job.id, job.backoffUntil);
  }

  /** An allocation ended, after its `released` or `expired` event was deferred (or not listened to): the taps. */
  allocationEnded(allocation: Allocation): void {
    if (this.taps.ended.length > 0) this.push(TAP_KEYS.ended, allocation, NO_ARG);
  }

  private push(event: string, first: unknown, second: unknown): void {
    const at = this.count++;
    this.pendingEvent[at] = event;
    this.pendingFirst[at] = first;
    this.pendingSecond[at] = second;
  }

  /**
   * One operation in three steps, for a caller that runs its change inline rather than in a
   * closure made per call (the manager: one call per decision). `enter` refuses a call too deeply
   * nested — a listener calling back into the manager while `MAX_NESTED_CALLS` deliveries are
   * already in progress (each call's events calling back again…) gets `REENTRANCY_LIMIT` before
   * it changed anything: the chain is cut with a clear error instead of overflowing the stack.
   * Then exactly one of `leave` (the change returned) or `leaveAfterError` (it threw: rethrow
   * after it); the outermost call's `leave` calls `settle` with `at`, then delivers the queued
   * events.
   */
  enter(): void {
    if (this.depth === 0 && this.delivering >= MAX_NESTED_CALLS) {
      throw new FairpackError(
        'REENTRANCY_LIMIT',
        `Expected listeners to call back into the manager at most ${MAX_NESTED_CALLS} calls deep, got a deeper chain (a listener whose call's events call it again?). This call was refused and changed nothing; break the chain, e.g. with queueMicrotask().`,
        { limit: MAX_NESTED_CALLS },
      );
    }
    this.depth++;
  }

  leave(settle: (at: number) => void, at = 0): void {
    this.depth--;
    if (this.depth === 0) {
      settle(at);
      this.flush();
    }
  }

  leaveAfterError(settle: (at: number) => void, at = 0): void {
    this.depth--;
    // what did change before the throw (a broken policy mid-cycle) is still announced
    if (this.depth === 0) {
      try {
        settle(at);
        this.flush();
      } catch {
        // the original error matters more than a listener's
      }
    }
  }

  /**
   * The listener, called with the arguments it is given (one or two: `emit` passes them as they
   * are, so a listener sees as many as the event has) — not through a rest array and a spread,
   * two arrays per event delivered.
   */
  private guard(listener: AnyListener): AnyListener {
    const errors = (error: unknown): void => void this.errors.push(error);
    return function guarded(this: unknown, first?: unknown, second?: unknown): void {
      try {
        if (arguments.length < 2) listener(first);
        else listener(first, second);
      } catch (error) {
        errors(error);
      }
    } as AnyListener;
  }

  private flush(): void {
    // nothing to deliver and nothing thrown (most calls of a manager nobody listens to)
    if (this.head === this.count && this.errors.length === 0) return;
    // errors thrown before: reported with this delivery's (no array is made when there are none)
    const before = this.errors.length === 0 ? undefined : this.errors;
    if (before !== undefined) this.errors = [];
    this.delivering++;
    try {
      // a listener's call back into the manager delivers its own events and the rest of these, in order
      while (this.head < this.count) {
        const at = this.head++;
        const event = this.pendingEvent[at] as string;
        const first = this.pendingFirst[at];
        const second = this.pendingSecond[at];
        this.pendingFirst[at] = undefined;
        this.pendingSecond[at] = undefined;
        if (this.head === this.count) this.head = this.count = 0;
        if (event === TAP_KEYS.allocated) this.callTaps(this.taps.allocated, first, second);
        else if (event === TAP_KEYS.queued) this.callTaps(this.taps.queued, first, second);
        else if (event === TAP_KEYS.ended) this.callTaps(this.taps.ended, first, second);
        else if (second === NO_ARG) this.emitter.emit(event, first);
        else this.emitter.emit(event, first, second);
      }
    } finally {
      this.delivering--;
    }
    if (before === undefined && this.errors.length === 0) return;
    const errors = before ?? [];
    errors.push(...this.errors);
    this.errors = [];
    for (const error of errors) {
      if (this.emitter.listenerCount('error') > 0) this.emitter.emit('error', error);
      else throw error;
    }
  }

  /** Every tap of one event, guarded as listeners are. */
  private callTaps(taps: readonly ((first: never, second: never) => void)[], first: unknown, second: unknown): void {
    for (let i = 0; i < taps.length; i++) {
      try {
        (taps[i] as (first: unknown, second: unknown) => void)(first, second);
      } catch (error) {
        this.errors.push(error);
      }
    }
  }
}
