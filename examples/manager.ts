/**
 * AllocationManager in one run — the companion of docs/manager.md.
 * Run it with `npx tsx examples/manager.ts`. The output is the same on every run: the clock is
 * injected (so no timers are armed and time moves only when the example says so) and every job
 * has an explicit id (allocation ids are random; the example never prints them).
 *
 * Two tenants share a two-node cluster under weighted DRF (the default policy):
 *   - `analytics` runs memory-heavy tasks ⟨1 cpu, 6 GB⟩: dominant share 6/32 = 3/16 per task.
 *   - `builds` runs cpu-heavy tasks ⟨2 cpu, 1 GB⟩: dominant share 2/8 = 1/4 per task.
 * A backup job holds the whole cluster for 1 s (`ttlMs`); everything else queues behind it. When
 * the clock passes its TTL, `tick()` expires it and one scheduling cycle shares the room out.
 */
import { AllocationManager, type JobView } from 'fairpack';

let now = 0; // milliseconds on our own clock
const mgr = new AllocationManager({
  nodes: [
    { id: 'n1', capacity: { cpu: 4, memory: 16 } },
    { id: 'n2', capacity: { cpu: 4, memory: 16 } },
  ],
  fairness: 'drf',
  now: () => now,
});

const who = (job: JobView) => `${job.id} (${job.tenant})`;
const say = (line: string) => console.log(`t=${String(now).padEnd(5)} ${line}`);
mgr.on('allocated', (allocation, job) => say(`allocated ${who(job)} on ${allocation.placements.map((p) => p.nodeId).join('+')}`));
mgr.on('expired', (_allocation, job) => say(`expired   ${who(job)}: ${job.reason}`));
mgr.on('released', (_allocation, job) => say(`released  ${who(job)} as ${job.status}`));
mgr.on('cancelled', (job) => say(`cancelled ${who(job)}`));
mgr.on('error', (error) => console.error('a listener threw:', error));

// One job, two replicas spread over both nodes, for one second.
mgr.submit({ id: 'backup', tenant: 'ops', resources: { cpu: 4, memory: 16 }, replicas: 2, spread: true, ttlMs: 1_000 });

// Builds arrive first, analytics later: arrival order alone would give builds everything.
const results = mgr.submitMany([
  ...[1, 2, 3, 4].map((i) => ({ id: `build-${i}`, tenant: 'builds', resources: { cpu: 2, memory: 1 } })),
  ...[1, 2, 3, 4].map((i) => ({ id: `report-${i}`, tenant: 'analytics', resources: { cpu: 1, memory: 6 } })),
]);
const first = results[0];
if (first?.status === 'queued') say(`queued    ${results.length} jobs; build-1 waits: ${first.reason}, ${first.message}`);
console.log('          queues:', mgr.queues().map((q) => `${q.tenant}/${q.priority} ×${q.length}`).join(', '));

// The last report is no longer needed.
mgr.cancel('report-4');

// Time passes. Nothing happens until tick(): the backup's TTL is over, its room frees, and one
// cycle shares it out by dominant share (DRF: lowest share ÷ weight first; both weights are 1):
//   builds 0 = analytics 0 → build-1 (its head arrived first)        builds    → 2/8  = 1/4
//   analytics 0 < 1/4      → report-1                                 analytics → 6/32 = 3/16
//   analytics 3/16 < 1/4   → report-2                                 analytics → 12/32 = 3/8
//   builds 1/4 < 3/8       → build-2                                  builds    → 4/8  = 1/2
//   analytics 3/8 < 1/2    → report-3                                 analytics → 18/32 = 9/16
//   builds 1/2 < 9/16, but build-3 needs 2 cpu and 1 is left (7 of 8 in use): builds waits;
//   analytics has nothing left (report-4 was cancelled). Five jobs start in one cycle.
now = 1_000;
const { expired } = mgr.tick();
say(`tick() expired [${expired.join(', ')}]`);

// Builds finish one by one; each release drives the queue again.
now = 1_600;
for (const id of ['build-1', 'build-2']) {
  const allocationId = mgr.job(id)?.allocationId;
  if (allocationId !== undefined) mgr.release(allocationId, { outcome: 'completed' });
}

const m = mgr.metrics();
console.log('\nmetrics');
console.log('  jobs       ', Object.entries(m.jobs).filter(([, n]) => n > 0).map(([status, n]) => `${status} ${n}`).join(', '));
console.log('  utilisation', Object.entries(m.utilisation).map(([d, u]) => `${d} ${(u * 100).toFixed(1)}%`).join(', '));
for (const [tenant, t] of Object.entries(m.tenants)) {
  console.log(`  ${tenant.padEnd(10)} running ${t.running}, queued ${t.queued}, usage ${JSON.stringify(t.usage)}, dominant share ${t.dominantShare.toFixed(4)}`);
}
console.log('  decisions  ', m.decisions);
