import { AllocationManager } from 'fairpack';
import { type AllocationRecordSnapshot, AllocationTools, type AllocationToolsRestoreOptions, type AllocationToolsSnapshot, SEED_PRIORITY_CLASSES } from 'fairpack/mcp';
import { describe, expectTypeOf, it } from 'vitest';

describe('AllocationTools snapshot types', () => {
  it('snapshot() is plain data; restore takes a manager, any value and the options JSON cannot carry', () => {
    const tools = new AllocationTools();
    const snapshot = tools.snapshot();
    expectTypeOf(snapshot).toEqualTypeOf<AllocationToolsSnapshot>();
    expectTypeOf(snapshot.allocations).toEqualTypeOf<readonly AllocationRecordSnapshot[]>();
    expectTypeOf(snapshot.clock).toEqualTypeOf<number | null>();
    const manager = new AllocationManager({ capacity: { cpu: 16, memory: 32768, workers: 10 }, priorityClasses: SEED_PRIORITY_CLASSES });
    expectTypeOf(AllocationTools.restore(manager, JSON.parse('{}') as unknown, { now: () => 0 })).toEqualTypeOf<AllocationTools>();
    expectTypeOf<AllocationToolsRestoreOptions>().toEqualTypeOf<{ readonly now?: () => number; readonly newAllocationId?: () => string }>();
    // @ts-expect-error the settings come from the snapshot: workerCpu is not a restore option
    AllocationTools.restore(manager, snapshot, { workerCpu: 2 });
  });
});
