import type { AllocationTimes } from '../pool/build-allocation.js';
import type { Allocation, ResourcePool } from '../pool/index.js';
import { isEligible } from '../pool/eligibility.js';
import type { PoolInternals } from '../pool/internals.js';
import type { NodeState } from '../pool/node-state.js';
import type { JobRecord } from './job-record.js';

interface Reservation {
  readonly job: JobRecord;
  readonly node: NodeState;
  /** The placeholder allocation holding the room freed so far, if any. */
  hold: Allocation | undefined;
}

/** Tenant name of hold allocations in the pool (never a real tenant's: it has a NUL character). */
export const HOLD_TENANT = '\u0000reservation';

/**
 * Room held on one node for one job, by placeholder allocations in the pool. Two uses:
 *
 * The starvation bound. A queue head that has waited `afterMs` gets a node: the eligible node
 * large enough for it that is closest to fitting it now. From then on every bit of room that
 * frees on that node is held for it by a placeholder allocation in the pool (so no other job can
 * take it, and the books still balance), until the job fits there and is placed. Backfill goes on
 * everywhere else. Gangs (replicas > 1) are not given reservations.
 *
 * Preemption nominations. A job that preempted is nominated to the victims' node: the room they
 * free (and whatever was free there already) is held for it the same way, so nobody else takes
 * what was freed for it, and it starts only there (`job.nominatedNode`).
 */
export class Reservations {
  private readonly byJob = new Map<JobRecord, Reservation>();

  constructor(
    private readonly pool: ResourcePool,
    private readonly books: PoolInternals,
    /** Undefined: no starvation bound (nominations still work). */
    readonly afterMs: number | undefined,
    /** Held room went back to the pool for anyone: queues blocked for room are worth a new try. */
    private readonly roomFreed: () => void,
  ) {}

  has(job: JobRecord): boolean {
    return this.byJob.has(job);
  }

  /** Ids of nodes with a reservation: new starvation reservations look elsewhere. */
  nodeIds(): Set<string> {
    return new Set([...this.byJob.values()].map((r) => r.node.id));
  }

  /**
   * Ids of nodes reserved for a starving job: preemption looks elsewhere (the room its victims
   * free would go to the starving job first). Several preemptors may be nominated to one node:
   * each one's victims and the room free when it chose them cover its own need.
   */
  starvingNodeIds(): Set<string> {
    return new Set([...this.byJob.values()].filter((r) => r.job.nominatedNode === undefined).map((r) => r.node.id));
  }

  /** Holds the room on `node` for a job that preempted there (see the class comment). */
  nominate(job: JobRecord, node: NodeState): void {
    this.drop(job);
    this.byJob.set(job, { job, node, hold: undefined });
    job.nominatedNode = node.id;
  }

  isHold(allocationId: string): boolean {
    for (const reservation of this.byJob.values()) if (reservation.hold?.id === allocationId) return true;
    return false;
  }

  /**
   * Gives each reservation the room freed since the last call: places jobs that now fit on their
   * node (through `start`), holds what has freed for the others, drops reservations whose node
   * is gone or no longer eligible.
   */
  serve(times: (job: JobRecord) => AllocationTimes, start: (job: JobRecord, allocation: Allocation) => void, canStart: (job: JobRecord) => boolean): void {
    for (const reservation of [...this.byJob.values()]) {
      this.releaseHold(reservation);
      const { job, node } = reservation;
      if (this.books.nodes.get(node.id) !== node || !isEligible(node, job.parsed)) {
        this.forget(job);
        this.roomFreed();
        continue;
      }
      const { nonZero, amounts } = job.parsed.dense;
      if (canStart(job) && nonZero.every((d) => (node.free[d] as number) >= (amounts[d] as number))) {
        this.forget(job);
        start(job, this.pool.commitPlacement(job.parsed, [node], times(job)));
        continue;
      }
      const held: Record<string, number> = {};
      for (const d of nonZero) {
        const amount = Math.min(amounts[d] as number, node.free[d] as number);
        if (amount > 0) held[this.books.space.dimensions[d] as string] = amount / this.books.space.factor;
      }
      if (Object.keys(held).length === 0) continue;
      const request = this.pool.parseRequest({ resources: held, tenant: HOLD_TENANT, jobId: job.id, tolerations: [{ operator: 'Exists' }] });
      reservation.hold = this.pool.commitPlacement(request, [node], { createdAt: times(job).createdAt });
    }
  }

  /** Reserves a node for each starving head that has none yet; true if any was added. */
  consider(heads: Iterable<JobRecord>, now: number, canStart: (job: JobRecord) => boolean): boolean {
    let added = false;
    if (this.afterMs === undefined) return false;
    for (const job of heads) {
      // a job held back by its concurrency cap waits for the cap, not for room
      if (this.byJob.has(job) || job.replicas !== 1 || now - job.queuedSince < this.afterMs || !canStart(job)) continue;
      const node = this.closestNode(job);
      if (node === undefined) continue;
      this.byJob.set(job, { job, node, hold: undefined });
      added = true;
    }
    return added;
  }

  jobs(): JobRecord[] {
    return [...this.byJob.keys()];
  }

  /**
   * The next time (after `now`) a head without a reservation starts to starve. Heads already
   * starving but without a node are looked at again on the next change (room, a node), not by a
   * timer that would fire at once for ever.
   */
  nextDue(heads: Iterable<JobRecord>, now: number): number {
    let next = Infinity;
    if (this.afterMs === undefined) return next;
    for (const job of heads) {
      const due = job.queuedSince + this.afterMs;
      if (!this.byJob.has(job) && job.replicas === 1 && due > now) next = Math.min(next, due);
    }
    return next;
  }

  /** Gives up the reservations on a node (it is being removed). */
  releaseNode(nodeId: string): void {
    for (const reservation of [...this.byJob.values()]) {
      if (reservation.node.id !== nodeId) continue;
      this.releaseHold(reservation);
      this.forget(reservation.job);
    }
  }

  /** The job started elsewhere, ended or was re-queued: its reservation goes. */
  drop(job: JobRecord): void {
    const reservation = this.byJob.get(job);
    if (reservation === undefined) return;
    const held = reservation.hold !== undefined;
    this.releaseHold(reservation);
    this.forget(job);
    if (held) this.roomFreed();
  }

  private forget(job: JobRecord): void {
    this.byJob.delete(job);
    job.nominatedNode = undefined;
  }

  /** Reservations whose hold was evicted with a removed node. */
  forgetHold(allocationId: string): void {
    for (const reservation of this.byJob.values()) if (reservation.hold?.id === allocationId) reservation.hold = undefined;
  }

  private releaseHold(reservation: Reservation): void {
    if (reservation.hold === undefined) return;
    if (this.books.live.has(reservation.hold.id)) this.pool.release(reservation.hold.id);
    reservation.hold = undefined;
  }

  /** Eligible, large enough when empty, not reserved already; least relative shortfall now, then node order. */
  private closestNode(job: JobRecord): NodeState | undefined {
    const reserved = this.nodeIds();
    const { nonZero, amounts } = job.parsed.dense;
    let best: NodeState | undefined;
    let bestGap = Infinity;
    for (const node of this.books.nodes.values()) {
      if (reserved.has(node.id) || !isEligible(node, job.parsed)) continue;
      if (!nonZero.every((d) => (node.capacity[d] as number) >= (amounts[d] as number))) continue;
      let gap = 0;
      for (const d of nonZero) gap += Math.max(0, (amounts[d] as number) - (node.free[d] as number)) / (amounts[d] as number);
      if (gap < bestGap) {
        best = node;
        bestGap = gap;
      }
    }
    return best;
  }
}
