import { FairpackError, describeValue } from '../errors.js';
import { type Scale, fromScaled, toScaled } from './scale.js';

/** Amounts per dimension. A missing dimension is 0. Names are free (`cpu`, `nvidia.com/gpu` …). */
export type Resources = Readonly<Record<string, number>>;

/** A parsed vector: parallel arrays of dimension names and scaled integer amounts (zeros dropped). */
export interface ScaledEntries {
  readonly names: readonly string[];
  readonly amounts: readonly number[];
}

// Rejected rather than stored: they would reach Object.prototype through a careless assignment
// in user code that reads our views, and no real resource is called that. (Compared one by one
// in `validateDimensionName`, which runs for every amount of every request: no Set lookup.)
const MAX_NAME_LENGTH = 253;

export function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

export function validateDimensionName(name: string, where: string): void {
  if (name.length === 0 || name.length > MAX_NAME_LENGTH || name === '__proto__' || name === 'constructor' || name === 'prototype') {
    throw new FairpackError(
      'INVALID_RESOURCES',
      `Expected ${where} dimension names to be non-empty strings of at most ${MAX_NAME_LENGTH} characters ` +
        `other than __proto__, constructor and prototype, got ${describeValue(name)}. Rename the dimension.`,
      { dimension: name },
    );
  }
}

/** Parses a user-supplied resource vector into scaled entries, or throws `INVALID_RESOURCES`. */
export function parseResources(input: unknown, scale: Scale, where: string): ScaledEntries {
  const record = expectResourceRecord(input, where);
  const names: string[] = [];
  const amounts: number[] = [];
  for (const name of Object.keys(record)) {
    const scaled = scaleEntry(name, record[name], scale, where);
    if (scaled === 0) continue;
    names.push(name);
    amounts.push(scaled);
  }
  return { names, amounts };
}

/** The vector itself, if it is a plain object; else `INVALID_RESOURCES`. (For parsers that walk it themselves.) */
export function expectResourceRecord(input: unknown, where: string): Record<string, unknown> {
  if (!isPlainRecord(input)) {
    throw new FairpackError(
      'INVALID_RESOURCES',
      `Expected ${where} to be an object of dimension → amount, e.g. { cpu: 2, memory: 4 }, got ${describeValue(input)}.`,
      { value: input },
    );
  }
  return input;
}

/** One entry of a vector: the name checked, the amount scaled (0 for none); else `INVALID_RESOURCES`. */
export function scaleEntry(name: string, amount: unknown, scale: Scale, where: string): number {
  validateDimensionName(name, where);
  return toScaled(amount, name, scale, where);
}

/** Builds a public, frozen `Resources` from names and scaled amounts (zeros kept as given). */
export function toResources(names: readonly string[], scaled: ArrayLike<number>, scale: Scale): Resources {
  const out: Record<string, number> = {};
  for (let i = 0; i < names.length; i++) out[names[i] as string] = fromScaled(scaled[i] as number, scale);
  return Object.freeze(out);
}

/** Copies string → string records (labels, selectors) safely: any key is an own property. */
const NO_ENTRIES: Readonly<Record<string, string>> = Object.freeze({});

export function copyStringRecord(input: unknown, what: string, code: 'INVALID_NODE' | 'INVALID_REQUEST'): Readonly<Record<string, string>> {
  if (input === undefined) return NO_ENTRIES;
  if (!isPlainRecord(input)) {
    throw new FairpackError(code, `Expected ${what} to be an object of string → string, got ${describeValue(input)}.`, {
      value: input,
    });
  }
  const out: Record<string, string> = {};
  for (const key of Object.keys(input)) {
    const value = input[key];
    if (typeof value !== 'string') {
      throw new FairpackError(code, `Expected ${what} "${key}" to be a string, got ${describeValue(value)}.`, { key, value });
    }
    // a name Object.prototype has (`__proto__` is a setter; a frozen prototype refuses the
    // others) is defined as an own key; any other is set (defining every key was half the parsing
    // of a node spec). The freeze below makes each read-only.
    if (Object.hasOwn(Object.prototype, key)) Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    else out[key] = value;
  }
  return Object.freeze(out);
}
