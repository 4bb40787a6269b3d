import { describe, expectTypeOf, it } from 'vitest';
import { type Allocation, AllocationManager, type DefragmentationPlan, type FairnessPolicy, type MigrationEvent, type MigrationResult, type ScalingAdvice, type JobView, type PreemptionEvent, type QuotaShortfall, type QuotaView, type SubmitResult, drf } from 'fairpack';

describe('AllocationManager types', () => {
  it('submit returns a union on status; events are typed', () => {
    const manager = new AllocationManager({ capacity: { cpu: 1 }, fairness: 'drf' });
    const result = manager.submit({ resources: { cpu: 1 }, tenant: 'a', priority: 'high', ttlMs: 10 });
    expectTypeOf(result).toEqualTypeOf<SubmitResult>();
    if (result.status === 'allocated') expectTypeOf(result.allocation).toEqualTypeOf<Allocation>();
    if (result.status === 'queued') expectTypeOf(result.position).toEqualTypeOf<number>();
    if (result.status === 'rejected') {
      expectTypeOf(result.code).toEqualTypeOf<'QUEUE_FULL' | 'UNSATISFIABLE' | 'QUOTA_EXCEEDED'>();
      expectTypeOf(result.quota).toEqualTypeOf<QuotaShortfall | undefined>();
    }
    manager.on('preempted', (event) => {
      expectTypeOf(event).toEqualTypeOf<PreemptionEvent>();
      expectTypeOf(event.victim).toEqualTypeOf<JobView>();
      expectTypeOf(event.graceEndsAt).toEqualTypeOf<number>();
    });
    expectTypeOf(manager.setQuota('a', { cpu: 8 }, { onExceed: 'queue', burst: 1.5 })).toEqualTypeOf<QuotaView>();
    expectTypeOf(manager.metrics().preemptions.total).toEqualTypeOf<number>();
    manager.on('allocated', (allocation, job) => {
      expectTypeOf(allocation).toEqualTypeOf<Allocation>();
      expectTypeOf(job).toEqualTypeOf<JobView>();
    });
    manager.on('expired', (allocation, job) => {
      expectTypeOf(job.status).toEqualTypeOf<JobView['status']>();
      expectTypeOf(allocation.id).toEqualTypeOf<string>();
    });
    expectTypeOf(manager.acquire({ resources: { cpu: 1 } })).toEqualTypeOf<Promise<Allocation>>();
    expectTypeOf(drf()).toEqualTypeOf<FairnessPolicy>();
  });

  it('scaling advice and defragmentation are typed', () => {
    const manager = new AllocationManager({ capacity: { cpu: 1 } });
    const advice = manager.scalingAdvice({ nodeTypes: [{ name: 'small', capacity: { cpu: 4 }, costPerHour: 0.2, max: 3 }], scaleDown: { idleForMs: 60_000 } });
    expectTypeOf(advice).toEqualTypeOf<ScalingAdvice>();
    expectTypeOf(advice.add[0]?.for).toEqualTypeOf<readonly string[] | undefined>();
    expectTypeOf(advice.remove[0]?.reason).toEqualTypeOf<'idle' | 'underutilised' | undefined>();
    const plan = manager.planDefragmentation({ for: { resources: { cpu: 1 } }, maxMoves: 3, priorityAtMost: 'low' });
    expectTypeOf(plan).toEqualTypeOf<DefragmentationPlan>();
    expectTypeOf(plan.fits).toEqualTypeOf<string | null | undefined>();
    expectTypeOf(manager.applyDefragmentation(plan).migrated).toEqualTypeOf<readonly MigrationResult[]>();
    manager.on('migrated', (event) => expectTypeOf(event).toEqualTypeOf<MigrationEvent>());
    // @ts-expect-error nodeTypes is required
    manager.scalingAdvice({});
    const targeted = manager.scalingAdvice({ nodeTypes: [{ name: 'small', capacity: { cpu: 4 }, costPerHour: 0.2 }], scaleUp: { waitTargetMs: 3_600_000 } });
    expectTypeOf(targeted.expectedStarts[0]?.at).toEqualTypeOf<number | undefined>();
    // @ts-expect-error the target is milliseconds, not text
    manager.scalingAdvice({ nodeTypes: [], scaleUp: { waitTargetMs: '1h' } });
  });

  it('rejects misuse at compile time', () => {
    const manager = new AllocationManager({ capacity: { cpu: 1 } });
    // @ts-expect-error unknown event names are refused
    manager.on('finished', () => undefined);
    // @ts-expect-error payloads are typed
    manager.on('queued', (job: number) => job);
    // @ts-expect-error unknown fairness policy names are refused
    void (() => new AllocationManager({ fairness: 'lottery' }));
    // @ts-expect-error outcome is 'completed' | 'failed' | 'preempted'
    void (() => manager.release('x', { outcome: 'done' }));
    // @ts-expect-error onExceed is 'reject' | 'queue'
    void (() => manager.setQuota('a', { cpu: 1 }, { onExceed: 'drop' }));
  });
});
