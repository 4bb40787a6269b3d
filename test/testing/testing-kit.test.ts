import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ResourcePool } from 'fairpack';
import {
  InvariantViolation,
  applyPoolOperation,
  checkInvariants,
  checkReleaseAllRestoresCapacity,
  nodesArbitrary,
  placementStrategyContract,
  poolOperationsArbitrary,
  requestArbitrary,
  resourcesArbitrary,
} from 'fairpack/testing';

// The books, reached the way fairpack/testing reaches them, to corrupt them on purpose.
type Books = { nodes: Map<string, { free: Float64Array; allocationCount: number }> };
const books = (pool: ResourcePool) => (pool as unknown as Record<symbol, Books>)[Symbol.for('fairpack.pool.internals')]!;

function busyPool(): ResourcePool {
  const pool = new ResourcePool({ nodes: [{ id: 'a', capacity: { cpu: 4, memory: 8 } }, { id: 'b', capacity: { cpu: 4, memory: 8 } }] });
  pool.allocate({ resources: { cpu: 1, memory: 2 } });
  return pool;
}

describe('checkInvariants', () => {
  it('passes on a consistent pool', () => {
    expect(() => checkInvariants(busyPool())).not.toThrow();
  });

  it('names the node and dimension when allocated ≠ sum of placements', () => {
    const pool = busyPool();
    const a = books(pool).nodes.get('a')!;
    a.free[0] = (a.free[0] as number) - 1; // one milli-cpu vanishes
    expect(() => checkInvariants(pool)).toThrow(InvariantViolation);
    expect(() => checkInvariants(pool)).toThrow(/node "a" cpu: allocated/);
  });

  it('notices a wrong allocation count', () => {
    const pool = busyPool();
    books(pool).nodes.get('b')!.allocationCount = 3;
    expect(() => checkInvariants(pool)).toThrow(/node "b" counts 3 allocations/);
  });

  it('notices a stale placement index', () => {
    const pool = new ResourcePool({ placement: 'best-fit', nodes: [{ id: 'a', capacity: { cpu: 4 } }, { id: 'b', capacity: { cpu: 4 } }] });
    books(pool).nodes.get('a')!.free[0] = 1000; // changed behind the index's back (and the books')
    expect(() => checkInvariants(pool)).toThrow(InvariantViolation);
  });

  it('checkReleaseAllRestoresCapacity releases everything and compares exactly', () => {
    const pool = busyPool();
    checkReleaseAllRestoresCapacity(pool);
    expect(pool.allocations()).toHaveLength(0);
  });
});

describe('arbitraries', () => {
  it('generate valid vectors, nodes and requests the pool accepts', () => {
    fc.assert(
      fc.property(nodesArbitrary(), fc.array(requestArbitrary()), resourcesArbitrary({ nonEmpty: true }), (nodes, requests, vector) => {
        const pool = new ResourcePool({ nodes });
        for (const request of requests) pool.allocate(request);
        expect(Object.values(vector).some((v) => v > 0)).toBe(true);
        checkInvariants(pool);
      }),
      { numRuns: 50 },
    );
  });

  it('operation sequences apply cleanly, refusing what must be refused', () => {
    fc.assert(
      fc.property(nodesArbitrary(), poolOperationsArbitrary(), (nodes, operations) => {
        const pool = new ResourcePool({ nodes });
        const refused = operations.map((operation) => applyPoolOperation(pool, operation).refused).filter(Boolean);
        checkInvariants(pool);
        expect(refused.every((code) => typeof code === 'string')).toBe(true);
      }),
      { numRuns: 50 },
    );
  });
});

/** fast-check 4 reports the seed in the message and the failing check's own error as `cause`. */
function failure(run: (() => void) | undefined): { message: string; cause: string } {
  try {
    run?.();
  } catch (error) {
    return { message: (error as Error).message, cause: String((error as Error).cause) };
  }
  throw new Error('expected the contract check to fail');
}

describe('placementStrategyContract', () => {
  it('passes a well-behaved custom strategy', () => {
    const cheapest = () => ({ name: 'cheapest', score: (node: import('fairpack').NodeView) => -(node.costPerHour ?? 0) });
    for (const check of placementStrategyContract(cheapest, { numRuns: 20 })) check.run();
  });

  it('fails a strategy whose score is not finite, reporting the seed', () => {
    const [books] = placementStrategyContract(() => ({ name: 'nan', score: () => Number.NaN }), { numRuns: 30, seed: 42 });
    const { message, cause } = failure(books?.run);
    expect(message).toMatch(/seed: 42/);
    expect(cause).toMatch(/Placement strategy "nan" broke its contract: score\(\) returned NaN/);
  });

  it('fails a nondeterministic strategy', () => {
    let calls = 0;
    const flaky = () => ({ name: 'flaky', score: () => (calls++ % 7) });
    const determinism = placementStrategyContract(flaky, { numRuns: 100, seed: 7 }).find((c) => c.name.includes('deterministic'));
    expect(failure(determinism?.run).cause).toMatch(/placed the same request differently/);
  });

  it('fails a strategy that mutates its input', () => {
    const vandal = () => ({
      name: 'vandal',
      score: (node: import('fairpack').NodeView) => {
        (node.labels as Record<string, string>)['touched'] = 'yes';
        return 0;
      },
    });
    const check = placementStrategyContract(vandal, { numRuns: 30, seed: 7 }).find((c) => c.name.includes('mutates'));
    expect(failure(check?.run).cause).toMatch(/Cannot add property touched|mutated/);
  });
});
