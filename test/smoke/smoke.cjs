// Smoke test of the built CommonJS entries (nanoid is bundled into them: it is ESM-only).
const assert = require('node:assert/strict');
const { ResourcePool, isFairpackError, FairpackError } = require('fairpack');
const { checkInvariants } = require('fairpack/testing');
const { AllocationTools, SEED_PRIORITY_CLASSES } = require('fairpack/mcp');
const { FairpackClient } = require('fairpack/client');

async function main() {
  const pool = new ResourcePool({ capacity: { cpu: 2 } });
  const r = pool.allocate({ resources: { cpu: 0.5 } });
  assert.equal(r.ok, true);
  assert.match(r.allocation.id, /^[\w-]{21,}$/, "URL-safe ids, from the bundled nanoid");
  checkInvariants(pool);
  pool.release(r.allocation.id);
  assert.deepEqual(pool.capacity().available, { cpu: 2 });

  // isFairpackError recognises errors thrown by the other (ESM) copy, and the ESM guard ours
  const esm = await import('fairpack');
  assert.notEqual(esm.FairpackError, FairpackError, 'two copies are loaded');
  let fromEsm;
  try {
    new esm.ResourcePool({ precision: -1 });
  } catch (error) {
    fromEsm = error;
  }
  assert.equal(isFairpackError(fromEsm), true);
  assert.equal(esm.isFairpackError(new FairpackError('INVALID_OPTION', 'x')), true);
  assert.equal(isFairpackError(new Error('plain')), false);

  // fairpack/mcp carries its own copy of the manager in CommonJS: a manager from 'fairpack' still works
  const { AllocationManager } = require('fairpack');
  const manager = new AllocationManager({ capacity: { cpu: 16, memory: 32768, workers: 10 }, priorityClasses: SEED_PRIORITY_CLASSES });
  const tools = new AllocationTools({ manager });
  const granted = tools.requestResources({ job_id: 'job-001', mcp_servers: ['github'], workers: 2 });
  assert.equal(granted.status, 'active');
  assert.equal(tools.getCapacity().available_workers, 8);
  try {
    tools.requestResources({ job_id: 'job-001', mcp_servers: [], workers: -1 });
    assert.fail('expected INVALID_REQUEST');
  } catch (error) {
    assert.equal(isFairpackError(error), true);
    assert.equal(error.code, 'INVALID_REQUEST');
  }
  tools.close();
  manager.close();

  // fairpack/client in CommonJS: its errors are recognised by the other copies' guard
  try {
    new FairpackClient({ url: [] });
    assert.fail('expected INVALID_OPTION');
  } catch (error) {
    assert.equal(esm.isFairpackError(error), true);
    assert.equal(error.code, 'INVALID_OPTION');
  }
  console.log('smoke (cjs): ok');
}
main().catch((error) => {
  console.error(error);
  process.exit(1);
});
