/**
 * What-if from a live cluster, and what autoscaling would cost — the companion of
 * docs/simulate.md ("What-if from a live cluster", "Autoscaling"). Run it with
 * `npx tsx examples/what-if.ts`.
 *
 * A live manager has a backlog: 6 GPU jobs on 2 GPU nodes, 10 more waiting. We take its snapshot
 * (as `GET /snapshot` would hand it over) and ask the simulator, from exactly that state plus an
 * hour of new arrivals: what if we switched from first-fit to best-fit? What if we added four GPU
 * nodes? And what would a threshold auto-scaler or fairpack's scaling advice cost instead?
 */
import { AllocationManager } from 'fairpack';
import { type RunResult, type TraceRow, simulate } from 'fairpack/simulate';

const HOUR = 3_600_000;
let time = 0;
const gpuNode = (id: string) => ({ id, capacity: { cpu: 32, memory: 256, gpu: 4 }, costPerHour: 12 });
const live = new AllocationManager({ nodes: [gpuNode('gpu-1'), gpuNode('gpu-2')], placement: 'first-fit', now: () => time, timers: false });
for (let i = 0; i < 16; i++) {
  live.submit({ id: `train-${i}`, tenant: i % 2 === 0 ? 'vision' : 'speech', resources: { cpu: 8, memory: 64, gpu: i % 3 === 0 ? 2 : 1 }, estimatedRuntimeMs: (1 + (i % 4)) * HOUR / 2 });
}
time = 10 * 60_000;
live.tick();
const snapshot = live.snapshot();
console.log(`live: ${live.jobs({ status: 'running' }).length} running, ${live.jobs({ status: 'queued' }).length} waiting`);

// an hour of new arrivals, one small gpu job every 5 minutes
const arrivals: TraceRow[] = Array.from({ length: 12 }, (_, i) => ({ submitAt: i * 300_000, tenant: 'speech', priority: 'default', resources: { cpu: 4, memory: 32, gpu: 1 }, durationMs: 20 * 60_000 }));
const line = (r: RunResult): string =>
  `  ${r.label.padEnd(42)} mean wait ${(r.wait.meanS / 60).toFixed(1).padStart(5)} min, p95 ${(r.wait.p95S / 60).toFixed(1).padStart(5)} min, done in ${(r.makespanS / 3600).toFixed(2)} h, cost $${((r.cost?.total ?? 0) / 1e6).toFixed(2)}`;

const switched = await simulate({ snapshot, trace: arrivals, strategies: ['first-fit', 'best-fit'], policies: ['fifo'] });
console.log('\nswitch the strategy?');
for (const r of switched.results) console.log(line(r));

const more = await simulate({ snapshot, trace: arrivals, nodes: ['gpu-3', 'gpu-4', 'gpu-5', 'gpu-6'].map(gpuNode), strategies: ['first-fit'], policies: ['fifo'] });
console.log('\nadd four GPU nodes?');
for (const r of more.results) console.log(line(r));

const scaled = await simulate({
  snapshot,
  trace: arrivals,
  strategies: ['first-fit'],
  policies: ['fifo'],
  nodeTypes: [{ name: 'gpu', capacity: { cpu: 32, memory: 256, gpu: 4 }, costPerHour: 12 }, { name: 'gpu-small', capacity: { cpu: 8, memory: 64, gpu: 1 }, costPerHour: 3.5 }],
  autoscale: ['threshold', 'fairpack'],
  provisionDelayS: 120,
});
console.log('\nor let an autoscaler decide (2 minutes to boot a node)?');
for (const r of scaled.results) console.log(`${line(r)}, ${r.autoscaling?.nodesAdded ?? 0} nodes launched`);
