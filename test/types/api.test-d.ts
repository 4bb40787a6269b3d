import { describe, expectTypeOf, it } from 'vitest';
import {
  type AllocateResult,
  type Allocation,
  type BatchPlan,
  type FairpackErrorCode,
  type NodeView,
  type PlacementStrategy,
  type PoolCapacity,
  ResourcePool,
  type Resources,
  bestFit,
  isFairpackError,
} from 'fairpack';
import { type PoolOperation, checkInvariants, placementStrategyContract } from 'fairpack/testing';

describe('public types', () => {
  it('allocate returns a discriminated union on ok', () => {
    const pool = new ResourcePool({ capacity: { cpu: 1 } });
    const r = pool.allocate({ resources: { cpu: 1 } });
    expectTypeOf(r).toEqualTypeOf<AllocateResult>();
    if (r.ok) expectTypeOf(r.allocation).toEqualTypeOf<Allocation>();
    else {
      expectTypeOf(r.reason).toEqualTypeOf<'insufficient-resources' | 'no-eligible-node' | 'declined-by-strategy'>();
      expectTypeOf(r.available).toEqualTypeOf<Resources>();
    }
    expectTypeOf(pool.capacity()).toEqualTypeOf<PoolCapacity>();
    expectTypeOf(pool.nodes()).toEqualTypeOf<NodeView[]>();
    expectTypeOf(pool.planBatch([])).toEqualTypeOf<BatchPlan>();
  });

  it('rejects misuse at compile time', () => {
    // @ts-expect-error unknown strategy names are not accepted
    void (() => new ResourcePool({ placement: 'tightest' }));
    // @ts-expect-error resources are required
    void (() => new ResourcePool().allocate({ replicas: 2 }));
    // @ts-expect-error status is a closed set
    void (() => new ResourcePool().setNodeStatus('a', 'gone'));
    // @ts-expect-error allocations are read-only
    void ((a: Allocation) => (a.resources = {}));
  });

  it('strategies and errors', () => {
    expectTypeOf(bestFit()).toEqualTypeOf<PlacementStrategy>();
    const custom = { name: 'x', score: (node: NodeView) => -(node.costPerHour ?? 0) } satisfies PlacementStrategy;
    expectTypeOf(custom).toMatchTypeOf<PlacementStrategy>();
    const e: unknown = null;
    if (isFairpackError(e)) expectTypeOf(e.code).toEqualTypeOf<FairpackErrorCode>();
    expectTypeOf(checkInvariants).parameter(0).toEqualTypeOf<ResourcePool>();
    expectTypeOf(placementStrategyContract).parameter(0).toEqualTypeOf<() => PlacementStrategy>();
    expectTypeOf<PoolOperation['kind']>().toMatchTypeOf<string>();
  });
});
