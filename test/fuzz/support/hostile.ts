import fc from 'fast-check';

/*
 * Values a caller should never pass, and the fuzzers pass anyway: every argument of every public
 * method is drawn from these, or from a valid argument with one part replaced by one of these.
 */

/** Strings that have broken name handling elsewhere: prototype members, empty, 10 KB, unicode, NUL. */
export const HOSTILE_STRINGS: readonly string[] = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '__defineGetter__',
  'then',
  '',
  ' ',
  'x'.repeat(10_240),
  'ünïcødé ✓ 名前 🚀',
  '\u0000',
  '\uD800', // a lone surrogate: not valid UTF-16 text
  'a\nb',
  'default',
  'real-time',
  'cpu',
  'n1',
];

export const HOSTILE_NUMBERS: readonly number[] = [Number.NaN, Infinity, -Infinity, -0, 0, -1, 1e300, 2 ** 53, Number.MAX_VALUE, Number.MIN_VALUE, 0.1 + 0.2, 1e-10, 1.0005, 2 ** 31, -(2 ** 31)];

/** Nested `levels` deep without recursion (so building it cannot overflow the stack either). */
export function nested(levels: number, asArray: boolean): unknown {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = asArray ? [value] : { a: value };
  return value;
}

export class HostileError extends Error {
  override readonly name = 'HostileError';
}

/**
 * A value fast-check must not touch — a getter or Proxy that throws would throw inside its own
 * cloning and printing — kept as an inert marker in the generated data and made real only when
 * the arguments are resolved for the call (see `resolveArguments` in calls.ts).
 */
export class Trap {
  constructor(
    readonly kind: 'getter' | 'proxy' | 'deep-object' | 'deep-array',
    /** For a getter: the property that throws when read. */
    readonly key = '',
  ) {}
  toString(): string {
    return this.kind === 'getter' ? `Trap(getter ${JSON.stringify(this.key.slice(0, 20))})` : `Trap(${this.kind})`;
  }
}

/** Defines `key` on `target` as an enumerable getter that throws (so key checks see it). */
export function defineThrowingGetter(target: object, key: string | symbol): void {
  Object.defineProperty(target, key, {
    enumerable: true,
    configurable: true,
    get() {
      throw new HostileError(`getter ${String(key)}`);
    },
  });
}

/** A Proxy whose every trap throws: reading anything about it fails. */
export function throwingProxy(): object {
  const fail = (): never => {
    throw new HostileError('proxy trap');
  };
  return new Proxy({}, { get: fail, has: fail, ownKeys: fail, getPrototypeOf: fail, getOwnPropertyDescriptor: fail, set: fail, defineProperty: fail, deleteProperty: fail, apply: fail });
}

/** Constants that cannot come out of fc.anything(): symbols, functions, odd objects. */
function odd(hostility: Hostility): unknown[] {
  return [
    Symbol('hostile'),
    Symbol.iterator,
    Symbol.for('fairpack.error'),
    () => 1,
    function thrower() {
      throw new HostileError('function');
    },
    class Klass {},
    Object.create(null),
    new Date(Number.NaN),
    /re/g,
    new Map([['cpu', 1]]),
    new Set(['cpu']),
    new Uint8Array(4),
    new ArrayBuffer(8),
    Promise.resolve(1),
    new Error('an error'),
    Object.assign(Object.create({ cpu: 1 }), { memory: 2 }), // a prototype with the fields
    { toString: () => 'cpu', valueOf: () => 2 },
    { [Symbol.toPrimitive]: () => 2 },
    { toJSON: () => ({ cpu: 1 }) },
    ...(hostility.sparseArrays ? [new Array(5), [1, , 2]] : []), // holes
    Object.freeze({ cpu: 1 }),
    new Trap('deep-object'),
    new Trap('deep-array'),
    Array.from({ length: 2_000 }, (_, i) => i),
    JSON.parse('{"__proto__": {"polluted": 1}}') as unknown,
  ];
}

/**
 * What the fuzzers may throw at a callee. Everything, by default; the core layers narrow it only
 * where a known, reported bug would otherwise fail every run (see core-bugs.ts).
 */
export interface Hostility {
  /** Getters and Proxies that throw when the callee reads them. */
  readonly traps: boolean;
  /** An array argument with an own `constructor` property (it breaks Array.prototype.map). */
  readonly arrayConstructorKey: boolean;
  /** Arrays with holes (`new Array(2)`, `[, 1]`). */
  readonly sparseArrays: boolean;
}

export const EVERYTHING: Hostility = Object.freeze({ traps: true, arrayConstructorKey: true, sparseArrays: true });

/** One hostile value: anything fast-check can draw, hostile strings and numbers, and odd constants. */
export function hostileValue(hostility: Hostility = EVERYTHING): fc.Arbitrary<unknown> {
  const traps = [
    { weight: 1, arbitrary: fc.constant(new Trap('proxy')) },
    // an object whose one property throws when read (made real by resolveArguments)
    { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_STRINGS).map((key) => ({ [key]: new Trap('getter', key) })) },
  ];
  return fc.oneof(
    { weight: 4, arbitrary: fc.anything({ maxDepth: 3, maxKeys: 4, withBigInt: true, withBoxedValues: true, withDate: true, withMap: true, withSet: true, withNullPrototype: true, withObjectString: true, withSparseArray: hostility.sparseArrays, withTypedArray: true, withUnicodeString: true }) },
    { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
    { weight: 2, arbitrary: fc.oneof(fc.constantFrom(...HOSTILE_NUMBERS), fc.double(), fc.integer(), fc.bigInt()) },
    { weight: 2, arbitrary: fc.constantFrom(undefined, null, true, false, [], {}) },
    { weight: 2, arbitrary: fc.constantFrom(...odd(hostility)) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    ...(hostility.traps ? traps : []),
  );
}

function isPlainData(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return Array.isArray(value) ? proto === Array.prototype : proto === Object.prototype;
}

/** Every path (up to `maxDepth` keys) into the plain objects and arrays of `value`. */
function paths(value: unknown, maxDepth: number, prefix: (string | number)[] = []): (string | number)[][] {
  if (prefix.length >= maxDepth || !isPlainData(value)) return [];
  const keys: (string | number)[] = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return keys.flatMap((key) => [[...prefix, key], ...paths((value as Record<string | number, unknown>)[key], maxDepth, [...prefix, key])]);
}

/** A deep copy of plain data (objects, arrays, primitives). */
function copy<T>(value: T): T {
  if (Array.isArray(value)) return value.map(copy) as T;
  if (isPlainData(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copy(v)])) as T;
  }
  return value;
}

type Mutation = 'replace' | 'add' | 'delete' | 'getter' | 'wrap' | 'whole';

/**
 * `valid`, with one part made hostile: a value at some path replaced, a key added or removed, a
 * property turned into a getter that throws, the whole thing wrapped in an array, or replaced
 * outright. The valid part reaches deep into the callee; the hostile part is where it must
 * refuse cleanly.
 */
export function mutated(valid: fc.Arbitrary<unknown>, hostility: Hostility = EVERYTHING): fc.Arbitrary<unknown> {
  const mutations: Mutation[] = ['replace', 'replace', 'replace', 'add', 'add', 'delete', 'wrap', 'whole', ...(hostility.traps ? ['getter' as const] : [])];
  return fc
    .tuple(valid, hostileValue(hostility), fc.nat(), fc.constantFrom(...mutations), fc.constantFrom(...HOSTILE_STRINGS, 'extra', 'cpu', 'id'))
    .map(([base, hostile, at, how, key]) => {
      const value = copy(base);
      if (how === 'whole') return hostile;
      if (how === 'wrap') return [value];
      const adding = how === 'add';
      // add: into any plain object or array (the root included); the others: at an existing path
      const targets = [[], ...paths(value, 3)].filter((path) => {
        if (!adding) return path.length > 0;
        const parent = dig(value, path);
        return isPlainData(parent) && (hostility.arrayConstructorKey || key !== 'constructor' || !Array.isArray(parent));
      });
      if (targets.length === 0) return hostile;
      const path = targets[at % targets.length] as (string | number)[];
      const parent = (adding ? dig(value, path) : dig(value, path.slice(0, -1))) as Record<string | number, unknown>;
      const last = adding ? key : (path[path.length - 1] as string | number);
      if (how === 'delete' && Array.isArray(parent) && !hostility.sparseArrays) parent.splice(last as number, 1);
      else if (how === 'delete') delete parent[last]; // in an array: a hole
      else Object.defineProperty(parent, last, { value: how === 'getter' ? new Trap('getter', String(last)) : hostile, enumerable: true, configurable: true, writable: true });
      return value;
    });
}

function dig(value: unknown, path: readonly (string | number)[]): unknown {
  let at = value;
  for (const key of path) at = (at as Record<string | number, unknown>)[key];
  return at;
}

/** Mostly valid (to build state and reach deep), sometimes mutated, sometimes plain hostile. */
export function argument(valid: fc.Arbitrary<unknown>, hostility: Hostility = EVERYTHING): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 2, arbitrary: valid }, { weight: 5, arbitrary: mutated(valid, hostility) }, { weight: 2, arbitrary: hostileValue(hostility) });
}
