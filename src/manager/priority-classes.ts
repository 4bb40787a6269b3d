import { FairpackError, describeValue } from '../errors.js';
import { isPlainRecord } from '../resources/index.js';
import type { PriorityClass } from './types.js';

/** The seed's classes, highest first, with Kubernetes-like spaced values. */
export const DEFAULT_PRIORITY_CLASSES: readonly PriorityClass[] = Object.freeze([
  { name: 'real-time', value: 1000 },
  { name: 'high', value: 100 },
  { name: 'default', value: 0 },
  { name: 'low', value: -100 },
  { name: 'best-effort', value: -1000 },
]);

export class PriorityClasses {
  private readonly byName = new Map<string, PriorityClass>();

  constructor(classes: unknown = DEFAULT_PRIORITY_CLASSES) {
    if (!Array.isArray(classes) || classes.length === 0) {
      throw new FairpackError('INVALID_OPTION', `Expected \`priorityClasses\` to be a non-empty array of { name, value }, got ${describeValue(classes)}.`, { option: 'priorityClasses' });
    }
    for (const entry of classes as unknown[]) {
      if (!isPlainRecord(entry) || typeof entry['name'] !== 'string' || entry['name'].length === 0 || typeof entry['value'] !== 'number' || !Number.isFinite(entry['value'])) {
        throw new FairpackError('INVALID_OPTION', `Expected each priority class to be { name: non-empty string, value: finite number }, got ${describeValue(entry)}.`, { option: 'priorityClasses' });
      }
      if (this.byName.has(entry['name'])) {
        throw new FairpackError('INVALID_OPTION', `Expected unique priority class names, got "${entry['name']}" twice.`, { option: 'priorityClasses' });
      }
      this.byName.set(entry['name'], Object.freeze({ name: entry['name'], value: entry['value'] }));
    }
    if (!this.byName.has('default')) {
      throw new FairpackError('INVALID_OPTION', 'Expected `priorityClasses` to include a class named "default" (jobs without `priority` get it).', { option: 'priorityClasses' });
    }
  }

  resolve(name: unknown): PriorityClass {
    const found = typeof name === 'string' ? this.byName.get(name) : undefined;
    if (found === undefined) {
      throw new FairpackError('UNKNOWN_PRIORITY_CLASS', `Expected \`priority\` to be one of ${[...this.byName.keys()].map((n) => `'${n}'`).join(', ')}, got ${describeValue(name)}.`, { value: name });
    }
    return found;
  }

  /** Highest first. */
  list(): PriorityClass[] {
    return [...this.byName.values()].sort((a, b) => b.value - a.value);
  }
}
