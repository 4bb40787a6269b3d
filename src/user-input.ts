import { FairpackError, type FairpackErrorCode, isFairpackError } from './errors.js';

/*
 * What a caller hands fairpack is read as data, whatever it is. A getter or a Proxy trap that
 * throws while it is read, an array with an own `constructor` property (which
 * Array.prototype.map would call through), an array with holes (which map skips): each must end
 * in a typed refusal, never in the caller's raw error, a TypeError from deep inside, or an entry
 * silently missing.
 */

/**
 * Runs `read` over caller data; an error the data itself throws (a getter, a Proxy trap) becomes a
 * `FairpackError` with `code` — the what-was-expected of `what` — and the thrown error as its
 * `cause`. FairpackErrors pass through unchanged.
 */
export function readingInput<T>(what: string, code: FairpackErrorCode, read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw inputError(error, what, code);
  }
}

/** `readingInput`'s conversion, for hot paths that catch themselves (no closure per call). */
export function inputError(error: unknown, what: string, code: FairpackErrorCode): unknown {
  if (isFairpackError(error)) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new FairpackError(code, `Expected ${what} to be plain data, but reading it threw (${reason}). Pass plain objects and arrays: no getters or proxies that throw.`, {}, { cause: error });
}

/**
 * The elements of a caller's array, read by index into a fresh array: no `map` (which reads the
 * array's own `constructor`), no iterator (which the caller may have replaced), and a hole reads
 * as `undefined`, so the parser refuses it instead of skipping it.
 */
export function plainArray(array: readonly unknown[]): unknown[] {
  const length = array.length;
  const out = new Array<unknown>(length);
  for (let i = 0; i < length; i++) out[i] = array[i];
  return out;
}

/**
 * A copy of constructor options read once, all the way down through plain objects and arrays
 * (functions, a pool, a strategy or policy object and other instances are kept as they are): later
 * reads meet no getter, and a throwing getter, a trap, an array's own `constructor` or a hole is
 * met here, where `readingInput` turns it into a typed refusal.
 */
export function plainOptions<T>(options: T, what: string): T {
  if (typeof options === 'object' && options !== null && OWN_COPIES.has(options)) return options;
  return readingInput(what, 'INVALID_OPTION', () => copyPlain(options, 0) as T);
}

/** Options built by a fairpack layer from its own `plainOptions` copy (see `ownCopy`). */
const OWN_COPIES = new WeakSet<object>();

/**
 * Marks options a fairpack layer built from its own copy for another layer's constructor (the
 * manager's for its pool): `plainOptions` takes them as they are. No caller can reach them, and a
 * second copy of a 10,000-node list was a sixth of the manager's construction.
 */
export function ownCopy<T extends object>(options: T): T {
  OWN_COPIES.add(options);
  return options;
}

function copyPlain(value: unknown, depth: number): unknown {
  if (typeof value !== 'object' || value === null || depth > 64) return value;
  if (Array.isArray(value)) return plainArray(value).map((item) => copyPlain(item, depth + 1));
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = proto === null ? (Object.create(null) as Record<string, unknown>) : {};
  const keys = Object.keys(value);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const copy = copyPlain((value as Record<string, unknown>)[key], depth + 1);
    // a name Object.prototype has (`__proto__`'s setter, a `toString` a frozen prototype makes
    // read-only) is defined, never assigned; any other name is assigned — defining every key cost
    // three times as much, a quarter of a second for the options of a 100,000-node cluster
    if (proto === null || !Object.hasOwn(Object.prototype, key)) out[key] = copy;
    else Object.defineProperty(out, key, { value: copy, enumerable: true, writable: true, configurable: true });
  }
  return out;
}
