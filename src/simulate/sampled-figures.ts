/**
 * The two per-node figures the recorder samples — stranded room and packing efficiency — kept per
 * node as each node changes, so that a sample costs one light pass (packing) or none (stranded)
 * instead of a pass that tests every node against every minimal shape: at 100,000 nodes that pass
 * was a third of a 100,000-job simulation.
 *
 * Both stay exactly what a pass over the nodes gives:
 * - Stranded room is a sum of scaled integer amounts (free room of the up nodes where no minimal
 *   shape fits), exact in any order: a running total per dimension.
 * - Packing efficiency is a floating-point mean over the up nodes that hold a job of each node's
 *   mean fill. Each node's fill is computed as the pass computed it, and `packingEfficiency` adds
 *   them in node order, so the sum is bit for bit the pass's.
 */

/** A node's fill when it does not count for packing (down, empty, or without capacity): fills are ≥ 0. */
const NOT_COUNTED = -1;

/** The books' per-node rows, `D` scaled amounts per node from `n × D` (see ClusterBooks). */
export interface NodeRows {
  readonly capacity: Float64Array;
  readonly allocated: Float64Array;
  readonly jobs: Uint32Array;
  readonly down: Uint16Array;
}

export class SampledFigures {
  /** Per dimension, the free room of the up nodes where no minimal shape fits (scaled). */
  private readonly stranded: Float64Array;
  /** Per node, whether its free room is in `stranded` now. */
  private strandedNode: Uint8Array;
  /** Per node, its mean fill over its dimensions, or NOT_COUNTED. */
  private fill: Float64Array;

  constructor(
    /** Minimal job shapes, dense and scaled (a smaller shape fits wherever a larger one does). */
    private readonly shapes: readonly Float64Array[],
    private readonly D: number,
    nodes: number,
  ) {
    this.stranded = new Float64Array(D);
    this.strandedNode = new Uint8Array(nodes);
    this.fill = new Float64Array(nodes).fill(NOT_COUNTED);
  }

  /** Room for `nodes` nodes (the books grew). */
  grow(nodes: number): void {
    const strandedNode = new Uint8Array(nodes);
    strandedNode.set(this.strandedNode);
    this.strandedNode = strandedNode;
    const fill = new Float64Array(nodes).fill(NOT_COUNTED);
    fill.set(this.fill);
    this.fill = fill;
  }

  /** Node `n` is about to change: what it adds to the figures comes off. */
  leave(n: number, rows: NodeRows): void {
    this.fill[n] = NOT_COUNTED;
    if (this.strandedNode[n] === 0) return;
    this.strandedNode[n] = 0;
    const { D, stranded } = this;
    const base = n * D;
    for (let d = 0; d < D; d++) stranded[d] = (stranded[d] as number) - ((rows.capacity[base + d] as number) - (rows.allocated[base + d] as number));
  }

  /** Node `n` as it is now: what it adds to the figures (after `leave`, or for a node not counted yet). */
  enter(n: number, rows: NodeRows): void {
    if (rows.down[n] !== 0) return;
    const { D, stranded } = this;
    const base = n * D;
    if (!this.anyShapeFits(base, rows)) {
      this.strandedNode[n] = 1;
      for (let d = 0; d < D; d++) stranded[d] = (stranded[d] as number) + (rows.capacity[base + d] as number) - (rows.allocated[base + d] as number);
    }
    if (rows.jobs[n] === 0) return;
    let dims = 0;
    let fill = 0;
    for (let d = 0; d < D; d++) {
      const cap = rows.capacity[base + d] as number;
      if (cap === 0) continue;
      dims++;
      fill += (rows.allocated[base + d] as number) / cap;
    }
    if (dims > 0) this.fill[n] = fill / dims;
  }

  /** Adds, per dimension, the free room on up nodes where no minimal shape fits — room no job of the workload could use — to `out` (scaled amounts). */
  addStranded(out: Float64Array): void {
    for (let d = 0; d < this.D; d++) out[d] = (out[d] as number) + (this.stranded[d] as number);
  }

  /**
   * Packing efficiency: over the first `nodes` nodes that are up and hold a job, the mean of each
   * one's mean fill over its dimensions (as the manager's `metrics().packingEfficiency` defines
   * it); undefined when no node holds a job.
   */
  packingEfficiency(nodes: number): number | undefined {
    const { fill } = this;
    let counted = 0;
    let sum = 0;
    for (let n = 0; n < nodes; n++) {
      const value = fill[n] as number;
      if (value === NOT_COUNTED) continue;
      counted++;
      sum += value;
    }
    return counted === 0 ? undefined : sum / counted;
  }

  private anyShapeFits(base: number, rows: NodeRows): boolean {
    const { D, shapes } = this;
    for (let s = 0; s < shapes.length; s++) {
      const shape = shapes[s] as Float64Array;
      let fits = true;
      for (let d = 0; d < D && fits; d++) fits = (shape[d] as number) <= (rows.capacity[base + d] as number) - (rows.allocated[base + d] as number);
      if (fits) return true;
    }
    return false;
  }
}
