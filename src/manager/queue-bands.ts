import { JobQueue } from './job-queue.js';
import type { JobRecord } from './job-record.js';
import { keepFirst } from './pass-marks.js';
import { RoomGrowth } from './room-growth.js';
import type { QueueView } from './types.js';

/** Parked queues kept at most (one per band and tenant); more, and all are let go. */
const PARKED_LIMIT = 1024;

/**
 * Every queue with work, by priority band (highest value first) and tenant. With a policy that
 * ignores priority there is one band, and a tenant's one queue holds every class (shown as `*`).
 * A queue that empties is dropped (and a band without queues): the scheduling cycle walks these
 * structures, so its cost follows the tenants with waiting work, never every tenant ever seen.
 *
 * A dropped queue is parked, by band and tenant, and taken up again (`JobQueue.revive`) by the
 * tenant's next job of the band, in place of a new one: in a congested run queues empty at a start
 * and fill at the next submit (0.57 new queues per decision in 100,000 jobs × 1,000 nodes), and
 * each new queue was an object, five arrays and a policy candidate — with the FIFO arrays an
 * emptied queue now keeps (JobQueue.trim), 15 % of that run's garbage. A queue dropped while a
 * scheduling pass runs is parked only when the outermost pass ends (`endPass`): a pass holds lists
 * of the queues it serves, and a queue that left them must not come back to life within them.
 */
export class QueueBands {
  private readonly bands = new Map<number, Map<string, JobQueue>>();
  private order: number[] = [];
  /** Each tenant's last dropped queue of each band (taken up again only while `parked`), and how many. */
  private readonly parked = new Map<number, Map<string, JobQueue>>();
  private parkedCount = 0;
  /**
   * Queues dropped during the scheduling passes under way (the first `droppedCount`), parked when
   * the outermost one ends. The list is kept and overwritten: emptied, V8 would let its store go.
   */
  private readonly droppedInPass: (JobQueue | undefined)[] = [];
  private droppedCount = 0;
  /** Scheduling passes under way (a policy's code may start an operation within one). */
  private passes = 0;
  /** Where room grew since each queue's blocking walk (see RoomGrowth). */
  readonly growth = new RoomGrowth();
  /** `openQueues`' list and count, passed to `forEach` as its `this`. */
  private readonly filling: Filling = { list: NO_QUEUES, count: 0 };
  /** `someHead`'s test and finding, passed to `forEach` as its `this`. */
  private readonly probe: HeadProbe = { test: noJob, found: false };

  constructor(private readonly singleBand: boolean) {}

  /** Takes a job out of its queue (it started or ended), dropping the queue if it empties. */
  remove(job: JobRecord): void {
    const queue = job.queue;
    if (queue === undefined) return;
    queue.remove(job);
    if (queue.length > 0) return;
    const tenants = this.bands.get(queue.band);
    if (tenants?.get(queue.tenant) !== queue) return;
    tenants.delete(queue.tenant);
    if (this.passes > 0) this.droppedInPass[this.droppedCount++] = queue;
    else this.park(queue);
    if (tenants.size > 0) return;
    this.bands.delete(queue.band);
    this.order = withoutBand(this.order, queue.band);
  }

  /** A scheduling pass begins: queues dropped until it ends are parked then (see the class). */
  beginPass(): void {
    this.passes++;
  }

  endPass(): void {
    if (--this.passes > 0 || this.droppedCount === 0) return;
    const dropped = this.droppedInPass;
    for (let i = 0; i < this.droppedCount; i++) {
      const queue = dropped[i] as JobQueue;
      dropped[i] = undefined;
      // (no one took it up while the pass ran: only a parked queue is taken up)
      if (queue.length === 0) this.park(queue);
    }
    this.droppedCount = 0;
  }

  private park(queue: JobQueue): void {
    queue.parked = true;
    let tenants = this.parked.get(queue.band);
    if (tenants === undefined) this.parked.set(queue.band, (tenants = new Map()));
    // (an entry is overwritten, never deleted, as queues are taken up: a map keeps a deleted key's
    // slot until it is rebuilt, and the same tenants come and go at every start and submit)
    const before = tenants.size;
    tenants.set(queue.tenant, queue);
    if (tenants.size === before || ++this.parkedCount <= PARKED_LIMIT) return;
    // one more than the limit: all are let go, and parking starts again with this queue
    this.parked.forEach(unparkBand);
    this.parked.clear();
    this.parked.set(queue.band, new Map([[queue.tenant, queue]]));
    queue.parked = true;
    this.parkedCount = 1;
  }

  /** The queue a job belongs in, created on first use. */
  queueFor(job: JobRecord): JobQueue {
    let tenants = this.bands.get(job.band);
    if (tenants === undefined) {
      tenants = new Map();
      this.bands.set(job.band, tenants);
      this.order = withBand(this.order, job.band);
    }
    let queue = tenants.get(job.tenant);
    if (queue === undefined) {
      const priority = this.singleBand ? '*' : job.priority;
      queue = this.parked.get(job.band)?.get(job.tenant);
      if (queue !== undefined && queue.parked && queue.priority === priority) queue.revive();
      else queue = new JobQueue(job.tenant, job.band, priority);
      tenants.set(job.tenant, queue);
    }
    return queue;
  }

  /** Bands with queues, highest priority first. */
  bandOrder(): readonly number[] {
    return this.order;
  }

  /** A band's queues that have work and are not blocked, written into `into` (by index: see BandLists); an empty band gives a shared empty list. */
  openQueues(band: number, into: JobQueue[]): readonly JobQueue[] {
    // one loop: this runs for every band of every scheduling pass (forEach: a for…of over the
    // map's values left an iterator result per queue as garbage; the filling is forEach's `this`,
    // so no closure is made per call either)
    const filling = this.filling;
    filling.list = into;
    filling.count = 0;
    this.bands.get(band)?.forEach(putIfOpen, filling);
    const count = filling.count;
    filling.list = NO_QUEUES;
    if (count === 0) return NO_QUEUES;
    keepFirst(into, count);
    return into;
  }

  /** The head of every non-empty queue (a new list: every pass asks, and a generator's steps were garbage). */
  heads(): JobRecord[] {
    // (the list is forEach's `this`: no closure per call, nor one per band)
    const out: JobRecord[] = [];
    this.bands.forEach(pushHeadsOfBand, out);
    return out;
  }

  /**
   * Whether some queue's head passes `test`, with no list made: a pass asks this before it lists
   * the heads for starvation reservations (`heads()`), and in a congested run almost every pass
   * finds every starving head reserved already — the list was an array per pass for nothing.
   */
  someHead(test: (job: JobRecord) => boolean): boolean {
    // (one probe, kept: a pass asks about once per decision; what it held before is put back, for
    // a test that would ask again)
    const probe = this.probe;
    const outerTest = probe.test;
    const outerFound = probe.found;
    probe.test = test;
    probe.found = false;
    this.bands.forEach(probeBand, probe);
    const found = probe.found;
    probe.test = outerTest;
    probe.found = outerFound;
    return found;
  }

  /** A band's non-empty queues, by their heads' arrival (deterministic). */
  queuesOf(band: number): JobQueue[] {
    const queues = [...(this.bands.get(band)?.values() ?? [])].filter((q) => q.length > 0);
    return queues.sort((a, b) => (a.head() as JobRecord).sequence - (b.head() as JobRecord).sequence);
  }

  /** Every queue with work, bands and tenants in the order the maps keep them (for a snapshot). */
  *all(): Generator<JobQueue> {
    for (const tenants of this.bands.values()) yield* tenants.values();
  }

  /** Restoring a snapshot: an empty queue, created in the snapshot's order (which is the maps' order). */
  restoreQueue(band: number, tenant: string, priority: string): JobQueue {
    let tenants = this.bands.get(band);
    if (tenants === undefined) {
      tenants = new Map();
      this.bands.set(band, tenants);
      this.order = [...this.bands.keys()].sort((a, b) => b - a);
    }
    const queue = new JobQueue(tenant, band, this.singleBand ? '*' : priority);
    tenants.set(tenant, queue);
    return queue;
  }

  /** Room freed (or a node came, or a limit moved): every queue is worth trying again, and no blocking walk's proof holds. */
  unblockAll(): void {
    this.growth.reset();
    this.unblock();
  }

  /**
   * An allocation was released, and nothing else changed: every queue is worth trying again, as
   * after `unblockAll`, but the proofs of blocking walks hold — the caller logged the allocation's
   * nodes (`growth.grew`), and the walks ask the pool only for jobs that fit on one of them.
   */
  unblockKeepingProofs(): void {
    this.unblock();
  }

  private unblock(): void {
    // (a module function, not an arrow made per call: this runs at every release)
    this.bands.forEach(unblockBand);
  }

  /** Non-empty queues, highest band first, then tenant id. */
  views(): QueueView[] {
    const out: QueueView[] = [];
    for (const band of this.order) {
      const queues = [...(this.bands.get(band)?.values() ?? [])].filter((q) => q.length > 0).sort((a, b) => (a.tenant < b.tenant ? -1 : 1));
      for (const queue of queues) {
        const head = queue.head();
        out.push(Object.freeze({ tenant: queue.tenant, priority: queue.priority, length: queue.length, ...(head === undefined ? {} : { head: head.id }) }));
      }
    }
    return out;
  }
}

/** `order` without `band` (a new list: the cycle may be walking the old one; no closure per call, as a filter made). */
function withoutBand(order: readonly number[], band: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < order.length; i++) if (order[i] !== band) out.push(order[i] as number);
  return out;
}

/**
 * `order` (the bands, highest first) with `band` (not among them) in its place, as a new array:
 * the order is never changed in place (a pass may be walking it). A congested run empties and
 * makes bands again thousands of times; a spread of the map's keys and a sort each time were
 * garbage.
 */
function withBand(order: readonly number[], band: number): number[] {
  const out: number[] = [];
  let placed = false;
  for (let i = 0; i < order.length; i++) {
    const other = order[i] as number;
    if (!placed && band > other) {
      out.push(band);
      placed = true;
    }
    out.push(other);
  }
  if (!placed) out.push(band);
  return out;
}

function unparkBand(tenants: ReadonlyMap<string, JobQueue>): void {
  tenants.forEach(unpark);
}

function unpark(queue: JobQueue): void {
  queue.parked = false;
}

function unblockQueue(queue: JobQueue): void {
  queue.blocked = false;
}

function unblockBand(tenants: ReadonlyMap<string, JobQueue>): void {
  tenants.forEach(unblockQueue);
}

/** The list `openQueues` is writing and how many it has written. */
interface Filling {
  list: JobQueue[];
  count: number;
}

const NO_QUEUES: JobQueue[] = Object.freeze([]) as unknown as JobQueue[];

function putIfOpen(this: Filling, queue: JobQueue): void {
  if (queue.length > 0 && !queue.blocked) this.list[this.count++] = queue;
}

function pushHeadsOfBand(this: JobRecord[], tenants: Map<string, JobQueue>): void {
  tenants.forEach(pushHead, this);
}

interface HeadProbe {
  test: (job: JobRecord) => boolean;
  found: boolean;
}

function noJob(): boolean {
  return false;
}

function probeBand(this: HeadProbe, tenants: Map<string, JobQueue>): void {
  if (!this.found) tenants.forEach(probeQueue, this);
}

function probeQueue(this: HeadProbe, queue: JobQueue): void {
  if (this.found) return;
  const head = queue.head();
  if (head !== undefined && this.test(head)) this.found = true;
}

function pushHead(this: JobRecord[], queue: JobQueue): void {
  const head = queue.head();
  if (head !== undefined) this.push(head);
}
