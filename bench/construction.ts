/**
 * What building a cluster costs (issue 17): `new ResourcePool({ nodes })` and
 * `new AllocationManager({ nodes })` over N nodes, and a one-job `simulate()` at 10,000 nodes —
 * the fixed part of every simulation run, which a run of J jobs spreads over its J decisions.
 * Figures only, no verdict: CPU time (`process.cpuUsage`), medians of ten rounds after five
 * warm-up rounds, so the optimizer's first compilations are not counted. The CPU time includes the
 * collections of what each round leaves behind.
 *
 *   node --expose-gc --import tsx bench/construction.ts      (or: npm run bench -- construction)
 *
 * Environment: FAIRPACK_BENCH_CONSTRUCTION_NODES (10000,100000): the cluster sizes. Each node is
 * { cpu 64, memory 256, gpu 8 on every fourth node } with two labels, as a real inventory has.
 * To compare two trees, run it in each in turn (the machine's speed drifts within minutes).
 */
import { AllocationManager, ResourcePool } from 'fairpack';
import { simulate } from 'fairpack/simulate';
import { envInts, fixed, median, printTable } from './lib/report.js';

const sizes = envInts('FAIRPACK_BENCH_CONSTRUCTION_NODES', [10_000, 100_000]);
const WARM_UP = 5;
const ROUNDS = 10;

function nodesOf(count: number) {
  return Array.from({ length: count }, (_, i) => ({
    id: `node-${i}`,
    capacity: { cpu: 64, memory: 256, gpu: i % 4 === 0 ? 8 : 0 },
    labels: { zone: `z${i % 3}`, type: i % 4 === 0 ? 'gpu' : 'cpu' },
  }));
}

/** CPU ms of one call of `build`. */
async function cpuMs(build: () => unknown): Promise<number> {
  const cpu0 = process.cpuUsage();
  await build();
  const used = process.cpuUsage(cpu0);
  return (used.user + used.system) / 1000;
}

/**
 * Median CPU ms over ROUNDS rounds, after WARM_UP rounds not counted, back to back: a forced
 * collection between rounds would free the hidden classes of the last round's objects, and the
 * optimized code that relied on them with it (see bench/simulate.ts) — then every round compiled
 * again, and took two to three times as long.
 */
async function medianMs(build: () => unknown): Promise<number> {
  const rounds: number[] = [];
  for (let round = 0; round < WARM_UP + ROUNDS; round++) {
    const ms = await cpuMs(build);
    if (round >= WARM_UP) rounds.push(ms);
  }
  return median(rounds);
}

async function main(): Promise<void> {
  console.log(`\n## Building a cluster (CPU ms, median of ${ROUNDS} after ${WARM_UP} warm-up rounds)\n`);
  const rows: string[][] = [];
  for (const size of sizes) {
    const nodes = nodesOf(size);
    const pool = await medianMs(() => new ResourcePool({ nodes }));
    const manager = await medianMs(() => new AllocationManager({ nodes, now: () => 0 }));
    rows.push([size.toLocaleString('en'), fixed(pool, 1), fixed(manager, 1), fixed((manager * 1000) / size, 2)]);
  }
  printTable(['nodes', 'new ResourcePool', 'new AllocationManager', 'manager µs per node'], rows);
  const oneJob = await medianMs(() => simulate({ workload: { jobs: 1 }, nodes: 10_000, strategies: ['best-fit'], policies: ['drf'], seed: 1 }));
  console.log(`\na one-job simulate() at 10,000 nodes (best-fit · drf): ${fixed(oneJob, 1)} ms — ${fixed(oneJob / 100, 2)} µs per decision of a 100,000-job run`);
}

await main();
