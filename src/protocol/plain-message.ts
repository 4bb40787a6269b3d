import { MessageError } from './fields.js';

/** Deeper than any message the protocol defines (envelope → body → requirements → item → amount). */
export const MAX_MESSAGE_DEPTH = 32;

/**
 * Stands in for a value that is neither JSON-like data nor a plain object or array (a function, a
 * Map, a class instance): an object that is not plain, so every check refuses it as "an object",
 * and that cannot run code of the caller's when a check or a message looks at it.
 */
const OPAQUE: object = Object.freeze(Object.create(Object.freeze(Object.create(null) as object)) as object);

/**
 * A copy of a message object given to `handle()` that holds only data: primitives, and plain
 * objects and arrays of them (own enumerable data properties; holes become `undefined`; anything
 * else becomes an opaque stand-in). A message on the wire is JSON, and this makes an object from
 * an embedding transport as inert: a getter or a Proxy trap of the caller's runs once, here, and
 * one that throws is refused with `INVALID_MESSAGE` — instead of escaping `handle()`, which never
 * throws, or failing midway through a request as an internal error.
 */
export function plainMessage(message: unknown): unknown {
  return copy(message, 'the message', 0);
}

function copy(value: unknown, path: string, depth: number): unknown {
  if (typeof value === 'function') return OPAQUE;
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_MESSAGE_DEPTH) throw new MessageError('INVALID_MESSAGE', `Expected a message nested at most ${MAX_MESSAGE_DEPTH} levels deep, got deeper nesting at ${path}.`);
  try {
    const proto = Object.getPrototypeOf(value) as unknown;
    if (Array.isArray(value)) {
      if (proto !== Array.prototype) return OPAQUE;
      const out: unknown[] = [];
      for (let i = 0; i < value.length; i++) out.push(copy(dataAt(value, i, `${path}[${i}]`), `${path}[${i}]`, depth + 1));
      return out;
    }
    if (proto !== Object.prototype && proto !== null) return OPAQUE;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      // defineProperty: a key named `__proto__` stays an own key, as JSON.parse makes it
      Object.defineProperty(out, key, { value: copy(dataAt(value, key, `${path}.${key}`), `${path}.${key}`, depth + 1), enumerable: true, writable: true, configurable: true });
    }
    return out;
  } catch (error) {
    if (error instanceof MessageError) throw error;
    const reason = error instanceof Error ? error.message : typeof error;
    throw new MessageError('INVALID_MESSAGE', `Expected a message of plain data, but reading ${path} threw (${reason}). Send JSON data.`);
  }
}

/** An own data property's value (undefined for a hole); a getter is refused, never called. */
function dataAt(record: object, key: string | number, path: string): unknown {
  const descriptor = Object.getOwnPropertyDescriptor(record, key);
  if (descriptor === undefined) return undefined;
  if (!('value' in descriptor)) throw new MessageError('INVALID_MESSAGE', `Expected a message of plain data, got a getter at ${path}. Send JSON data.`);
  return descriptor.value;
}
