import type { NodeState } from '../pool/node-state.js';
import type { DenseRequest } from '../placement/index.js';
import type { JobQueue } from './job-queue.js';

/** Nodes logged before the log starts over (every proof ends then, as after any other change). */
const LOG_LIMIT = 4_096;

/** Grown nodes a walk looks through per job before it simply asks the pool. */
const NODES_WORTH_CHECKING = 16;

/** Distinct shapes a proof keeps of its window (more: the window is walked, not replayed). */
const KINDS_KEPT = 16;

/** Shapes whose last refusal is remembered before the memo starts over. */
const REFUSALS_KEPT = 4_096;

/** The pool's last refusal of one replica of a shape: the log's epoch and position then, and the band served. */
interface Refusal {
  epoch: number;
  from: number;
  band: number;
}

/**
 * Where room grew since a queue was last blocked, so that a walk of its window asks the pool only
 * for jobs that could fit where room grew — exactly the ones whose try could succeed.
 *
 * A congested run releases a job, which unblocks every queue; each then walks its window, and
 * most of the pool's answers are "no fit" (3.9 of 4.9 allocations tried per decision in a
 * 100k-job, 1k-node simulation). A queue whose blocking walk found that none of its window jobs
 * fit anywhere (`prove`) keeps that proof while the only changes are releases logged here
 * (`grew`, from the manager's `#finish`): on every other node, room has not grown since — it
 * only shrank (starts, holds) — so a job of the window can fit only on a logged node, and a job
 * that fits on none of them (free room there now, per dimension) would be refused by the pool.
 * Its try is skipped and booked as the pool's refusal would be. Everything else that may let a
 * job fit (held room given back, a node added, ready again or relabelled, a quota or cap changed,
 * an eviction, a migration) goes through `QueueBands.unblockAll`, which ends every proof
 * (`reset`); a change to the queue's front ends its own (`JobQueue.touch`).
 *
 * Held room: a proof is made while the band is served, with the holds of its own and higher
 * bands in place, and checked in the same place in a later pass; a hold is what is free on its
 * node up to its job's need, so where room did not grow the room a hold leaves is not larger.
 */
export class RoomGrowth {
  /** Bumped when the log starts over: proofs made before are void. */
  #epoch = 0;
  readonly #grown: NodeState[] = [];
  /** Per request shape, the pool's last refusal of one replica (see `refusesStill`). */
  readonly #refusals = new Map<string, Refusal>();

  /** Something other than a logged release may let a job fit: every proof ends. */
  reset(): void {
    this.#epoch++;
    this.#grown.length = 0;
  }

  /** Room grew on `node` (an allocation there was released). */
  grew(node: NodeState): void {
    if (this.#grown.length >= LOG_LIMIT) this.reset();
    else this.#grown.push(node);
  }

  /** `queue`'s blocking walk found that no job of its window fits anywhere now. */
  prove(queue: JobQueue): void {
    queue.proofEpoch = this.#epoch;
    queue.proofFrom = this.#grown.length;
  }

  /** Whether `queue`'s proof holds (nothing but logged releases since it was made). */
  holds(queue: JobQueue): boolean {
    return queue.proofEpoch === this.#epoch;
  }

  /**
   * Where in the log the nodes grown since `queue`'s proof start, or -1 when there is no proof to
   * use (none, void, or too many nodes grew to be worth checking).
   */
  since(queue: JobQueue): number {
    if (queue.proofEpoch !== this.#epoch) return -1;
    return this.#grown.length - queue.proofFrom > NODES_WORTH_CHECKING ? -1 : queue.proofFrom;
  }

  /**
   * Notes a window job's shape and demand in `queue`'s proof in the making, `kinds` distinct ones
   * so far; the new count, or -1 once there are too many to keep.
   */
  note(queue: JobQueue, kinds: number, shape: string, demand: DenseRequest): number {
    const { proofShapes } = queue;
    for (let i = 0; i < kinds; i++) if (proofShapes[i] === shape) return kinds;
    if (kinds >= KINDS_KEPT) return -1;
    proofShapes[kinds] = shape;
    queue.proofDemands[kinds] = demand;
    return kinds + 1;
  }

  /**
   * Whether a walk of `queue` can be replayed rather than made: its proof holds and kept its
   * window's shapes (`proofKinds`), and no shape fits on a node grown since — so every job of the
   * window is refused for room again, and a walk would only add their shapes to the pass's failed
   * ones. The proof's jobs were refused for room alone — not held back, nominated, of a category
   * or of a tenant with a quota — and none of that can change while the proof holds (a quota set,
   * a cap or a node change resets every proof, a nomination ends its queue's), so the walk would
   * write no reason either.
   */
  replays(queue: JobQueue): boolean {
    const from = this.since(queue);
    if (from < 0 || queue.proofKinds < 0) return false;
    for (let i = 0; i < queue.proofKinds; i++) if (this.couldFitSince(from, queue.proofDemands[i] as DenseRequest)) return false;
    return true;
  }

  /**
   * The pool refused one replica of `shape` for want of room (no node ready and eligible had it)
   * while band `band` was served: a proof of that shape alone, whatever queue its job is in.
   */
  refused(shape: string, band: number): void {
    let refusal = this.#refusals.get(shape);
    if (refusal === undefined) {
      if (this.#refusals.size >= REFUSALS_KEPT) this.#refusals.clear();
      this.#refusals.set(shape, (refusal = { epoch: 0, from: 0, band: 0 }));
    }
    refusal.epoch = this.#epoch;
    refusal.from = this.#grown.length;
    refusal.band = band;
  }

  /**
   * Whether the pool would refuse one replica of `demand` (of `shape`) now, while band `band` is
   * served, by the shape's last refusal (`refused`): as a queue's proof, it holds while the only
   * changes are logged releases, and no node grown since has room for it now. Held room: a band
   * is served with the holds of its own band and the higher ones in place, so a refusal made while
   * band `refusal.band` was served holds for it and the lower bands, not for a higher one (room
   * held for a band between was given back before it was served). A queue's proof ends when a job
   * enters its window or its front moves; a shape's refusal does not, so that a queue that took a
   * new job, or placed one, asks the pool again only for shapes not refused since: in a congested
   * simulation those were every one of the 50,000 pool refusals of 130,000 asks (100k decisions).
   */
  refusesStill(shape: string, band: number, demand: DenseRequest): boolean {
    const refusal = this.#refusals.get(shape);
    if (refusal === undefined || refusal.epoch !== this.#epoch || band > refusal.band || this.#grown.length - refusal.from > NODES_WORTH_CHECKING) return false;
    return !this.couldFitSince(refusal.from, demand);
  }

  /** Whether one replica of `demand` fits in the free room now of a node grown since log position `from`. */
  couldFitSince(from: number, demand: DenseRequest): boolean {
    const grown = this.#grown;
    const { nonZero, amounts } = demand;
    nodes: for (let i = from; i < grown.length; i++) {
      const free = (grown[i] as NodeState).free;
      for (let k = 0; k < nonZero.length; k++) {
        const d = nonZero[k] as number;
        if ((free[d] ?? 0) < (amounts[d] as number)) continue nodes;
      }
      return true;
    }
    return false;
  }
}
