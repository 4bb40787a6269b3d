import fc from 'fast-check';
import { type FairpackError, isFairpackError } from 'fairpack';
import { type Hostility, Trap, argument, defineThrowingGetter, nested, throwingProxy } from './hostile.js';

/*
 * Calls to fuzz, as data: a method name and its arguments, where an argument may hold a `Ref` —
 * "the id of a live allocation / job / node" — resolved against the state at the moment of the
 * call, so that valid-looking calls reach past the id checks.
 */

export type RefKind = 'allocation' | 'job' | 'node' | 'tenant';

export class Ref {
  constructor(
    readonly kind: RefKind,
    readonly pick: number,
  ) {}
  toString(): string {
    return `Ref(${this.kind} #${this.pick})`;
  }
}

export function ref(kind: RefKind): fc.Arbitrary<Ref> {
  return fc.nat(20).map((pick) => new Ref(kind, pick));
}

/** An id that may name something live (a Ref) or nothing (a fresh or hostile-looking string). */
export function someId(kind: RefKind): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 4, arbitrary: ref(kind) }, { weight: 1, arbitrary: fc.constantFrom('nope', 'x', '__proto__') });
}

/** One call to fuzz: a method and its arguments (Refs and Traps resolved just before the call). */
export interface FuzzCall {
  readonly method: string;
  readonly args: readonly unknown[];
}

/**
 * A call of `method`: sometimes with every argument valid (to build state: jobs running, queued,
 * preempted), mostly with each argument valid, mutated or hostile.
 */
export function callOf(method: string, args: readonly fc.Arbitrary<unknown>[], hostility: Hostility): fc.Arbitrary<FuzzCall> {
  const valid = fc.tuple(...args);
  const hostile = fc.tuple(...args.map((arg) => argument(arg, hostility)));
  return fc.oneof({ weight: 2, arbitrary: valid }, { weight: 3, arbitrary: hostile }).map((drawn) => ({ method, args: drawn }));
}

export type Ids = Readonly<Record<RefKind, readonly string[]>>;

/**
 * The argument the callee sees: a copy of `value` with every Ref replaced by an id from `ids` (or
 * "no-such-id") and every Trap made real — a throwing getter, a throwing Proxy, nesting 10,000
 * deep. Only plain objects and arrays are walked; anything else is passed as it is.
 */
export function resolveArguments(value: unknown, ids: Ids, depth = 0): unknown {
  if (value instanceof Ref) {
    const list = ids[value.kind];
    return list.length === 0 ? 'no-such-id' : list[value.pick % list.length];
  }
  if (value instanceof Trap) {
    if (value.kind === 'proxy') return throwingProxy();
    if (value.kind === 'getter') {
      const out = {};
      defineThrowingGetter(out, value.key);
      return out;
    }
    return nested(10_000, value.kind === 'deep-array');
  }
  if (depth > 3 || typeof value !== 'object' || value === null) return value;
  const proto = Object.getPrototypeOf(value) as unknown;
  const isArray = Array.isArray(value);
  if (!(isArray ? proto === Array.prototype : proto === Object.prototype || proto === null)) return value;
  const out = (isArray ? new Array((value as unknown[]).length) : Object.create(proto as object | null)) as Record<string | symbol, unknown>;
  for (const key of Reflect.ownKeys(value)) {
    if (isArray && key === 'length') continue;
    const descriptor = Object.getOwnPropertyDescriptor(value, key) as PropertyDescriptor;
    if (descriptor.value instanceof Trap && descriptor.value.kind === 'getter') defineThrowingGetter(out, key);
    else Object.defineProperty(out, key, { ...descriptor, value: resolveArguments(descriptor.value, ids, depth + 1) });
  }
  if (Object.isFrozen(value)) Object.freeze(out);
  return out;
}

export type Outcome = { readonly kind: 'ok'; readonly value: unknown } | { readonly kind: 'refused'; readonly error: FairpackError } | { readonly kind: 'untyped'; readonly error: unknown };

/** Runs a call and says how it ended: a result, a FairpackError, or anything else (a bug). */
export function attempt(call: () => unknown): Outcome {
  try {
    return { kind: 'ok', value: call() };
  } catch (error) {
    return isFairpackError(error) ? { kind: 'refused', error } : { kind: 'untyped', error };
  }
}

/** A readable account of an untyped error, for the failure message. */
export function describeUntyped(where: string, error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}` : String(error);
  return `${where} threw something other than a FairpackError: ${text}`;
}

/** Every own property of the three prototypes, with its value or accessors, flat: equal before and after. */
export function prototypes(): unknown[] {
  return [Object.prototype, Function.prototype, Array.prototype].flatMap((proto) =>
    Reflect.ownKeys(proto).flatMap((name) => {
      const d = Object.getOwnPropertyDescriptor(proto, name) as PropertyDescriptor;
      return [name, d.value, d.get, d.set];
    }),
  );
}

/** Whether two `prototypes()` readings are identical (same names, same values by identity). */
export function samePrototypes(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((value, i) => Object.is(value, b[i]));
}
