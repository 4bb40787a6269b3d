/**
 * The AllocationManager's scheduling cycle at scale: 100,000 queued jobs over 10 tenants on 10,000
 * nodes. Every node starts held by one filler job (the cost of a submit that fits at once is
 * measured there); then 100,000 jobs are queued; then the fillers are released one by one and each
 * release lets the cycle place what fits on the freed node. Figures: jobs placed per second of
 * the cycle, µs per submit, for `fifo` and `drf`.
 *
 *   node --import tsx bench/manager.ts        (or: npm run bench -- manager)
 *
 * Environment: FAIRPACK_BENCH_MANAGER_NODES (10000), FAIRPACK_BENCH_MANAGER_JOBS (100000),
 * FAIRPACK_BENCH_SEED (2011).
 */
import { AllocationManager, type FairnessPolicyName } from 'fairpack';
import { Prng } from './lib/prng.js';

const nodes = Number(process.env['FAIRPACK_BENCH_MANAGER_NODES'] ?? 10_000);
const jobs = Number(process.env['FAIRPACK_BENCH_MANAGER_JOBS'] ?? 100_000);
const seed = Number(process.env['FAIRPACK_BENCH_SEED'] ?? 2011);
const TENANTS = Array.from({ length: 10 }, (_, i) => `tenant-${i}`);

function run(fairness: FairnessPolicyName): void {
  let time = 0;
  const manager = new AllocationManager({
    nodes: Array.from({ length: nodes }, (_, i) => ({ id: `n${i}`, capacity: { cpu: 64, memory: 256 } })),
    fairness,
    now: () => time,
    timers: false,
    starvation: false,
    history: 1000,
  });
  const rng = new Prng(seed);
  let t0 = performance.now();
  const fillers: string[] = [];
  for (let i = 0; i < nodes; i++) {
    const r = manager.submit({ tenant: 'filler', resources: { cpu: 64, memory: 256 } });
    if (r.status !== 'allocated') throw new Error('a filler did not fit');
    fillers.push(r.allocation.id);
  }
  const fitsMicros = ((performance.now() - t0) * 1000) / nodes;
  t0 = performance.now();
  for (let i = 0; i < jobs; i++) {
    const cpu = rng.int(1, 8);
    manager.submit({ tenant: TENANTS[i % TENANTS.length] as string, resources: { cpu, memory: cpu * rng.pick([2, 4]) } });
  }
  const queuedMicros = ((performance.now() - t0) * 1000) / jobs;
  t0 = performance.now();
  for (const id of fillers) {
    time++;
    manager.release(id);
  }
  const seconds = (performance.now() - t0) / 1000;
  const placed = manager.metrics().running;
  console.log(
    `${fairness.padEnd(5)}  ${nodes} nodes, ${jobs} queued jobs: placed ${placed} jobs in ${seconds.toFixed(2)} s of releases = ${Math.round(placed / seconds).toLocaleString('en')} jobs/s; ` +
      `submit that fits ${fitsMicros.toFixed(1)} µs, submit that queues ${queuedMicros.toFixed(1)} µs; still queued ${manager.metrics().queued}`,
  );
}

console.log('## AllocationManager: the scheduling cycle with 100,000 queued jobs\n');
for (const fairness of ['fifo', 'drf'] as const) run(fairness);
