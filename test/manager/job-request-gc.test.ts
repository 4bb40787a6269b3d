import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

/*
 * A job request's parse once built the pool's request key by key and dropped it: V8 holds that
 * hidden class only weakly, and once a full collection freed it, the optimized code of the
 * manager's parse and of the pool's (which checked against it) was thrown away — after every
 * forced collection of the manager bench. The pool now reads the job request itself (no such
 * object is built); this keeps the parse's optimized code checked across collections.
 */
describe('the job request parse across full collections', () => {
  it('keeps its optimized code (no "weak objects" deoptimization of the parse)', async () => {
    // V8's trace needs a process of its own
    const { stdout } = await run(process.execPath, ['--expose-gc', '--trace-deopt', '--import', 'tsx', 'test/manager/fixtures/parse-survives-gc.ts'], { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
    expect(stdout).toContain('done');
    const thrownAway = stdout.split('\n').filter((line) => line.includes('weak objects') && /parseJobData|parseRequestData/.test(line));
    expect(thrownAway).toEqual([]);
  }, 90_000);
});
