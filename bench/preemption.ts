/**
 * A preemption decision at scale: 10,000 nodes (64 cpu, 256 GiB) each running 10 low-priority jobs
 * (6 cpu, 24 GiB, random estimated runtimes) — 100,000 running jobs, 4 cpu and 16 GiB free per
 * node. A `high` job asking 12 cpu and 32 GiB fits nowhere; on every node evicting two of the
 * low jobs makes room, so the manager scans every node's victims and ranks the nodes. Each
 * decision is timed as the `submit` that makes it; the job is then cancelled (its victims are
 * reprieved), which restores the cluster for the next repetition. For scale, the same cluster's
 * `submit` of a job that fits at once is timed too.
 *
 *   node --import tsx bench/preemption.ts        (or: npm run bench -- preemption)
 *
 * Environment: FAIRPACK_BENCH_PREEMPTION_NODES (10000), FAIRPACK_BENCH_PREEMPTION_REPS (200),
 * FAIRPACK_BENCH_SEED (2011).
 */
import { AllocationManager } from 'fairpack';
import { Prng } from './lib/prng.js';

const nodes = Number(process.env['FAIRPACK_BENCH_PREEMPTION_NODES'] ?? 10_000);
const reps = Number(process.env['FAIRPACK_BENCH_PREEMPTION_REPS'] ?? 200);
const seed = Number(process.env['FAIRPACK_BENCH_SEED'] ?? 2011);

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

function main(): void {
  const time = 0;
  const manager = new AllocationManager({
    nodes: Array.from({ length: nodes }, (_, i) => ({ id: `n${i}`, capacity: { cpu: 64, memory: 256 } })),
    placement: 'best-fit',
    now: () => time,
    timers: false,
    starvation: false,
    history: 100,
  });
  const rng = new Prng(seed);
  const t0 = performance.now();
  for (let i = 0; i < nodes * 10; i++) {
    const result = manager.submit({ tenant: `t${i % 10}`, priority: 'low', resources: { cpu: 6, memory: 24 }, estimatedRuntimeMs: rng.int(1_000, 3_600_000) });
    if (result.status !== 'allocated') throw new Error('a low job did not fit');
  }
  const fillSeconds = (performance.now() - t0) / 1000;
  let preempted = 0;
  manager.on('preempted', () => preempted++);
  const decisions: number[] = [];
  const fits: number[] = [];
  for (let r = 0; r < reps; r++) {
    let start = performance.now();
    const result = manager.submit({ tenant: 'urgent', priority: 'high', resources: { cpu: 12, memory: 32 } });
    decisions.push((performance.now() - start) * 1000);
    if (result.status !== 'queued' || result.reason !== 'preempting') throw new Error(`expected a preemption, got ${result.status}`);
    manager.cancel(result.jobId);
    start = performance.now();
    const small = manager.submit({ tenant: 'urgent', priority: 'high', resources: { cpu: 1, memory: 1 } });
    fits.push((performance.now() - start) * 1000);
    if (small.status !== 'allocated') throw new Error('the small job did not fit');
    manager.release(small.allocation.id);
  }
  decisions.sort((a, b) => a - b);
  fits.sort((a, b) => a - b);
  const running = manager.metrics().running;
  console.log('## Preemption: one decision among 100,000 running low-priority jobs\n');
  console.log(`${nodes} nodes, ${running} running low jobs (filled in ${fillSeconds.toFixed(1)} s), ${reps} decisions, ${preempted} victims chosen (2 per decision)`);
  console.log(`preemption decision (submit that preempts): p50 ${percentile(decisions, 50).toFixed(0)} µs, p99 ${percentile(decisions, 99).toFixed(0)} µs`);
  console.log(`submit that fits at once, same cluster:     p50 ${percentile(fits, 50).toFixed(1)} µs, p99 ${percentile(fits, 99).toFixed(1)} µs`);
}

main();
