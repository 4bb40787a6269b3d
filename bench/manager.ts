/**
 * The AllocationManager's scheduling cycle at scale: 100,000 queued jobs over 10 tenants on 10,000
 * nodes. Every node starts held by one filler job (the cost of a submit that fits at once is
 * measured there); then 100,000 jobs are queued; then the fillers are released one by one and each
 * release lets the cycle place what fits on the freed node. Figures: jobs placed per second of
 * the cycle, µs per submit, for `fifo` and `drf`.
 *
 *   node --import tsx bench/manager.ts        (or: npm run bench -- manager)
 *
 * Then the cost of tenants come and gone (issue 12 §3): submit+release with 10 tenants, against
 * the same after 100,000 distinct tenants each queued a job, ran one and left, on the same cluster
 * in the same run (target: at most 1.5×); and the heap after 1,000,000 such tenants against the
 * heap before them (target: at most 2×). Then the manager's submit+release against the bare
 * pool's allocate+release on the same cluster (issue 17 §1: at most 3×; the verdict is on wall
 * time, the CPU time of the same rounds is printed beside it).
 *
 * Environment: FAIRPACK_BENCH_MANAGER_NODES (10000), FAIRPACK_BENCH_MANAGER_JOBS (100000),
 * FAIRPACK_BENCH_SEED (2011), FAIRPACK_BENCH_TENANTS (100000), FAIRPACK_BENCH_TENANT_CHURN (1000000),
 * FAIRPACK_BENCH_MANAGER_PARTS (cycle,tenants,pool: the parts to run, all by default).
 */
import { AllocationManager, type FairnessPolicyName, ResourcePool } from 'fairpack';
import { Prng } from './lib/prng.js';
import { collectGarbageAndSettle, envInt, median, verdict } from './lib/report.js';

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

/** µs per submit+release pair of a job that fits, over `tenants` tenants (median of 5 rounds). */
function pairCost(manager: AllocationManager, tenants: number, pairs: number, tick: () => void): number {
  const rounds: number[] = [];
  for (let round = 0; round < 5; round++) {
    collectGarbageAndSettle();
    const t0 = performance.now();
    for (let i = 0; i < pairs; i++) {
      tick();
      const r = manager.submit({ tenant: `steady-${i % tenants}`, resources: { cpu: 1, memory: 2 } });
      if (r.status !== 'allocated') throw new Error('a steady job did not fit');
      manager.release(r.allocation.id);
    }
    rounds.push(((performance.now() - t0) * 1000) / pairs);
  }
  return median(rounds);
}

/** `count` tenants, each with a job that waits (then is cancelled) and a job that runs (then ends). */
function churn(manager: AllocationManager, from: number, count: number, tick: () => void): void {
  for (let i = from; i < from + count; i++) {
    tick();
    const tenant = `passing-${i}`;
    const waits = manager.submit({ tenant, resources: { cpu: 64, memory: 256 } }); // the cluster is never empty: it waits
    const runs = manager.submit({ tenant, resources: { cpu: 1, memory: 2 } });
    if (waits.status !== 'queued' || runs.status !== 'allocated') throw new Error(`the churn did not go as planned: ${JSON.stringify([waits, runs])}`);
    manager.cancel(waits.jobId);
    manager.release(runs.allocation.id);
  }
}

function tenantsComeAndGo(): void {
  const tenants = envInt('FAIRPACK_BENCH_TENANTS', 100_000);
  const total = Math.max(tenants, envInt('FAIRPACK_BENCH_TENANT_CHURN', 1_000_000));
  let time = 0;
  const tick = () => void time++;
  const manager = new AllocationManager({
    nodes: Array.from({ length: nodes }, (_, i) => ({ id: `n${i}`, capacity: { cpu: 64, memory: 256 } })),
    fairness: 'drf',
    placement: 'worst-fit',
    now: () => time,
    timers: false,
  });
  // one small job on every node (worst-fit spreads them), so that a whole-node job always waits
  for (let i = 0; i < nodes; i++) manager.submit({ tenant: 'resident', resources: { cpu: 1, memory: 1 } });
  const pairs = 20_000;
  const before = pairCost(manager, 10, pairs, tick);
  collectGarbageAndSettle();
  const heapBefore = process.memoryUsage().heapUsed;
  churn(manager, 0, tenants, tick);
  const after = pairCost(manager, 10, pairs, tick);
  churn(manager, tenants, total - tenants, tick);
  collectGarbageAndSettle();
  const heapAfter = process.memoryUsage().heapUsed;
  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  console.log(`${nodes} nodes, drf, worst-fit: submit+release ${before.toFixed(2)} µs with 10 tenants; ${after.toFixed(2)} µs after ${tenants.toLocaleString('en')} tenants came and went (${(after / before).toFixed(2)}×)`);
  console.log(`heap ${mib(heapBefore)} before ${total.toLocaleString('en')} one-job tenants, ${mib(heapAfter)} after (${(heapAfter / heapBefore).toFixed(2)}×)\n`);
  verdict('manager', `submit+release after ${tenants.toLocaleString('en')} tenants ≤ 1.5× with 10`, after <= 1.5 * before ? 'PASS' : 'FAIL', `${(after / before).toFixed(2)}× (${before.toFixed(2)} → ${after.toFixed(2)} µs)`);
  verdict('manager', `heap after ${total.toLocaleString('en')} tenants ≤ 2× before`, heapAfter <= 2 * heapBefore ? 'PASS' : 'FAIL', `${(heapAfter / heapBefore).toFixed(2)}× (${mib(heapBefore)} → ${mib(heapAfter)})`);
}

/**
 * Issue 17 §1: what the manager adds to a decision — its submit+release of a job that fits against
 * the bare pool's allocate+release, same cluster (half of every node held), same request shapes,
 * rounds taken in turn in one process (target: at most 3×). 100,000 pairs each: the manager's
 * history of finished jobs (10,000) is full for most of them, as in a long-running server.
 */
function managerOverPool(): void {
  const spec = Array.from({ length: nodes }, (_, i) => ({ id: `n${i}`, capacity: { cpu: 64, memory: 256 } }));
  let time = 0;
  const pool = new ResourcePool({ nodes: spec, placement: 'best-fit', now: () => time });
  const manager = new AllocationManager({ nodes: spec, placement: 'best-fit', fairness: 'drf', now: () => time, timers: false });
  for (let i = 0; i < nodes; i++) {
    pool.allocate({ resources: { cpu: 32, memory: 128 } });
    manager.submit({ tenant: 'resident', resources: { cpu: 32, memory: 128 } });
  }
  const rng = new Prng(seed);
  const shapes = Array.from({ length: 1_000 }, () => {
    const cpu = rng.int(1, 8);
    return { cpu, memory: cpu * rng.int(1, 4) };
  });
  const pairs = 20_000;
  const poolRounds: number[] = [];
  const managerRounds: number[] = [];
  // CPU time of the process as well (user + system, garbage collection threads included): on a
  // machine shared with other work the wall clock also counts the time this process waited for a
  // core, which the CPU time does not
  const poolCpu: number[] = [];
  const managerCpu: number[] = [];
  const cpuMicros = (since: NodeJS.CpuUsage): number => {
    const used = process.cpuUsage(since);
    return (used.user + used.system) / pairs;
  };
  for (let round = 0; round < 5; round++) {
    collectGarbageAndSettle();
    let cpu0 = process.cpuUsage();
    let t0 = performance.now();
    for (let i = 0; i < pairs; i++) {
      time++;
      const r = pool.allocate({ tenant: `t${i % 10}`, resources: shapes[i % shapes.length] as { cpu: number; memory: number } });
      if (!r.ok) throw new Error('a job did not fit the pool');
      pool.release(r.allocation.id);
    }
    poolRounds.push(((performance.now() - t0) * 1000) / pairs);
    poolCpu.push(cpuMicros(cpu0));
    collectGarbageAndSettle();
    cpu0 = process.cpuUsage();
    t0 = performance.now();
    for (let i = 0; i < pairs; i++) {
      time++;
      const r = manager.submit({ tenant: `t${i % 10}`, resources: shapes[i % shapes.length] as { cpu: number; memory: number } });
      if (r.status !== 'allocated') throw new Error('a job did not fit the manager');
      manager.release(r.allocation.id);
    }
    managerRounds.push(((performance.now() - t0) * 1000) / pairs);
    managerCpu.push(cpuMicros(cpu0));
  }
  const bare = median(poolRounds);
  const managed = median(managerRounds);
  const bareCpu = median(poolCpu);
  const managedCpu = median(managerCpu);
  console.log(`${nodes} nodes, best-fit, half of every node held: pool allocate+release ${bare.toFixed(2)} µs, manager submit+release (drf) ${managed.toFixed(2)} µs (medians of 5 rounds of ${pairs.toLocaleString('en')}; rounds ${poolRounds.map((v) => v.toFixed(1)).join('/')} and ${managerRounds.map((v) => v.toFixed(1)).join('/')})\n`);
  console.log(`CPU time per pair (process, user + system): pool ${bareCpu.toFixed(2)} µs, manager ${managedCpu.toFixed(2)} µs = ${(managedCpu / bareCpu).toFixed(2)}× (medians of the same rounds)\n`);
  verdict('manager', `submit+release at ${nodes.toLocaleString('en')} nodes ≤ 3× the bare pool's allocate+release`, managed <= 3 * bare ? 'PASS' : 'FAIL', `${(managed / bare).toFixed(2)}× (${bare.toFixed(2)} → ${managed.toFixed(2)} µs)`);
}

const parts = new Set((process.env['FAIRPACK_BENCH_MANAGER_PARTS'] ?? 'cycle,tenants,pool').split(','));
if (parts.has('cycle')) {
  console.log('## AllocationManager: the scheduling cycle with 100,000 queued jobs\n');
  for (const fairness of ['fifo', 'drf'] as const) run(fairness);
}
if (parts.has('tenants')) {
  console.log('\n## AllocationManager: tenants that come and go\n');
  tenantsComeAndGo();
}
if (parts.has('pool')) {
  console.log('\n## AllocationManager over the bare pool\n');
  managerOverPool();
}
