import { describe, expectTypeOf, it } from 'vitest';
import { type Allocation, type AllocationRequest, AllocationManager, type JobRequest, type JsonObject, type JsonValue, type Metadata, ResourcePool } from 'fairpack';

describe('strict requests: types', () => {
  it('metadata is typed as JSON, and the allocation carries it read-only', () => {
    expectTypeOf<AllocationRequest['metadata']>().toEqualTypeOf<JsonObject | undefined>();
    expectTypeOf<JobRequest['metadata']>().toEqualTypeOf<JsonObject | undefined>();
    expectTypeOf<Allocation['metadata']>().toEqualTypeOf<Metadata | undefined>();
    expectTypeOf<Metadata>().toEqualTypeOf<Readonly<Record<string, JsonValue>>>();
    expectTypeOf<{ a: [1, 'x', null, { b: true }] }>().toMatchTypeOf<JsonObject>();
    const pool = new ResourcePool({ capacity: { cpu: 1 }, maxMetadataBytes: 4096, maxMetadataDepth: 8 });
    // a property that may be undefined is fine (it is left out, as JSON.stringify does)
    const note: string | undefined = undefined;
    pool.allocate({ resources: { cpu: 1 }, metadata: { note, tags: ['a'], nested: { n: 1 } } });
  });

  it('refuses at compile time what the pool refuses at run time', () => {
    const pool = new ResourcePool({ capacity: { cpu: 1 } });
    // @ts-expect-error a Date is not JSON (convert it to an ISO string)
    void (() => pool.allocate({ resources: { cpu: 1 }, metadata: { when: new Date() } }));
    // @ts-expect-error functions are not JSON
    void (() => pool.allocate({ resources: { cpu: 1 }, metadata: { f: () => 1 } }));
    // @ts-expect-error bigints are not JSON
    void (() => pool.allocate({ resources: { cpu: 1 }, metadata: { n: 1n } }));
    // @ts-expect-error an unknown request field (the run-time check covers JavaScript and JSON input)
    void (() => pool.allocate({ resources: { cpu: 1 }, nodeSelectors: {} }));
    // @ts-expect-error an unknown job request field
    void (() => new AllocationManager().submit({ resources: { cpu: 1 }, ttl: 5 }));
    // @ts-expect-error the metadata limits are numbers
    void (() => new ResourcePool({ maxMetadataBytes: '16k' }));
    // @ts-expect-error so are the manager's
    void (() => new AllocationManager({ maxMetadataDepth: '32' }));
  });
});
