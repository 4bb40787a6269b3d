import fc from 'fast-check';
import { ResourcePool } from 'fairpack';
import { checkInvariants, poolSnapshot } from 'fairpack/testing';
import { describe, it } from 'vitest';
import { fuzzParameters, fuzzTimeout } from './support/budget.js';
import { type FuzzCall, type Ids, callOf, attempt, prototypes, resolveArguments } from './support/calls.js';
import { checkCall, fuzzConstructor } from './support/check-call.js';
import { CORE_HOSTILITY } from './support/core-bugs.js';
import { FuzzClock, reading } from './support/clock.js';
import { argument } from './support/hostile.js';
import { tallies } from './support/tally.js';
import { id, nodeSpec, nodeStatus, planBatchOptions, poolOptions, poolRequest } from './support/valid.js';

/*
 * Layer 1, ResourcePool: every public method called with hostile arguments (and under hostile
 * clock readings), between valid calls that keep the pool busy. After each call: no untyped
 * error, a refused call changed nothing (poolSnapshot), no prototype changed, the books balance.
 */

const call = (method: string, ...args: fc.Arbitrary<unknown>[]): fc.Arbitrary<FuzzCall> => callOf(method, args, CORE_HOSTILITY);

const calls: fc.Arbitrary<FuzzCall> = fc.oneof(
  { weight: 6, arbitrary: call('allocate', poolRequest()) },
  { weight: 3, arbitrary: call('release', id('allocation')) },
  { weight: 2, arbitrary: call('addNode', nodeSpec()) },
  { weight: 2, arbitrary: call('removeNode', id('node'), fc.record({ force: fc.boolean() }, { requiredKeys: [] })) },
  { weight: 2, arbitrary: call('setNodeStatus', id('node'), nodeStatus) },
  { weight: 2, arbitrary: call('planBatch', fc.array(poolRequest(), { maxLength: 4 }), planBatchOptions) },
  { weight: 1, arbitrary: call('node', id('node')) },
  { weight: 1, arbitrary: call('allocation', id('allocation')) },
  // reads take no arguments: a hostile one must be ignored
  { weight: 1, arbitrary: fc.constantFrom('nodes', 'capacity', 'allocations').chain((method) => call(method, fc.constant(undefined))) },
);

/** The methods that read the clock (createdAt): under a bad reading they must refuse, not change. */
const TIMED = new Set(['allocate', 'planBatch']);

function ids(pool: ResourcePool): Ids {
  return { allocation: pool.allocations().map((a) => a.id), node: pool.nodes().map((n) => n.id), job: [], tenant: [] };
}

const snapshot = (pool: ResourcePool): string => JSON.stringify(poolSnapshot(pool));

const [tally, constructorTally] = tallies('ResourcePool', 'library: ResourcePool methods', 'library: new ResourcePool');

describe('fuzz: ResourcePool', () => {
  it('hostile arguments and clock readings: typed refusals that change nothing, balanced books, prototypes untouched', () => {
    const baseline = prototypes();
    fc.assert(
      fc.property(fc.array(fc.record({ call: calls, reading }), { minLength: 5, maxLength: 40 }), (steps) => {
        const clock = new FuzzClock();
        const pool = new ResourcePool({ nodes: [{ id: 'n1', capacity: { cpu: 8, memory: 16 } }, { id: 'n2', capacity: { cpu: 4, gpu: 2 }, labels: { zone: 'a' } }], now: clock.now });
        for (const { call: { method, args }, reading: next } of steps) {
          const badClock = clock.set(next);
          const before = snapshot(pool);
          const resolved = args.map((arg) => resolveArguments(arg, ids(pool)));
          const outcome = attempt(() => (pool as unknown as Record<string, (...a: unknown[]) => unknown>)[method]?.(...resolved));
          clock.heal();
          checkCall(`pool.${method}`, outcome, { before, after: () => snapshot(pool), badClock: badClock && TIMED.has(method), prototypes: baseline }, tally);
          checkInvariants(pool);
        }
      }),
      fuzzParameters(120),
    );
  }, fuzzTimeout(60_000));

  it('new ResourcePool(hostile options): a pool or a typed refusal, prototypes untouched', () => {
    fuzzConstructor('ResourcePool', argument(poolOptions, CORE_HOSTILITY), (options) => new ResourcePool(options as never), checkInvariants, constructorTally, 300);
  }, fuzzTimeout(60_000));
});
