import { didYouMean, didYouMeanHint } from '../did-you-mean.js';
import { FairpackError, describeValue } from '../errors.js';
import { checkKnownKeys, knownKeys } from '../known-keys.js';
import { isPlainRecord } from '../resources/index.js';
import type { PriorityClass, PriorityClassSpec } from './types.js';

const DEFAULT_GRACE_MS = 30_000;
const SPEC_FIELDS = knownKeys('priority class field', ['name', 'value', 'preemptionGraceMs', 'preemptible', 'canPreempt', 'minRuntimeMs', 'spot'], 'INVALID_OPTION', 'priorityClasses');
const SPOT_PREFERENCES = ['avoid', 'allow', 'require'];

/**
 * The seed's classes, highest first, with Kubernetes-like spaced values. Only `real-time` and
 * `high` jobs preempt by default (an ordinary job never evicts anyone unless configured to);
 * `real-time` jobs are never evicted. Victims get Kubernetes' default 30 s grace period.
 */
export const DEFAULT_PRIORITY_CLASSES: readonly PriorityClass[] = Object.freeze(
  (
    [
      { name: 'real-time', value: 1000, preemptible: false, canPreempt: true },
      { name: 'high', value: 100, preemptible: true, canPreempt: true },
      { name: 'default', value: 0, preemptible: true, canPreempt: false },
      { name: 'low', value: -100, preemptible: true, canPreempt: false },
      { name: 'best-effort', value: -1000, preemptible: true, canPreempt: false },
    ] as const
  ).map((spec) => Object.freeze({ ...spec, preemptionGraceMs: DEFAULT_GRACE_MS, minRuntimeMs: 0 })),
);

export class PriorityClasses {
  private readonly byName = new Map<string, PriorityClass>();

  constructor(classes: unknown = DEFAULT_PRIORITY_CLASSES) {
    if (!Array.isArray(classes) || classes.length === 0) {
      throw new FairpackError('INVALID_OPTION', `Expected \`priorityClasses\` to be a non-empty array of { name, value, … }, got ${describeValue(classes)}.`, { option: 'priorityClasses' });
    }
    for (const entry of classes as unknown[]) {
      const parsed = parseClass(entry);
      if (this.byName.has(parsed.name)) {
        throw new FairpackError('INVALID_OPTION', `Expected unique priority class names, got "${parsed.name}" twice.`, { option: 'priorityClasses' });
      }
      this.byName.set(parsed.name, parsed);
    }
    if (!this.byName.has('default')) {
      throw new FairpackError('INVALID_OPTION', 'Expected `priorityClasses` to include a class named "default" (jobs without `priority` get it).', { option: 'priorityClasses' });
    }
  }

  resolve(name: unknown): PriorityClass {
    const found = typeof name === 'string' ? this.byName.get(name) : undefined;
    if (found === undefined) {
      const names = [...this.byName.keys()];
      const suggestion = typeof name === 'string' ? didYouMean(name, names) : undefined;
      throw new FairpackError(
        'UNKNOWN_PRIORITY_CLASS',
        `Expected \`priority\` to be one of ${names.map((n) => `'${n}'`).join(', ')}, got ${describeValue(name)}.${didYouMeanHint(suggestion)}`,
        { value: name, suggestion },
      );
    }
    return found;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** Highest first. */
  list(): PriorityClass[] {
    return [...this.byName.values()].sort((a, b) => b.value - a.value);
  }
}

function parseClass(entry: unknown): PriorityClass {
  const expected = "{ name: non-empty string, value: finite number, preemptionGraceMs?: number >= 0, preemptible?: boolean, canPreempt?: boolean, minRuntimeMs?: number >= 0, spot?: 'avoid' | 'allow' | 'require' }";
  if (!isPlainRecord(entry) || typeof entry['name'] !== 'string' || entry['name'].length === 0 || typeof entry['value'] !== 'number' || !Number.isFinite(entry['value'])) {
    throw new FairpackError('INVALID_OPTION', `Expected each priority class to be ${expected}, got ${describeValue(entry)}.`, { option: 'priorityClasses' });
  }
  const name = entry['name'];
  checkKnownKeys(entry, SPEC_FIELDS, `priority class "${name}"`);
  const spec = entry as unknown as PriorityClassSpec;
  const duration = (field: 'preemptionGraceMs' | 'minRuntimeMs', fallback: number): number => {
    const value = spec[field] ?? fallback;
    if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
      throw new FairpackError('INVALID_OPTION', `Expected \`${field}\` of priority class "${name}" to be a number of milliseconds >= 0, got ${describeValue(value)}.`, { option: 'priorityClasses' });
    }
    return value;
  };
  const flag = (field: 'preemptible' | 'canPreempt', fallback: boolean): boolean => {
    const value = spec[field] ?? fallback;
    if (typeof value !== 'boolean') throw new FairpackError('INVALID_OPTION', `Expected \`${field}\` of priority class "${name}" to be a boolean, got ${describeValue(value)}.`, { option: 'priorityClasses' });
    return value;
  };
  const spot = spec.spot;
  if (spot !== undefined && !SPOT_PREFERENCES.includes(spot)) {
    throw new FairpackError('INVALID_OPTION', `Expected \`spot\` of priority class "${name}" to be 'avoid', 'allow' or 'require', got ${describeValue(spot)}.`, { option: 'priorityClasses' });
  }
  return Object.freeze({
    name,
    value: spec.value,
    preemptionGraceMs: duration('preemptionGraceMs', DEFAULT_GRACE_MS),
    preemptible: flag('preemptible', true),
    canPreempt: flag('canPreempt', false),
    minRuntimeMs: duration('minRuntimeMs', 0),
    ...(spot === undefined ? {} : { spot }),
  });
}
