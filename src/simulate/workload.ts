import type { NodeSpec, Resources } from '../index.js';
import { Random } from './random.js';
import { checkCount } from './helper-arguments.js';
import { LIMITS } from './options.js';
import { type NodeFailure, PRIORITY_ORDER, type Scenario, type SimJob, minimalShapes, nodeShapes } from './scenario.js';

/**
 * The built-in synthetic workload: four tenants with different job shapes sharing a
 * heterogeneous cluster. Memory is in GiB. Everything is drawn from the seed.
 */
interface TenantProfile {
  readonly name: string;
  readonly about: string;
  /** Fraction of the jobs. */
  readonly share: number;
  /** Jobs per submission: a tenant that submits pipelines of this many jobs at once. @default 1 */
  readonly burst?: number;
  /** Job shapes and their relative frequencies. */
  readonly shapes: readonly (readonly [Resources, number])[];
  readonly priorities: readonly (readonly [string, number])[];
  /** Log-normal durations: median and σ of the underlying normal. */
  readonly medianS: number;
  readonly sigma: number;
}

// The shares are balanced so that each dimension (cpu, memory, gpu) carries a similar offered
// load on the default cluster: the comparison is then about packing, not about one bottleneck.
const TENANTS: readonly TenantProfile[] = [
  {
    name: 'ci',
    about: 'many small, short cpu jobs (1–4 cpu), often high priority',
    share: 0.375,
    shapes: [
      [{ cpu: 1, memory: 2 }, 3],
      [{ cpu: 2, memory: 4 }, 3],
      [{ cpu: 2, memory: 8 }, 1],
      [{ cpu: 4, memory: 8 }, 2],
      [{ cpu: 4, memory: 16 }, 1],
    ],
    priorities: [
      ['real-time', 0.05],
      ['high', 0.35],
      ['default', 0.4],
      ['best-effort', 0.2],
    ],
    medianS: 180,
    sigma: 0.6,
  },
  {
    name: 'batch',
    about: 'cpu-heavy jobs (8–48 cpu, 2 GiB per cpu), submitted in bursts of 40 (a pipeline)',
    share: 0.36,
    burst: 40,
    shapes: [
      [{ cpu: 8, memory: 16 }, 3],
      [{ cpu: 16, memory: 32 }, 3],
      [{ cpu: 32, memory: 64 }, 2],
      [{ cpu: 48, memory: 96 }, 1],
    ],
    priorities: [
      ['default', 0.7],
      ['low', 0.3],
    ],
    medianS: 720,
    sigma: 0.8,
  },
  {
    name: 'analytics',
    about: 'memory-heavy jobs (64–512 GiB, 8–32 GiB per cpu)',
    share: 0.24,
    shapes: [
      [{ cpu: 4, memory: 64 }, 2],
      [{ cpu: 8, memory: 128 }, 3],
      [{ cpu: 8, memory: 256 }, 2],
      [{ cpu: 16, memory: 512 }, 1],
    ],
    priorities: [
      ['default', 0.6],
      ['low', 0.4],
    ],
    medianS: 900,
    sigma: 0.8,
  },
  {
    name: 'ml',
    about: 'gpu jobs (1–8 gpu, 8 cpu and 64 GiB per gpu), long',
    share: 0.02,
    shapes: [
      [{ cpu: 8, memory: 64, gpu: 1 }, 4],
      [{ cpu: 16, memory: 128, gpu: 2 }, 3],
      [{ cpu: 32, memory: 256, gpu: 4 }, 2],
      [{ cpu: 64, memory: 512, gpu: 8 }, 1],
    ],
    priorities: [
      ['high', 0.3],
      ['default', 0.7],
    ],
    medianS: 1800,
    sigma: 0.9,
  },
];

/**
 * Durations are truncated to [median ÷ 10, 5 × median]: one draw from the log-normal's tail
 * would otherwise decide the makespan of every combination alike and hide the differences.
 */
const TRUNCATE_BELOW = 0.1;
const TRUNCATE_ABOVE = 5;

/**
 * The default heterogeneous cluster: 70 % standard nodes (64 cpu, 256 GiB), 20 % high-memory
 * (64 cpu, 1 TiB), 10 % gpu (96 cpu, 1 TiB, 8 gpu), in that node order. At least one gpu node
 * (and, from two nodes, one high-memory node) so that every synthetic job fits somewhere.
 */
export function syntheticCluster(count: number): NodeSpec[] {
  checkCount(count, 'count', 'syntheticCluster', 1, LIMITS.nodes);
  const gpu = Math.max(1, Math.round(count * 0.1));
  const highmem = Math.min(count - gpu, Math.max(count >= 2 ? 1 : 0, Math.round(count * 0.2)));
  const standard = count - gpu - highmem;
  const nodes: NodeSpec[] = [];
  const width = String(count).length;
  const add = (kind: string, n: number, capacity: Resources): void => {
    for (let i = 1; i <= n; i++) nodes.push({ id: `${kind}-${String(i).padStart(width, '0')}`, capacity, labels: { kind } });
  };
  add('std', standard, { cpu: 64, memory: 256 });
  add('highmem', highmem, { cpu: 64, memory: 1024 });
  add('gpu', gpu, { cpu: 96, memory: 1024, gpu: 8 });
  return nodes;
}

export interface SyntheticOptions {
  readonly seed: number;
  readonly jobs: number;
  readonly nodes: readonly NodeSpec[];
  /** Offered load of the busiest dimension, as a fraction of the cluster's capacity. */
  readonly load: number;
  readonly nodeFailures: number;
  readonly repairMs: number;
}

export function syntheticScenario(options: SyntheticOptions): Scenario {
  const rate = arrivalRate(options.nodes, options.load);
  const expectedSpanMs = options.jobs / rate;
  // one cheap pass over the generator gives the exact number of jobs per tenant for the description
  const tenantJobs = new Map<string, number>();
  for (const job of syntheticJobs(options.seed, options.jobs, rate)) tenantJobs.set(job.tenant, (tenantJobs.get(job.tenant) ?? 0) + 1);
  return {
    description: {
      workload: 'synthetic',
      seed: options.seed,
      jobs: options.jobs,
      nodes: options.nodes.length,
      nodeShapes: nodeShapes(options.nodes),
      load: options.load,
      nodeFailures: options.nodeFailures,
      repairS: options.repairMs / 1000,
      tenants: TENANTS.map((t) => ({ name: t.name, jobs: tenantJobs.get(t.name) ?? 0, about: t.about })),
    },
    nodes: options.nodes,
    tenants: TENANTS.map((t) => t.name),
    priorities: PRIORITY_ORDER,
    jobCount: options.jobs,
    jobs: () => syntheticJobs(options.seed, options.jobs, rate),
    minimalShapes: minimalShapes(TENANTS.flatMap((t) => t.shapes.map(([shape]) => shape))),
    failures: plannedFailures(options.seed, options.nodes, options.nodeFailures, 0, expectedSpanMs, options.repairMs),
    chartedTenants: TENANTS.map((t) => t.name),
  };
}

/** Poisson arrivals; each job's tenant, shape, priority and duration drawn independently. */
function* syntheticJobs(seed: number, count: number, ratePerMs: number): Generator<SimJob> {
  const random = new Random(seed, 'workload');
  // Superposed Poisson processes: submissions (a burst counts as one) arrive at the sum of the
  // tenants' submission rates, and each is tenant t's with probability ∝ share_t ÷ burst_t.
  const submissionRate = TENANTS.reduce((sum, t) => sum + (ratePerMs * t.share) / (t.burst ?? 1), 0);
  const tenants = TENANTS.map((t) => [t, t.share / (t.burst ?? 1)] as const);
  let time = 0;
  let made = 0;
  while (made < count) {
    time += random.exponential(submissionRate);
    const tenant = random.weighted(tenants);
    // a burst is one pipeline run: its jobs share a priority
    const priority = random.weighted(tenant.priorities);
    for (let k = 0; k < (tenant.burst ?? 1) && made < count; k++, made++) {
      const resources = random.weighted(tenant.shapes);
      const median = tenant.medianS * 1000;
      const duration = Math.min(TRUNCATE_ABOVE * median, Math.max(TRUNCATE_BELOW * median, random.logNormal(median, tenant.sigma)));
      // whole milliseconds keep every printed time free of binary-fraction noise
      yield { submitAt: Math.round(time), tenant: tenant.name, priority, resources, durationMs: Math.round(duration) };
    }
  }
}

/**
 * Arrivals per millisecond so that the busiest dimension's offered load — arrival rate × mean
 * size × mean duration ÷ capacity — equals `load`.
 */
export function arrivalRate(nodes: readonly NodeSpec[], load: number): number {
  const capacity = new Map<string, number>();
  for (const node of nodes) for (const [name, amount] of Object.entries(node.capacity)) capacity.set(name, (capacity.get(name) ?? 0) + amount);
  const workPerArrival = new Map<string, number>();
  for (const tenant of TENANTS) {
    const meanDurationMs = truncatedLogNormalMean(tenant.medianS * 1000, tenant.sigma, TRUNCATE_BELOW, TRUNCATE_ABOVE);
    const weightSum = tenant.shapes.reduce((sum, [, weight]) => sum + weight, 0);
    for (const [shape, weight] of tenant.shapes) {
      for (const [name, amount] of Object.entries(shape)) {
        workPerArrival.set(name, (workPerArrival.get(name) ?? 0) + tenant.share * (weight / weightSum) * amount * meanDurationMs);
      }
    }
  }
  let busiest = 0;
  for (const [name, work] of workPerArrival) busiest = Math.max(busiest, work / (capacity.get(name) ?? Infinity));
  return load / busiest;
}

/**
 * E[min(max(X, low·m), high·m)] for X = m·e^(σZ), Z standard normal: the clamped ends contribute
 * their bound times their probability, the middle m·e^(σ²/2)·[Φ(β − σ) − Φ(α − σ)] with
 * α = ln(low)/σ, β = ln(high)/σ.
 */
export function truncatedLogNormalMean(median: number, sigma: number, low: number, high: number): number {
  const alpha = Math.log(low) / sigma;
  const beta = Math.log(high) / sigma;
  const middle = median * Math.exp((sigma * sigma) / 2) * (normalCdf(beta - sigma) - normalCdf(alpha - sigma));
  return low * median * normalCdf(alpha) + high * median * (1 - normalCdf(beta)) + middle;
}

/** Φ(x) via the Abramowitz–Stegun 7.1.26 approximation of erf (error < 1.5e-7). */
function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/**
 * Failures at uniform times over the arrival period, each on a uniformly chosen node that is not
 * already down then (so every planned failure takes a node down), from their own random stream
 * so that the workload is the same with and without them.
 */
export function plannedFailures(seed: number, nodes: readonly NodeSpec[], count: number, from: number, to: number, downForMs: number): NodeFailure[] {
  if (count === 0 || nodes.length === 0) return [];
  const random = new Random(seed, 'failures');
  const times = Array.from({ length: count }, () => Math.round(from + random.next() * (to - from))).sort((a, b) => a - b);
  const busyUntil = new Map<string, number>();
  return times.map((at) => {
    let index = random.int(nodes.length);
    // the next node in order whose previous failure has been repaired; if all are down, any
    for (let tries = 0; tries < nodes.length && (busyUntil.get((nodes[index] as NodeSpec).id) ?? -Infinity) > at; tries++) index = (index + 1) % nodes.length;
    const nodeId = (nodes[index] as NodeSpec).id;
    busyUntil.set(nodeId, at + downForMs);
    return { at, nodeId, downForMs };
  });
}
