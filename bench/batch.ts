/**
 * Batch packing quality: `pool.planBatch` on generated vector-bin-packing instances in the style
 * of Panigrahy, Talwar, Uyeda and Wieder, "Heuristics for Vector Bin Packing" (2011).
 *
 *   node --expose-gc --import tsx bench/batch.ts      (or: npm run bench -- batch)
 *
 * Items have three dimensions; nodes are identical with capacity 1000 in each, and the pool has
 * one empty node per item, so every plan places everything and only the node count differs.
 * Classes (integer amounts, r ~ U[0, 1], e_k ~ U[−0.1, 0.1] independent, clamp to [0, 1]):
 *
 *   uniform          d1 ~ U[100, 400], d2 ~ U[50, 200], d3 ~ U[25, 100], independent
 *   correlated       d1 = 100 + 300 r, d2 = 50 + 150 clamp(r + e_2),     d3 = 25 + 75 clamp(r + e_3)
 *   anti-correlated  d1 = 100 + 300 r, d2 = 50 + 150 clamp(1 − r + e_2), d3 = 25 + 75 clamp(1 − r + e_3)
 *
 * Reported per class: nodes used as % above the lower bound LB = max_d ceil(Σ_i item_d / 1000),
 * averaged over the seeds, for every algorithm with `dryRun: true` (the pool is never changed).
 *
 * Environment (all optional):
 *   FAIRPACK_BENCH_BATCH_ITEMS  items per instance     default 500
 *   FAIRPACK_BENCH_BATCH_SEEDS  instances per class    default 10
 *   FAIRPACK_BENCH_SEED         first seed             default 2011
 *
 * Then the optimality figures against CP-SAT on small instances: see batch-optimality.ts.
 */
import { type AllocationRequest, type BatchAlgorithm, type BatchPlan, type BatchSizeKey, ResourcePool } from 'fairpack';
import { Prng } from './lib/prng.js';
import { reportOptimality } from './batch-optimality.js';
import { envInt, fixed, mean, median, printTable, verdict } from './lib/report.js';

const items = envInt('FAIRPACK_BENCH_BATCH_ITEMS', 500);
const seeds = envInt('FAIRPACK_BENCH_BATCH_SEEDS', 10);
const firstSeed = envInt('FAIRPACK_BENCH_SEED', 2011);
const CAPACITY = 1000;
const DIMENSIONS = ['d1', 'd2', 'd3'] as const;

const CLASSES = ['uniform', 'correlated', 'anti-correlated'] as const;
type InstanceClass = (typeof CLASSES)[number];

interface Variant {
  readonly label: string;
  readonly algorithm: BatchAlgorithm;
  readonly sizeKey?: BatchSizeKey;
}

const VARIANTS: readonly Variant[] = [
  { label: 'ffd (sum)', algorithm: 'ffd', sizeKey: 'sum' },
  { label: 'ffd (max)', algorithm: 'ffd', sizeKey: 'max' },
  { label: 'ffd (l2)', algorithm: 'ffd', sizeKey: 'l2' },
  { label: 'bfd (sum)', algorithm: 'bfd', sizeKey: 'sum' },
  { label: 'bfd (max)', algorithm: 'bfd', sizeKey: 'max' },
  { label: 'bfd (l2)', algorithm: 'bfd', sizeKey: 'l2' },
  { label: 'dot-product', algorithm: 'dot-product' },
  { label: 'l2-norm', algorithm: 'l2-norm' },
  { label: 'auto', algorithm: 'auto' },
];

function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

function noise(rng: Prng): number {
  return rng.next() * 0.2 - 0.1;
}

function generate(kind: InstanceClass, seed: number): number[][] {
  const rng = new Prng(seed);
  const out: number[][] = [];
  for (let i = 0; i < items; i++) {
    if (kind === 'uniform') {
      out.push([rng.int(100, 400), rng.int(50, 200), rng.int(25, 100)]);
      continue;
    }
    const r = rng.next();
    const follow = kind === 'correlated' ? r : 1 - r;
    out.push([Math.round(100 + 300 * r), Math.round(50 + 150 * clamp01(follow + noise(rng))), Math.round(25 + 75 * clamp01(follow + noise(rng)))]);
  }
  return out;
}

/** Each class draws from its own seeds, so classes do not share their first dimension. */
function seedOf(kind: InstanceClass, s: number): number {
  return firstSeed + 1000 * CLASSES.indexOf(kind) + s;
}

function lowerBound(instance: readonly (readonly number[])[]): number {
  let bound = 0;
  for (let d = 0; d < DIMENSIONS.length; d++) {
    let sum = 0;
    for (const item of instance) sum += item[d] as number;
    bound = Math.max(bound, Math.ceil(sum / CAPACITY));
  }
  return bound;
}

interface Outcome {
  /** Nodes used as % above the lower bound, one per seed. */
  readonly above: number[];
  readonly nodes: number[];
  /** Milliseconds per planBatch call, one per seed. */
  readonly millis: number[];
  unplaced: number;
}

function main(): void {
  console.log('## Batch packing (planBatch, dryRun) on vector-bin-packing instances\n');
  console.log(`${items} items per instance, ${seeds} instances per class (seeds ${CLASSES.map((kind) => `${kind} ${seedOf(kind, 0)}…${seedOf(kind, seeds - 1)}`).join(', ')}), identical nodes of capacity ${CAPACITY} per dimension, one per item\n`);
  const probe = new ResourcePool({ nodes: [{ id: 'probe', capacity: { d1: 1 } }] });
  try {
    probe.planBatch([{ resources: { d1: 1 } }], { dryRun: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.log(`planBatch is not available yet: ${message}\n`);
    verdict('batch', 'auto uses no more nodes than the best single algorithm, on average per class', 'SKIP', `planBatch threw: ${message}`);
    return;
  }

  const results = new Map<InstanceClass, Map<string, Outcome>>();
  const bounds = new Map<InstanceClass, number[]>();
  for (const kind of CLASSES) {
    const byVariant = new Map<string, Outcome>(VARIANTS.map((v) => [v.label, { above: [], nodes: [], millis: [], unplaced: 0 }]));
    results.set(kind, byVariant);
    const lbs: number[] = [];
    bounds.set(kind, lbs);
    for (let s = 0; s < seeds; s++) {
      const instance = generate(kind, seedOf(kind, s));
      const lb = lowerBound(instance);
      lbs.push(lb);
      const pool = new ResourcePool({
        nodes: instance.map((_, i) => ({ id: `bin${i}`, capacity: { d1: CAPACITY, d2: CAPACITY, d3: CAPACITY } })),
      });
      const requests: AllocationRequest[] = instance.map((item, i) => ({ id: `item${i}`, resources: { d1: item[0] as number, d2: item[1] as number, d3: item[2] as number } }));
      for (const variant of VARIANTS) {
        const start = performance.now();
        const plan: BatchPlan = pool.planBatch(requests, variant.sizeKey === undefined ? { algorithm: variant.algorithm, dryRun: true } : { algorithm: variant.algorithm, sizeKey: variant.sizeKey, dryRun: true });
        const elapsed = performance.now() - start;
        const outcome = byVariant.get(variant.label) as Outcome;
        outcome.nodes.push(plan.nodesUsed);
        outcome.above.push(((plan.nodesUsed - lb) / lb) * 100);
        outcome.millis.push(elapsed);
        outcome.unplaced += plan.unplaced.length;
      }
    }
  }

  const header = ['algorithm', ...CLASSES.map((kind) => `${kind}: % above LB`), 'median ms / plan'];
  const rows = VARIANTS.map((variant) => {
    const cells = CLASSES.map((kind) => {
      const o = (results.get(kind) as Map<string, Outcome>).get(variant.label) as Outcome;
      return `${fixed(mean(o.above), 2)} %${o.unplaced > 0 ? ` (${o.unplaced} unplaced!)` : ''}`;
    });
    const millis = CLASSES.flatMap((kind) => ((results.get(kind) as Map<string, Outcome>).get(variant.label) as Outcome).millis);
    return [variant.label, ...cells, fixed(median(millis), 1)];
  });
  rows.push(['lower bound (mean nodes)', ...CLASSES.map((kind) => fixed(mean(bounds.get(kind) as number[]), 1)), '']);
  printTable(header, rows);
  console.log('');

  for (const kind of CLASSES) {
    const byVariant = results.get(kind) as Map<string, Outcome>;
    const auto = mean((byVariant.get('auto') as Outcome).nodes);
    let bestLabel = '';
    let best = Infinity;
    for (const variant of VARIANTS) {
      if (variant.algorithm === 'auto') continue;
      const m = mean((byVariant.get(variant.label) as Outcome).nodes);
      if (m < best) {
        best = m;
        bestLabel = variant.label;
      }
    }
    const unplaced = [...byVariant.values()].reduce((sum, o) => sum + o.unplaced, 0);
    verdict(
      'batch',
      `${kind}: auto uses no more nodes than the best single algorithm, on average`,
      auto <= best && unplaced === 0 ? 'PASS' : 'FAIL',
      `auto ${fixed(auto, 1)} nodes, best single ${bestLabel} ${fixed(best, 1)} nodes (mean over ${seeds} instances)${unplaced > 0 ? `; ${unplaced} requests unplaced` : ''}`,
    );
  }
}

main();
console.log('');
reportOptimality();
