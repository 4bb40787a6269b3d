// Smoke test of the built ESM entries, loaded through the package's own exports map.
import assert from 'node:assert/strict';
import { ResourcePool, isFairpackError, placementStrategyNames } from 'fairpack';
import { checkInvariants, checkReleaseAllRestoresCapacity, placementStrategyContract } from 'fairpack/testing';

for (const placement of placementStrategyNames) {
  const pool = new ResourcePool({ placement, nodes: [{ id: 'a', capacity: { cpu: 4, memory: 8 } }, { id: 'b', capacity: { cpu: 8, memory: 8, gpu: 1 } }] });
  const r = pool.allocate({ resources: { cpu: 1.5, memory: 2 }, replicas: 2 });
  assert.equal(r.ok, true);
  assert.match(r.allocation.id, /^[\w-]{21,}$/, 'URL-safe ids (a nanoid prefix per pool, a counter and a slot)');
  assert.equal(pool.allocate({ resources: { gpu: 2 } }).ok, false);
  checkInvariants(pool);
  checkReleaseAllRestoresCapacity(pool);
}
try {
  new ResourcePool({ placement: 'nope' });
  assert.fail('expected UNKNOWN_STRATEGY');
} catch (error) {
  assert.equal(isFairpackError(error), true);
  assert.equal(error.code, 'UNKNOWN_STRATEGY');
}
const [first] = placementStrategyContract(() => ({ name: 'cheap', score: () => 0 }), { numRuns: 5 });
first.run();
console.log('smoke (esm): ok');
