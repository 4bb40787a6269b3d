/**
 * A decision inside `simulate()` against a bare `pool.allocate` + `pool.release` on the same
 * cluster, in the same process (issue 17 §1: at most 4×), and the garbage collector's share of
 * the simulation (issue 17: under 10 %), at several sizes — the growth with nodes and jobs.
 *
 *   node --expose-gc --import tsx bench/simulate.ts      (or: npm run bench -- simulate)
 *
 * Environment (all optional):
 *   FAIRPACK_BENCH_SIM_SIZES       jobs×nodes pairs          default 100000x1000,100000x10000
 *                                  (the growth table adds 1000000x10000 and 100000x100000)
 *   FAIRPACK_BENCH_SIM_STRATEGY    placement strategy        default best-fit
 *   FAIRPACK_BENCH_SIM_POLICY      fairness policy           default drf
 *   FAIRPACK_BENCH_SIM_SEED        workload seed             default 1
 *   FAIRPACK_BENCH_SIM_PAIRS       pool pairs per round      default 20000 (five rounds, median)
 *   FAIRPACK_BENCH_SIM_WARMUP      warm-up simulations       default 2 (0: measure a cold process)
 *
 * The GC figure is the main thread's collection pauses (`gc` performance entries) over the
 * simulation's wall time, as a CPU profile's "(garbage collector)" share counts it: run it on a
 * quiet machine. The other figures are CPU time (user + system of the process, `process.cpuUsage`), which does not count
 * the time the process waited for a core on a shared machine. A decision is one of the manager's
 * `decisions` (a job placed, started again after preemption included); the simulation's CPU time
 * includes its own books, sampling and event queue — what a user of `simulate()` waits for.
 * The pool's baseline keeps the same cluster at the occupancy the workload's jobs fill it to
 * (about 70 % of its cpu), then releases the oldest allocation and places the workload's next
 * request, in turn: one pair. The bytes allocated per decision (bench/lib/allocated-bytes.ts)
 * hardly move from run to run: the figure to compare two trees by when the times are noisy.
 *
 * The JIT's warm-up. The process's CPU time counts V8's compiler threads, and a cold process spends
 * about a second compiling the simulator, the manager and the pool: a fifth of a 100,000-job run's
 * CPU, and none of it per decision (a 1,000,000-job run pays the same second). A second run in the
 * same process compiles much of it again: the new manager's callbacks are other closures than the
 * first's ("wrong call target") and the code specialised to the first is thrown away. From the
 * third run on the code holds. So, as the placement bench warms its loops before timing them, two
 * simulations of the first size run before the measured ones (a smaller one would warm the code
 * for an emptier cluster); their CPU time is printed, not counted.
 *
 * No forced collection between simulations, then. Optimized code holds the hidden classes it was
 * specialised to only weakly, and most of those classes live only as long as some instance does:
 * a full `gc()` after a run, before the next one has made its own instances, frees every hidden
 * class of the manager, the pool and the engine, and V8 throws away about 200 functions' optimized
 * code ("weak objects") and compiles about 300 again during the next run — 1.6–2.0 s of compiler
 * time per run, where back to back (the next run's objects take the same hidden classes while the
 * last run's are still alive) it is about 0.4 s. A process running simulations one after another
 * (the CLI's workers) does the latter. So the simulations run back to back, after one collection
 * before the first warm-up, and the pool's pairs (whose rounds each start with a collection) are
 * measured after all of them. FAIRPACK_BENCH_SIM_WARMUP=0 measures as before: a cold process, and
 * a collection before every simulation.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { type Allocation, type FairnessPolicyName, type PlacementStrategyName, ResourcePool, type Resources } from 'fairpack';
import { simulate, syntheticCluster } from 'fairpack/simulate';
import { syntheticScenario } from '../src/simulate/workload.js';
import { withAllocatedBytes } from './lib/allocated-bytes.js';
import { mainThreadCpuMs } from './lib/main-thread-cpu.js';
import { collectGarbageAndSettle, envInt, fixed, median, printTable, verdict } from './lib/report.js';

/** Issue 17: a decision inside simulate at most this many bare pool allocate+release pairs. */
const DECISION_TARGET = 4;
/** Issue 17: the garbage collector's share of a congested simulation's time, at most. */
const GC_TARGET = 0.1;
/** The fill level of the pool's baseline, as a share of the cluster's cpu. */
const FILL = 0.7;

const sizes = sizesFromEnv(process.env['FAIRPACK_BENCH_SIM_SIZES'] ?? '100000x1000,100000x10000');
const strategy = (process.env['FAIRPACK_BENCH_SIM_STRATEGY'] ?? 'best-fit') as PlacementStrategyName;
const policy = (process.env['FAIRPACK_BENCH_SIM_POLICY'] ?? 'drf') as FairnessPolicyName;
const seed = envInt('FAIRPACK_BENCH_SIM_SEED', 1);
const pairs = envInt('FAIRPACK_BENCH_SIM_PAIRS', 20_000);
/** (envInt takes positive integers only; 0 is this option's "none".) */
const warmups = process.env['FAIRPACK_BENCH_SIM_WARMUP'] === '0' ? 0 : envInt('FAIRPACK_BENCH_SIM_WARMUP', 2);

function sizesFromEnv(raw: string): { jobs: number; nodes: number }[] {
  return raw.split(',').map((pair) => {
    const match = /^(\d+)x(\d+)$/.exec(pair.trim());
    if (match === null) throw new Error(`Expected FAIRPACK_BENCH_SIM_SIZES to be jobs×nodes pairs like 100000x1000, got ${JSON.stringify(pair)}.`);
    return { jobs: Number(match[1]), nodes: Number(match[2]) };
  });
}

function cpuMicrosSince(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return used.user + used.system;
}

/** Milliseconds the main thread spent in garbage collection pauses while `run` ran. */
async function withGcTime<T>(run: () => Promise<T>): Promise<{ value: T; gcMs: number }> {
  let gcMs = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcMs += entry.duration;
  });
  observer.observe({ entryTypes: ['gc'] });
  try {
    const value = await run();
    // gc entries are delivered asynchronously: let the last ones arrive
    await new Promise((resolve) => setTimeout(resolve, 50));
    return { value, gcMs };
  } finally {
    observer.disconnect();
  }
}

interface SimulationFigures {
  readonly decisions: number;
  readonly cpuMs: number;
  /** The main thread's share of `cpuMs` (undefined off Linux): the rest is V8's helper threads. */
  readonly mainMs: number | undefined;
  readonly wallMs: number;
  readonly gcMs: number;
  /** Bytes the heap took in during the simulation (withAllocatedBytes): unmoved by the machine's noise. */
  readonly allocated: number;
}

/** One simulation; `collectFirst`: a full collection before it (see the file's comment for when not). */
async function simulation(jobs: number, nodes: number, collectFirst: boolean): Promise<SimulationFigures> {
  if (collectFirst) collectGarbageAndSettle();
  const cpu0 = process.cpuUsage();
  const main0 = mainThreadCpuMs();
  const t0 = performance.now();
  const {
    value: { value: results, gcMs },
    bytes,
  } = await withAllocatedBytes(() => withGcTime(() => simulate({ workload: { jobs }, nodes, strategies: [strategy], policies: [policy], seed })));
  const wallMs = performance.now() - t0;
  const cpuMs = cpuMicrosSince(cpu0) / 1000;
  const main1 = mainThreadCpuMs();
  const mainMs = main0 === undefined || main1 === undefined ? undefined : main1 - main0;
  const run = results.results[0];
  if (run === undefined) throw new Error('simulate() returned no run');
  return { decisions: run.decisions, cpuMs, mainMs, wallMs, gcMs, allocated: bytes };
}

/** CPU µs per release + allocate of the workload's requests on the bare pool, median of five rounds. */
function poolPair(jobs: number, nodes: number): number {
  const cluster = syntheticCluster(nodes);
  const scenario = syntheticScenario({ seed, jobs, nodes: cluster, load: 0.95, nodeFailures: 0, repairMs: 0 });
  const requests: Resources[] = [];
  const arrivals = scenario.jobs();
  for (let job = arrivals.next(); job.done !== true && requests.length < 100_000; job = arrivals.next()) requests.push(job.value.resources);
  let time = 0;
  const pool = new ResourcePool({ nodes: cluster, placement: strategy, now: () => time });
  const totalCpu = cluster.reduce((sum, node) => sum + (node.capacity['cpu'] ?? 0), 0);
  const live: Allocation[] = [];
  let head = 0;
  let next = 0;
  let usedCpu = 0;
  const place = (): boolean => {
    const resources = requests[next % requests.length] as Resources;
    next++;
    const r = pool.allocate({ resources });
    if (!r.ok) return false;
    live.push(r.allocation);
    usedCpu += resources['cpu'] ?? 0;
    return true;
  };
  for (let misses = 0; usedCpu < FILL * totalCpu && misses < 1000; ) if (!place()) misses++;
  const rounds: number[] = [];
  for (let round = 0; round < 5; round++) {
    collectGarbageAndSettle();
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < pairs; i++) {
      time++;
      pool.release((live[head++] as Allocation).id);
      place();
    }
    rounds.push(cpuMicrosSince(cpu0) / pairs);
    // drop the released prefix now and then, so the array does not grow without end
    if (head > 100_000) {
      live.splice(0, head);
      head = 0;
    }
  }
  return median(rounds);
}

/** The JIT's warm-up (see the file's comment): `warmups` simulations of the first size, printed, not counted. */
async function warmUp(): Promise<void> {
  const first = sizes[0];
  if (first === undefined || warmups <= 0) {
    console.log('JIT warm-up: none (FAIRPACK_BENCH_SIM_WARMUP=0): the first size pays for compiling the code\n');
    return;
  }
  const { jobs, nodes } = first;
  const figures: string[] = [];
  for (let i = 0; i < warmups; i++) {
    const sim = await simulation(jobs, nodes, i === 0);
    figures.push(`${fixed(sim.cpuMs / 1000, 1)} s (${fixed((sim.cpuMs * 1000) / sim.decisions, 1)} µs per decision; ${offMain(sim)} off the main thread)`);
  }
  console.log(`JIT warm-up, not counted: ${warmups} × ${jobs.toLocaleString('en')} jobs × ${nodes.toLocaleString('en')} nodes, CPU ${figures.join(', ')}\n`);
}

/** The share of a simulation's CPU time spent beside its main thread (compiling, concurrent GC). */
function offMain(sim: SimulationFigures): string {
  return sim.mainMs === undefined ? 'n/a' : `${fixed(((sim.cpuMs - sim.mainMs) / sim.cpuMs) * 100, 0)} %`;
}

async function main(): Promise<void> {
  console.log(`\n## simulate(): a decision against the bare pool (${strategy} · ${policy}, seed ${seed}; CPU time)\n`);
  await warmUp();
  // every simulation first, back to back; then the pool's pairs (their forced collections would
  // throw the simulator's compiled code away: see the file's comment)
  const sims: SimulationFigures[] = [];
  for (const { jobs, nodes } of sizes) sims.push(await simulation(jobs, nodes, warmups === 0));
  const rows: string[][] = [];
  for (const [i, { jobs, nodes }] of sizes.entries()) {
    const sim = sims[i] as SimulationFigures;
    const pool = poolPair(jobs, nodes);
    const perDecision = (sim.cpuMs * 1000) / sim.decisions;
    const ratio = perDecision / pool;
    // the collector pauses the main thread: its share of the main thread's (wall) time, as a CPU
    // profile counts it; the process's CPU time also counts the collector's and compiler's helper threads
    const gcShare = sim.gcMs / sim.wallMs;
    const size = `${jobs.toLocaleString('en')} jobs × ${nodes.toLocaleString('en')} nodes`;
    rows.push([size, sim.decisions.toLocaleString('en'), fixed(sim.cpuMs / 1000, 1), offMain(sim), fixed(sim.wallMs / 1000, 1), fixed(perDecision, 2), fixed(pool, 2), `${fixed(ratio, 1)}×`, `${fixed(gcShare * 100, 1)} %`, Math.round(sim.allocated / sim.decisions).toLocaleString('en')]);
    verdict('simulate', `a decision inside simulate ≤ ${DECISION_TARGET}× a pool allocate+release (${size})`, ratio <= DECISION_TARGET ? 'PASS' : 'FAIL', `${fixed(ratio, 1)}× (${fixed(perDecision, 2)} µs against ${fixed(pool, 2)} µs)`);
    verdict('simulate', `GC < ${GC_TARGET * 100} % of the simulation's CPU time (${size})`, gcShare < GC_TARGET ? 'PASS' : 'FAIL', `${fixed(gcShare * 100, 1)} % (${fixed(sim.gcMs, 0)} ms of ${fixed(sim.wallMs, 0)} ms)`);
  }
  console.log('');
  printTable(['size', 'decisions', 'CPU s', 'of it off the main thread', 'wall s', 'µs per decision', 'pool µs per pair', 'ratio', 'GC', 'bytes allocated per decision'], rows);
}

await main();
