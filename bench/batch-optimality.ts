/**
 * Batch packing against the optimum: `auto` on the 150 small vector-bin-packing instances of
 * test/fixtures/vbp-optimal.json (20–40 items, 2–3 dimensions, five classes, capacity 1000;
 * optimal bin counts from OR-Tools CP-SAT), with and without its improvement phase. Part of
 * `npm run bench -- batch`.
 *
 * Each configuration first plans every instance once untimed (so the JIT has compiled the
 * planner), then once timed. The gap is bins above the best CP-SAT found (the optimum where it is
 * proven; on the 10 unproven instances a plan may beat it, counted as gap 0). The improvement
 * phase runs with its defaults (timeLimitMs 20 on the real clock, workLimit 100,000).
 *
 * Targets: optimal on ≥ 90 % of instances, mean gap ≤ 0.1 bins, ≤ 20 ms per plan of 40 items (mean).
 */
import type { PlanBatchOptions } from 'fairpack';
import { type VbpInstance, loadVbpInstances, vbpBatch, vbpPool } from '../test/fixtures/vbp-instances.js';
import { fixed, mean, printTable, verdict } from './lib/report.js';

interface Outcome {
  readonly instance: VbpInstance;
  readonly gap: number;
  readonly millis: number;
}

function planAll(instances: readonly VbpInstance[], options: PlanBatchOptions): Outcome[] {
  for (const instance of instances) vbpPool(instance).planBatch(vbpBatch(instance), { ...options, dryRun: true });
  return instances.map((instance) => {
    const pool = vbpPool(instance);
    const requests = vbpBatch(instance);
    const start = performance.now();
    const plan = pool.planBatch(requests, { ...options, dryRun: true });
    const millis = performance.now() - start;
    if (plan.nodesUsed < instance.bound) throw new Error(`bug: ${instance.id} packed into ${plan.nodesUsed} bins, below the proven bound ${instance.bound}`);
    return { instance, gap: Math.max(0, plan.nodesUsed - instance.optimum), millis };
  });
}

const percentOptimal = (outcomes: readonly Outcome[]) => (100 * outcomes.filter((o) => o.gap === 0).length) / outcomes.length;
const meanGap = (outcomes: readonly Outcome[]) => mean(outcomes.map((o) => o.gap));

export function reportOptimality(): void {
  const instances = loadVbpInstances();
  console.log(`## Batch packing against the optimum (CP-SAT), ${instances.length} instances of test/fixtures/vbp-optimal.json\n`);
  const before = planAll(instances, { timeLimitMs: 0 });
  const after = planAll(instances, {});
  const classes = [...new Set(instances.map((i) => i.class))];
  const row = (label: string, keep: (o: Outcome) => boolean): string[] => {
    const b = before.filter(keep);
    const a = after.filter(keep);
    return [label, String(a.length), `${fixed(percentOptimal(b), 1)} %`, `${fixed(percentOptimal(a), 1)} %`, fixed(meanGap(b), 3), fixed(meanGap(a), 3), fixed(mean(b.map((o) => o.millis)), 2), fixed(mean(a.map((o) => o.millis)), 2)];
  };
  printTable(
    ['class', 'instances', 'optimal, portfolio only', 'optimal, auto', 'mean gap, portfolio only', 'mean gap, auto', 'ms / plan, portfolio only', 'ms / plan, auto'],
    [...classes.map((kind) => row(kind, (o) => o.instance.class === kind)), row('all', () => true)],
  );
  const forty = after.filter((o) => o.instance.items.length === 40).map((o) => o.millis);
  console.log(`\nauto on the ${forty.length} plans of 40 items: mean ${fixed(mean(forty), 2)} ms, max ${fixed(Math.max(...forty), 2)} ms\n`);

  const optimal = percentOptimal(after);
  const gap = meanGap(after);
  verdict('batch', 'auto is optimal on ≥ 90 % of the CP-SAT instances', optimal >= 90 ? 'PASS' : 'FAIL', `${fixed(optimal, 1)} % (portfolio alone ${fixed(percentOptimal(before), 1)} %)`);
  verdict('batch', 'auto is ≤ 0.1 bins above the optimum on average', gap <= 0.1 ? 'PASS' : 'FAIL', `${fixed(gap, 3)} bins (portfolio alone ${fixed(meanGap(before), 3)})`);
  verdict('batch', 'auto takes ≤ 20 ms per plan of 40 items (mean)', mean(forty) <= 20 ? 'PASS' : 'FAIL', `mean ${fixed(mean(forty), 2)} ms, max ${fixed(Math.max(...forty), 2)} ms`);
}
