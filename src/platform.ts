/*
 * The few host APIs the core uses. They exist in Node, browsers, Deno and Bun alike; typing them
 * here keeps the core's compile free of any one runtime's type library.
 */

export type TimerHandle = unknown;

interface HostTimers {
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const host = globalThis as unknown as HostTimers;

/** Node's timers keep the process alive unless unref'd; browsers' handles have no unref. */
export function unref(handle: TimerHandle): void {
  (handle as { unref?: () => void } | null)?.unref?.();
}

/** What fairpack needs of an AbortSignal (a real one fits). */
export interface AbortSignalLike {
  readonly aborted: boolean;
  /** Why it aborted (kept as the `cause` of `ACQUIRE_ABORTED`). */
  readonly reason?: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { readonly once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}
