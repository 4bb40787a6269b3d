import type { FairnessPolicy } from '../fairness/index.js';
import type { Allocation, ResourcePool } from '../pool/index.js';
import type { PoolInternals } from '../pool/internals.js';
import type { NodeState } from '../pool/node-state.js';
import type { DeferredEvents } from './deferred-events.js';
import type { JobQueue } from './job-queue.js';
import { type JobRecord, jobView } from './job-record.js';
import { RunningByNode, planPreemption } from './preemption.js';
import type { QueueBands } from './queue-bands.js';
import type { QuotaCheck } from './quotas.js';
import type { Reservations } from './reservations.js';
import type { SchedulerStats } from './scheduler-stats.js';
import type { TenantLedger } from './tenant-ledger.js';
import { invalidSnapshot } from '../snapshot/reader.js';
import { TimeHeap } from './time-heap.js';
import type { QueuedReason } from './types.js';

/** What the preemption cycle reads and calls of its AllocationManager. */
export interface PreemptionHost {
  readonly pool: ResourcePool;
  readonly books: PoolInternals;
  readonly bands: QueueBands;
  readonly reservations: Reservations;
  readonly ledger: TenantLedger;
  readonly stats: SchedulerStats;
  readonly events: DeferredEvents;
  readonly policy: FairnessPolicy;
  readonly backfillWindow: number;
  /** The values of the classes that may preempt by priority (a band is a class value). */
  readonly preemptingBands: ReadonlySet<number>;
  clock(): number;
  /** Counts changes that can open new preemption options: a head searches again only after it moved. */
  changes(): number;
  /** Why the job may not start now whatever the room (see AllocationManager). */
  holdBack(job: JobRecord): QueuedReason | undefined;
  /** The job against its tenant's quota, counting room promised to the tenant's other preemptors. */
  quotaCheck(job: JobRecord): QuotaCheck;
  refreshParse(job: JobRecord): void;
  /** A running job whose allocation is gone waits again, first in its queue. */
  requeue(job: JobRecord, reason: string): void;
}

/**
 * Preemption over time, for one AllocationManager: which running jobs could be victims, the search
 * for them (`planPreemption` decides who and where), the waves of victims in their grace periods,
 * the room promised to waiting preemptors, and the back-offs of evicted jobs.
 */
export class PreemptionCycle {
  /** Running jobs per node: what a search looks through. */
  private readonly running = new RunningByNode();
  /** Running preemptible jobs per class value (a quick test before a search). */
  private readonly preemptibleByValue = new Map<number, number>();
  /** Running jobs on burst room (above their tenant's hard quota): victims for any tenant within its quota. */
  private burstRunning = 0;
  /** Preempted jobs by the end of their grace period. */
  private readonly graceEnds = new TimeHeap<JobRecord>();
  /** Evicted jobs by the end of their back-off. */
  private readonly backoffEnds = new TimeHeap<JobRecord>();
  /** The victims each nominated preemptor is waiting for. */
  private readonly waves = new Map<JobRecord, readonly JobRecord[]>();
  /** Preemptors whose demand is promised against their tenant's quota (see TenantLedger.promise). */
  private readonly promised = new Set<JobRecord>();
  // (a queue whose whole backfill window was skipped keeps the change count and its version at the
  // time, `JobQueue.lookedThrough`: until either moves, a pass would skip every job again)

  /** `backoffMs` undefined: preemption is off (jobs may still be released as preempted). */
  constructor(
    private readonly host: PreemptionHost,
    private readonly backoffMs: number | undefined,
  ) {}

  /** How long an evicted job waits before it may start again (undefined: preemption is off). */
  get backoff(): number | undefined {
    return this.backoffMs;
  }

  /** Whether preemption is on (`preemption: false` turns it off). */
  get enabled(): boolean {
    return this.backoffMs !== undefined;
  }

  /** A job started (its promise withdrawn first, see `withdrawPromise`): it may be a victim from now on. */
  started(job: JobRecord): void {
    this.running.add(job);
    if (job.klass.preemptible) this.preemptibleByValue.set(job.klass.value, (this.preemptibleByValue.get(job.klass.value) ?? 0) + 1);
    if (job.burst) this.burstRunning++;
  }

  /**
   * The running (and preempted) jobs with a placement on the node, in submission order (the index
   * keeps them in swap order, which a restore does not reproduce), as a copy its caller may change
   * the jobs under.
   */
  jobsOn(nodeId: string): JobRecord[] {
    const node = this.host.books.nodes.get(nodeId);
    return node === undefined ? [] : [...this.running.on(node).jobs].sort((a, b) => a.sequence - b.sequence);
  }

  /** A node left the cluster, its jobs re-queued or ended first. */
  nodeRemoved(node: NodeState): void {
    this.running.forgetNode(node);
  }

  /** A running (or preempted) job stopped holding its allocation. */
  stopped(job: JobRecord): void {
    this.running.remove(job);
    if (job.klass.preemptible) this.preemptibleByValue.set(job.klass.value, (this.preemptibleByValue.get(job.klass.value) ?? 1) - 1);
    if (job.burst) this.burstRunning--;
  }

  /** The waves, promises and timers, by job id (for a snapshot); `lookedThrough` is kept per queue. */
  snapshot(): PreemptionSnapshot {
    return {
      waves: [...this.waves].map(([preemptor, victims]) => [preemptor.id, victims.map((v) => v.id)]),
      promised: [...this.promised].map((job) => job.id),
      graceEnds: this.graceEnds.entries().map(({ at, item }) => [at, item.id]),
      backoffEnds: this.backoffEnds.entries().map(({ at, item }) => [at, item.id]),
    };
  }

  /**
   * Restoring a snapshot, after the jobs (running ones already `started`): the waves, the promises
   * (charged to the tenants' quotas again) and the timers, in their original order. `job` finds a
   * job by id; an entry for a job long gone gets a stand-in that reads as stale.
   */
  restore(state: PreemptionSnapshot, job: (id: string) => JobRecord | undefined): void {
    for (const [preemptorId, victimIds] of state.waves) {
      const preemptor = job(preemptorId);
      if (preemptor === undefined) throw invalidSnapshot('preemption.waves', `no job "${preemptorId}"`);
      this.waves.set(preemptor, victimIds.map((id) => job(id) ?? STALE));
    }
    for (const id of state.promised) {
      const preemptor = job(id);
      if (preemptor === undefined || preemptor.status !== 'queued') throw invalidSnapshot('preemption.promised', `"${id}" is not a queued job`);
      this.promised.add(preemptor);
      this.host.ledger.promise(preemptor.tenant, preemptor.demand, 1);
    }
    for (const [at, id] of state.graceEnds) this.graceEnds.push(at, job(id) ?? STALE);
    for (const [at, id] of state.backoffEnds) this.backoffEnds.push(at, job(id) ?? STALE);
  }

  /** The queue's memo of a fruitless walk (for a snapshot). */
  lookedThroughOf(queue: JobQueue): { readonly changes: number; readonly version: number } | undefined {
    return queue.lookedThrough;
  }

  restoreLookedThrough(queue: JobQueue, memo: { readonly changes: number; readonly version: number }): void {
    queue.lookedThrough = { changes: memo.changes, version: memo.version };
  }

  /** The preemptors whose demand is promised (for fairpack/testing's checks). */
  promisedJobs(): Iterable<JobRecord> {
    return this.promised;
  }

  /** Whether the job's demand is promised against its tenant's quota. */
  isPromised(job: JobRecord): boolean {
    return this.promised.has(job);
  }

  /** When a grace period or a back-off ends next (Infinity: none). */
  nextDue(): number {
    return Math.min(this.graceEnds.nextAt(), this.backoffEnds.nextAt());
  }

  /** Takes back the room promised to a preemptor (it started, or no longer waits for its victims). */
  withdrawPromise(preemptor: JobRecord): boolean {
    if (!this.promised.delete(preemptor)) return false;
    this.host.ledger.promise(preemptor.tenant, preemptor.demand, -1);
    return true;
  }

  /**
   * Gives the jobs of one band that cannot be placed a chance to evict running jobs (see
   * `planPreemption` for who and where). The manager calls it band by band from the highest down,
   * after the band was served and before any lower band is: a job is never chosen as a preemptor
   * while a job of a higher band that could use the same victims waits untried. In each queue the
   * backfill window is looked through like the scheduling cycle does, one search per kind of job
   * (class, tenant, shape); a job looks again only after something changed that could give it
   * victims. Returns whether anyone was preempted.
   */
  preempt(band: number): boolean {
    if (this.backoffMs === undefined) return false;
    const { host } = this;
    // no job of the band can find victims (tryPreempt would refuse each at once): no class of the
    // band may preempt, nothing below it is preemptible, or the policy ignores classes, and nobody
    // runs on burst room. All of it changes only with the change count (a start or a stop), so the
    // walk of every queue's window is skipped — the jobs' and queues' memos are left as they are,
    // which can only make a later pass look again. (In a congested simulation the `default` and
    // `low` bands, which may not preempt, were walked on every release: most of the pass's steps.)
    if (this.burstRunning === 0 && (host.policy.ignoresPriority === true || !host.preemptingBands.has(band) || !this.anyPreemptibleBelow(band))) return false;
    const now = host.clock();
    const changes = host.changes();
    let preempted = false;
    for (const queue of host.bands.queuesOf(band)) {
      // looked through since the last change, and the same jobs in front: every one would be skipped
      const looked = queue.lookedThrough;
      if (looked !== undefined && looked.changes === changes && looked.version === queue.version) continue;
      // a search costs a scan of the running jobs: jobs of a kind (class, tenant, shape) that found
      // no victims in this pass would find none either. A queue holds one tenant's jobs, so the
      // kinds are kept per queue, by class name then shape — no key is built per job (building one
      // per job looked at was a fifth of a congested simulation)
      let failed: Map<string, Set<string>> | undefined;
      // walked in place (JobQueue.nextLive): a search nominates and marks victims, it never
      // changes a queue (victims keep running through their grace period)
      for (let at = queue.nextLive(0), seen = 0; at >= 0 && seen < host.backfillWindow; at = queue.nextLive(at + 1), seen++) {
        const job = queue.jobAt(at);
        // skipped until something changes (or for good)
        if (job.preemptionCheckedAt === changes || job.replicas !== 1) continue;
        // (before holdBack, which reads the quota: both only skip, in either order)
        if (failed?.get(job.klass.name)?.has(job.shape) === true) continue;
        if (job.nominatedNode !== undefined || host.holdBack(job) !== undefined) continue;
        job.preemptionCheckedAt = changes;
        if (this.tryPreempt(job, now)) preempted = true;
        else {
          failed ??= new Map();
          let shapes = failed.get(job.klass.name);
          if (shapes === undefined) failed.set(job.klass.name, (shapes = new Set()));
          shapes.add(job.shape);
        }
      }
      // the memo is updated in place (a snapshot copies it): no object per queue per pass
      if (looked === undefined) queue.lookedThrough = { changes, version: queue.version };
      else {
        looked.changes = changes;
        looked.version = queue.version;
      }
    }
    return preempted;
  }

  /** Whether a victim of the job's wave has already left (its room is being held for the job). */
  roomFreedFor(preemptor: JobRecord): boolean {
    // (loops, not `some` with an arrow: the reservations ask for every nominee at every pass)
    const victims = this.waves.get(preemptor);
    if (victims === undefined) return false;
    for (let i = 0; i < victims.length; i++) if (!isVictimOf(victims[i] as JobRecord, preemptor)) return true;
    return false;
  }

  /** Whether every victim of the job's wave has left (nothing more will free for it on its node). */
  waveOver(preemptor: JobRecord): boolean {
    const victims = this.waves.get(preemptor);
    if (victims === undefined) return true;
    for (let i = 0; i < victims.length; i++) if (isVictimOf(victims[i] as JobRecord, preemptor)) return false;
    return true;
  }

  /**
   * A wave ends when its preemptor is no longer nominated: it started (on its node or, when room
   * freed elsewhere before any victim left, on another), ended, or its node went away. Victims
   * still in their grace period are not needed any more: they keep running (`reprieved`), so no
   * job is evicted for room that its preemptor then does not take.
   */
  settleWaves(): void {
    for (const [preemptor, victims] of this.waves) {
      if (preemptor.nominatedNode !== undefined && preemptor.status === 'queued') continue;
      this.endWave(preemptor, victims);
    }
  }

  private endWave(preemptor: JobRecord, victims: readonly JobRecord[]): void {
    this.waves.delete(preemptor);
    // the tenant's quota use falls by what was promised: a job of its held back by the quota
    // (its queue blocked since) may fit now — found by the model-based suite: a preemptor
    // cancelled while its victims left kept a smaller job of its tenant waiting for ever
    if (this.withdrawPromise(preemptor)) this.host.bands.unblockAll();
    for (const victim of victims) {
      if (!isVictimOf(victim, preemptor)) continue;
      victim.status = 'running';
      victim.graceEndsAt = undefined;
      victim.preemptedBy = undefined;
      this.host.events.defer('reprieved', jobView(victim));
    }
  }

  /** Preempted jobs whose grace period is over lose their resources and queue again; back-offs that ended reopen queues. */
  endGracePeriods(): void {
    const now = this.host.clock();
    for (let job = this.graceEnds.popDue(now); job !== undefined; job = this.graceEnds.popDue(now)) {
      if (job.status === 'preempted' && job.graceEndsAt !== undefined && job.graceEndsAt <= now) this.evict(job);
    }
    let reopened = false;
    while (this.backoffEnds.popDue(now) !== undefined) reopened = true;
    if (reopened) this.host.bands.unblockAll();
  }

  /** A preempted job gives its resources back and waits again, first in its queue, after a back-off. */
  evict(job: JobRecord): void {
    const { host } = this;
    host.pool.release((job.allocation as Allocation).id);
    job.backoffUntil = host.clock() + (this.backoffMs ?? 0);
    this.backoffEnds.push(job.backoffUntil, job);
    host.requeue(job, job.preemptedBy === undefined ? 'released as preempted' : `preempted by job ${job.preemptedBy}`);
  }

  /** Whether some running, preemptible job has a class below `value` (a quick test before a scan). */
  private anyPreemptibleBelow(value: number): boolean {
    for (const [below, count] of this.preemptibleByValue) if (below < value && count > 0) return true;
    return false;
  }

  /** Looks for victims for one queued job; evicts them and nominates the job if found. */
  private tryPreempt(job: JobRecord, now: number): boolean {
    const { host } = this;
    // a policy that ignores priority classes (fifo) does not let them evict either
    const byPriority = job.klass.canPreempt && host.policy.ignoresPriority !== true && this.anyPreemptibleBelow(job.klass.value);
    if (!byPriority && this.burstRunning === 0) return false;
    // a preemptor whose nomination ended in this pass (its node drained or went away, or its wave
    // lapsed) still has its old wave, which settleWaves ends only after the pass: it is ended
    // first, as a pass later would see it. Else a new wave promised the job's demand a second time
    // against its quota, and a start withdrew it once: the tenant's quota shrank for good (found by
    // the snapshot suite — a restore, which promises once, disagreed), and the old victims still in
    // their grace period were evicted for nobody
    const stale = this.waves.get(job);
    if (stale !== undefined) this.endWave(job, stale);
    host.refreshParse(job);
    const quota = host.quotaCheck(job);
    // only a job within its tenant's hard quota may take back room others borrowed (burst)
    const reclaimsBurst = quota.ok && !quota.burst;
    const isVictim = (victim: JobRecord): boolean =>
      victim.status === 'running' &&
      victim.klass.preemptible &&
      now - (victim.startedAt as number) >= victim.klass.minRuntimeMs &&
      ((byPriority && victim.klass.value < job.klass.value) || (reclaimsBurst && victim.burst && victim.tenant !== job.tenant && victim.klass.value <= job.klass.value));
    // the room held for the job itself (a starving job's reservation) is its own to count
    const plan = planPreemption(job, host.books.nodes.values(), this.running, isVictim, host.reservations.starvingNodeIds(job.band, job), now, host.reservations.heldFor(job));
    if (plan === undefined) return false;
    for (const victim of plan.victims) this.markPreempted(victim, job, plan.node.id, now);
    this.waves.set(job, plan.victims);
    this.promised.add(job);
    host.ledger.promise(job.tenant, job.demand, 1);
    host.reservations.nominate(job, plan.node, now);
    job.reason = 'preempting';
    // its queue's walks are made again, not replayed (RoomGrowth): they would now skip it as preempting
    if (job.queue !== undefined) job.queue.proofEpoch = -1;
    return true;
  }

  private markPreempted(victim: JobRecord, preemptor: JobRecord, nodeId: string, now: number): void {
    victim.status = 'preempted';
    victim.preemptedBy = preemptor.id;
    victim.graceEndsAt = now + victim.klass.preemptionGraceMs;
    this.graceEnds.push(victim.graceEndsAt, victim);
    this.host.stats.preempted(preemptor.klass.name, victim.klass.name);
    this.host.events.defer('preempted', Object.freeze({ victim: jobView(victim), preemptor: jobView(preemptor), graceEndsAt: victim.graceEndsAt, nodeId }));
  }
}

/** A job a timer or a wave names but no snapshot keeps any more: every check reads it as stale. */
const STALE = Object.freeze({ id: '', status: 'completed' }) as unknown as JobRecord;

/** The preemption state a snapshot keeps, by job id, in the original order. */
export interface PreemptionSnapshot {
  readonly waves: readonly (readonly [string, readonly string[]])[];
  readonly promised: readonly string[];
  readonly graceEnds: readonly (readonly [number, string])[];
  readonly backoffEnds: readonly (readonly [number, string])[];
}

function isVictimOf(victim: JobRecord, preemptor: JobRecord): boolean {
  return victim.status === 'preempted' && victim.preemptedBy === preemptor.id;
}
