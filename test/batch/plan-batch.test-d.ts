import { describe, expectTypeOf, it } from 'vitest';
import { type Allocation, type BatchCandidate, type BatchImprovement, type BatchPlan, type BatchSizeKey, type PlacementStrategyName, ResourcePool, type UnplacedRequest } from 'fairpack';

describe('planBatch types', () => {
  const pool = new ResourcePool({ capacity: { cpu: 4 } });

  it('returns a BatchPlan whose algorithm is never auto', () => {
    const plan = pool.planBatch([{ resources: { cpu: 1 } }]);
    expectTypeOf(plan).toEqualTypeOf<BatchPlan>();
    expectTypeOf(plan.algorithm).toEqualTypeOf<'ffd' | 'bfd' | 'dot-product' | 'l2-norm' | 'smallest-first' | 'one-at-a-time'>();
    expectTypeOf(plan.sizeKey).toEqualTypeOf<BatchSizeKey | undefined>();
    expectTypeOf(plan.placement).toEqualTypeOf<PlacementStrategyName | undefined>();
    expectTypeOf(plan.demand).toEqualTypeOf<number>();
    expectTypeOf(plan.improvement).toEqualTypeOf<BatchImprovement | undefined>();
    expectTypeOf<BatchImprovement['stoppedBy']>().toEqualTypeOf<'lower-bound' | 'no-move' | 'work-limit' | 'time-limit'>();
    expectTypeOf(plan.placed).toEqualTypeOf<readonly Allocation[]>();
    expectTypeOf(plan.unplaced).toEqualTypeOf<readonly UnplacedRequest[]>();
    expectTypeOf(plan.candidates).toEqualTypeOf<readonly BatchCandidate[]>();
  });

  it('rejects misspelt options at compile time', () => {
    // @ts-expect-error not an algorithm
    pool.planBatch([], { algorithm: 'first-fit' });
    // @ts-expect-error not a size key
    pool.planBatch([], { sizeKey: 'volume' });
    // @ts-expect-error not a built-in placement strategy
    pool.planBatch([], { algorithm: 'one-at-a-time', placement: 'random' });
    // @ts-expect-error timeLimitMs is a number of milliseconds
    pool.planBatch([], { timeLimitMs: '20' });
    // @ts-expect-error clock is a function
    pool.planBatch([], { clock: 0 });
    // @ts-expect-error dryRun is a boolean
    pool.planBatch([], { dryRun: 'yes' });
  });
});
