/**
 * A small driver for profiling the pool's release + allocate path under the placement bench's
 * churn (no scan, no audit, no timing tables): fill, one turnover of warm-up, then `steps` steps.
 *
 *   node --cpu-prof --import tsx bench/profile-churn.ts [homogeneous|heterogeneous] [nodes] [strategy] [steps]
 */
import { ResourcePool, type PlacementStrategyName } from 'fairpack';
import { type ClusterShape, Fifo, OperationSequence, clusterSpecs } from './lib/workload.js';

const shape = (process.argv[2] ?? 'homogeneous') as ClusterShape;
const nodes = Number(process.argv[3] ?? 10_000);
const strategy = (process.argv[4] ?? 'best-fit') as PlacementStrategyName;
const steps = Number(process.argv[5] ?? 200_000);

const sequence = new OperationSequence(nodes, 2011, (fill) => fill + steps, 0.6, shape);
const pool = new ResourcePool({ nodes: clusterSpecs(nodes, shape), placement: strategy });
const live = new Fifo<string>();
const warm = sequence.fill * 2;
let start = 0;
let cpuStart = process.cpuUsage();
for (let k = 0; k < sequence.length; k++) {
  if (k === warm) {
    start = performance.now();
    cpuStart = process.cpuUsage();
  }
  if (k >= sequence.fill) {
    const oldest = live.shift();
    if (oldest !== undefined) pool.release(oldest);
  }
  const result = pool.allocate(sequence.request(k));
  if (result.ok) live.push(result.allocation.id);
}
const timed = sequence.length - warm;
// CPU time as well as wall time: on a loaded machine the wall clock also counts waiting for a core
const cpu = process.cpuUsage(cpuStart);
console.log(
  `${shape} ${nodes} nodes ${strategy}: ${(((performance.now() - start) * 1000) / timed).toFixed(2)} µs wall, ${(cpu.user / timed).toFixed(2)} µs user CPU per step ` +
    `over the last ${timed} steps (request building included)`,
);
