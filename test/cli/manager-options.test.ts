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

  it('the manager enforces --max-queued and --max-queued-per-tenant', () => {
    const manager = buildManager({ capacity: { cpu: 1 } }, queueBoundsFromFlags({ 'max-queued': '3', 'max-queued-per-tenant': '1' }));
    const results = ['a', 'a', 'a', 'b', 'c', 'd'].map((tenant) => manager.submit({ tenant, resources: { cpu: 1 } }));
    // a: one runs, one waits (its bound), one refused; b and c wait; d finds the queue full (3)
    expect(results.map((r) => (r.status === 'rejected' ? r.code : r.status))).toEqual(['allocated', 'queued', 'QUEUE_FULL', 'queued', 'queued', 'QUEUE_FULL']);
    manager.close();
  });

  it('any refusal by the manager is a usage error with its message', () => {
    expect(() => buildManager({ capacity: { cpu: -1 } }, queueBoundsFromFlags({}))).toThrow(UsageError);
  });
});
