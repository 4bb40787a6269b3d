import type { AllocationRequest, NodeSpec } from 'fairpack';
import { Prng } from './prng.js';

/*
 * The churn workload: a cluster and a seeded stream of small requests. Two cluster shapes:
 *
 * heterogeneous (the default): few-shaped, three capacity groups, as a fleet with a handful of
 * instance types:
 *   70 % of nodes  { cpu: 64, memory: 256 }
 *   20 % of nodes  { cpu: 64, memory: 1024 }
 *   10 % of nodes  { cpu: 96, memory: 1024, gpu: 8 }
 * The node kinds are interleaved in node order (a fixed pattern of ten), so that first-fit and
 * the tie rule see a mixed front of the cluster, as they would in a fleet grown over time.
 *
 * homogeneous: every node { cpu: 64, memory: 256, gpu: 8 } — one capacity group, so every score
 * compares directly and exact ties (equal free vectors, e.g. every empty node) are everywhere;
 * the case most real clusters are. The gpu dimension is there so that the same request stream
 * (3 % gpu requests) fits as it does on the heterogeneous cluster, instead of failing.
 *
 * Requests (units: cores, GiB, devices):
 *   97 %  cpu ∈ {0.5, 1, …, 8} uniform, memory = cpu × {1, 2, 4, 8} GiB per core, no gpu
 *    3 %  gpu ∈ {1, 1, 1, 2}, cpu ∈ {4, …, 16}, memory ∈ {32, 64, 128}
 *
 * Mean cpu ≈ 4.4 cores, so at 60 % cpu utilisation about 9 allocations are live per node.
 */

export interface Demand {
  readonly cpu: number;
  readonly memory: number;
  readonly gpu: number;
}

const PATTERN = ['small', 'small', 'bigmem', 'small', 'small', 'gpu', 'small', 'small', 'bigmem', 'small'] as const;
type NodeKind = (typeof PATTERN)[number];

const CAPACITY: Readonly<Record<NodeKind, Readonly<Record<string, number>>>> = {
  small: { cpu: 64, memory: 256 },
  bigmem: { cpu: 64, memory: 1024 },
  gpu: { cpu: 96, memory: 1024, gpu: 8 },
};

const HOMOGENEOUS_CAPACITY: Readonly<Record<string, number>> = { cpu: 64, memory: 256, gpu: 8 };

export const CLUSTER_SHAPES = ['heterogeneous', 'homogeneous'] as const;
export type ClusterShape = (typeof CLUSTER_SHAPES)[number];

export const CLUSTER_DESCRIPTION: Readonly<Record<ClusterShape, string>> = {
  heterogeneous: '70 % {cpu 64, memory 256}, 20 % {cpu 64, memory 1024}, 10 % {cpu 96, memory 1024, gpu 8}',
  homogeneous: 'every node {cpu 64, memory 256, gpu 8}',
};

/** The node specs of an n-node cluster of the given shape, ids `n0` … `n(n−1)` in node order. */
export function clusterSpecs(n: number, shape: ClusterShape = 'heterogeneous'): NodeSpec[] {
  const specs: NodeSpec[] = [];
  for (let i = 0; i < n; i++) {
    const capacity = shape === 'homogeneous' ? HOMOGENEOUS_CAPACITY : CAPACITY[PATTERN[i % PATTERN.length] as NodeKind];
    specs.push({ id: `n${i}`, capacity });
  }
  return specs;
}

export function nextDemand(rng: Prng): Demand {
  if (rng.next() < 0.03) {
    return { gpu: rng.pick([1, 1, 1, 2]), cpu: rng.int(4, 16), memory: rng.pick([32, 64, 128]) };
  }
  const cpu = rng.int(1, 16) / 2;
  return { cpu, memory: cpu * rng.pick([1, 2, 4, 8]), gpu: 0 };
}

/**
 * One operation sequence, shared by fairpack and the linear scan: `fill` allocations (no
 * releases) bring the requested cpu to the target utilisation; every later operation is a step
 * (release the oldest live allocation, allocate the next request). Amounts are kept in typed
 * arrays so a 100,000-node sequence (about a million operations) stays small.
 */
export class OperationSequence {
  readonly cpu: Float64Array;
  readonly memory: Float64Array;
  readonly gpu: Float64Array;
  readonly fill: number;
  readonly length: number;

  /** `steps(fill)`: how many steps follow the fill (it may depend on the fill's length). */
  constructor(nodes: number, seed: number, steps: (fill: number) => number, utilisation = 0.6, shape: ClusterShape = 'heterogeneous') {
    const specs = clusterSpecs(nodes, shape);
    let totalCpu = 0;
    for (const spec of specs) totalCpu += spec.capacity['cpu'] ?? 0;
    const rng = new Prng(seed);
    const demands: Demand[] = [];
    let requested = 0;
    while (requested < utilisation * totalCpu) {
      const demand = nextDemand(rng);
      demands.push(demand);
      requested += demand.cpu;
    }
    this.fill = demands.length;
    const count = steps(this.fill);
    for (let i = 0; i < count; i++) demands.push(nextDemand(rng));
    this.length = demands.length;
    this.cpu = Float64Array.from(demands, (d) => d.cpu);
    this.memory = Float64Array.from(demands, (d) => d.memory);
    this.gpu = Float64Array.from(demands, (d) => d.gpu);
  }

  /** Operation k as a fairpack request (a fresh object, as an application would build it). */
  request(k: number): AllocationRequest {
    const gpu = this.gpu[k] as number;
    const resources = gpu > 0
      ? { cpu: this.cpu[k] as number, memory: this.memory[k] as number, gpu }
      : { cpu: this.cpu[k] as number, memory: this.memory[k] as number };
    return { resources };
  }
}

/** A FIFO of live handles (oldest first), growing as needed. */
export class Fifo<T> {
  private items: (T | undefined)[] = new Array<T | undefined>(1024);
  private head = 0;
  private count = 0;

  get size(): number {
    return this.count;
  }

  push(item: T): void {
    if (this.count === this.items.length) {
      const grown = new Array<T | undefined>(this.items.length * 2);
      for (let i = 0; i < this.count; i++) grown[i] = this.items[(this.head + i) % this.items.length];
      this.items = grown;
      this.head = 0;
    }
    this.items[(this.head + this.count) % this.items.length] = item;
    this.count++;
  }

  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) % this.items.length;
    this.count--;
    return item;
  }
}
