import { didYouMean, didYouMeanHint } from './did-you-mean.js';
import { FairpackError, type FairpackErrorCode } from './errors.js';

/**
 * The keys an object accepts, and how to name one of its keys in a message: a request field, a
 * node spec field, an option. Built once per kind (module level), so that checking costs one
 * `Set` lookup per key and nothing else until a key is unknown.
 */
export interface KnownKeys {
  /** What a key of such an object is called: `job request field`, `ResourcePool option` … */
  readonly label: string;
  readonly keys: ReadonlySet<string>;
  /** In the order documented, for messages. */
  readonly list: readonly string[];
  readonly code: FairpackErrorCode;
  /** For keys of a nested option object (`priorityClasses`): the option `details.option` names. */
  readonly option: string | undefined;
}

export function knownKeys(label: string, list: readonly string[], code: FairpackErrorCode, option?: string): KnownKeys {
  return Object.freeze({ label, keys: new Set(list), list: Object.freeze([...list]), code, option });
}

/**
 * The first own enumerable key of `record` that `known` does not accept, if any, in `Object.keys`
 * order. Walked with `for…in` and an own-key test rather than `Object.keys`, which made an array of
 * the keys per check (one per job request: ≈ 65 bytes of every submit's garbage); `for…in` walks
 * the own string keys in the same order, then any inherited enumerable ones, which are skipped.
 */
export function firstUnknownKey(record: object, known: KnownKeys): string | undefined {
  for (const key in record) if (Object.hasOwn(record, key) && !known.keys.has(key)) return key;
  return undefined;
}

/**
 * Throws `known.code` when `record` has a key that `known` does not accept (a typo would
 * otherwise drop a constraint silently): the message names the key, suggests the closest
 * accepted one and lists them all. `where` places the object (`toleration 0`, `node "n1"`).
 */
export function checkKnownKeys(record: object, known: KnownKeys, where?: string): void {
  const key = firstUnknownKey(record, known);
  if (key !== undefined) throw unknownKeyError(key, known, where);
}

export function unknownKeyError(key: string, known: KnownKeys, where?: string): FairpackError {
  const { message, details } = describeUnknownKey(key, known, where);
  return new FairpackError(known.code, message, details);
}

/** The message and details of an unknown key, for callers that raise their own error type. */
export function describeUnknownKey(key: string, known: KnownKeys, where?: string): { message: string; details: Record<string, unknown> } {
  const suggestion = didYouMean(key, known.list);
  const place = where === undefined ? '' : ` (${where})`;
  const hint = suggestion === undefined ? ' Remove it or fix its name.' : didYouMeanHint(suggestion, (name) => `\`${name}\``);
  return {
    message: `Unknown ${known.label} \`${shorten(key)}\`${place}.${hint} Accepted: ${known.list.join(', ')}.`,
    // option errors have always named the option in `details.option`; they keep doing so
    details: { field: key, accepted: known.list, suggestion, ...(known.code === 'INVALID_OPTION' ? { option: known.option ?? key } : {}) },
  };
}

function shorten(key: string): string {
  return key.length > 60 ? `${key.slice(0, 57)}...` : key;
}
