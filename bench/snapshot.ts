/**
 * Snapshot and restore at scale (issue 13): 10,000 nodes and 100,000 live jobs over 100 tenants —
 * 90,000 small ones (all running) and 10,000 that take a whole node (about half of them running,
 * the rest queued). Figures: the time of `snapshot()`, of `JSON.stringify` and `JSON.parse`, of
 * `AllocationManager.restore` (target: under 2 s for 100,000 live jobs on 10,000 nodes), and the
 * snapshot's size per live job.
 *
 *   node --expose-gc --import tsx bench/snapshot.ts        (or: npm run bench -- snapshot)
 *
 * Environment: FAIRPACK_BENCH_SNAPSHOT_NODES (10000), FAIRPACK_BENCH_SNAPSHOT_JOBS (100000).
 */
import { AllocationManager } from 'fairpack';
import { collectGarbageAndSettle, envInt, median, verdict } from './lib/report.js';

const nodes = envInt('FAIRPACK_BENCH_SNAPSHOT_NODES', 10_000);
const jobs = envInt('FAIRPACK_BENCH_SNAPSHOT_JOBS', 100_000);

let time = 0;
let manager: AllocationManager | undefined = new AllocationManager({
  nodes: Array.from({ length: nodes }, (_, i) => ({ id: `n${i}`, capacity: { cpu: 64, memory: 256 }, labels: { zone: `z${i % 4}` } })),
  now: () => time,
  timers: false,
  starvation: false,
});
const large = Math.round(jobs / 10);
for (let i = 0; i < jobs - large; i++) {
  time++;
  manager.submit({ tenant: `t${i % 100}`, priority: i % 7 === 0 ? 'low' : 'default', resources: { cpu: 1 + (i % 6), memory: 2 * (1 + (i % 6)) }, ttlMs: 3_600_000, estimatedRuntimeMs: 60_000, metadata: { n: i } });
}
// the cluster is about full now: these wait
for (let i = 0; i < large; i++) manager.submit({ tenant: `t${i % 100}`, resources: { cpu: 64, memory: 256 } });

const rounds = { snapshot: [] as number[], stringify: [] as number[], parse: [] as number[], restore: [] as number[] };
let bytes = 0;
let text = '';
for (let round = 0; round < 3; round++) {
  collectGarbageAndSettle();
  let t0 = performance.now();
  const snapshot = manager.snapshot();
  rounds.snapshot.push(performance.now() - t0);
  t0 = performance.now();
  text = JSON.stringify(snapshot);
  rounds.stringify.push(performance.now() - t0);
  bytes = Buffer.byteLength(text);
}
const running = manager.metrics().running;
const queued = manager.metrics().queued;
// a restart: the original process (its manager) is gone; only the snapshot's text is there
manager.close();
manager = undefined;
for (let round = 0; round < 3; round++) {
  collectGarbageAndSettle();
  let t0 = performance.now();
  const parsed: unknown = JSON.parse(text);
  rounds.parse.push(performance.now() - t0);
  collectGarbageAndSettle();
  t0 = performance.now();
  const restored = AllocationManager.restore(parsed, { now: () => time });
  rounds.restore.push(performance.now() - t0);
  if (restored.metrics().running !== running) throw new Error('the restored manager differs');
  restored.close();
}
const ms = (values: number[]) => `${median(values).toFixed(0)} ms`;
console.log(`## Snapshot and restore: ${nodes.toLocaleString('en')} nodes, ${running.toLocaleString('en')} running and ${queued.toLocaleString('en')} queued jobs\n`);
console.log(`snapshot() ${ms(rounds.snapshot)}, JSON.stringify ${ms(rounds.stringify)}, JSON.parse ${ms(rounds.parse)}, restore ${ms(rounds.restore)} (medians of 3)`);
console.log(`snapshot size ${(bytes / 2 ** 20).toFixed(1)} MiB = ${Math.round(bytes / (running + queued))} B per live job\n`);
verdict('snapshot', `restore of ${(running + queued).toLocaleString('en')} live jobs on ${nodes.toLocaleString('en')} nodes under 2 s`, median(rounds.restore) < 2000 ? 'PASS' : 'FAIL', `${ms(rounds.restore)} (median of 3; parse ${ms(rounds.parse)} before it)`);
