import { EventEmitter } from 'eventemitter3';
import { FairpackError, describeValue } from '../errors.js';
import { knownKeys, unknownKeyError } from '../known-keys.js';
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
 * Events are queued while the manager changes state and emitted when the outermost public call
 * is done, so every listener sees consistent books and may call back into the manager (its call
 * runs as a new, complete operation). Every listener is guarded: one that throws does not stop
 * the others; its error is emitted as `error` — or, with no `error` listener, rethrown once every
 * event was delivered.
 */
export class DeferredEvents {
  private readonly emitter = new EventEmitter();
  private readonly guards = new Map<string, Map<AnyListener, AnyListener[]>>();
  private readonly pending: { readonly event: EventName; readonly args: unknown[] }[] = [];
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

  defer<E extends EventName>(event: E, ...args: AllocationManagerEvents[E]): void {
    this.pending.push({ event, args });
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

  private guard(listener: AnyListener): AnyListener {
    return (...args) => {
      try {
        listener(...args);
      } catch (error) {
        this.errors.push(error);
      }
    };
  }

  private flush(): void {
    // nothing to deliver and nothing thrown (most calls of a manager nobody listens to)
    if (this.pending.length === 0 && this.errors.length === 0) return;
    const errors = this.errors;
    this.errors = [];
    this.delivering++;
    try {
      while (this.pending.length > 0) {
        const { event, args } = this.pending.shift() as { event: EventName; args: unknown[] };
        this.emitter.emit(event, ...args);
      }
    } finally {
      this.delivering--;
    }
    errors.push(...this.errors);
    this.errors = [];
    for (const error of errors) {
      if (this.emitter.listenerCount('error') > 0) this.emitter.emit('error', error);
      else throw error;
    }
  }
}
