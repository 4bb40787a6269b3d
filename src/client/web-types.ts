/*
 * The web APIs fairpack/client uses — fetch, streams, TextDecoder, AbortSignal.timeout,
 * crypto.randomUUID, URL — typed here, as src/platform.ts does for timers: they exist in Node ≥ 18,
 * browsers, Deno and Bun alike, and the core compiles without any one runtime's type library.
 */

export interface HeadersLike {
  get(name: string): string | null;
}

export interface ReaderLike {
  read(): Promise<{ readonly done: boolean; readonly value?: Uint8Array }>;
  releaseLock(): void;
}

export interface ResponseLike {
  readonly status: number;
  readonly ok: boolean;
  readonly headers: HeadersLike;
  readonly body: { getReader(): ReaderLike; cancel(): Promise<void> } | null;
  json(): Promise<unknown>;
}

/**
 * A fetch: the global one, or any with its shape (a test's, a proxy's). Typed loosely on purpose:
 * a runtime's own RequestInit and Response types (DOM, undici, Deno) differ in details the client
 * does not use, and any of them must fit; it reads the answer as a ResponseLike.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type FetchLike = (url: string, init?: any) => Promise<any>;

export interface SignalLike {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { readonly once?: boolean }): void;
}

interface WebHost {
  readonly fetch?: FetchLike;
  readonly crypto: { randomUUID(): string };
  readonly AbortSignal: { timeout(ms: number): SignalLike };
  readonly TextDecoder: new () => { decode(bytes: Uint8Array | undefined, options?: { readonly stream?: boolean }): string };
  readonly URL: new (url: string, base?: string) => { readonly origin: string; toString(): string };
  readonly URLSearchParams: new (entries: readonly (readonly [string, string])[]) => { toString(): string };
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const web = globalThis as unknown as WebHost;
