import type { TenantCandidate } from '../fairness/index.js';
import type { DenseRequest } from '../placement/index.js';
import type { JobRecord } from './job-record.js';

let nextTicket = 1;

/** What a compacted slot of the FIFO holds: a job no entry is live for (its ticket never matches). */
const GONE = Object.freeze({ queue: undefined, ticket: -1 }) as unknown as JobRecord;

/**
 * Dead FIFO entries (jobs taken out of the middle) tolerated before the front is compacted. Every
 * walk of the window steps over the dead entries in it (about half of this, on average) and a
 * congested run walks a window several times per job placed, while a compaction scans about one
 * window per this many removals: 64 let a million-job simulation step over 168 million dead
 * entries (38 % of its walk); 8 balances the two.
 */
const DEAD_BEFORE_COMPACTING = 8;

/** FIFO slots an emptied queue keeps using (see `trim`); beyond, it starts on new arrays. */
const KEPT_WHEN_EMPTY = 64;

/**
 * One (tenant, priority class) queue: jobs with a deadline first, earliest deadline first (EDF);
 * then jobs without one, in arrival order. Removal from the middle (cancel, abort) is lazy: the
 * job's `queue` field is cleared and iteration skips it, so cancelling is O(1) for FIFO jobs.
 */
export class JobQueue {
  /** Live (still queued) jobs. */
  length = 0;
  /** Set when nothing in the backfill window fits; cleared when room frees or the front changes (`touch`). */
  blocked = false;
  /**
   * Bumped whenever the jobs at the front may have changed (`touch`), so that a pass that looked
   * through the backfill window can tell it would see the same jobs again (PreemptionCycle).
   */
  version = 0;
  /** The fairness policy's candidate for this queue, made once and refreshed per pick (TenantCandidates). */
  candidate: TenantCandidate | undefined = undefined;
  /**
   * The proof a blocking walk left (see RoomGrowth): the log's epoch and position when no job of
   * the window fitted anywhere; -1 for none. A change at the front ends it (`touch`).
   */
  proofEpoch = -1;
  proofFrom = 0;
  /**
   * With a proof, the window's distinct shapes and one replica's demand of each, when the walk that
   * proved found nothing but room to keep its jobs back, nor could anything else now (see
   * RoomGrowth.replays); -1: not kept.
   */
  proofKinds = -1;
  readonly proofShapes: string[] = [];
  readonly proofDemands: DenseRequest[] = [];
  /**
   * The preemption pass's memo (see PreemptionCycle): the change count and `version` when it last
   * walked this window and found no victims for any of it. Kept on the queue, where a WeakMap by
   * queue was a probe per queue per pass (and an ephemeron per queue made).
   */
  lookedThrough: { changes: number; version: number } | undefined = undefined;
  /**
   * Whether the queue is empty, out of its band, and may be taken up again by its tenant's next job
   * in the same band (see QueueBands.queueFor): `revive` then makes it as a new queue would be.
   */
  parked = false;
  private readonly deadlines: JobRecord[] = [];
  /**
   * The FIFO as two parallel arrays, a slot per entry: the job and the ticket it had when it
   * entered (a slot is live while the job is still in this queue under that ticket). No entry
   * object per job: the window walks read the ticket beside the job, and a congested run pushes
   * millions of jobs through.
   */
  private fifoJobs: JobRecord[] = [];
  private fifoTickets: number[] = [];
  private start = 0;
  /**
   * FIFO jobs taken out since the last compaction. Jobs leave from the backfill window (placed
   * past a blocked head) far more often than from the front, and every `window` walk steps over
   * their dead entries: without compaction a head that waits long makes each walk O(jobs ever
   * placed past it) — 48 of every 57 steps in a congested simulation were dead entries.
   */
  private dead = 0;

  constructor(
    readonly tenant: string,
    readonly band: number,
    readonly priority: string,
  ) {}

  /**
   * An empty queue taken up again (see `parked`): everything a new queue starts with, so that
   * nothing tells the two apart — the version restarts (a snapshot shows it), no proof and no memo
   * holds. Its candidate stays: the policy's view of the tenant is refreshed before every pick.
   */
  revive(): void {
    if (this.length !== 0) throw new Error(`fairpack internal error: revive of tenant ${this.tenant}'s queue, which holds ${this.length} jobs`);
    this.parked = false;
    this.blocked = false;
    this.version = 0;
    this.proofEpoch = -1;
    this.proofFrom = 0;
    this.proofKinds = -1;
    this.lookedThrough = undefined;
  }

  /** Adds a job; returns its position (live jobs ahead of it). */
  push(job: JobRecord): number {
    this.enter(job);
    if (job.deadline === undefined) {
      this.fifoJobs.push(job);
      this.fifoTickets.push(job.ticket);
      return this.length - 1;
    }
    const at = this.insertionPoint(job);
    this.deadlines.splice(at, 0, job);
    this.touch(); // it may be the new head
    return this.deadlines.slice(0, at).filter((j) => j.queue === this).length;
  }

  /** Puts a job back at the head of its part (a job whose node failed goes first again). */
  pushFront(job: JobRecord): void {
    if (job.deadline !== undefined) {
      this.push(job);
      return;
    }
    this.enter(job);
    this.touch();
    if (this.start > 0) {
      this.start--;
      this.fifoJobs[this.start] = job;
      this.fifoTickets[this.start] = job.ticket;
    } else {
      this.fifoJobs.unshift(job);
      this.fifoTickets.unshift(job.ticket);
    }
  }

  /** Takes a job out (it was placed, cancelled, aborted). */
  remove(job: JobRecord): void {
    if (job.queue !== this) return;
    job.queue = undefined;
    this.length--;
    // the next job beyond the backfill window moves into it: it may fit where the others did not
    this.touch();
    if (job.deadline !== undefined) this.deadlines.splice(this.deadlines.indexOf(job), 1);
    else this.dead++;
    this.trim();
  }

  /** Live jobs in order, at most `limit` of them. */
  *window(limit: number): Generator<JobRecord> {
    let seen = 0;
    for (const job of this.deadlines) {
      if (seen >= limit) return;
      seen++;
      yield job;
    }
    for (let i = this.start; i < this.fifoJobs.length && seen < limit; i++) {
      if (!this.isLive(i)) continue;
      seen++;
      yield this.fifoJobs[i] as JobRecord;
    }
  }

  /**
   * The same jobs as `window(limit)`, as an array: for the scheduling cycle and the preemption
   * pass, which look through the window after every change and change no queue while they do
   * (the cycle stops at the job it placed) — a plain loop costs a fraction of a generator's steps.
   */
  front(limit: number): JobRecord[] {
    const jobs: JobRecord[] = [];
    const { deadlines, fifoJobs } = this;
    for (let i = 0; i < deadlines.length && jobs.length < limit; i++) jobs.push(deadlines[i] as JobRecord);
    for (let i = this.start; i < fifoJobs.length && jobs.length < limit; i++) if (this.isLive(i)) jobs.push(fifoJobs[i] as JobRecord);
    return jobs;
  }

  /**
   * The window walked in place, with no list built: the position of the first live job at or after
   * `from`, or -1 — positions count the deadline jobs, then the FIFO's slots from its front, so
   * `for (let at = q.nextLive(0), seen = 0; at >= 0 && seen < limit; at = q.nextLive(at + 1), seen++)`
   * visits `front(limit)`'s jobs (`jobAt(at)`) in its order. The scheduling cycle stops at the job
   * it placed, and usually at the first one; building the whole window (up to 64 jobs) for it was
   * an array per try. Positions hold while the queue is not changed (a push to the front or a
   * removal moves them): neither walker changes the queue it walks.
   */
  nextLive(from: number): number {
    const ahead = this.deadlines.length;
    if (from < ahead) return from;
    const { fifoJobs, fifoTickets } = this;
    for (let i = this.start + from - ahead; i < fifoJobs.length; i++) {
      const job = fifoJobs[i] as JobRecord;
      if (job.queue === this && job.ticket === fifoTickets[i]) return i - this.start + ahead;
    }
    return -1;
  }

  /** The job at a position `nextLive` gave. */
  jobAt(position: number): JobRecord {
    const ahead = this.deadlines.length;
    return position < ahead ? (this.deadlines[position] as JobRecord) : (this.fifoJobs[this.start + position - ahead] as JobRecord);
  }

  head(): JobRecord | undefined {
    if (this.deadlines.length > 0) return this.deadlines[0];
    for (let i = this.start; i < this.fifoJobs.length; i++) if (this.isLive(i)) return this.fifoJobs[i];
    return undefined;
  }

  /** The jobs at the front changed, or may have: the queue is worth trying again. */
  touch(): void {
    this.version++;
    this.blocked = false;
    this.proofEpoch = -1;
  }

  /** Whether FIFO slot `i` holds a job still in this queue under the ticket it entered with. */
  private isLive(i: number): boolean {
    const job = this.fifoJobs[i] as JobRecord;
    return job.queue === this && job.ticket === this.fifoTickets[i];
  }

  private enter(job: JobRecord): void {
    job.queue = this;
    job.ticket = nextTicket++;
    this.length++;
  }

  private insertionPoint(job: JobRecord): number {
    let lo = 0;
    let hi = this.deadlines.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const other = this.deadlines[mid] as JobRecord;
      if ((other.deadline as number) < (job.deadline as number) || (other.deadline === job.deadline && other.sequence < job.sequence)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Drops removed jobs from the front, and compacts once the dead prefix is large. */
  private trim(): void {
    const { fifoJobs, fifoTickets } = this;
    while (this.start < fifoJobs.length && !this.isLive(this.start)) {
      // (a slot before `start` keeps no job alive)
      fifoJobs[this.start] = GONE;
      fifoTickets[this.start] = 0;
      this.start++;
      if (this.dead > 0) this.dead--;
    }
    if (this.dead >= DEAD_BEFORE_COMPACTING) this.compactFront();
    if (this.start > 1024 && this.start * 2 > fifoJobs.length) {
      this.fifoJobs = fifoJobs.slice(this.start);
      this.fifoTickets = fifoTickets.slice(this.start);
      this.start = 0;
    }
    if (this.length === 0) {
      // every slot is before `start` now. The arrays are kept while short: a queue that empties at
      // every start and fills at the next submit grew two new ones each time (≈ 300 bytes)
      this.dead = 0;
      if (this.start > KEPT_WHEN_EMPTY) {
        this.fifoJobs = [];
        this.fifoTickets = [];
        this.start = 0;
      }
    }
  }

  /**
   * Drops the dead entries from the front of the FIFO up to the last one counted, in place: the
   * live entries of that stretch move back to its end, in their order, and `start` follows them.
   * Only what is scanned is touched (the dead entries are usually within the backfill window), and
   * each compaction removes at least DEAD_BEFORE_COMPACTING entries. Called from `remove` only: no
   * walk over the window goes on past a removal (the cycle stops at the job it placed).
   */
  private compactFront(): void {
    const { fifoJobs, fifoTickets } = this;
    let end = this.start;
    let found = 0;
    while (end < fifoJobs.length && found < this.dead) {
      if (!this.isLive(end)) found++;
      end++;
    }
    let write = end;
    for (let i = end - 1; i >= this.start; i--) {
      if (!this.isLive(i)) continue;
      write--;
      fifoJobs[write] = fifoJobs[i] as JobRecord;
      fifoTickets[write] = fifoTickets[i] as number;
    }
    for (let i = this.start; i < write; i++) {
      fifoJobs[i] = GONE;
      fifoTickets[i] = 0;
    }
    this.start = write;
    this.dead -= found;
  }
}
