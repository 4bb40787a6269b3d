/**
 * Heap per live allocation.
 *
 *   node --expose-gc --import tsx bench/memory.ts      (or: npm run bench -- memory)
 *
 * A pool of the churn workload's cluster is filled to 60 % of its cpu with the workload's
 * requests. `process.memoryUsage().heapUsed` is read after a full gc before and after, and the
 * difference is divided by the number of live allocations. The bench keeps nothing per allocation
 * but one slot of a pre-sized array of ids (allocated before the first reading), so the figure is
 * what the pool holds: the Allocation object and its placements, the id, the books kept for
 * release, and the map entries.
 *
 * Environment (all optional):
 *   FAIRPACK_BENCH_MEMORY_NODES  nodes in the pool      default 10000
 *   FAIRPACK_BENCH_STRATEGIES    strategies             default best-fit (the figure barely depends on it)
 *   FAIRPACK_BENCH_SEED          workload seed          default 2011
 */
import { ResourcePool } from 'fairpack';
import { collectGarbage, envInt, envNames, fixed, printTable, verdict } from './lib/report.js';
import { OperationSequence, clusterSpecs } from './lib/workload.js';

const STRATEGIES = ['best-fit', 'first-fit', 'worst-fit', 'dot-product'] as const;
type Strategy = (typeof STRATEGIES)[number];

const nodes = envInt('FAIRPACK_BENCH_MEMORY_NODES', 10_000);
const strategies = envNames('FAIRPACK_BENCH_STRATEGIES', STRATEGIES, ['best-fit']);
const seed = envInt('FAIRPACK_BENCH_SEED', 2011);

interface MemoryFigures {
  readonly strategy: Strategy;
  readonly live: number;
  /** Bytes of heap for the empty pool, per node (node records, index, capacity groups). */
  readonly perNode: number;
  /** Bytes per live allocation after the fill. */
  readonly perAllocation: number;
  /** Bytes added by one full turnover of churn at the same live count (remembered released ids). */
  readonly churnDelta: number;
  /** Bytes above the empty pool once every allocation is released. */
  readonly residual: number;
}

/** Things that must stay reachable until the last reading (optimised code drops dead locals). */
const keepAlive: unknown[] = [];

function heapUsed(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

/** Fill, churn and empty one pool; with `measure` false it only warms the code paths up. */
function run(strategy: Strategy, size: number, measure: boolean): MemoryFigures {
  const sequence = new OperationSequence(size, seed, (fill) => fill);
  const capacity = sequence.fill;
  const ids = new Array<string>(capacity).fill('');
  keepAlive.push(sequence, ids);
  const beforePool = measure ? heapUsed() : 0;
  const pool = new ResourcePool({ nodes: clusterSpecs(size), placement: strategy });
  keepAlive.push(pool);
  const empty = measure ? heapUsed() : 0;

  let live = 0;
  for (let k = 0; k < sequence.fill; k++) {
    const result = pool.allocate(sequence.request(k));
    if (result.ok) ids[live++] = result.allocation.id;
  }
  const filled = measure ? heapUsed() : 0;
  const placed = live;

  // one turnover of churn: release the oldest, allocate the next (ids is a ring)
  let head = 0;
  for (let k = sequence.fill; k < sequence.length; k++) {
    pool.release(ids[head] as string);
    ids[head] = '';
    head = (head + 1) % capacity;
    live--;
    const result = pool.allocate(sequence.request(k));
    if (result.ok) ids[(head + live++) % capacity] = result.allocation.id;
  }
  const churned = measure ? heapUsed() : 0;
  const churnedLive = live;

  for (let i = 0; i < live; i++) {
    pool.release(ids[(head + i) % capacity] as string);
    ids[(head + i) % capacity] = '';
  }
  const released = measure ? heapUsed() : 0;
  keepAlive.length = 0;
  return {
    strategy,
    live: placed,
    perNode: (empty - beforePool) / size,
    perAllocation: (filled - empty) / placed,
    // the live count after churn can differ by a few failed requests: compare per allocation
    churnDelta: churned - empty - ((filled - empty) / placed) * churnedLive,
    residual: released - empty,
  };
}

function main(): void {
  console.log('## Heap per live allocation\n');
  if (!collectGarbage()) {
    console.log('Run under `node --expose-gc --import tsx bench/memory.ts` (npm run bench -- memory does this).');
    verdict('memory', 'heap per live allocation < 1 KiB', 'SKIP', 'global.gc is not exposed');
    return;
  }
  console.log(`pool: ${nodes.toLocaleString('en-US')} nodes of the churn cluster, filled to 60 % of cpu; heapUsed after a full gc; node ${process.version}\n`);
  // warm the allocate/release paths up first, so that compiled code is not counted
  for (const strategy of strategies) run(strategy, Math.min(nodes, 1000), false);
  const figures = strategies.map((strategy) => run(strategy, nodes, true));
  printTable(
    ['strategy', 'live allocs', 'B / live allocation', 'B / node (empty pool)', 'added by a turnover of churn', 'left after releasing all'],
    figures.map((f) => [
      f.strategy,
      f.live.toLocaleString('en-US'),
      fixed(f.perAllocation, 0),
      fixed(f.perNode, 0),
      `${fixed(f.churnDelta / 1024, 0)} KiB`,
      `${fixed(f.residual / 1024, 0)} KiB`,
    ]),
  );
  console.log('\n(churn and "left after releasing all": the pool remembers the last 10,000 released ids, to answer ALREADY_RELEASED; a per-pool constant, not per live allocation)\n');
  const worst = Math.max(...figures.map((f) => f.perAllocation));
  verdict('memory', 'heap per live allocation < 1 KiB', worst < 1024 ? 'PASS' : 'FAIL', `${fixed(worst, 0)} B per live allocation (aim ≈ 300 B)`);
}

main();
