/**
 * Scaling advice and defragmentation plans at scale (issue 16 §2, §3): figures only, no verdicts.
 * A cluster of FAIRPACK_BENCH_SCALING_NODES nodes (1,000) { cpu 8, memory 32 } filled by jobs of
 * five shapes, with FAIRPACK_BENCH_SCALING_WAITING (1,000) more jobs waiting; five node types.
 * Prints: `scalingAdvice` time and how far its cost is from its proven lower bound
 * (cost ÷ lowerBound − 1: an upper bound on the distance from the optimum), at two search
 * budgets; `planDefragmentation()` (empty nodes) and `planDefragmentation({ for })` times after
 * the waiting jobs were cancelled and a quarter of the running ones ended at random.
 *
 *   node --import tsx bench/scaling.ts        (or: npm run bench -- scaling)
 *
 * Environment: FAIRPACK_BENCH_SCALING_NODES, FAIRPACK_BENCH_SCALING_WAITING, FAIRPACK_BENCH_SEED (2011).
 */
import { AllocationManager } from 'fairpack';
import { Prng } from './lib/prng.js';

const nodes = Number(process.env['FAIRPACK_BENCH_SCALING_NODES'] ?? 1_000);
const waiting = Number(process.env['FAIRPACK_BENCH_SCALING_WAITING'] ?? 1_000);
const seed = Number(process.env['FAIRPACK_BENCH_SEED'] ?? 2011);
const SHAPES = [[1, 2], [2, 8], [4, 4], [1, 16], [3, 6]] as const;
const TYPES = [
  { name: 'small', capacity: { cpu: 4, memory: 16 }, costPerHour: 0.2 },
  { name: 'medium', capacity: { cpu: 8, memory: 32 }, costPerHour: 0.38 },
  { name: 'large', capacity: { cpu: 16, memory: 64 }, costPerHour: 0.7 },
  { name: 'compute', capacity: { cpu: 16, memory: 32 }, costPerHour: 0.6 },
  { name: 'memory', capacity: { cpu: 4, memory: 64 }, costPerHour: 0.5 },
];

const rng = new Prng(seed);
let time = 0;
const manager = new AllocationManager({ nodes: Array.from({ length: nodes }, (_, i) => ({ id: `n${i}`, capacity: { cpu: 8, memory: 32 }, costPerHour: 0.38 })), now: () => time, timers: false, starvation: false });
while (manager.metrics().queued < waiting) {
  const [cpu, memory] = rng.pick(SHAPES);
  manager.submit({ resources: { cpu, memory } });
}
console.log(`## scaling: ${nodes} nodes, ${manager.metrics().running} running, ${manager.metrics().queued} waiting, ${TYPES.length} node types\n`);
for (const searchBudget of [20_000, 200_000]) {
  const t0 = performance.now();
  const advice = manager.scalingAdvice({ nodeTypes: TYPES, searchBudget, scaleDown: false });
  const ms = performance.now() - t0;
  const added = advice.cost.after - advice.cost.before;
  const gap = advice.search.lowerBound === 0 ? 0 : added / advice.search.lowerBound - 1;
  console.log(`scalingAdvice (searchBudget ${searchBudget}): ${ms.toFixed(0)} ms; adds ${advice.add.map((a) => `${a.count} ${a.type}`).join(', ')} = ${added} µ/h; lower bound ${advice.search.lowerBound}; at most ${(gap * 100).toFixed(1)} % above the optimum${advice.search.optimal ? ' (optimal)' : ''}`);
}
time = 1;
// the waiting jobs leave first: otherwise they would take the room the ended jobs free
for (const job of manager.jobs({ status: 'queued' })) manager.cancel(job.id);
const live = manager.allocations();
for (const allocation of live) if (rng.int(1, 4) === 1) manager.release(allocation.id);
let t0 = performance.now();
const frees = manager.planDefragmentation({ maxMoves: 200 });
console.log(`planDefragmentation() after a quarter of the jobs ended: ${(performance.now() - t0).toFixed(0)} ms; ${frees.moves.length} moves free ${frees.frees?.length ?? 0} nodes`);
t0 = performance.now();
const room = manager.planDefragmentation({ for: { resources: { cpu: 8, memory: 32 } } });
console.log(`planDefragmentation({ for: a whole node }): ${(performance.now() - t0).toFixed(0)} ms; ${room.fits === null ? 'no plan' : `${room.moves.length} moves, fits ${room.fits}`}`);
