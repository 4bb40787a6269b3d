import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ResourcePool } from '../../src/index.js';
import { KEPT_RESULT_SHAPES } from '../../src/pool/result-shapes.js';

const run = promisify(execFile);

describe('the shapes of allocate and release results', () => {
  it('keeps one result of each shape, with the keys in the order allocate and release build them', () => {
    // the kept results share their maps with the real ones only while the keys come in the same order
    const pool = new ResourcePool({ nodes: [{ id: 'a', capacity: { cpu: 4 } }] });
    const result = pool.allocate({ resources: { cpu: 1 } });
    if (!result.ok) throw new Error('expected the request to fit');
    const freed = pool.release(result.allocation.id);
    expect(KEPT_RESULT_SHAPES.map((kept) => Object.keys(kept as object))).toEqual([Object.keys(result), Object.keys(freed)]);
    expect(KEPT_RESULT_SHAPES.every((kept) => Object.isFrozen(kept))).toBe(true);
    expect(Object.isFrozen(result) && Object.isFrozen(freed)).toBe(true);
  });

  it("results share the kept results' maps, and a caller's optimized code survives full collections that free every result it dropped", async () => {
    // V8's natives (%OptimizeFunctionOnNextCall …) need a process of their own
    const { stdout } = await run(process.execPath, ['--allow-natives-syntax', '--expose-gc', '--import', 'tsx', 'test/pool/fixtures/caller-survives-gc.ts', 'pool'], { timeout: 60_000 });
    expect(stdout.trim().split('\n')).toEqual(['same maps', 'optimized']);
  }, 90_000);
});
