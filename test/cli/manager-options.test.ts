import { AllocationManager, type AllocationManagerOptions, FairpackError } from 'fairpack';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/io.js';
import { buildManager, queueBoundsFromFlags, queueOptions } from '../../src/cli/manager-options.js';

describe('queue bounds: --max-queued and --max-queued-per-tenant', () => {
  it('become the manager options maxQueued and maxQueuedPerTenant, with the documented defaults', () => {
    expect(queueOptions(queueBoundsFromFlags({}))).toEqual({ maxQueued: 100_000, maxQueuedPerTenant: 10_000 });
    expect(queueOptions(queueBoundsFromFlags({ 'max-queued': '5', 'max-queued-per-tenant': '2' }))).toEqual({ maxQueued: 5, maxQueuedPerTenant: 2 });
    expect(queueOptions(queueBoundsFromFlags({ 'max-queued': '0', 'max-queued-per-tenant': '0' }))).toEqual({ maxQueued: 0, maxQueuedPerTenant: 0 });
  });

  it('refuses anything but a whole number >= 0, naming the flag', () => {
    for (const bad of ['-1', '1.5', '1e3', 'lots', '', '1000000001']) {
      expect(() => queueBoundsFromFlags({ 'max-queued': bad })).toThrow(UsageError);
      expect(() => queueBoundsFromFlags({ 'max-queued-per-tenant': bad })).toThrow(/^Expected --max-queued-per-tenant to be a whole number from 0 to /);
    }
  });

  it('the manager enforces --max-queued', () => {
    const manager = buildManager({ capacity: { cpu: 1 } }, queueBoundsFromFlags({ 'max-queued': '1' }), () => {});
    const results = [1, 2, 3].map(() => manager.submit({ resources: { cpu: 1 } }));
    expect(results.map((r) => (r.status === 'rejected' ? r.code : r.status))).toEqual(['allocated', 'queued', 'QUEUE_FULL']);
    manager.close();
  });

  /*
   * Until the core's maxQueuedPerTenant lands, the manager refuses the option as unknown. These
   * stand-in constructors pin down what buildManager does either way.
   */
  const refusing = (seen: AllocationManagerOptions[]) => (options: AllocationManagerOptions) => {
    seen.push(options);
    if ('maxQueuedPerTenant' in options) throw new FairpackError('INVALID_OPTION', 'Unknown AllocationManager option `maxQueuedPerTenant`.', { option: 'maxQueuedPerTenant' });
    return new AllocationManager(options);
  };

  it('passes both bounds to a manager that knows them', () => {
    const seen: AllocationManagerOptions[] = [];
    const accepting = (options: AllocationManagerOptions) => {
      seen.push(options);
      const { maxQueuedPerTenant: _known, ...rest } = options as AllocationManagerOptions & { maxQueuedPerTenant?: number };
      return new AllocationManager(rest);
    };
    const warnings: string[] = [];
    buildManager({ capacity: { cpu: 1 } }, queueBoundsFromFlags({ 'max-queued-per-tenant': '7' }), (w) => warnings.push(w), accepting).close();
    expect(seen).toEqual([{ capacity: { cpu: 1 }, maxQueued: 100_000, maxQueuedPerTenant: 7 }]);
    expect(warnings).toEqual([]);
  });

  it('without core support: the default bound is dropped with one warning, an explicit one is a usage error', () => {
    const seen: AllocationManagerOptions[] = [];
    const warnings: string[] = [];
    buildManager({ capacity: { cpu: 1 } }, queueBoundsFromFlags({}), (w) => warnings.push(w), refusing(seen)).close();
    expect(seen.at(-1)).toEqual({ capacity: { cpu: 1 }, maxQueued: 100_000 });
    expect(warnings).toEqual([expect.stringMatching(/per-tenant queue bound is not enforced/)]);
    expect(() => buildManager({ capacity: { cpu: 1 } }, queueBoundsFromFlags({ 'max-queued-per-tenant': '3' }), () => {}, refusing([]))).toThrow(/--max-queued-per-tenant/);
  });

  it('any other refusal by the manager is a usage error with its message', () => {
    expect(() => buildManager({ capacity: { cpu: -1 } }, queueBoundsFromFlags({}), () => {}, refusing([]))).toThrow(UsageError);
  });
});
