import type { NodeSpec, Placement, Resources } from '../index.js';
import { ByNodeSlot } from '../pool/by-node-slot.js';
import type { NodeState } from '../pool/node-state.js';
import { type NodeRows, SampledFigures } from './sampled-figures.js';

/**
 * The simulator's own mirror of the cluster, kept from the manager's events: what each node, each
 * tenant and the cluster hold, in exact scaled integers (amounts × 1000, the manager's default
 * precision), so that sums never drift. Asking the manager instead (`capacity()`, `metrics()`)
 * costs O(nodes) or O(jobs) per call, far too much to do at every event of a million-job run.
 */
const SCALE = 1000;

/** A running allocation of several placements (the usual one-placement run is kept in flat per-job arrays). */
interface MultiPlacement {
  /** Node indices, one per placement. */
  readonly nodes: readonly number[];
  /** `D` scaled amounts per placement, from `p × D`. */
  readonly amounts: readonly number[];
}

export class ClusterBooks {
  readonly dims: readonly string[];
  /** Every node ever in the cluster, by index; a removed node keeps its index (and is down for good). */
  get nodeIds(): readonly string[] {
    return this.ids;
  }
  private readonly ids: string[];
  /** Per dimension, every node's capacity, whatever its status (as the manager's DRF counts it). */
  readonly total: Float64Array;
  /** Per dimension, held by running jobs. */
  readonly allocated: Float64Array;
  private readonly dimIndex = new Map<string, number>();
  private readonly nodeIndex = new Map<string, number>();
  /**
   * The index here of each pool node record met at a start: a start finds its node by the record's
   * slot where a look-up of its id in `nodeIndex` was a hashed probe of a map as large as the
   * cluster at every start.
   */
  private readonly indexOfRecord = new ByNodeSlot<number>();
  // grown by addNode (doubling), so they are not readonly
  private nodeCapacity: Float64Array;
  private nodeAllocated: Float64Array;
  private nodeJobs: Uint32Array;
  /** Outstanding failures per node (plus 1 for a node that starts draining or offline, or was removed). */
  private nodeDown: Uint16Array;
  private readonly tenantUsage: Float64Array;
  private readonly tenantRunning: Uint32Array;
  private readonly tenantWaiting: Uint32Array;
  /**
   * Per job (its index), its running allocation's id and what it holds: arrays the size of the
   * run, not a map keyed by allocation id — every start and stop of a job hashed and looked up
   * that id (a few per cent of a congested run); the callers know the job's index.
   */
  private readonly allocationOfJob: (string | undefined)[];
  /** Per job, when its running allocation started. */
  private readonly startedAtOfJob: Float64Array;
  /**
   * Per job, the node of a running one-placement allocation (`D` scaled amounts in `amountsOfJob`
   * from `job × D`), or -1 when the allocation has several placements (in `multiOfJob`): a start
   * made a record, a node list and an amounts array, garbage at every completion.
   */
  private readonly nodeOfJob: Int32Array;
  private readonly amountsOfJob: Float64Array;
  private readonly multiOfJob = new Map<number, MultiPlacement>();
  private running = 0;
  waiting = 0;
  /** Per-node figures kept as nodes change, once the recorder asked for them (trackSampledFigures). */
  private figures: SampledFigures | undefined;
  private nodeRows: NodeRows | undefined;

  private readonly tenantCount: number;

  constructor(
    nodes: readonly NodeSpec[],
    /** Per tenant, its weight (the manager's `tenants` option; 1 by default). */
    private readonly tenantWeights: Float64Array,
    /** How many jobs the run has (their indexes are 0 to jobCount − 1). */
    jobCount: number,
  ) {
    this.allocationOfJob = new Array<string | undefined>(jobCount).fill(undefined);
    this.startedAtOfJob = new Float64Array(jobCount);
    this.nodeOfJob = new Int32Array(jobCount);
    this.tenantCount = tenantWeights.length;
    const dims: string[] = [];
    for (const node of nodes) for (const name of Object.keys(node.capacity)) if (!dims.includes(name)) dims.push(name);
    this.dims = dims;
    dims.forEach((name, d) => this.dimIndex.set(name, d));
    const D = dims.length;
    this.ids = nodes.map((node) => node.id);
    this.nodeCapacity = new Float64Array(nodes.length * D);
    this.nodeAllocated = new Float64Array(nodes.length * D);
    this.nodeJobs = new Uint32Array(nodes.length);
    this.nodeDown = new Uint16Array(nodes.length);
    this.total = new Float64Array(D);
    this.allocated = new Float64Array(D);
    nodes.forEach((node, n) => {
      this.nodeIndex.set(node.id, n);
      if (node.status !== undefined && node.status !== 'ready') this.nodeDown[n] = 1;
      for (const [name, amount] of Object.entries(node.capacity)) {
        const d = this.dimIndex.get(name) as number;
        this.nodeCapacity[n * D + d] = scaled(amount);
        this.total[d] = (this.total[d] as number) + scaled(amount);
      }
    });
    this.amountsOfJob = new Float64Array(jobCount * D);
    this.tenantUsage = new Float64Array(this.tenantCount * D);
    this.tenantRunning = new Uint32Array(this.tenantCount);
    this.tenantWaiting = new Uint32Array(this.tenantCount);
  }

  /** Dense, scaled form of a job shape; undefined if it asks for a dimension no node has. */
  dense(resources: Resources): Float64Array | undefined {
    const out = new Float64Array(this.dims.length);
    for (const [name, amount] of Object.entries(resources)) {
      if (amount === 0) continue;
      const d = this.dimIndex.get(name);
      if (d === undefined) return undefined;
      out[d] = scaled(amount);
    }
    return out;
  }

  /**
   * A node joins during the run (the autoscaler). Only dimensions the cluster started with are
   * kept: a job that needs another one was rejected at submission anyway. Returns its index.
   */
  addNode(node: NodeSpec): number {
    const D = this.dims.length;
    const n = this.ids.length;
    if (n === this.nodeJobs.length) this.grow(Math.max(16, n * 2));
    this.ids.push(node.id);
    this.nodeIndex.set(node.id, n);
    for (const [name, amount] of Object.entries(node.capacity)) {
      const d = this.dimIndex.get(name);
      if (d === undefined) continue;
      this.nodeCapacity[n * D + d] = scaled(amount);
      this.total[d] = (this.total[d] as number) + scaled(amount);
    }
    this.figures?.enter(n, this.rows());
    return n;
  }

  /** An empty node leaves the cluster: its capacity no longer counts, and it stays down. */
  removeNode(nodeId: string): void {
    const D = this.dims.length;
    const n = this.nodeIndex.get(nodeId) as number;
    if (this.nodeJobs[n] !== 0) throw new Error(`fairpack simulate internal error: node ${nodeId} was removed with jobs on it`);
    // (down from now on: it adds nothing to the sampled figures)
    this.figures?.leave(n, this.rows());
    for (let d = 0; d < D; d++) {
      this.total[d] = (this.total[d] as number) - (this.nodeCapacity[n * D + d] as number);
      this.nodeCapacity[n * D + d] = 0;
    }
    this.nodeDown[n] = (this.nodeDown[n] as number) + 1;
    this.removed.add(n);
  }

  /** The index of a node by its id. */
  indexOf(nodeId: string): number {
    return this.nodeIndex.get(nodeId) ?? -1;
  }

  /** max_d allocated_d / total_d: how full the busiest dimension is, 0–1. */
  busiestShare(): number {
    let share = 0;
    for (let d = 0; d < this.dims.length; d++) {
      const total = this.total[d] as number;
      if (total > 0) share = Math.max(share, (this.allocated[d] as number) / total);
    }
    return share;
  }

  /** Whether node `n` was removed (it never comes back). */
  isRemoved(n: number): boolean {
    return this.removed.has(n);
  }

  /** Whether no job runs on node `n`. */
  isEmpty(n: number): boolean {
    return this.nodeJobs[n] === 0;
  }

  /** Nodes in the cluster now (up or down, not removed). */
  get liveNodeCount(): number {
    return this.ids.length - this.removed.size;
  }

  private readonly removed = new Set<number>();

  private grow(nodes: number): void {
    const D = this.dims.length;
    const copy = <T extends Float64Array | Uint32Array | Uint16Array>(from: T, make: (size: number) => T, size: number): T => {
      const to = make(size);
      to.set(from);
      return to;
    };
    this.nodeCapacity = copy(this.nodeCapacity, (k) => new Float64Array(k), nodes * D);
    this.nodeAllocated = copy(this.nodeAllocated, (k) => new Float64Array(k), nodes * D);
    this.nodeJobs = copy(this.nodeJobs, (k) => new Uint32Array(k), nodes);
    this.nodeDown = copy(this.nodeDown, (k) => new Uint16Array(k), nodes);
    this.figures?.grow(nodes);
  }

  enqueue(tenant: number): void {
    this.tenantWaiting[tenant] = (this.tenantWaiting[tenant] as number) + 1;
    this.waiting++;
  }

  dequeue(tenant: number): void {
    this.tenantWaiting[tenant] = (this.tenantWaiting[tenant] as number) - 1;
    this.waiting--;
  }

  /** Whether `allocationId` is job `job`'s running allocation. */
  isRunning(allocationId: string, job: number): boolean {
    return this.allocationOfJob[job] === allocationId;
  }

  /** How many allocations are running. */
  get runningCount(): number {
    return this.running;
  }

  /** Whether node `n` (its index) is down: failed, reclaimed, or not ready from the start. */
  isDown(n: number): boolean {
    return this.nodeDown[n] !== 0;
  }

  allocationOf(job: number): string | undefined {
    return this.allocationOfJob[job];
  }

  /**
   * A job started on these placements; `records`, when known, the pool's records of their nodes
   * (one per placement, in order: see `indexOfNode`).
   */
  start(allocationId: string, job: number, tenant: number, placements: readonly Placement[], now: number, records?: readonly NodeState[]): void {
    if (this.allocationOfJob[job] !== undefined) throw new Error(`fairpack simulate internal error: job ${job} started while it runs`);
    const D = this.dims.length;
    this.allocationOfJob[job] = allocationId;
    this.startedAtOfJob[job] = now;
    this.tenantRunning[tenant] = (this.tenantRunning[tenant] as number) + 1;
    this.running++;
    if (placements.length === 1) {
      // the usual case, kept in the per-job arrays (plain loops: this runs for every start)
      const placement = placements[0] as Placement;
      const n = records !== undefined && records.length === 1 ? this.indexOfNode(records[0] as NodeState) : (this.nodeIndex.get(placement.nodeId) as number);
      this.nodeOfJob[job] = n;
      const base = job * D;
      this.amountsOfJob.fill(0, base, base + D);
      this.scaleInto(placement.resources, this.amountsOfJob, base);
      this.chargeOne(n, tenant, this.amountsOfJob, base, 1);
      return;
    }
    const nodes: number[] = [];
    const amounts: number[] = new Array<number>(placements.length * D).fill(0);
    for (let p = 0; p < placements.length; p++) {
      const placement = placements[p] as Placement;
      nodes.push(this.nodeIndex.get(placement.nodeId) as number);
      this.scaleInto(placement.resources, amounts, p * D);
    }
    this.nodeOfJob[job] = -1;
    this.multiOfJob.set(job, { nodes, amounts });
    for (let p = 0; p < nodes.length; p++) this.chargeOne(nodes[p] as number, tenant, amounts, p * D, 1);
  }

  /** The index of the pool's node record `node` (by its slot once met; its id looked up the first time). */
  private indexOfNode(node: NodeState): number {
    let n = this.indexOfRecord.get(node);
    if (n === undefined) this.indexOfRecord.set(node, (n = this.nodeIndex.get(node.id) as number));
    return n;
  }

  /**
   * Job `job`'s allocation `allocationId` is gone (released, or lost to a node failure or
   * preemption): when it started. Undefined when it is not the job's running allocation (a stale
   * completion of a run the job lost earlier).
   */
  stop(allocationId: string, job: number, tenant: number): number | undefined {
    if (this.allocationOfJob[job] !== allocationId) return undefined;
    this.allocationOfJob[job] = undefined;
    this.running--;
    this.tenantRunning[tenant] = (this.tenantRunning[tenant] as number) - 1;
    const n = this.nodeOfJob[job] as number;
    if (n >= 0) this.chargeOne(n, tenant, this.amountsOfJob, job * this.dims.length, -1);
    else {
      const run = this.multiOfJob.get(job) as MultiPlacement;
      this.multiOfJob.delete(job);
      const D = this.dims.length;
      for (let p = 0; p < run.nodes.length; p++) this.chargeOne(run.nodes[p] as number, tenant, run.amounts, p * D, -1);
    }
    return this.startedAtOfJob[job] as number;
  }

  setNodeDown(nodeId: string, down: boolean): boolean {
    const n = this.nodeIndex.get(nodeId) as number;
    const before = this.nodeDown[n] as number;
    this.figures?.leave(n, this.rows());
    this.nodeDown[n] = before + (down ? 1 : -1);
    this.figures?.enter(n, this.rows());
    // only the first failure and the last repair change the node's status
    return down ? before === 0 : before === 1;
  }

  /**
   * Every node's fill per dimension at this instant (0–1, null where the node has none of it) and
   * whether it is down: the report's heatmap. O(nodes × dimensions), taken once per run.
   */
  nodeFills(): { readonly id: string; readonly used: readonly (number | null)[]; readonly down: boolean }[] {
    const D = this.dims.length;
    return this.ids.flatMap((id, n) => (this.removed.has(n) ? [] : [{
      id,
      used: this.dims.map((_, d) => {
        const capacity = this.nodeCapacity[n * D + d] as number;
        return capacity > 0 ? (this.nodeAllocated[n * D + d] as number) / capacity : null;
      }),
      down: this.nodeDown[n] !== 0,
    }]));
  }

  /** max_d usage_d / total_d of one tenant: DRF's dominant share, before dividing by the weight. */
  dominantShare(tenant: number): number {
    const D = this.dims.length;
    let share = 0;
    for (let d = 0; d < D; d++) {
      const total = this.total[d] as number;
      if (total > 0) share = Math.max(share, (this.tenantUsage[tenant * D + d] as number) / total);
    }
    return share;
  }

  /** Dominant share of several tenants' usage together. */
  combinedShare(tenants: readonly number[]): number {
    const D = this.dims.length;
    let share = 0;
    for (let d = 0; d < D; d++) {
      let sum = 0;
      for (const t of tenants) sum += this.tenantUsage[t * D + d] as number;
      const total = this.total[d] as number;
      if (total > 0) share = Math.max(share, sum / total);
    }
    return share;
  }

  /**
   * Jain's fairness index (Σx)² / (n·Σx²) over x = dominant share ÷ weight of the backlogged
   * tenants — those with jobs waiting, who want more than they hold. (A tenant whose jobs all run
   * has what it asked for; counting its small share would read as unfairness.) 1 when they hold
   * equal weighted shares, 1/n when one holds everything. Undefined with fewer than two
   * backlogged tenants, or when none of them runs anything.
   */
  jain(): number | undefined {
    let n = 0;
    let sum = 0;
    let squares = 0;
    for (let t = 0; t < this.tenantCount; t++) {
      if ((this.tenantWaiting[t] as number) === 0) continue;
      const x = this.dominantShare(t) / (this.tenantWeights[t] as number);
      n++;
      sum += x;
      squares += x * x;
    }
    return n < 2 || squares === 0 ? undefined : (sum * sum) / (n * squares);
  }

  /**
   * From now on, keep per node the figures the recorder samples (stranded room against these
   * minimal shapes, packing efficiency) as each node changes; see SampledFigures.
   */
  trackSampledFigures(shapes: readonly Float64Array[]): SampledFigures {
    const figures = new SampledFigures(shapes, this.dims.length, this.nodeJobs.length);
    const rows = this.rows();
    for (let n = 0; n < this.ids.length; n++) figures.enter(n, rows);
    this.figures = figures;
    return figures;
  }

  /** Writes a placement's scaled amounts at `into[base + d]` (dimensions the books do not track are left out). */
  private scaleInto(resources: Resources, into: { [d: number]: number }, base: number): void {
    for (const name in resources) {
      const d = this.dimIndex.get(name);
      if (d !== undefined) into[base + d] = scaled(resources[name] as number);
    }
  }

  /** Adds (or takes off) one placement's amounts, `D` of them from `amounts[from]`, on node `n`. */
  private chargeOne(n: number, tenant: number, amounts: ArrayLike<number>, from: number, sign: 1 | -1): void {
    const D = this.dims.length;
    const { figures } = this;
    if (figures !== undefined) figures.leave(n, this.rows());
    this.nodeJobs[n] = (this.nodeJobs[n] as number) + sign;
    for (let d = 0; d < D; d++) {
      const amount = sign * (amounts[from + d] as number);
      if (amount === 0) continue;
      this.nodeAllocated[n * D + d] = (this.nodeAllocated[n * D + d] as number) + amount;
      this.allocated[d] = (this.allocated[d] as number) + amount;
      this.tenantUsage[tenant * D + d] = (this.tenantUsage[tenant * D + d] as number) + amount;
    }
    if (figures !== undefined) figures.enter(n, this.rows());
  }

  /** The per-node rows as SampledFigures reads them, made again when the books grow (the arrays are replaced then). */
  private rows(): NodeRows {
    let rows = this.nodeRows;
    if (rows?.capacity !== this.nodeCapacity) rows = this.nodeRows = { capacity: this.nodeCapacity, allocated: this.nodeAllocated, jobs: this.nodeJobs, down: this.nodeDown };
    return rows;
  }
}

function scaled(amount: number): number {
  return Math.round(amount * SCALE);
}
