import type { AllocationTimes } from '../pool/build-allocation.js';
import type { Allocation } from '../pool/index.js';
import { isEligible } from '../pool/eligibility.js';
import type { PoolInternals } from '../pool/internals.js';
import type { NodeState } from '../pool/node-state.js';
import { fromScaled } from '../resources/index.js';
import { invalidSnapshot } from '../snapshot/reader.js';
import type { HeldRoom } from './internals.js';
import type { JobRecord } from './job-record.js';
import type { ReservationView } from './types.js';

interface Reservation {
  readonly job: JobRecord;
  readonly node: NodeState;
  readonly reason: ReservationView['reason'];
  /** When the room began to be held (the clock reading at the reservation). */
  readonly since: number;
  /** Dense dimensions and scaled amounts held now on `node` (`reserved` there); empty when none. */
  dims: readonly number[];
  amounts: readonly number[];
  /**
   * The arrays of the last hold, filled again in place by the next hold of as many dimensions
   * (the usual case): room is given back and held again at every pass, and two new arrays per
   * hold were a tenth of a congested run's garbage.
   */
  lastDims: number[];
  lastAmounts: number[];
  /** Its hold was kept over the start of the pass (see `releaseAll`): `serveBand` counts it as given back. */
  kept: boolean;
}

const NOTHING: readonly number[] = Object.freeze([]);

/** What the reservation holds now of dense dimension `d` (its dims are few: a scan). */
function heldOf(reservation: Reservation, d: number): number {
  const { dims, amounts } = reservation;
  for (let i = 0; i < dims.length; i++) if (dims[i] === d) return amounts[i] as number;
  return 0;
}

/**
 * Whether the reservation holds exactly what `holdFree` would hold were its hold given back now:
 * per dimension of its job's need with room, the need or the room, whichever is less — in the
 * order of the need's dimensions, as `holdFree` lists them.
 */
function holdsWhatIsFree(reservation: Reservation): boolean {
  const { dims, amounts: held } = reservation;
  const { nonZero, amounts } = reservation.job.parsed.dense;
  const free = reservation.node.free;
  let i = 0;
  for (let k = 0; k < nonZero.length; k++) {
    const d = nonZero[k] as number;
    const mine = i < dims.length && dims[i] === d ? (held[i] as number) : 0;
    const amount = Math.min(amounts[d] as number, (free[d] as number) + mine);
    if (amount <= 0) continue;
    if (i >= dims.length || dims[i] !== d || held[i] !== amount) return false;
    i++;
  }
  return i === dims.length;
}

/** Reservations whose nodes `holdsOnDistinctNodes` compares in pairs (more: through a set). */
const PAIRS_COMPARED_UP_TO = 16;

/** Request shapes whose large-enough nodes a manager keeps for starvation reservations (few shapes starve at once). */
const LARGE_ENOUGH_SHAPES = 16;

/** A reservation as a snapshot keeps it. */
export interface ReservationSnapshot {
  readonly jobId: string;
  readonly nodeId: string;
  readonly reason: 'starvation' | 'preemption';
  readonly since: number;
  readonly held: Readonly<Record<string, number>>;
}

/**
 * Room held on one node for one waiting job. The pool books held room as `reserved` on the node:
 * not free (no other job may take it), not allocated (no allocation explains it). Two uses:
 *
 * The starvation bound. A queue head that has waited `afterMs` gets a node: the eligible node
 * large enough for it that is closest to fitting it now. From then on the room that frees there
 * is held for it, until it fits and is placed. Backfill goes on everywhere else. Gangs
 * (replicas > 1) are not given reservations.
 *
 * Preemption nominations. A job that preempted is nominated to the victims' node: the room they
 * free (and whatever was free there already) is held for it, so nobody else takes what was freed
 * for it, and it starts only there (`job.nominatedNode`).
 *
 * Held room is held against jobs of the waiting job's own priority band and lower ones only: a job
 * of a strictly higher band may use it, as kube-scheduler lets a pod use the room nominated to a
 * lower-priority pod. The manager enforces this by order: every pass gives all held room back
 * (`releaseAll`; the first band served keeps its own, counted as given back by its `serveBand`),
 * then serves bands from the highest down, each band's reservations (`serveBand`) before its
 * queues — so room held for a lower band is not held yet while a higher band is served.
 */
export class Reservations {
  private readonly byJob = new Map<JobRecord, Reservation>();
  /**
   * The same reservations in the map's order (reservation order), walked by index: every pass
   * walks them several times (give the holds back, refresh the parses, serve each band), and a
   * walk of the map's values left an iterator and a result per step as garbage — a seventh of the
   * bytes a congested simulation allocated. Kept in step with `byJob` by `#add` and `forget`.
   */
  private readonly inOrder: Reservation[] = [];
  /** `serveBand`'s order of the band's reservations (bound nominees, then the others), and the others while it is made; kept between calls. */
  private readonly order: Reservation[] = [];
  private readonly later: Reservation[] = [];
  /** Per request shape, the nodes large enough for it (see `nodesLargeEnough`). */
  private readonly largeEnough = new Map<string, readonly NodeState[]>();
  /** The pool's node count when `largeEnough` was started. */
  private largeEnoughOf = -1;

  constructor(
    private readonly books: PoolInternals,
    /** Undefined: no starvation bound (nominations still work). */
    readonly afterMs: number | undefined,
    /** Held room went back to the pool for anyone: queues blocked for room are worth a new try. */
    private readonly roomFreed: () => void,
    /** `starvation.defragment`: a starving head first tries a few moves of running jobs (see the manager's cycle) before it holds a node's room. */
    readonly defragment = false,
  ) {}

  has(job: JobRecord): boolean {
    return this.byJob.has(job);
  }

  get size(): number {
    return this.byJob.size;
  }

  /** Whether some reservation's band is not among `bands` (a pass asks at every step while anything is held). */
  hasBandOutside(bands: readonly number[]): boolean {
    const list = this.inOrder;
    for (let i = 0; i < list.length; i++) if (!bands.includes((list[i] as Reservation).job.band)) return true;
    return false;
  }

  /** Bands with a reservation (a pass must serve them even when their queues are blocked). */
  bands(): Set<number> {
    const out = new Set<number>();
    const list = this.inOrder;
    for (let i = 0; i < list.length; i++) out.add((list[i] as Reservation).job.band);
    return out;
  }

  /**
   * Ids of nodes reserved for a starving job of band `band` or higher, other than `job`: its
   * preemption looks elsewhere (the room its victims free would go to that job first). A node
   * reserved for a lower band is not excluded, nor are nodes with nominations: several preemptors
   * may be nominated to one node, each one's victims and the room free when it chose them
   * covering its own need.
   */
  starvingNodeIds(band: number, job: JobRecord): Set<string> {
    const out = new Set<string>();
    const list = this.inOrder;
    for (let i = 0; i < list.length; i++) {
      const r = list[i] as Reservation;
      if (r.reason === 'starvation' && r.job !== job && r.job.band >= band) out.add(r.node.id);
    }
    return out;
  }

  /** The room held now for `job` (to count it as the job's own in a preemption search). */
  heldFor(job: JobRecord): { readonly node: NodeState; readonly dims: readonly number[]; readonly amounts: readonly number[] } | undefined {
    return this.byJob.get(job);
  }

  /**
   * Holds the room on `node` for a job that preempted there (see the class comment) — what is free
   * there at once: its search counted it, and the next search of the same pass must not count it
   * again (two preemptors each counted the same free cpu, each evicted a victim, and only one of
   * them fit when both victims had left: storm property, seed 1290856359).
   */
  nominate(job: JobRecord, node: NodeState, now: number): void {
    this.drop(job);
    const reservation: Reservation = { job, node, reason: 'preemption', since: now, dims: NOTHING, amounts: NOTHING, lastDims: [], lastAmounts: [], kept: false };
    this.#add(reservation);
    job.nominatedNode = node.id;
    this.holdFree(reservation);
  }

  /**
   * Gives every hold back to the pool: the start of a pass that serves bands from the top (see the
   * class comment) — but for the holds of `top`, the first band the pass serves, which are kept
   * (`kept`) when no two of them share a node: that band's `serveBand` comes next and counts each
   * as given back, holding it again only where its amounts change. Given back and held again, the
   * same room moved twice between free and reserved for nothing: a congested simulation's passes
   * gave back and held again 590,000 holds for 100,000 decisions, 370,000 of them in the top band.
   * Two on one node are given back (an earlier one's `serveBand` step must see the later one's
   * room free, as before).
   */
  releaseAll(top: number): void {
    const list = this.inOrder;
    const keep = this.holdsOnDistinctNodes(top);
    for (let i = 0; i < list.length; i++) {
      const reservation = list[i] as Reservation;
      if (keep && reservation.job.band === top) reservation.kept = reservation.dims.length > 0;
      else this.releaseHold(reservation);
    }
  }

  /**
   * Whether no two reservations of band `band` share a node. This runs at every pass: a few
   * reservations (the usual case) are compared in pairs, with no set made; many (a preemption
   * storm nominates hundreds) go through a set, so that the pass stays linear in them.
   */
  private holdsOnDistinctNodes(band: number): boolean {
    const list = this.inOrder;
    if (list.length > PAIRS_COMPARED_UP_TO) {
      const nodes = new Set<NodeState>();
      for (let i = 0; i < list.length; i++) {
        const r = list[i] as Reservation;
        if (r.job.band !== band) continue;
        if (nodes.has(r.node)) return false;
        nodes.add(r.node);
      }
      return true;
    }
    for (let i = 0; i < list.length; i++) {
      const a = list[i] as Reservation;
      if (a.job.band !== band) continue;
      for (let j = i + 1; j < list.length; j++) {
        const b = list[j] as Reservation;
        if (b.job.band === band && b.node === a.node) return false;
      }
    }
    return true;
  }

  /**
   * Gives each reservation of `band` the room free on its node: places jobs that now fit there
   * (through `start`), holds what is free for the others, and drops reservations whose node is
   * gone or no longer eligible, and nominations whose room went to a higher band after their
   * victims had left (`lapsed`): those jobs wait as any other, free to preempt again. A nominee
   * whose room is held by a nominee of its band served before it (or one of a higher band) keeps
   * waiting: that one starts within its victims' grace period and leaves the rest.
   *
   * Nominees bound to their node (a victim of theirs has left: `bound`) are served first. The room
   * freed on a node is not marked with whose victim freed it, and a nominee still waiting for all of
   * its victims may start as soon as it fits — then its victims are reprieved. Served first, it took
   * the room another nominee's victims had freed, and that nominee lapsed with its victims gone
   * (storm property, seed 1290856359); served after, it takes only what the bound ones leave.
   */
  serveBand(
    band: number,
    times: (job: JobRecord) => AllocationTimes,
    start: (job: JobRecord, allocation: Allocation) => void,
    canStart: (job: JobRecord) => boolean,
    lapsed: (job: JobRecord) => boolean,
    bound: (job: JobRecord) => boolean,
  ): void {
    // the band's reservations, bound nominees first (each group in reservation order), decided
    // before any is served, into the two lists kept for it (this runs every pass of a congested
    // run: new lists and their concatenation were garbage at every pass)
    // (filled by index, never emptied by `length = 0`, which would give their storage back)
    const { order, later, inOrder: list } = this;
    let firsts = 0;
    let lasts = 0;
    for (let i = 0; i < list.length; i++) {
      const r = list[i] as Reservation;
      if (r.job.band !== band) continue;
      if (bound(r.job)) order[firsts++] = r;
      else later[lasts++] = r;
    }
    if (firsts === 0 && lasts === 0) return;
    for (let i = 0; i < lasts; i++) order[firsts + i] = later[i] as Reservation;
    const count = firsts + lasts;
    for (let i = 0; i < count; i++) {
      const reservation = order[i] as Reservation;
      const { job, node } = reservation;
      // a hold kept over the pass's start (see releaseAll) counts as given back: its room as free
      const kept = reservation.kept;
      reservation.kept = false;
      if (!kept) this.releaseHold(reservation);
      if (!this.books.isMember(node) || !isEligible(node, job.parsed)) {
        this.releaseHold(reservation);
        this.forget(job);
        this.roomFreed();
        continue;
      }
      const { nonZero, amounts } = job.parsed.dense;
      let fits = true;
      // (index loops over the dense arrays here: the for…of loops of this pass-by-pass code left an
      // iterator result per step as garbage — the shared dense arrays are frozen, which the
      // optimiser does not lower for…of over)
      for (let k = 0; k < nonZero.length; k++) {
        const d = nonZero[k] as number;
        if ((node.free[d] as number) + heldOf(reservation, d) < (amounts[d] as number)) fits = false;
      }
      if (fits && canStart(job)) {
        this.releaseHold(reservation);
        this.forget(job);
        start(job, this.books.commitPlacement(job.parsed, [node], times(job)));
        continue;
      }
      if (!fits && reservation.reason === 'preemption' && lapsed(job) && !this.heldByOthers(node, job)) {
        this.releaseHold(reservation);
        this.forget(job);
        job.preemptionCheckedAt = -1;
        this.roomFreed();
        continue;
      }
      // a kept hold of the amounts it would take again stays as it is
      if (kept && holdsWhatIsFree(reservation)) continue;
      this.releaseHold(reservation);
      this.holdFree(reservation);
    }
  }

  /** Holds for the reservation's job what is free on its node now, up to its need (it holds nothing now). */
  private holdFree(reservation: Reservation): void {
    const { job, node } = reservation;
    const { nonZero, amounts } = job.parsed.dense;
    let count = 0;
    for (let k = 0; k < nonZero.length; k++) {
      const d = nonZero[k] as number;
      if (Math.min(amounts[d] as number, node.free[d] as number) > 0) count++;
    }
    if (count === 0) return;
    if (reservation.lastDims.length !== count) {
      reservation.lastDims = new Array<number>(count);
      reservation.lastAmounts = new Array<number>(count);
    }
    const dims = reservation.lastDims;
    const held = reservation.lastAmounts;
    let i = 0;
    for (let k = 0; k < nonZero.length; k++) {
      const d = nonZero[k] as number;
      const amount = Math.min(amounts[d] as number, node.free[d] as number);
      if (amount <= 0) continue;
      dims[i] = d;
      held[i] = amount;
      i++;
    }
    this.books.hold(node, dims, held, 1);
    reservation.dims = dims;
    reservation.amounts = held;
  }

  /** Whether a reservation of `job`'s band or a higher one, other than its own, holds room on `node` now. */
  private heldByOthers(node: NodeState, job: JobRecord): boolean {
    const list = this.inOrder;
    for (let i = 0; i < list.length; i++) {
      const r = list[i] as Reservation;
      if (r.job !== job && r.node === node && r.job.band >= job.band && r.dims.length > 0) return true;
    }
    return false;
  }

  /** Reserves a node for each starving head that has none yet; true if any was added. */
  consider(heads: Iterable<JobRecord>, now: number, canStart: (job: JobRecord) => boolean): boolean {
    let added = false;
    if (this.afterMs === undefined) return false;
    for (const job of heads) {
      // a job held back by its concurrency cap waits for the cap, not for room
      if (!this.mayReserve(job, now) || !canStart(job)) continue;
      const node = this.closestNode(job);
      if (node === undefined) continue;
      this.#add({ job, node, reason: 'starvation', since: now, dims: NOTHING, amounts: NOTHING, lastDims: [], lastAmounts: [], kept: false });
      added = true;
    }
    return added;
  }

  /**
   * Whether `consider` could reserve for `job` now, room and its holds aside (whether it may start
   * is asked after): no reservation yet, one replica, starving. A pass asks it of the heads before
   * it lists them (see QueueBands.someHead): with no head for which it holds, `consider` does nothing.
   */
  mayReserve(job: JobRecord, now: number): boolean {
    return this.afterMs !== undefined && !this.byJob.has(job) && job.replicas === 1 && now - job.queuedSince >= this.afterMs;
  }

  jobs(): JobRecord[] {
    return this.inOrder.map((r) => r.job);
  }

  /** Calls `refresh` for every reserved job, in reservation order (no list is made). */
  refreshParses(refresh: (job: JobRecord) => void): void {
    // every reserved job was refreshed against these dimensions already (a re-parse is needed only
    // when the pool learns a new one): a pass asked once per band served, for every reservation —
    // 1.25 million calls that did nothing in a congested simulation of 100k jobs
    const dimensions = this.books.dimensionCount;
    if (this.refreshedWith === dimensions) return;
    const list = this.inOrder;
    for (let i = 0; i < list.length; i++) refresh((list[i] as Reservation).job);
    this.refreshedWith = dimensions;
  }

  /** The pool's dimension count when every reserved job was last refreshed (-1: one added since). */
  private refreshedWith = -1;

  /** The reservations in their order, held room by dimension name (for a snapshot). */
  snapshot(): ReservationSnapshot[] {
    const { space } = this.books;
    return this.inOrder.map((r) => ({
      jobId: r.job.id,
      nodeId: r.node.id,
      reason: r.reason,
      since: r.since,
      held: Object.fromEntries(r.dims.map((d, i) => [space.dimensions[d] as string, fromScaled(r.amounts[i] as number, space.scale)])),
    }));
  }

  /**
   * Restoring a snapshot: the reservations in order, each holding again what it held (checked
   * against the node's free room: a snapshot whose books do not add up is refused).
   */
  restore(entries: readonly ReservationSnapshot[], jobs: ReadonlyMap<string, JobRecord>, scaled: (name: string, amount: number, path: string) => number): void {
    entries.forEach((entry, i) => {
      const path = `reservations[${i}]`;
      const job = jobs.get(entry.jobId);
      const node = this.books.nodes.get(entry.nodeId);
      if (job === undefined || job.status !== 'queued') throw invalidSnapshot(`${path}.jobId`, `"${entry.jobId}" is not a queued job`);
      if (node === undefined) throw invalidSnapshot(`${path}.nodeId`, `no node "${entry.nodeId}"`);
      if (this.byJob.has(job)) throw invalidSnapshot(path, `job "${entry.jobId}" has two reservations`);
      if ((entry.reason === 'preemption') !== (job.nominatedNode === node.id)) throw invalidSnapshot(path, `job "${entry.jobId}" is ${job.nominatedNode === undefined ? 'not nominated' : `nominated to "${job.nominatedNode}"`}`);
      const dims: number[] = [];
      const amounts: number[] = [];
      for (const [name, amount] of Object.entries(entry.held)) {
        const d = this.books.space.indexOf(name);
        const value = scaled(name, amount, `${path}.held`);
        if (value === 0) continue;
        if (d < 0 || (node.free[d] as number) < value) throw invalidSnapshot(`${path}.held.${name}`, `node "${node.id}" has not that much room to hold: the books do not add up`);
        dims.push(d);
        amounts.push(value);
      }
      if (dims.length > 0) this.books.hold(node, dims, amounts, 1);
      this.#add({ job, node, reason: entry.reason, since: entry.since, dims: dims.length > 0 ? dims : NOTHING, amounts: dims.length > 0 ? amounts : NOTHING, lastDims: dims, lastAmounts: amounts, kept: false });
    });
  }

  /** Every reservation as the books keep it (for fairpack/testing). */
  list(): HeldRoom[] {
    // copies: a reservation's arrays are emptied and filled again in place at every pass
    return this.inOrder.map((r) => ({ job: r.job, node: r.node, reason: r.reason, dims: r.dims.slice(), amounts: r.amounts.slice() }));
  }

  /** What is held, for whom and why, in reservation order. */
  views(): ReservationView[] {
    const { space } = this.books;
    return this.inOrder.map((r) => {
      const resources: Record<string, number> = {};
      r.dims.forEach((d, i) => (resources[space.dimensions[d] as string] = fromScaled(r.amounts[i] as number, space.scale)));
      return Object.freeze({ jobId: r.job.id, nodeId: r.node.id, resources: Object.freeze(resources), reason: r.reason, since: r.since });
    });
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

  /**
   * The pool's nodes whose capacity could hold one replica of `job` when empty, in node order: kept
   * per request shape (at most LARGE_ENOUGH_SHAPES of them), made again when the pool's node count
   * changes (a node added) or a node leaves (`releaseNode`). A node's capacity never changes while
   * it is in the pool; whether it is eligible can (status, labels, taints), so that is asked anew.
   */
  private nodesLargeEnough(job: JobRecord): readonly NodeState[] {
    if (this.books.nodes.size !== this.largeEnoughOf) {
      this.largeEnough.clear();
      this.largeEnoughOf = this.books.nodes.size;
    }
    const kept = this.largeEnough.get(job.shape);
    if (kept !== undefined) return kept;
    if (this.largeEnough.size >= LARGE_ENOUGH_SHAPES) this.largeEnough.clear();
    const { nonZero, amounts } = job.parsed.dense;
    const nodes: NodeState[] = [];
    next: for (const node of this.books.nodes.values()) {
      for (const d of nonZero) if ((node.capacity[d] as number) < (amounts[d] as number)) continue next;
      nodes.push(node);
    }
    this.largeEnough.set(job.shape, nodes);
    return nodes;
  }

  /** Gives up the reservations on a node (it is being removed). */
  releaseNode(nodeId: string): void {
    this.largeEnough.clear();
    for (const reservation of this.inOrder.slice()) {
      if (reservation.node.id !== nodeId) continue;
      this.releaseHold(reservation);
      this.forget(reservation.job);
    }
  }

  /** The job started elsewhere, ended or was re-queued: its reservation goes. */
  drop(job: JobRecord): void {
    const reservation = this.byJob.get(job);
    if (reservation === undefined) return;
    const held = reservation.dims.length > 0;
    this.releaseHold(reservation);
    this.forget(job);
    if (held) this.roomFreed();
  }

  #add(reservation: Reservation): void {
    this.byJob.set(reservation.job, reservation);
    this.inOrder.push(reservation);
    this.refreshedWith = -1;
  }

  private forget(job: JobRecord): void {
    if (this.byJob.delete(job)) {
      // out of the list in place, the later ones moved up (the map's order; a few reservations)
      const list = this.inOrder;
      let at = 0;
      while ((list[at] as Reservation).job !== job) at++;
      for (; at < list.length - 1; at++) list[at] = list[at + 1] as Reservation;
      list.pop();
    }
    job.nominatedNode = undefined;
  }

  private releaseHold(reservation: Reservation): void {
    if (reservation.dims.length === 0) return;
    this.books.hold(reservation.node, reservation.dims, reservation.amounts, -1);
    reservation.dims = NOTHING;
    reservation.amounts = NOTHING;
  }

  /**
   * Eligible, large enough when empty, not reserved already for the job's band or a higher one
   * (room held for a lower band is the job's to take); least relative shortfall now, then node order.
   */
  private closestNode(job: JobRecord): NodeState | undefined {
    let reserved: Set<string> | undefined;
    const list = this.inOrder;
    for (let i = 0; i < list.length; i++) {
      const r = list[i] as Reservation;
      if (r.job.band >= job.band) (reserved ??= new Set()).add(r.node.id);
    }
    const { nonZero, amounts } = job.parsed.dense;
    let best: NodeState | undefined;
    let bestGap = Infinity;
    // a walk over the nodes large enough for the job (kept per shape: in a large simulation 1,000
    // or 3,000 of 10,000), no closure per node. The shortfall first: a node's sum stops once it
    // cannot win (its terms are >= 0, and adding them in order never makes a float sum smaller),
    // and under congestion most nodes stop there, after one look at their free room — only a node
    // that would win is asked whether it may (still in the pool, not reserved, eligible). The same
    // node wins as when every node was asked first: the first in order with the least shortfall
    // among those that may.
    nodes: for (const node of this.nodesLargeEnough(job)) {
      let gap = 0;
      for (let k = 0; k < nonZero.length; k++) {
        const d = nonZero[k] as number;
        gap += Math.max(0, (amounts[d] as number) - (node.free[d] as number)) / (amounts[d] as number);
        if (gap >= bestGap) continue nodes;
      }
      if (reserved?.has(node.id) === true || !this.books.isMember(node) || !isEligible(node, job.parsed)) continue;
      best = node;
      bestGap = gap;
      // nothing short of this node: no later node can come first
      if (gap === 0) break;
    }
    return best;
  }
}
