import type { AllocationManager, AllocationManagerEvents } from '../../index.js';
import type { EventHub } from './event-hub.js';

/** Every manager event `GET /events` carries: all of them but `error` (a listener's fault, not the cluster's). */
export type StreamedEventName = Exclude<keyof AllocationManagerEvents, 'error'>;

/**
 * The `data` of each event: its payload as one JSON object with named fields (the listener
 * arguments, named as in AllocationManagerEvents). docs/http.md#events lists them.
 */
const EVENT_DATA: { readonly [E in StreamedEventName]: (...args: AllocationManagerEvents[E]) => object } = {
  allocated: (allocation, job) => ({ allocation, job }),
  queued: (job) => ({ job }),
  released: (allocation, job) => ({ allocation, job }),
  cancelled: (job) => ({ job }),
  expired: (allocation, job) => ({ allocation, job }),
  preempted: (event) => event,
  reprieved: (job) => ({ job }),
  rejected: (job) => ({ job }),
  'node:added': (node) => ({ node }),
  'node:removed': (node) => ({ node }),
  'node:status': (node, change) => ({ node, change }),
  'node:updated': (node) => ({ node }),
  'node:drained': (node) => ({ node }),
  'node:drift': (event) => event,
  interrupted: (event) => event,
  migrated: (event) => event,
};

export const STREAMED_EVENTS = Object.keys(EVENT_DATA) as readonly StreamedEventName[];

/**
 * Feeds `hub` with `manager`'s events, each under the journal position of the call that caused it
 * (`manager.journalSeq()` read in the listener: the manager delivers a call's events once the call has
 * recorded its position). Timer-driven calls (TTL, grace periods, heartbeat timeouts) are calls
 * like any other. Returns `detach`: a replica that changes manager (a promoted follower) detaches
 * the old one and attaches the new one; the hub resets its streams if the history changed.
 */
export function attachManagerEvents(hub: EventHub, manager: AllocationManager): () => void {
  hub.rebase(manager.journalSeq());
  const listeners = STREAMED_EVENTS.map((name) => {
    const toData = EVENT_DATA[name] as (...args: unknown[]) => object;
    const listener = (...args: unknown[]): void => hub.publish(manager.journalSeq(), name, toData(...args));
    manager.on(name, listener as never);
    return [name, listener] as const;
  });
  return () => {
    for (const [name, listener] of listeners) manager.off(name, listener as never);
  };
}
