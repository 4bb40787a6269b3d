import { EventEmitter } from 'eventemitter3';
import type { AllocationManagerEvents } from './types.js';

export type EventName = keyof AllocationManagerEvents;
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

  on<E extends EventName>(event: E, listener: Listener<E>, once = false): void {
    const guarded = event === 'error' ? (listener as AnyListener) : this.guard(listener as AnyListener);
    let byListener = this.guards.get(event);
    if (byListener === undefined) this.guards.set(event, (byListener = new Map()));
    byListener.set(listener as AnyListener, [...(byListener.get(listener as AnyListener) ?? []), guarded]);
    if (once) this.emitter.once(event, guarded);
    else this.emitter.on(event, guarded);
  }

  off<E extends EventName>(event: E, listener: Listener<E>): void {
    const guarded = this.guards.get(event)?.get(listener as AnyListener);
    for (const fn of guarded ?? []) this.emitter.off(event, fn);
    this.guards.get(event)?.delete(listener as AnyListener);
  }

  defer<E extends EventName>(event: E, ...args: AllocationManagerEvents[E]): void {
    this.pending.push({ event, args });
  }

  /** Runs `change`, then (if it is the outermost call) `settle` and the queued events. */
  operation<T>(change: () => T, settle: () => void): T {
    this.depth++;
    let result: T;
    try {
      result = change();
    } catch (error) {
      this.depth--;
      // what did change before the throw (a broken policy mid-cycle) is still announced
      if (this.depth === 0) {
        try {
          settle();
          this.flush();
        } catch {
          // the original error matters more than a listener's
        }
      }
      throw error;
    }
    this.depth--;
    if (this.depth === 0) {
      settle();
      this.flush();
    }
    return result;
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
    const errors = this.errors;
    this.errors = [];
    while (this.pending.length > 0) {
      const { event, args } = this.pending.shift() as { event: EventName; args: unknown[] };
      this.emitter.emit(event, ...args);
    }
    errors.push(...this.errors);
    this.errors = [];
    for (const error of errors) {
      if (this.emitter.listenerCount('error') > 0) this.emitter.emit('error', error);
      else throw error;
    }
  }
}
