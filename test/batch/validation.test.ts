import { describe, expect, it } from 'vitest';
import { type AllocationRequest, type FairpackErrorCode, type PlanBatchOptions, ResourcePool, isFairpackError } from 'fairpack';
import { poolSnapshot } from 'fairpack/testing';
import { sameNodes } from './helpers.js';

function poolWithWork(): ResourcePool {
  const pool = new ResourcePool({ nodes: sameNodes(2, { cpu: 8, memory: 16 }) });
  pool.allocate({ id: 'live', resources: { cpu: 2, memory: 4 } });
  return pool;
}

/** Runs planBatch, expecting a FairpackError with `code`; checks the pool did not change. */
function expectRefused(call: (pool: ResourcePool) => unknown, code: FairpackErrorCode): { message: string; details: Readonly<Record<string, unknown>> } {
  const pool = poolWithWork();
  const before = poolSnapshot(pool);
  let caught: unknown;
  try {
    call(pool);
  } catch (error) {
    caught = error;
  }
  if (!isFairpackError(caught)) throw new Error(`expected a FairpackError ${code}, got ${String(caught)}`);
  expect(caught.code).toBe(code);
  expect(poolSnapshot(pool)).toEqual(before);
  return caught;
}

const good: AllocationRequest[] = [{ resources: { cpu: 1 } }, { resources: { cpu: 2 } }];

describe('planBatch validates every request before placing anything', () => {
  it.each([
    ['a negative amount', { resources: { cpu: -1 } }, 'INVALID_RESOURCES'],
    ['too many decimals', { resources: { cpu: 0.0001 } }, 'INVALID_RESOURCES'],
    ['a string amount', { resources: { cpu: '2' } }, 'INVALID_RESOURCES'],
    ['not an object', 42, 'INVALID_REQUEST'],
    ['zero replicas', { resources: { cpu: 1 }, replicas: 0 }, 'INVALID_REQUEST'],
    ['a non-boolean spread', { resources: { cpu: 1 }, spread: 'yes' }, 'INVALID_REQUEST'],
  ] as const)('one request with %s throws, names its index and keeps the code', (_, bad, code) => {
    const { message, details } = expectRefused((pool) => pool.planBatch([...good, bad as unknown as AllocationRequest]), code);
    expect(message).toMatch(/^Request 2 of the batch is invalid: Expected /);
    expect(details['index']).toBe(2);
  });

  it('refuses requests that are not an array, and holes in one', () => {
    expectRefused((pool) => pool.planBatch({ resources: { cpu: 1 } } as unknown as AllocationRequest[]), 'INVALID_REQUEST');
    const sparse: AllocationRequest[] = [];
    sparse[1] = { resources: { cpu: 1 } };
    expect(expectRefused((pool) => pool.planBatch(sparse), 'INVALID_REQUEST').details['index']).toBe(0);
  });

  it('refuses an id that is live, or used twice in the batch', () => {
    const live = expectRefused((pool) => pool.planBatch([{ resources: { cpu: 1 } }, { id: 'live', resources: { cpu: 1 } }]), 'DUPLICATE_ALLOCATION');
    expect(live.message).toContain('request 1 of the batch');
    expect(live.message).toContain('live allocation');
    const twice = expectRefused((pool) => pool.planBatch([{ id: 'x', resources: { cpu: 1 } }, { id: 'x', resources: { cpu: 1 } }]), 'DUPLICATE_ALLOCATION');
    expect(twice.message).toContain('request 0 of the batch has it too');
    expect(twice.details).toMatchObject({ id: 'x', index: 1, other: 0 });
  });

  it('plans an empty batch as an empty plan', () => {
    const plan = poolWithWork().planBatch([]);
    expect(plan).toMatchObject({ placedCount: 0, placed: [], unplaced: [], nodesUsed: 1, committed: true });
    expect(plan.candidates).toHaveLength(8);
  });
});

describe('planBatch validates its options', () => {
  it.each([
    ['an unknown algorithm', { algorithm: 'magic' }, "Expected `algorithm` to be one of 'auto', 'ffd', 'bfd', 'dot-product', 'l2-norm', 'smallest-first', 'one-at-a-time', got \"magic\" (string)"],
    ['an unknown size key', { sizeKey: 'volume' }, "Expected `sizeKey` to be one of 'sum', 'max', 'l2', got \"volume\" (string)"],
    ['an unknown placement', { placement: 'random' }, "Expected `placement` to be one of 'first-fit', 'best-fit', 'worst-fit', 'dot-product', got \"random\" (string). Omit it for 'best-fit'."],
    ['a non-boolean dryRun', { dryRun: 'yes' }, 'Expected `dryRun` to be true or false, got "yes" (string)'],
    ['a negative timeLimitMs', { timeLimitMs: -1 }, 'Expected `timeLimitMs` to be a finite number >= 0 (milliseconds; 0 turns the improvement phase off), got -1 (number). Omit it for 20.'],
    ['an infinite timeLimitMs', { timeLimitMs: Infinity }, 'Expected `timeLimitMs` to be a finite number >= 0'],
    ['a string workLimit', { workLimit: '1000' }, 'Expected `workLimit` to be a finite number >= 0 (work units; 0 turns the improvement phase off), got "1000" (string)'],
    ['a fractional workLimit', { workLimit: 1.5 }, 'Expected `workLimit` to be a whole number of work units, got 1.5 (number). Round it, or omit it for 100000.'],
    ['a clock that is not a function', { clock: 42 }, 'Expected `clock` to be a function returning milliseconds, got 42 (number). Omit it for Date.now.'],
    ['an unknown option', { dryrun: true }, 'Unknown planBatch option `dryrun`. Did you mean `dryRun`? Accepted: algorithm, sizeKey, placement, dryRun, timeLimitMs, workLimit, clock.'],
    ['options that are not an object', null, 'Expected planBatch options to be an object'],
  ])('%s → INVALID_OPTION, listing what is allowed', (_, options, text) => {
    const { message } = expectRefused((pool) => pool.planBatch(good, options as unknown as PlanBatchOptions), 'INVALID_OPTION');
    expect(message).toContain(text);
  });

  it('refuses a clock that returns nonsense, before anything is placed', () => {
    // the improvement phase reads the clock first: the plan is not committed yet
    const { message } = expectRefused((pool) => pool.planBatch(good, { clock: () => Number.NaN }), 'INVALID_OPTION');
    expect(message).toBe('Expected the planBatch `clock` to return finite milliseconds, got NaN (number). Nothing was placed; fix the clock or omit it.');
  });

  it('checks options before requests', () => {
    expectRefused((pool) => pool.planBatch([42 as unknown as AllocationRequest], { algorithm: 'nope' as 'ffd' }), 'INVALID_OPTION');
  });
});
