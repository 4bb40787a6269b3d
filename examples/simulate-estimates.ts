/**
 * How much do wrong runtime estimates cost? — the companion of docs/simulate.md ("Imperfect
 * runtime estimates"). Run it with `npx tsx examples/simulate-estimates.ts`.
 *
 * A burst of 120 batch jobs (10–40 minutes) lands on two nodes; fairpack's autoscaler may buy more,
 * but only for the jobs the cluster would not start within 45 minutes (a wait target), judged by
 * the jobs' runtime estimates. We run it with exact estimates, with a seeded log-normal error
 * (σ 1), and with Slurm-like estimates three times the runtime, beside the threshold scaler
 * (which uses no estimates). It prints (deterministic):
 *
 *   threshold scaler                   p95 wait  43.3 min, cost $ 29.12, nodes bought 10
 *   fairpack, exact estimates          p95 wait  37.5 min, cost $ 27.67, nodes bought 7
 *   fairpack, estimates σ 1            p95 wait  30.8 min, cost $ 28.21, nodes bought 9
 *   fairpack, estimates 3× the runtime p95 wait  10.5 min, cost $ 32.46, nodes bought 16
 *
 * Estimates too long make the advice expect room later than it comes, so it buys nodes that then
 * idle: padded time limits are a poor estimate for it.
 */
import { type RunResult, type TraceRow, simulate } from 'fairpack/simulate';

const MINUTE = 60_000;
// the burst: job i asks for 8 or 16 cpu and runs 10–40 minutes (a fixed pattern, no randomness)
const burst: TraceRow[] = Array.from({ length: 120 }, (_, i) => ({
  submitAt: (i % 20) * 15_000,
  tenant: 'batch',
  priority: 'default',
  resources: { cpu: i % 3 === 0 ? 16 : 8, memory: 32 },
  durationMs: (10 + ((i * 7) % 31)) * MINUTE,
}));
const options = {
  trace: burst,
  nodes: [{ id: 'std-1', capacity: { cpu: 64, memory: 256 } }, { id: 'std-2', capacity: { cpu: 64, memory: 256 } }],
  nodeTypes: [{ name: 'std', capacity: { cpu: 64, memory: 256 }, costPerHour: 2.5 }],
  strategies: ['best-fit'],
  policies: ['drf'],
  waitTargetS: 45 * 60,
} as const;

const line = (label: string, r: RunResult): string =>
  `${label.padEnd(34)} p95 wait ${(r.wait.p95S / 60).toFixed(1).padStart(5)} min, cost $${((r.cost?.total ?? 0) / 1e6).toFixed(2).padStart(6)}, nodes bought ${r.autoscaling?.nodesAdded ?? 0}`;

const threshold = (await simulate({ ...options, autoscale: 'threshold' })).results[0] as RunResult;
console.log(line('threshold scaler', threshold));
for (const [label, estimateError] of [
  ['fairpack, exact estimates', undefined],
  ['fairpack, estimates σ 1', { sigma: 1 }],
  ['fairpack, estimates 3× the runtime', { factor: 3 }],
] as const) {
  const r = (await simulate({ ...options, autoscale: 'fairpack', ...(estimateError === undefined ? {} : { estimateError }) })).results[0] as RunResult;
  console.log(line(label, r));
}
