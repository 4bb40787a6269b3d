/**
 * Placement under steady-state churn: fairpack's indexed strategies against a linear scan over
 * Float64Arrays, on the same operation sequence, in the same process.
 *
 *   node --expose-gc --import tsx bench/placement.ts      (or: npm run bench -- placement)
 *
 * Environment (all optional):
 *   FAIRPACK_BENCH_SIZES       node counts                     default 1000,10000,100000
 *   FAIRPACK_BENCH_STRATEGIES  strategies                      default best-fit,first-fit,worst-fit,dot-product
 *   FAIRPACK_BENCH_STEPS       steps per timed repetition      default 4000
 *   FAIRPACK_BENCH_REPS        timed repetitions               default 5
 *   FAIRPACK_BENCH_WARMUP      untimed steps after the fill    default one turnover (= live allocations)
 *   FAIRPACK_BENCH_SCAN_MAX    largest size the scan runs at   default 10000
 *   FAIRPACK_BENCH_SEED        workload seed                   default 2011
 *   FAIRPACK_BENCH_STRATEGIES_LARGE  strategies above SCAN_MAX     default best-fit (the only target there),
 *                              or FAIRPACK_BENCH_STRATEGIES when that is set
 *   FAIRPACK_BENCH_AUDIT       decisions audited per run       default 20000 (spread over the untimed phase)
 *   FAIRPACK_BENCH_SETUP_BUDGET  seconds allowed for fill + warm-up per run   default 80
 *   FAIRPACK_BENCH_SPREAD_MAX  the timed repetitions are spread over one turnover, but at most
 *                              this many steps                 default 100000 (one turnover up to
 *                              ≈ 11,000 nodes; at 100,000 nodes a ninth of one)
 *   FAIRPACK_BENCH_SETTLE      1: after the gc before each repetition, pause until its concurrent
 *                              sweeping is done (collectGarbageAndSettle); 0: start the clock at
 *                              once, as the bench did before 2026-11-23 17:00; both: the whole
 *                              bench with the pause, then again without it    default 1
 *   FAIRPACK_BENCH_CLUSTERS    cluster shapes (bench/lib/workload.ts)   default heterogeneous,homogeneous
 *   FAIRPACK_BENCH_STRATEGIES_HOMOGENEOUS  strategies on the homogeneous cluster   default best-fit
 *                              (its only target), or FAIRPACK_BENCH_STRATEGIES when that is set
 */
import { type Allocation, ResourcePool } from 'fairpack';
import { exactScorer } from './lib/exact-score.js';
import { LinearScanCluster, type ScanStrategy } from './lib/linear-scan.js';
import { collectGarbage, collectGarbageAndSettle, envInt, envInts, envNames, fixed, median, printTable, verdict } from './lib/report.js';
import { CLUSTER_DESCRIPTION, CLUSTER_SHAPES, type ClusterShape, Fifo, OperationSequence, clusterSpecs } from './lib/workload.js';

/** Issue 17: best-fit at 10,000 nodes at least this many times faster than the scan (it was 5×). */
const SPEEDUP_TARGET = 8;

const STRATEGIES = ['best-fit', 'first-fit', 'worst-fit', 'dot-product'] as const satisfies readonly ScanStrategy[];
type Strategy = (typeof STRATEGIES)[number];

const sizes = envInts('FAIRPACK_BENCH_SIZES', [1000, 10_000, 100_000]);
const strategies = envNames('FAIRPACK_BENCH_STRATEGIES', STRATEGIES, STRATEGIES);
const stepsPerRep = envInt('FAIRPACK_BENCH_STEPS', 4000);
const reps = envInt('FAIRPACK_BENCH_REPS', 5);
const warmupOverride = process.env['FAIRPACK_BENCH_WARMUP'] === undefined ? undefined : envInt('FAIRPACK_BENCH_WARMUP', 1);
const scanMax = envInt('FAIRPACK_BENCH_SCAN_MAX', 10_000);
const seed = envInt('FAIRPACK_BENCH_SEED', 2011);
// above the scan's sizes only best-fit has a target, and the other indexes are slow to fill there
const strategiesLarge = envNames('FAIRPACK_BENCH_STRATEGIES_LARGE', STRATEGIES, process.env['FAIRPACK_BENCH_STRATEGIES'] ? strategies : strategies.filter((s) => s === 'best-fit'));
const auditLimit = envInt('FAIRPACK_BENCH_AUDIT', 20_000);
const setupBudget = envInt('FAIRPACK_BENCH_SETUP_BUDGET', 80);
const spreadMax = envInt('FAIRPACK_BENCH_SPREAD_MAX', 100_000);
/** Steps per call of the timed loops in the JIT warm-up (runCluster): a few calls, long enough to get them optimized. */
const WARM_CHUNK = 1000;
const clusters = envNames('FAIRPACK_BENCH_CLUSTERS', CLUSTER_SHAPES, CLUSTER_SHAPES);
// the homogeneous cluster has one target (best-fit against its scan); the rest would double the run
const strategiesHomogeneous = envNames('FAIRPACK_BENCH_STRATEGIES_HOMOGENEOUS', STRATEGIES, process.env['FAIRPACK_BENCH_STRATEGIES'] ? strategies : strategies.filter((s) => s === 'best-fit'));
const settleModes = settleFromEnv(process.env['FAIRPACK_BENCH_SETTLE']);
/** Whether the current pass pauses after the forced gc (one pass per entry of settleModes). */
let settle = true;
/** The gc before a timed repetition (see collectGarbageAndSettle for why it settles). */
const beforeRepetition = (): boolean => (settle ? collectGarbageAndSettle() : collectGarbage());

interface Audit {
  /** Decisions made by both, before the timed repetitions. */
  compared: number;
  identical: number;
  /** Different nodes with the same exact (rational) optimal score: a tie rounded differently. */
  roundingTies: number;
  /** Anything else: fairpack (or the scan) chose a node that is not exactly optimal. */
  mismatches: number;
  firstMismatch: string | undefined;
}

function settleFromEnv(raw: string | undefined): readonly boolean[] {
  if (raw === undefined || raw === '' || raw === '1') return [true];
  if (raw === '0') return [false];
  if (raw === 'both') return [true, false];
  throw new Error(`Expected FAIRPACK_BENCH_SETTLE to be 1, 0 or both, got ${JSON.stringify(raw)}.`);
}

interface Measurement {
  readonly cluster: ClusterShape;
  readonly strategy: Strategy;
  readonly nodes: number;
  readonly live: number;
  readonly utilisation: number;
  /** µs per step (release oldest + allocate), one per repetition. */
  readonly fairpack: readonly number[];
  readonly scan: readonly number[] | undefined;
  /**
   * The same repetitions in CPU time of the process (user + system, µs per step): on a shared
   * machine the wall clock also counts waiting for a core, which the CPU time does not. It does
   * count the collector's helper threads, which is work the timed steps caused.
   */
  readonly fairpackCpu: readonly number[];
  readonly scanCpu: readonly number[] | undefined;
  readonly failed: number;
  readonly audit: Audit | undefined;
  readonly setupSeconds: number;
  /** Set when the fill and warm-up did not finish within the setup budget (no timed figures then). */
  readonly incomplete: { readonly reached: number; readonly needed: number; readonly microsPerOp: number } | undefined;
}

/** fairpack driven through its public API: release(oldest id), then allocate(request). */
class FairpackRun {
  readonly pool: ResourcePool;
  private readonly live = new Fifo<string>();
  failed = 0;

  constructor(private readonly sequence: OperationSequence, strategy: Strategy, nodes: number, shape: ClusterShape) {
    this.pool = new ResourcePool({ nodes: clusterSpecs(nodes, shape), placement: strategy });
  }

  get liveCount(): number {
    return this.live.size;
  }

  /** Untimed: operation k; returns the chosen node's index, or −1. */
  step(k: number): number {
    const { pool, live, sequence } = this;
    if (k >= sequence.fill) {
      const oldest = live.shift();
      if (oldest !== undefined) pool.release(oldest);
    }
    const result = pool.allocate(sequence.request(k));
    if (!result.ok) return -1;
    live.push(result.allocation.id);
    return nodeIndex(result.allocation);
  }

  /** Timed steps [from, to) (all after the fill); returns µs per step and writes each choice to `chosen`. */
  timed(from: number, to: number, chosen: Int32Array): number {
    const { pool, live, sequence } = this;
    // requests are built before the clock starts; building one is the caller's cost, not fairpack's
    const requests = Array.from({ length: to - from }, (_, i) => sequence.request(from + i));
    const results = new Array<Allocation | undefined>(to - from).fill(undefined);
    beforeRepetition();
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    for (let i = 0; i < requests.length; i++) {
      const oldest = live.shift();
      if (oldest !== undefined) pool.release(oldest);
      const result = pool.allocate(requests[i] as (typeof requests)[number]);
      if (result.ok) {
        live.push(result.allocation.id);
        results[i] = result.allocation;
      }
    }
    const elapsed = performance.now() - start;
    this.lastCpu = cpuMicros(cpuStart, to - from);
    for (let i = 0; i < results.length; i++) {
      const allocation = results[i];
      if (allocation === undefined) this.failed++;
      chosen[from + i] = allocation === undefined ? -1 : nodeIndex(allocation);
    }
    return (elapsed * 1000) / (to - from);
  }

  /** CPU µs per step of the last `timed` call. */
  lastCpu = NaN;

  cpuUtilisation(): number {
    const { total, allocated } = this.pool.capacity();
    return (allocated['cpu'] ?? 0) / (total['cpu'] ?? 1);
  }
}

/** The linear-scan baseline on the same sequence: a FIFO of operation indices, node per operation. */
class ScanRun {
  readonly cluster: LinearScanCluster;
  private readonly chosen: Int32Array;
  private readonly live = new Fifo<number>();

  constructor(private readonly sequence: OperationSequence, private readonly strategy: Strategy, nodes: number, shape: ClusterShape) {
    this.cluster = new LinearScanCluster(clusterSpecs(nodes, shape));
    this.chosen = new Int32Array(sequence.length).fill(-1);
  }

  step(k: number): number {
    this.steps(k, k + 1);
    return this.chosen[k] as number;
  }

  /**
   * Timed steps [from, to): the scan chooses a node for every request, as a scheduler without an
   * index must, but then puts the request where fairpack put it (`follow`), so that a tie rounded
   * the other way cannot make the two states drift apart. Choosing is the whole cost either way.
   */
  timed(from: number, to: number, follow: Int32Array): number {
    const { cluster, live, sequence, chosen, strategy } = this;
    const { cpu, memory, gpu } = sequence;
    beforeRepetition();
    let checksum = 0;
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    for (let k = from; k < to; k++) {
      const oldest = live.shift();
      if (oldest !== undefined && (chosen[oldest] as number) >= 0) {
        cluster.release(chosen[oldest] as number, cpu[oldest] as number, memory[oldest] as number, gpu[oldest] as number);
      }
      const c = cpu[k] as number;
      const m = memory[k] as number;
      const g = gpu[k] as number;
      checksum += cluster.choose(strategy, c, m, g);
      const node = follow[k] as number;
      chosen[k] = node;
      if (node >= 0) {
        cluster.take(node, c, m, g);
        live.push(k);
      }
    }
    const elapsed = performance.now() - start;
    this.lastCpu = cpuMicros(cpuStart, to - from);
    this.checksum += checksum;
    return (elapsed * 1000) / (to - from);
  }

  /** CPU µs per step of the last `timed` call. */
  lastCpu = NaN;

  /** Keeps the timed choices observable, so no engine can drop them as dead code. */
  checksum = 0;

  /** Operation k without scanning: release the oldest, put the new one on `node` (fairpack's choice). */
  replay(k: number, node: number): void {
    const { cluster, live, sequence, chosen } = this;
    if (k >= sequence.fill) {
      const oldest = live.shift();
      if (oldest !== undefined && (chosen[oldest] as number) >= 0) cluster.release(chosen[oldest] as number, ...this.demand(oldest));
    }
    chosen[k] = node;
    if (node >= 0) {
      cluster.take(node, ...this.demand(k));
      live.push(k);
    }
  }

  /** Demand of operation k as [cpu, memory, gpu]. */
  demand(k: number): [number, number, number] {
    return [this.sequence.cpu[k] as number, this.sequence.memory[k] as number, this.sequence.gpu[k] as number];
  }

  /** Takes back the scan's own choice for operation k (so the state is as before it). */
  undo(k: number): void {
    const node = this.chosen[k] as number;
    if (node < 0) return;
    this.cluster.release(node, ...this.demand(k));
  }

  /** After undo(k): puts operation k where fairpack put it, so both stay in the same state. */
  follow(k: number, node: number): void {
    const had = (this.chosen[k] as number) >= 0;
    this.chosen[k] = node;
    if (node >= 0) this.cluster.take(node, ...this.demand(k));
    if (!had && node >= 0) this.live.push(k);
  }

  private steps(from: number, to: number): void {
    const { cluster, live, sequence, chosen, strategy } = this;
    const { cpu, memory, gpu, fill } = sequence;
    for (let k = from; k < to; k++) {
      if (k >= fill) {
        const oldest = live.shift();
        if (oldest !== undefined && (chosen[oldest] as number) >= 0) {
          cluster.release(chosen[oldest] as number, cpu[oldest] as number, memory[oldest] as number, gpu[oldest] as number);
        }
      }
      const node = cluster.allocate(strategy, cpu[k] as number, memory[k] as number, gpu[k] as number);
      chosen[k] = node;
      if (node >= 0) live.push(k);
    }
  }
}

function nodeIndex(allocation: Allocation): number {
  return Number((allocation.placements[0]?.nodeId ?? 'n-1').slice(1));
}

/**
 * Untimed phase. fairpack takes every operation; the scan replays fairpack's choice (cheap), except
 * at audited operations (every `every`-th), where it scans for itself. Where the two differ, the
 * decision is judged in exact arithmetic on the state both had before it, and the scan then
 * follows fairpack, so both always hold the same state. Stops early when `deadline` passes.
 */
function untimedPhase(fairpack: FairpackRun, scan: ScanRun | undefined, strategy: Strategy, shape: ClusterShape, to: number, every: number, deadline: number, audit: Audit | undefined): number {
  const scorer = exactScorer(strategy, clusterSpecs(100, shape).flatMap((spec) => Object.values(spec.capacity)));
  for (let k = 0; k < to; k++) {
    if (k % 1000 === 0 && performance.now() > deadline) return k;
    const mine = fairpack.step(k);
    if (scan === undefined || audit === undefined) continue;
    if (k % every !== 0) {
      scan.replay(k, mine);
      continue;
    }
    const theirs = scan.step(k);
    audit.compared++;
    if (mine === theirs) {
      audit.identical++;
      continue;
    }
    scan.undo(k);
    const request = scan.demand(k);
    const cluster = scan.cluster;
    const scoreOf = (node: number): bigint | undefined => (node < 0 ? undefined : scorer.score(cluster.capacityOf(node), cluster.freeOf(node), request));
    let optimum: bigint | undefined;
    for (let i = 0; i < cluster.size; i++) {
      const score = scoreOf(i);
      if (score !== undefined && (optimum === undefined || score > optimum)) optimum = score;
    }
    const a = scoreOf(mine);
    const b = scoreOf(theirs);
    if (strategy !== 'first-fit' && a !== undefined && a === b && a === optimum) audit.roundingTies++;
    else {
      audit.mismatches++;
      audit.firstMismatch ??= `op ${k}: fairpack chose node ${mine}, the scan node ${theirs} (exact scores ${String(a)} / ${String(b)}, optimum ${String(optimum)})`;
    }
    scan.follow(k, mine);
  }
  return to;
}

/** CPU time (user + system) of the process since `start`, in µs per step. */
function cpuMicros(start: NodeJS.CpuUsage, steps: number): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / steps;
}

function measure(shape: ClusterShape, strategy: Strategy, nodes: number): Measurement {
  const setupStart = performance.now();
  let warmup = 0;
  let spacing = 0;
  const sequence = new OperationSequence(nodes, seed, (fill) => {
    warmup = warmupOverride ?? fill;
    spacing = Math.max(stepsPerRep, Math.ceil(Math.min(fill, spreadMax) / reps));
    return warmup + (reps - 1) * spacing + stepsPerRep;
  }, 0.6, shape);
  const fairpack = new FairpackRun(sequence, strategy, nodes, shape);
  const scan = nodes <= scanMax ? new ScanRun(sequence, strategy, nodes, shape) : undefined;
  const timedStart = sequence.fill + warmup;
  const audit: Audit | undefined = scan === undefined ? undefined : { compared: 0, identical: 0, roundingTies: 0, mismatches: 0, firstMismatch: undefined };
  const every = Math.max(1, Math.ceil(timedStart / auditLimit));
  const reached = untimedPhase(fairpack, scan, strategy, shape, timedStart, every, setupStart + setupBudget * 1000, audit);
  const setupSeconds = (performance.now() - setupStart) / 1000;
  if (reached < timedStart) {
    // too slow to reach the steady state within the budget: report what the setup cost per operation
    return {
      cluster: shape,
      strategy,
      nodes,
      live: fairpack.liveCount,
      utilisation: fairpack.cpuUtilisation(),
      fairpack: [],
      scan: undefined,
      fairpackCpu: [],
      scanCpu: undefined,
      failed: 0,
      audit,
      setupSeconds,
      incomplete: { reached, needed: timedStart, microsPerOp: (setupSeconds * 1e6) / reached },
    };
  }
  const live = fairpack.liveCount;
  const fairpackTimes: number[] = [];
  const scanTimes: number[] = [];
  const fairpackCpu: number[] = [];
  const scanCpu: number[] = [];
  const chosen = new Int32Array(sequence.length).fill(-1);
  // Repetitions are spread over one more turnover of the live allocations: under FIFO churn the
  // state repeats with that period (first-fit's cost rises and falls with it), so a median over
  // one place in the cycle would not be the typical cost. Past SPREAD_MAX steps (100,000 nodes)
  // they cover only part of it, which is fine for best-fit, whose cost is flat after a turnover.
  for (let r = 0; r < reps; r++) {
    const from = timedStart + r * spacing;
    const to = from + stepsPerRep;
    fairpackTimes.push(fairpack.timed(from, to, chosen));
    fairpackCpu.push(fairpack.lastCpu);
    if (scan !== undefined) {
      scanTimes.push(scan.timed(from, to, chosen));
      scanCpu.push(scan.lastCpu);
    }
    const next = r + 1 < reps ? timedStart + (r + 1) * spacing : to;
    for (let k = to; k < next; k++) {
      const node = fairpack.step(k);
      scan?.replay(k, node);
    }
  }
  return {
    cluster: shape,
    strategy,
    nodes,
    live,
    utilisation: fairpack.cpuUtilisation(),
    fairpack: fairpackTimes,
    scan: scan === undefined ? undefined : scanTimes,
    fairpackCpu,
    scanCpu: scan === undefined ? undefined : scanCpu,
    failed: fairpack.failed,
    audit,
    setupSeconds,
    incomplete: undefined,
  };
}

/** fairpack's µs per op: the median of the timed repetitions, or the setup average when incomplete. */
function cost(m: Measurement): number {
  return m.incomplete === undefined ? median(m.fairpack) : m.incomplete.microsPerOp;
}

function describe(m: Measurement): string {
  return m.incomplete === undefined
    ? `${fixed(cost(m), 2)} µs/op`
    : `≈${fixed(cost(m), 0)} µs/op (average over the ${m.incomplete.reached.toLocaleString('en-US')} of ${m.incomplete.needed.toLocaleString('en-US')} fill/warm-up operations done before the setup budget ran out)`;
}

function main(): void {
  console.log('## Placement under churn (release the oldest allocation, allocate a new one)\n');
  for (const mode of settleModes) {
    settle = mode;
    console.log(
      `timing: ${reps} repetitions × ${stepsPerRep} steps, spread over one turnover of the live allocations (at most ${spreadMax} steps), after a warm-up of ${warmupOverride === undefined ? 'one full turnover' : `${warmupOverride} steps`}; ` +
        `seed ${seed}; gc before each repetition: ${collectGarbage() ? (settle ? 'yes, then a pause for its concurrent sweeping (FAIRPACK_BENCH_SETTLE=1)' : 'yes, clock started at once (FAIRPACK_BENCH_SETTLE=0)') : 'no (run with --expose-gc)'}; setup budget ${setupBudget} s per run\n`,
    );
    for (const shape of clusters) runCluster(shape);
  }
}

/** One cluster shape at every size: progress lines, the table, the verdicts. */
function runCluster(shape: ClusterShape): void {
  console.log(`### ${shape} cluster: ${CLUSTER_DESCRIPTION[shape]}; filled to 60 % of cpu, then churned\n`);
  const chosen = shape === 'homogeneous' ? strategiesHomogeneous : strategies;
  // JIT warm-up: a small throwaway run per strategy, so the first measured size is not also the
  // one that pays for compiling the allocate/release/index paths — and the timed loops themselves
  // (`timed` of both sides) run here too: the untimed phase goes through `step`, so without this
  // the first repetitions of each series paid for compiling the bench's own loop (3–13 ms of
  // compiler time, counted by the process's CPU time), on whichever side ran it first
  for (const strategy of chosen) {
    const sequence = new OperationSequence(500, seed + 1, (fill) => 3 * fill, 0.6, shape);
    const fairpack = new FairpackRun(sequence, strategy, 500, shape);
    const scan = new ScanRun(sequence, strategy, 500, shape);
    let k = 0;
    for (; k < sequence.fill; k++) scan.replay(k, fairpack.step(k));
    const followed = new Int32Array(sequence.length).fill(-1);
    for (; k + WARM_CHUNK <= sequence.length; k += WARM_CHUNK) {
      fairpack.timed(k, k + WARM_CHUNK, followed);
      scan.timed(k, k + WARM_CHUNK, followed);
    }
  }
  const results: Measurement[] = [];
  for (const nodes of sizes) {
    for (const strategy of nodes > scanMax ? strategiesLarge.filter((s) => chosen.includes(s)) : chosen) {
      const m = measure(shape, strategy, nodes);
      results.push(m);
      const sc = m.scan === undefined ? NaN : median(m.scan);
      console.log(
        `  ${strategy.padEnd(11)} ${String(nodes).padStart(7)} nodes: fairpack ${describe(m)}` +
          (m.scan === undefined ? '' : `, scan ${fixed(sc, 2)} µs/op (scan ÷ fairpack ${fixed(sc / cost(m), 1)}×)`) +
          (m.scanCpu === undefined || m.incomplete !== undefined
            ? ''
            : `; CPU time: fairpack ${fixed(median(m.fairpackCpu), 2)}, scan ${fixed(median(m.scanCpu), 2)} µs/op (${fixed(median(m.scanCpu) / median(m.fairpackCpu), 1)}×)`) +
          `  [setup ${fixed(m.setupSeconds, 1)} s]`,
      );
    }
  }
  console.log('');
  printTable(
    ['cluster', 'strategy', 'nodes', 'live allocs', 'cpu used', 'fairpack µs/op (median)', 'min–max', 'scan µs/op (median)', 'scan ÷ fairpack', 'decisions audited', 'rounding ties', 'mismatches', 'failed allocs'],
    results.map((m) => {
      const sc = m.scan === undefined ? NaN : median(m.scan);
      const complete = m.incomplete === undefined;
      return [
        m.cluster,
        m.strategy,
        m.nodes.toLocaleString('en-US'),
        m.live.toLocaleString('en-US'),
        `${fixed(m.utilisation * 100, 1)} %`,
        complete ? fixed(cost(m), 2) : `(setup avg ${fixed(cost(m), 0)})`,
        complete ? `${fixed(Math.min(...m.fairpack), 2)}–${fixed(Math.max(...m.fairpack), 2)}` : 'budget out',
        m.scan === undefined ? '—' : fixed(sc, 2),
        m.scan === undefined ? '—' : `${fixed(sc / cost(m), 1)}×`,
        m.audit === undefined ? '—' : m.audit.compared.toLocaleString('en-US'),
        m.audit === undefined ? '—' : String(m.audit.roundingTies),
        m.audit === undefined ? '—' : String(m.audit.mismatches),
        complete ? `${m.failed} / ${reps * stepsPerRep}` : '—',
      ];
    }),
  );
  console.log('');
  checkTargets(shape, results);
  console.log('');
}

/** PASS/FAIL from a measured figure; an incomplete run that would pass is inconclusive (SKIP). */
function judge(pass: boolean, ...runs: (Measurement | undefined)[]): 'PASS' | 'FAIL' | 'SKIP' {
  if (!pass) return 'FAIL';
  return runs.some((m) => m?.incomplete !== undefined) ? 'SKIP' : 'PASS';
}

function checkTargets(shape: ClusterShape, results: readonly Measurement[]): void {
  const find = (strategy: Strategy, nodes: number): Measurement | undefined => results.find((m) => m.strategy === strategy && m.nodes === nodes);
  const part = 'placement';
  // every verdict names the cluster and the timing, since one run can judge several of each
  const where = ` (${shape} cluster, ${settle ? 'settle on' : 'settle off'})`;

  const bf10k = find('best-fit', 10_000);
  const target1 = `best-fit at 10,000 nodes ≥ ${SPEEDUP_TARGET}× faster than the linear scan${where}`;
  if (bf10k === undefined || (bf10k.scan === undefined && bf10k.incomplete === undefined)) verdict(part, target1, 'SKIP', 'needs best-fit at 10000 nodes with the scan');
  else if (bf10k.scan === undefined) verdict(part, target1, 'FAIL', `fairpack ${describe(bf10k)}: no steady state within the setup budget`);
  else {
    const ratio = median(bf10k.scan) / cost(bf10k);
    const cpu = bf10k.scanCpu === undefined || bf10k.incomplete !== undefined ? '' : `; in CPU time ${fixed(median(bf10k.scanCpu), 2)} ÷ ${fixed(median(bf10k.fairpackCpu), 2)} µs/op = ${fixed(median(bf10k.scanCpu) / median(bf10k.fairpackCpu), 1)}×`;
    verdict(part, target1, judge(ratio >= SPEEDUP_TARGET, bf10k), `scan ${fixed(median(bf10k.scan), 2)} µs/op ÷ fairpack ${describe(bf10k)} = ${fixed(ratio, 1)}×${cpu}`);
  }

  const bf1k = find('best-fit', 1000);
  const bf100k = find('best-fit', 100_000);
  const target2 = `best-fit cost per op grows < 4× from 1,000 to 100,000 nodes${where}`;
  if (bf1k === undefined || bf100k === undefined) verdict(part, target2, 'SKIP', 'needs best-fit at 1000 and 100000 nodes');
  else {
    const growth = cost(bf100k) / cost(bf1k);
    verdict(part, target2, judge(growth < 4, bf1k, bf100k), `${describe(bf100k)} ÷ ${describe(bf1k)} = ${fixed(growth, 2)}×`);
  }

  const scan1k = bf1k?.scan;
  for (const strategy of ['first-fit', 'worst-fit', 'dot-product'] as const) {
    const target = `${strategy} at 10,000 nodes within 2× of the best-fit scan at 1,000 nodes${where}`;
    const m = find(strategy, 10_000);
    if (m === undefined && shape === 'homogeneous') continue; // only best-fit has a target there
    if (m === undefined || scan1k === undefined) verdict(part, target, 'SKIP', `needs ${strategy} at 10000 nodes and best-fit with the scan at 1000 nodes`);
    else {
      const ratio = cost(m) / median(scan1k);
      verdict(part, target, judge(ratio <= 2, m), `${describe(m)} ÷ scan ${fixed(median(scan1k), 2)} µs/op = ${fixed(ratio, 2)}× (limit 2×)`);
    }
  }

  const audited = results.filter((m) => m.audit !== undefined && m.audit.compared > 0);
  const wrong = audited.filter((m) => (m.audit as Audit).mismatches > 0);
  const ties = audited.reduce((sum, m) => sum + (m.audit as Audit).roundingTies, 0);
  const compared = audited.reduce((sum, m) => sum + (m.audit as Audit).compared, 0);
  verdict(
    part,
    `every audited decision is the exact optimum (checked against the scan in exact arithmetic)${where}`,
    audited.length === 0 ? 'SKIP' : wrong.length === 0 ? 'PASS' : 'FAIL',
    audited.length === 0
      ? `no run was audited (the scan runs up to FAIRPACK_BENCH_SCAN_MAX = ${scanMax} nodes)`
      : wrong.length === 0
      ? `${compared.toLocaleString('en-US')} decisions compared; the scan chose another node ${ties} times, each an exact tie that floating point broke differently`
      : wrong.map((m) => `${m.strategy}@${m.nodes}: ${(m.audit as Audit).firstMismatch ?? ''}`).join('; '),
  );
}

main();
