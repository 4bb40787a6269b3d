import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { AllocationManager } from '../../src/index.js';
import { KEPT_RESULT_SHAPES } from '../../src/manager/result-shapes.js';

const run = promisify(execFile);

describe("the shapes of the manager's started and released answers", () => {
  it('keeps one answer of each shape, with the keys in the order submit and release build them', () => {
    const mgr = new AllocationManager({ nodes: [{ id: 'a', capacity: { cpu: 4 } }], timers: false });
    const started = mgr.submit({ tenant: 't', resources: { cpu: 1 } });
    if (started.status !== 'allocated') throw new Error('expected the job to start');
    const released = mgr.release(started.allocation.id);
    expect(KEPT_RESULT_SHAPES.map((kept) => Object.keys(kept as object))).toEqual([Object.keys(started), Object.keys(released)]);
    expect(KEPT_RESULT_SHAPES.every((kept) => Object.isFrozen(kept))).toBe(true);
  });

  it("fresh answers share the kept answers' maps, and a caller's optimized loop survives full collections", async () => {
    // V8's natives (%HaveSameMap …) need a process of their own: the pool's fixture, in its manager mode
    const { stdout } = await run(process.execPath, ['--allow-natives-syntax', '--expose-gc', '--import', 'tsx', 'test/pool/fixtures/caller-survives-gc.ts', 'manager'], { timeout: 60_000 });
    expect(stdout.trim().split('\n')).toEqual(['same maps', 'optimized']);
  }, 90_000);
});
