import type { NodeSpec } from 'fairpack';

export type ScanStrategy = 'first-fit' | 'best-fit' | 'worst-fit' | 'dot-product';

/**
 * The baseline: what a hand-written scheduler does without an index. Free and capacity amounts
 * live in one Float64Array per dimension (cpu, memory, gpu; a node without gpu has capacity 0
 * there and the dimension is left out of its score, as fairpack does), and every decision scans
 * every node in node order:
 *
 *   first-fit    the first node where the request fits
 *   best-fit     the least  Σ_d (free_d − req_d) / cap_d   over feasible nodes
 *   worst-fit    the most   Σ_d (free_d − req_d) / cap_d
 *   dot-product  the most   Σ_d (req_d / cap_d) · (free_d / cap_d)
 *
 * ties to the earliest node. The three dimensions are unrolled and the loops are monomorphic, so
 * this is a strong baseline: no parsing, no ids, no allocation objects, nothing but the scan.
 */
export class LinearScanCluster {
  readonly size: number;
  private readonly capCpu: Float64Array;
  private readonly capMemory: Float64Array;
  private readonly capGpu: Float64Array;
  private readonly freeCpu: Float64Array;
  private readonly freeMemory: Float64Array;
  private readonly freeGpu: Float64Array;

  constructor(specs: readonly NodeSpec[]) {
    this.size = specs.length;
    this.capCpu = Float64Array.from(specs, (s) => s.capacity['cpu'] ?? 0);
    this.capMemory = Float64Array.from(specs, (s) => s.capacity['memory'] ?? 0);
    this.capGpu = Float64Array.from(specs, (s) => s.capacity['gpu'] ?? 0);
    this.freeCpu = Float64Array.from(this.capCpu);
    this.freeMemory = Float64Array.from(this.capMemory);
    this.freeGpu = Float64Array.from(this.capGpu);
  }

  /** Chooses a node by `strategy`, takes the request from it and returns its index, or −1. */
  allocate(strategy: ScanStrategy, cpu: number, memory: number, gpu: number): number {
    const node = this.choose(strategy, cpu, memory, gpu);
    if (node >= 0) this.take(node, cpu, memory, gpu);
    return node;
  }

  /** The node `strategy` picks for the request, or −1; changes nothing. */
  choose(strategy: ScanStrategy, cpu: number, memory: number, gpu: number): number {
    switch (strategy) {
      case 'first-fit':
        return this.firstFit(cpu, memory, gpu);
      case 'best-fit':
        return this.bestFit(cpu, memory, gpu);
      case 'worst-fit':
        return this.worstFit(cpu, memory, gpu);
      case 'dot-product':
        return this.dotProduct(cpu, memory, gpu);
    }
  }

  /** Takes a request from a given node (used to follow fairpack's choice after an exact tie). */
  take(node: number, cpu: number, memory: number, gpu: number): void {
    this.freeCpu[node] = (this.freeCpu[node] as number) - cpu;
    this.freeMemory[node] = (this.freeMemory[node] as number) - memory;
    this.freeGpu[node] = (this.freeGpu[node] as number) - gpu;
  }

  release(node: number, cpu: number, memory: number, gpu: number): void {
    this.freeCpu[node] = (this.freeCpu[node] as number) + cpu;
    this.freeMemory[node] = (this.freeMemory[node] as number) + memory;
    this.freeGpu[node] = (this.freeGpu[node] as number) + gpu;
  }

  /** [cpu, memory, gpu] capacity of node i. */
  capacityOf(node: number): [number, number, number] {
    return [this.capCpu[node] as number, this.capMemory[node] as number, this.capGpu[node] as number];
  }

  /** [cpu, memory, gpu] free on node i. */
  freeOf(node: number): [number, number, number] {
    return [this.freeCpu[node] as number, this.freeMemory[node] as number, this.freeGpu[node] as number];
  }

  /** Allocated cpu ÷ total cpu. */
  cpuUtilisation(): number {
    let cap = 0;
    let free = 0;
    for (let i = 0; i < this.size; i++) {
      cap += this.capCpu[i] as number;
      free += this.freeCpu[i] as number;
    }
    return (cap - free) / cap;
  }

  private firstFit(cpu: number, memory: number, gpu: number): number {
    const { freeCpu, freeMemory, freeGpu, size } = this;
    for (let i = 0; i < size; i++) {
      if ((freeCpu[i] as number) >= cpu && (freeMemory[i] as number) >= memory && (freeGpu[i] as number) >= gpu) return i;
    }
    return -1;
  }

  private bestFit(cpu: number, memory: number, gpu: number): number {
    const { freeCpu, freeMemory, freeGpu, capCpu, capMemory, capGpu, size } = this;
    let best = -1;
    let bestScore = Infinity;
    for (let i = 0; i < size; i++) {
      const fc = freeCpu[i] as number;
      const fm = freeMemory[i] as number;
      const fg = freeGpu[i] as number;
      if (fc < cpu || fm < memory || fg < gpu) continue;
      const cg = capGpu[i] as number;
      let score = (fc - cpu) / (capCpu[i] as number) + (fm - memory) / (capMemory[i] as number);
      if (cg > 0) score += (fg - gpu) / cg;
      if (score < bestScore) {
        bestScore = score;
        best = i;
      }
    }
    return best;
  }

  private worstFit(cpu: number, memory: number, gpu: number): number {
    const { freeCpu, freeMemory, freeGpu, capCpu, capMemory, capGpu, size } = this;
    let best = -1;
    let bestScore = -Infinity;
    for (let i = 0; i < size; i++) {
      const fc = freeCpu[i] as number;
      const fm = freeMemory[i] as number;
      const fg = freeGpu[i] as number;
      if (fc < cpu || fm < memory || fg < gpu) continue;
      const cg = capGpu[i] as number;
      let score = (fc - cpu) / (capCpu[i] as number) + (fm - memory) / (capMemory[i] as number);
      if (cg > 0) score += (fg - gpu) / cg;
      if (score > bestScore) {
        bestScore = score;
        best = i;
      }
    }
    return best;
  }

  private dotProduct(cpu: number, memory: number, gpu: number): number {
    const { freeCpu, freeMemory, freeGpu, capCpu, capMemory, capGpu, size } = this;
    let best = -1;
    let bestScore = -Infinity;
    for (let i = 0; i < size; i++) {
      const fc = freeCpu[i] as number;
      const fm = freeMemory[i] as number;
      const fg = freeGpu[i] as number;
      if (fc < cpu || fm < memory || fg < gpu) continue;
      const cc = capCpu[i] as number;
      const cm = capMemory[i] as number;
      const cg = capGpu[i] as number;
      let score = (cpu / cc) * (fc / cc) + (memory / cm) * (fm / cm);
      if (cg > 0) score += (gpu / cg) * (fg / cg);
      if (score > bestScore) {
        bestScore = score;
        best = i;
      }
    }
    return best;
  }
}
