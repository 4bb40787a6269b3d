import { describe, expect, it } from 'vitest';
import { ResourcePool } from 'fairpack';

/*
 * The request parser keeps a request's non-zero entries in a scratch reused from call to call
 * (src/pool/request.ts): a cache hit builds no arrays. These tests pin what must not change with
 * that: a parse started from inside another (a getter that allocates) works on arrays of its own,
 * the entries are the input's own keys in the input's order, zeros are dropped, and a request
 * with many dimensions leaves nothing behind that changes the next one. `allocate` also parses
 * into one request object reused from call to call: a failure's lazy explanation, read after
 * later calls, explains its own request, and an allocate nested in one (from a strategy's
 * callback) does not rewrite the outer request.
 */

const pool = () => new ResourcePool({ nodes: [{ id: 'a', capacity: { cpu: 8, memory: 16, gpu: 2 } }], now: () => 0 });

describe('request parsing', () => {
  it('a getter that allocates while its request is parsed does not disturb either request', () => {
    const p = pool();
    let inner: ReturnType<ResourcePool['allocate']> | undefined;
    // the inner request is parsed while the outer one holds the scratch (after its resources)
    const outer = {
      resources: { cpu: 1, memory: 2 },
      get replicas() {
        inner = p.allocate({ resources: { cpu: 3, gpu: 1 } });
        return 1;
      },
    };
    const result = p.allocate(outer);
    expect(result.ok && result.allocation.resources).toEqual({ cpu: 1, memory: 2 });
    expect(inner?.ok && inner.allocation.resources).toEqual({ cpu: 3, gpu: 1 });
    // 8 − 1 − 3 = 4 cpu, 16 − 2 = 14 memory, 2 − 1 = 1 gpu left
    expect(p.nodes()[0]?.available).toEqual({ cpu: 4, memory: 14, gpu: 1 });
  });

  it('a getter on an amount that allocates: the outer entries read before and after it stay its own', () => {
    const p = pool();
    let inner: ReturnType<ResourcePool['allocate']> | undefined;
    const resources = {
      cpu: 2,
      get memory() {
        inner = p.allocate({ resources: { gpu: 2, cpu: 1 } });
        return 4;
      },
      gpu: 0,
    };
    const result = p.allocate({ resources });
    expect(result.ok && result.allocation.resources).toEqual({ cpu: 2, memory: 4 });
    expect(inner?.ok && Object.keys(inner.allocation.resources)).toEqual(['gpu', 'cpu']);
    // and the two vectors were cached apart: the same vectors again share their objects
    const again = p.allocate({ resources: { cpu: 2, memory: 4 } });
    expect(again.ok && result.ok && again.allocation.resources).toBe(result.ok && result.allocation.resources);
  });

  it('takes only the own keys of `resources`, in their order, zeros dropped', () => {
    const p = pool();
    Object.defineProperty(Object.prototype, 'injectedDimension', { value: 1, enumerable: true, configurable: true, writable: true });
    try {
      const result = p.allocate({ resources: { memory: 2, gpu: 0, cpu: 1 } });
      expect(result.ok && Object.keys(result.allocation.resources)).toEqual(['memory', 'cpu']);
    } finally {
      delete (Object.prototype as Record<string, unknown>)['injectedDimension'];
    }
  });

  it('a request with many dimensions, then a small one: each is read as given', () => {
    const p = pool();
    const wide: Record<string, number> = { cpu: 1 };
    for (let i = 0; i < 200; i++) wide[`d${i}`] = 1;
    const refused = p.allocate({ resources: wide });
    // no node has d0 … d199: the request cannot fit, and says so
    expect(refused.ok).toBe(false);
    const small = p.allocate({ resources: { cpu: 1 } });
    expect(small.ok && small.allocation.resources).toEqual({ cpu: 1 });
    expect(p.nodes()[0]?.available).toEqual({ cpu: 7, memory: 16, gpu: 2 });
  });

  it("a failure's explanation, read after later allocations, is about its own request", () => {
    const p = pool();
    const failed = p.allocate({ resources: { cpu: 20, memory: 1 }, tenant: 'first' });
    const placed = p.allocate({ resources: { cpu: 1, gpu: 1 }, tenant: 'second' });
    expect(placed.ok).toBe(true);
    expect(failed.ok).toBe(false);
    if (failed.ok) return;
    // read only now: the reused request then holds the second request
    expect(failed.required).toEqual({ cpu: 20 });
    expect(failed.available).toEqual({ cpu: 7 });
    expect(failed.nodeId).toBe('a');
  });

  it('an allocate nested in a custom strategy callback leaves the outer request its own', () => {
    let nested: ReturnType<ResourcePool['allocate']> | undefined;
    let nesting = false;
    const p = new ResourcePool({
      nodes: [
        { id: 'a', capacity: { cpu: 8, memory: 16 } },
        { id: 'b', capacity: { cpu: 8, memory: 16 } },
      ],
      now: () => 0,
      placement: {
        name: 'nesting',
        select: (nodes) => {
          // once, from inside the outer allocate's placement
          if (!nesting) {
            nesting = true;
            nested = p.allocate({ resources: { memory: 3 }, tenant: 'inner', id: 'inner' });
          }
          return nodes[nodes.length - 1]?.id;
        },
      },
    });
    const outer = p.allocate({ resources: { cpu: 2 }, tenant: 'outer', id: 'outer' });
    expect(nested?.ok && nested.allocation).toMatchObject({ id: 'inner', tenant: 'inner', resources: { memory: 3 }, placements: [{ nodeId: 'b' }] });
    expect(outer.ok && outer.allocation).toMatchObject({ id: 'outer', tenant: 'outer', resources: { cpu: 2 }, placements: [{ nodeId: 'b' }] });
    expect(p.node('b')?.available).toEqual({ cpu: 6, memory: 13 });
    expect(p.node('a')?.available).toEqual({ cpu: 8, memory: 16 });
  });
});
