import { FairpackError, describeValue } from '../errors.js';
import { describeUnknownKey, knownKeys } from '../known-keys.js';
import type { JsonObject } from '../pool/index.js';
import { isPlainRecord } from '../resources/index.js';

/*
 * One description of a tool's arguments serves twice: rendered as the JSON Schema that MCP
 * clients list (and may validate with), and run as the validator that every call goes through,
 * so the two cannot drift apart. Only the few kinds the tools need exist.
 */

interface FieldBase {
  readonly description: string;
  /** Must be given (not `undefined`, not `null`). */
  readonly required?: boolean;
}
export interface StringField extends FieldBase {
  readonly kind: 'string';
  readonly maxLength: number;
}
export interface StringListField extends FieldBase {
  readonly kind: 'strings';
  readonly maxItems: number;
  readonly maxLength: number;
}
export interface NumberField extends FieldBase {
  readonly kind: 'integer' | 'number';
  readonly minimum: number;
  readonly maximum: number;
  readonly default?: number;
}
export interface ChoiceField<V extends string = string> extends FieldBase {
  readonly kind: 'choice';
  readonly values: readonly V[];
  readonly default?: V;
}
export interface ObjectField extends FieldBase {
  readonly kind: 'object';
}
export type FieldSpec = StringField | StringListField | NumberField | ChoiceField | ObjectField;
export type FieldSpecs = Readonly<Record<string, FieldSpec>>;

type ValueOf<F extends FieldSpec> = F extends StringField
  ? string
  : F extends StringListField
    ? string[]
    : F extends NumberField
      ? number
      : F extends ChoiceField<infer V>
        ? V
        : F extends ObjectField
          ? JsonObject
          : never;
type Present<S extends FieldSpecs> = { [K in keyof S]: S[K] extends { readonly required: true } | { readonly default: unknown } ? K : never }[keyof S];

/** The arguments once checked: required fields and fields with a default are always there. */
export type ParsedArguments<S extends FieldSpecs> = { [K in Present<S>]: ValueOf<S[K]> } & { [K in Exclude<keyof S, Present<S>>]?: ValueOf<S[K]> };

/** The JSON Schema of a tool's arguments, as MCP's `inputSchema` wants it: an object, no other keys. */
export function inputSchema(fields: FieldSpecs): JsonObject {
  const properties: Record<string, JsonObject> = {};
  const required: string[] = [];
  for (const [name, field] of Object.entries(fields)) {
    properties[name] = fieldSchema(field);
    if (field.required === true) required.push(name);
  }
  return { type: 'object', properties, ...(required.length === 0 ? {} : { required }), additionalProperties: false };
}

function fieldSchema(field: FieldSpec): JsonObject {
  const { description } = field;
  switch (field.kind) {
    case 'string':
      return { type: 'string', description, minLength: 1, maxLength: field.maxLength };
    case 'strings':
      return { type: 'array', description, items: { type: 'string', minLength: 1, maxLength: field.maxLength }, maxItems: field.maxItems, uniqueItems: true };
    case 'integer':
    case 'number':
      return { type: field.kind, description, minimum: field.minimum, maximum: field.maximum, ...(field.default === undefined ? {} : { default: field.default }) };
    case 'choice':
      return { type: 'string', description, enum: [...field.values], ...(field.default === undefined ? {} : { default: field.default }) };
    case 'object':
      return { type: 'object', description };
  }
}

/**
 * Checks a tool's arguments (`undefined` counts as `{}`): an object with known keys only, every
 * value of its field's kind and range, required ones present; `null` counts as not given (clients
 * send it for optional arguments). Fills in defaults. Throws `INVALID_REQUEST` with a message that
 * names the tool and the argument, says what was expected and what was given.
 */
export function parseArguments<S extends FieldSpecs>(tool: string, fields: S, args: unknown): ParsedArguments<S> {
  if (args === undefined || args === null) args = {};
  if (!isPlainRecord(args)) throw invalid(`Expected the arguments of ${tool} to be an object, got ${describeValue(args)}.`, { tool });
  const known = knownKeys(`${tool} argument`, Object.keys(fields), 'INVALID_REQUEST');
  for (const key of Object.keys(args)) {
    if (known.list.length === 0) throw invalid(`Expected no arguments for ${tool}, got \`${key.length > 60 ? `${key.slice(0, 57)}...` : key}\`.`, { tool, field: key });
    if (!Object.hasOwn(fields, key)) {
      const { message, details } = describeUnknownKey(key, known);
      throw invalid(message, { tool, ...details });
    }
  }
  // null prototype: argument names are fixed, but the object is handed on as data
  const out = Object.create(null) as Record<string, unknown>;
  for (const [name, field] of Object.entries(fields)) {
    const value = Object.hasOwn(args, name) ? args[name] : undefined;
    if (value === undefined || value === null) {
      if (field.required === true) throw invalid(`Expected \`${name}\` of ${tool} to be ${expected(field)}, got nothing.`, { tool, field: name });
      if ('default' in field && field.default !== undefined) out[name] = field.default;
      continue;
    }
    out[name] = checkField(tool, name, field, value);
  }
  return out as ParsedArguments<S>;
}

/** What a field accepts, in words, for messages. */
function expected(field: FieldSpec): string {
  switch (field.kind) {
    case 'string':
      return `a non-empty string of at most ${field.maxLength} characters`;
    case 'strings':
      return `an array of at most ${field.maxItems} distinct non-empty strings (each at most ${field.maxLength} characters)`;
    case 'integer':
    case 'number':
      return `${field.kind === 'integer' ? 'a whole number' : 'a number'} from ${field.minimum.toLocaleString('en-US')} to ${field.maximum.toLocaleString('en-US')}`;
    case 'choice':
      return `one of ${field.values.map((v) => `"${v}"`).join(', ')}`;
    case 'object':
      return 'an object';
  }
}

function checkField(tool: string, name: string, field: FieldSpec, value: unknown): unknown {
  const fail = (got: string = describeValue(value)): never => {
    throw invalid(`Expected \`${name}\` of ${tool} to be ${expected(field)}, got ${got}.`, { tool, field: name });
  };
  switch (field.kind) {
    case 'string':
      return typeof value === 'string' && value.length > 0 && value.length <= field.maxLength ? value : fail();
    case 'strings': {
      if (!Array.isArray(value) || value.length > field.maxItems) return fail();
      const seen = new Set<string>();
      value.forEach((item: unknown, i) => {
        if (typeof item !== 'string' || item.length === 0 || item.length > field.maxLength) fail(`${describeValue(item)} at index ${i}`);
        if (seen.has(item as string)) fail(`"${String(item)}" twice`);
        seen.add(item as string);
      });
      return [...value] as string[];
    }
    case 'integer':
    case 'number': {
      const ok = typeof value === 'number' && Number.isFinite(value) && (field.kind === 'number' || Number.isInteger(value)) && value >= field.minimum && value <= field.maximum;
      return ok ? value : fail();
    }
    case 'choice':
      return typeof value === 'string' && field.values.includes(value) ? value : fail();
    case 'object':
      return isPlainRecord(value) ? value : fail();
  }
}

function invalid(message: string, details: Record<string, unknown>): FairpackError {
  return new FairpackError('INVALID_REQUEST', message, details);
}
