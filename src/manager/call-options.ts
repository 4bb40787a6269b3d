import { plainArray, readingInput } from '../user-input.js';
import { FairpackError, describeValue } from '../errors.js';
import { firstUnknownKey, knownKeys, unknownKeyError } from '../known-keys.js';
import { isPlainRecord } from '../resources/index.js';

/**
 * The options argument of a manager method: left out (undefined) or a plain object with only the
 * keys the method knows; anything else is `INVALID_OPTION` before anything changes.
 */
export function callOptions(value: unknown, method: string, keys: readonly string[]): Readonly<Record<string, unknown>> {
  if (value === undefined) return NO_OPTIONS;
  return readingInput(`the options of ${method}()`, 'INVALID_OPTION', () => checkedOptions(value, method, keys));
}

/**
 * Options left out: one shared, frozen object with no prototype, like the copy `checkedOptions`
 * makes (every submit without options asked for one: an object per call for nothing).
 */
const NO_OPTIONS: Readonly<Record<string, unknown>> = Object.freeze(Object.create(null) as Record<string, unknown>);

/** A copy of the options' own values (read once, so later reads meet no getter). */
function checkedOptions(value: unknown, method: string, keys: readonly string[]): Readonly<Record<string, unknown>> {
  if (!isPlainRecord(value)) {
    throw new FairpackError('INVALID_OPTION', `Expected the options of ${method}() to be an object { ${keys.join(', ')} } or left out, got ${describeValue(value)}.`, { method });
  }
  const key = firstUnknownKey(value, knownKeys(`${method}() option`, keys, 'INVALID_OPTION'));
  if (key !== undefined) throw unknownKeyError(key, knownKeys(`${method}() option`, keys, 'INVALID_OPTION'));
  const copy = Object.create(null) as Record<string, unknown>;
  for (const k of keys) if (Object.hasOwn(value, k)) copy[k] = value[k];
  return copy;
}

/** An optional string field of an options argument (a filter's tenant). */
export function optionalStringOption(options: Readonly<Record<string, unknown>>, key: string, method: string): string | undefined {
  const value = options[key];
  if (value === undefined || (typeof value === 'string' && value.length > 0)) return value;
  throw new FairpackError('INVALID_OPTION', `Expected \`${key}\` of ${method}() to be a non-empty string, got ${describeValue(value)}.`, { method, option: key });
}

/** An optional field of an options argument that must be one of a fixed list. */
export function optionalChoice<T extends string>(options: Readonly<Record<string, unknown>>, key: string, method: string, choices: readonly T[]): T | undefined {
  const value = options[key];
  if (value === undefined || choices.includes(value as T)) return value as T | undefined;
  throw new FairpackError('INVALID_OPTION', `Expected \`${key}\` of ${method}() to be one of ${choices.map((c) => `'${c}'`).join(', ')}, got ${describeValue(value)}.`, { method, option: key });
}

/** A duration field of an options argument: whole milliseconds from 0 to a timer's reach (24.8 days); `required` or left out. */
export function durationOption(options: Readonly<Record<string, unknown>>, key: string, method: string, required: boolean): number | undefined {
  const value = options[key];
  if (value === undefined && !required) return undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 2 ** 31 - 1) return value;
  throw new FairpackError('INVALID_OPTION', `Expected \`${key}\` of ${method}() to be whole milliseconds from 0 to ${2 ** 31 - 1}${required ? '' : ' or left out'}, got ${describeValue(value)}.`, { method, option: key });
}

/** Most ids one list of an options argument may hold (a heartbeat's `running`), and the longest id. */
export const MAX_LISTED_IDS = 100_000;
export const MAX_ID_LENGTH = 1_024;

/** An optional list of ids (non-empty strings, at most MAX_LISTED_IDS of at most MAX_ID_LENGTH characters), copied. */
export function idListOption(options: Readonly<Record<string, unknown>>, key: string, method: string): string[] | undefined {
  const value = options[key];
  if (value === undefined) return undefined;
  const expected = `Expected \`${key}\` of ${method}() to be an array of at most ${MAX_LISTED_IDS.toLocaleString('en-US')} ids (non-empty strings of at most ${MAX_ID_LENGTH} characters)`;
  // read once, by index, before anything is checked: a getter or a trap is a typed refusal
  const { items, length } = readingInput(`\`${key}\` of ${method}()`, 'INVALID_OPTION', () => {
    if (!Array.isArray(value)) return { items: undefined, length: undefined };
    return { items: value.length <= MAX_LISTED_IDS ? plainArray(value) : undefined, length: value.length };
  });
  if (items === undefined) throw new FairpackError('INVALID_OPTION', `${expected}, got ${length === undefined ? describeValue(value) : `an array of ${length} items`}.`, { method, option: key });
  const ids: string[] = [];
  for (let i = 0; i < items.length; i++) {
    const id: unknown = items[i];
    if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_LENGTH) throw new FairpackError('INVALID_OPTION', `${expected}, got ${describeValue(id)} at index ${i}.`, { method, option: key, index: i });
    ids.push(id);
  }
  return ids;
}
