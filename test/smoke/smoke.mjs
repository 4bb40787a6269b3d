// Smoke test of the built ESM entries, loaded through the package's own exports map.
import assert from 'node:assert/strict';
import { AllocationManager, ResourcePool, isFairpackError, placementStrategyNames } from 'fairpack';
import { FairpackClient } from 'fairpack/client';
import { AllocationTools, SEED_PRIORITY_CLASSES } from 'fairpack/mcp';
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

// fairpack/mcp: the seed's tools, on a manager of its own and on one from 'fairpack'
const tools = new AllocationTools();
const granted = tools.requestResources({ job_id: 'job-001', mcp_servers: ['filesystem'], workers: 4 });
assert.deepEqual([granted.status, granted.allocation_id.startsWith('alloc-'), granted.resources], ['active', true, { cpu: 4, memory: 8192, workers: 4 }]);
assert.equal(tools.releaseResources({ allocation_id: granted.allocation_id }).status, 'released');
tools.close();
const shared = new AllocationManager({ capacity: { cpu: 16, memory: 32768, workers: 10 }, priorityClasses: SEED_PRIORITY_CLASSES });
const onShared = new AllocationTools({ manager: shared });
assert.equal(onShared.requestResources({ job_id: 'j', mcp_servers: [], workers: 20 }).error, 'Insufficient workers: requested 20, available 10');
onShared.close();
shared.close();
console.log('smoke (esm): ok');

// fairpack/client: built, loads without any dependency, and refuses a bad URL with a typed error
assert.throws(() => new FairpackClient({ url: 'localhost:8080' }), (error) => isFairpackError(error) && error.code === 'INVALID_OPTION');
assert.equal(typeof new FairpackClient({ url: 'http://127.0.0.1:1' }).submit, 'function');
