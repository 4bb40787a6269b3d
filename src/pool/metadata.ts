import { FairpackError, describeValue } from '../errors.js';
import { isPlainRecord } from '../resources/index.js';

/** A value JSON carries exactly: what `metadata` may hold. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | JsonObject;

/** A JSON object. A property whose value is `undefined` is left out, as `JSON.stringify` does. */
export interface JsonObject {
  readonly [key: string]: JsonValue | undefined;
}

/** `metadata` as an allocation carries it: a deep, frozen copy. */
export type Metadata = Readonly<Record<string, JsonValue>>;

/** @default 16 KiB of JSON text (UTF-8) */
export const DEFAULT_MAX_METADATA_BYTES = 16 * 1024;
/** @default 32 nested objects/arrays, the metadata object itself included */
export const DEFAULT_MAX_METADATA_DEPTH = 32;

export interface MetadataLimits {
  readonly maxBytes: number;
  readonly maxDepth: number;
}

export const DEFAULT_METADATA_LIMITS: MetadataLimits = Object.freeze({ maxBytes: DEFAULT_MAX_METADATA_BYTES, maxDepth: DEFAULT_MAX_METADATA_DEPTH });

/** Deep enough for any sensible document, shallow enough that the recursive copy cannot overflow the stack. */
const MAX_DEPTH_LIMIT = 1000;

/** The pool options `maxMetadataBytes` and `maxMetadataDepth`, checked, defaults filled in. */
export function metadataLimitsOption(maxBytes: unknown = DEFAULT_MAX_METADATA_BYTES, maxDepth: unknown = DEFAULT_MAX_METADATA_DEPTH): MetadataLimits {
  if (typeof maxBytes !== 'number' || !Number.isSafeInteger(maxBytes) || maxBytes < 2) {
    throw new FairpackError('INVALID_OPTION', `Expected \`maxMetadataBytes\` to be an integer >= 2 (bytes of JSON), got ${describeValue(maxBytes)}.`, { option: 'maxMetadataBytes', value: maxBytes });
  }
  if (typeof maxDepth !== 'number' || !Number.isInteger(maxDepth) || maxDepth < 1 || maxDepth > MAX_DEPTH_LIMIT) {
    throw new FairpackError('INVALID_OPTION', `Expected \`maxMetadataDepth\` to be an integer from 1 to ${MAX_DEPTH_LIMIT}, got ${describeValue(maxDepth)}.`, { option: 'maxMetadataDepth', value: maxDepth });
  }
  return maxBytes === DEFAULT_MAX_METADATA_BYTES && maxDepth === DEFAULT_MAX_METADATA_DEPTH ? DEFAULT_METADATA_LIMITS : Object.freeze({ maxBytes, maxDepth });
}

type Problem = 'not-json' | 'accessor' | 'cycle' | 'too-deep' | 'too-large';

/**
 * Checks `metadata` and returns a deep, frozen copy, or throws `INVALID_REQUEST` and builds
 * nothing. Metadata travels into replies, journals and other processes, so it must be plain
 * JSON that serialises back to itself, and bounded: a 64 KiB HTTP body holds 30,000 levels of
 * `[[[…]]]`, which were stored and then overflowed the stack of the reply's JSON.stringify.
 *
 * Only plain objects (prototype `Object.prototype` or null), plain arrays, strings, finite numbers,
 * booleans and null. Properties are read through their descriptors, so no getter ever runs (an
 * accessor is refused). A property set to `undefined` is left out, as JSON does; anything
 * JSON would change (undefined or a hole in an array, NaN) is refused. The size is that of
 * `JSON.stringify(metadata)` in UTF-8 bytes, counted as the walk goes so that an oversized value
 * is refused without being walked to its end. The copy defines every key as an own property:
 * `__proto__` stays an ordinary key and never reaches a prototype.
 */
export function parseMetadata(input: unknown, limits: MetadataLimits): Metadata {
  if (!isPlainRecord(input)) {
    throw new FairpackError('INVALID_REQUEST', `Expected \`metadata\` to be a plain object of JSON values, got ${describeValue(input)}.`, { field: 'metadata' });
  }
  return new MetadataCopy(limits).object(input) as Metadata;
}

class MetadataCopy {
  private bytes = 0;
  /** The objects and arrays being copied, outermost first: cycle detection and depth. */
  private readonly ancestors: object[] = [];
  /** The keys and indexes from `metadata` to the value being copied, for messages. */
  private readonly path: (string | number)[] = [];

  constructor(private readonly limits: MetadataLimits) {}

  private value(value: unknown): JsonValue {
    switch (typeof value) {
      case 'string':
        this.addString(value);
        return value;
      case 'number':
        if (!Number.isFinite(value)) throw this.fail('not-json', describeValue(value));
        this.add(String(value).length); // JSON writes finite numbers as Number#toString does
        return value;
      case 'boolean':
        this.add(value ? 4 : 5);
        return value;
      case 'object':
        if (value === null) {
          this.add(4);
          return null;
        }
        if (Array.isArray(value) && Object.getPrototypeOf(value) === Array.prototype) return this.array(value);
        if (isPlainRecord(value)) return this.object(value);
        throw this.fail('not-json', 'an object that is not a plain object or array (a class instance, Date, Map …)');
      default:
        throw this.fail('not-json', typeof value === 'function' ? 'a function' : `${describeValue(value)}`);
    }
  }

  object(input: Record<string, unknown>): JsonObject {
    this.enter(input);
    const out: Record<string, JsonValue> = {};
    this.add(2);
    let kept = 0;
    for (const key of Object.keys(input)) {
      this.path.push(key);
      const value = this.read(input, key);
      if (value !== undefined) {
        this.add(kept++ > 0 ? 1 : 0); // the comma
        this.addString(key);
        this.add(1); // the colon
        Object.defineProperty(out, key, { value: this.value(value), enumerable: true, writable: false, configurable: false });
      }
      this.path.pop();
    }
    return this.leave(out);
  }

  private array(input: readonly unknown[]): readonly JsonValue[] {
    this.enter(input);
    const length = input.length;
    // every element takes at least one byte: a huge length is refused before it is walked
    const minimum = length === 0 ? 2 : 2 * length + 1;
    if (this.bytes + minimum > this.limits.maxBytes) this.add(minimum);
    this.add(length === 0 ? 2 : length + 1); // brackets and commas; each element adds its own bytes
    const out = new Array<JsonValue>(length);
    for (let i = 0; i < length; i++) {
      this.path.push(i);
      if (!Object.hasOwn(input, i)) throw this.fail('not-json', 'a hole (JSON would write null)');
      const value = this.read(input, String(i));
      if (value === undefined) throw this.fail('not-json', 'undefined (JSON would write null)');
      out[i] = this.value(value);
      this.path.pop();
    }
    if (Object.keys(input).length !== length) throw this.fail('not-json', 'an array with properties other than its elements (JSON would drop them)');
    return this.leave(out);
  }

  /** A property's value from its descriptor: getters are refused, never run. */
  private read(input: object, key: string): unknown {
    const descriptor = Object.getOwnPropertyDescriptor(input, key) as PropertyDescriptor;
    if (descriptor.get !== undefined || descriptor.set !== undefined) throw this.fail('accessor', 'an accessor property (a getter or setter)');
    return descriptor.value as unknown;
  }

  private enter(container: object): void {
    if (this.ancestors.includes(container)) throw this.fail('cycle', 'a reference to an enclosing object (a cycle)');
    if (this.ancestors.length >= this.limits.maxDepth) throw this.fail('too-deep', `objects and arrays nested deeper than ${this.limits.maxDepth} levels`);
    this.ancestors.push(container);
  }

  private leave<T extends object>(out: T): T {
    this.ancestors.pop();
    return Object.freeze(out);
  }

  private addString(text: string): void {
    // a string takes at least its length + 2 quotes in UTF-8: a long one is refused before JSON.stringify
    if (this.bytes + text.length + 2 > this.limits.maxBytes) this.add(text.length + 2);
    else this.add(utf8Length(JSON.stringify(text)));
  }

  private add(bytes: number): void {
    this.bytes += bytes;
    if (this.bytes > this.limits.maxBytes) throw this.fail('too-large', `more than ${this.limits.maxBytes} bytes of JSON`);
  }

  private fail(problem: Problem, got: string): FairpackError {
    const at = renderPath(this.path);
    const expected: Record<Problem, string> = {
      'not-json': `Expected \`${at}\` to be a plain JSON value (a plain object, array, string, finite number, boolean or null), got ${got}. Convert it (a Date to an ISO string, a Map to an object) or leave it out.`,
      accessor: `Expected \`${at}\` to be a data property, got ${got}. Metadata is copied without running code: pass the value itself.`,
      cycle: `Expected \`metadata\` to be a tree, got ${got} at \`${at}\`. Remove the reference.`,
      'too-deep': `Expected \`metadata\` to nest objects and arrays at most ${this.limits.maxDepth} levels deep, got ${got} at \`${at}\`. Flatten it, or raise the pool's \`maxMetadataDepth\`.`,
      'too-large': `Expected \`metadata\` to take at most ${this.limits.maxBytes} bytes as JSON, got ${got} (at \`${at}\`). Keep large data elsewhere and put a reference in metadata, or raise the pool's \`maxMetadataBytes\`.`,
    };
    return new FairpackError('INVALID_REQUEST', expected[problem], { field: 'metadata', path: at, problem });
  }
}

/** `metadata.a[0]["odd key"]`, shortened in the middle when long. */
function renderPath(path: readonly (string | number)[]): string {
  let out = 'metadata';
  for (const step of path) out += typeof step === 'number' ? `[${step}]` : /^[A-Za-z_$][\w$]*$/.test(step) ? `.${step}` : `[${JSON.stringify(step.length > 40 ? `${step.slice(0, 37)}...` : step)}]`;
  return out.length > 160 ? `${out.slice(0, 70)}…${out.slice(-80)}` : out;
}

/** UTF-8 bytes of a well-formed string (JSON.stringify escapes lone surrogates, so pairs are whole). */
function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}
