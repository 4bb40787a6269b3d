import type { AllocationManager, AllocationManagerEvents, JobRequest, JobView, SubmitResult } from '../manager/index.js';
import { type Outgoing, describeError } from './outgoing.js';
import type { Origin, ProtocolJob } from './pending-job.js';
import type { ProtocolJobSnapshot } from './handler-snapshot.js';
import type { CategoryView } from './types.js';

/** A `submit_job` category's jobs that have not ended: running ones by id, and how many in all. */
interface CategoryBooks {
  readonly running: Set<string>;
  live: number;
}

/**
 * The protocol's own books over the manager's: every job submitted through the protocol from its
 * request until it ends — in the manager, or parked because no node could hold it — and the
 * manager's events that move them. It announces what clients must hear (`allocated` for a job
 * that started later, `preempted`, a parked job refused) through `emit`. A category's
 * `concurrency_limit` is the manager's own cap (`setConcurrency`): its jobs wait in the manager,
 * with reason `concurrency-limit`.
 */
export class JobBook {
  private readonly jobs = new Map<string, ProtocolJob>();
  private readonly categories = new Map<string, CategoryBooks>();
  /** Jobs no node could hold even empty, in arrival order; retried when a node is added or ready. */
  private readonly parked = new Map<string, ProtocolJob>();
  /** Stops listening to the manager. */
  readonly detach: () => void;

  constructor(
    private readonly manager: AllocationManager,
    private readonly emit: (outgoing: Outgoing) => void,
    /** Most jobs parked at once: past it, a job that no node could hold is refused (QUEUE_FULL). */
    private readonly maxParked: number,
  ) {
    this.detach = this.listen();
  }

  get(id: string): ProtocolJob | undefined {
    return this.jobs.get(id);
  }

  get parkedCount(): number {
    return this.parked.size;
  }

  /** Takes a parked job off its list, and forgets it. */
  withdraw(job: ProtocolJob): void {
    this.parked.delete(job.id);
    this.untrack(job);
  }

  /** Every job in the books, in the order they came (parked ones also listed by `parkedIds`). */
  snapshotJobs(): ProtocolJobSnapshot[] {
    return [...this.jobs.values()].map((job) => ({
      id: job.id,
      request: job.request,
      origin: { ...(job.origin.client === undefined ? {} : { client: job.origin.client }), ...(job.origin.node === undefined ? {} : { node: job.origin.node }), msgId: job.origin.msgId },
      ...(job.category === undefined ? {} : { category: job.category }),
      announce: job.announce,
      ...(job.allocationId === undefined ? {} : { allocationId: job.allocationId }),
      place: job.place,
      running: job.category !== undefined && this.categories.get(job.category)?.running.has(job.id) === true,
    }));
  }

  /** The parked jobs' ids, in the order they are retried. */
  parkedIds(): string[] {
    return [...this.parked.keys()];
  }

  /** Puts back a job from a snapshot (`ProtocolHandler.restore`); the books must be empty before the first. */
  restoreJob(snapshot: ProtocolJobSnapshot): void {
    const job: ProtocolJob = {
      id: snapshot.id,
      request: snapshot.request,
      origin: { client: snapshot.origin.client, node: snapshot.origin.node, msgId: snapshot.origin.msgId },
      category: snapshot.category,
      announce: snapshot.announce,
      allocationId: snapshot.allocationId,
      place: snapshot.place,
    };
    this.jobs.set(job.id, job);
    if (job.category === undefined) return;
    const books = this.category(job.category);
    books.live++;
    if (snapshot.running) books.running.add(job.id);
  }

  /** Parks a restored job again, in the snapshot's order. */
  restoreParked(id: string): void {
    this.parked.set(id, this.jobs.get(id) as ProtocolJob);
  }

  /** Starts the books of a new job (not yet admitted anywhere). */
  track(request: JobRequest, origin: Origin, category: string | undefined): ProtocolJob {
    const job: ProtocolJob = { id: request.id as string, request, origin, category, announce: false, allocationId: undefined, place: 'manager' };
    this.jobs.set(job.id, job);
    if (category !== undefined) this.category(category).live++;
    return job;
  }

  /** Forgets a job that ended or was refused. */
  untrack(job: ProtocolJob): void {
    if (this.jobs.get(job.id) !== job) return;
    this.jobs.delete(job.id);
    if (job.category === undefined) return;
    const books = this.category(job.category);
    books.live--;
    books.running.delete(job.id);
    // a category is a name the client chose: kept only while it has jobs
    if (books.live === 0) this.categories.delete(job.category);
  }

  /** Running jobs of a category now. */
  running(category: string): number {
    return this.categories.get(category)?.running.size ?? 0;
  }

  /** Every category with live jobs or a limit: its limit, running and waiting jobs. */
  categoryViews(): Record<string, CategoryView> {
    const limits = this.manager.concurrency();
    const out = Object.create(null) as Record<string, CategoryView>;
    for (const category of new Set([...this.categories.keys(), ...Object.keys(limits)])) {
      const books = this.categories.get(category);
      const running = books?.running.size ?? 0;
      out[category] = { limit: limits[category]?.limit ?? null, running, waiting: (books?.live ?? 0) - running };
    }
    return out;
  }

  /**
   * Hands a job to the manager. A job no node could hold even empty (`UNSATISFIABLE` to the
   * manager) is parked here instead: the seed answers such a request `queued`, and it may start once
   * a larger node is added. Throws what `submit` throws; the caller untracks the job then.
   */
  admit(job: ProtocolJob): SubmitResult {
    job.place = 'manager';
    const result = this.manager.submit(job.request);
    if (result.status === 'rejected' && result.code === 'UNSATISFIABLE') {
      if (!this.parked.has(job.id) && this.parked.size >= this.maxParked) {
        return Object.freeze({ status: 'rejected', jobId: job.id, code: 'QUEUE_FULL', reason: `Rejected: ${this.parked.size} requests that no node can hold already wait for a larger node, the most allowed (maxParked).` });
      }
      job.place = 'parked';
      this.parked.set(job.id, job); // a job parked again keeps its place in the map's order
      return result;
    }
    this.parked.delete(job.id);
    return result;
  }

  /**
   * Admits a parked job again (a node came). A refusal is news for the client: an unsolicited
   * `error` that refers to the original request.
   */
  private admitLater(job: ProtocolJob): void {
    let refusal: [code: string, text: string] | undefined;
    try {
      const result = this.admit(job);
      if (result.status === 'rejected' && job.place !== 'parked') refusal = [result.code, result.reason];
    } catch (error) {
      refusal = describeError(error);
    }
    if (refusal === undefined) return;
    this.parked.delete(job.id);
    this.untrack(job);
    const { client, node, msgId } = job.origin;
    this.emit({ client, node, body: { type: 'error', in_reply_to: msgId, code: refusal[0], text: refusal[1], job_id: job.id } });
  }

  private retryParked(): void {
    for (const job of [...this.parked.values()]) if (job.place === 'parked') this.admitLater(job);
  }

  private category(name: string): CategoryBooks {
    let books = this.categories.get(name);
    if (books === undefined) this.categories.set(name, (books = { running: new Set(), live: 0 }));
    return books;
  }

  // ---- manager events ------------------------------------------------------------------------------

  private listen(): () => void {
    const manager = this.manager;
    const allocated = (...[allocation, view]: AllocationManagerEvents['allocated']): void => {
      const job = this.jobs.get(view.id);
      if (job === undefined) return;
      job.allocationId = allocation.id;
      if (job.category !== undefined) this.category(job.category).running.add(job.id);
      if (job.announce) {
        const { client, node, msgId } = job.origin;
        this.emit({ client, node, body: { type: 'allocated', in_reply_to: msgId, allocation_id: allocation.id, resources: allocation.resources } });
      }
    };
    // a running job back in the queue (its node failed): no longer running, announced again when it restarts
    const queued = (view: JobView): void => {
      const job = this.jobs.get(view.id);
      if (job?.category !== undefined) this.categories.get(job.category)?.running.delete(job.id);
    };
    const ended = (view: JobView): void => {
      const job = this.jobs.get(view.id);
      if (job === undefined || job.place !== 'manager') return;
      // a job released as `preempted` is queued again, not ended
      if (view.status === 'queued' || view.status === 'running' || view.status === 'preempted') return queued(view);
      this.untrack(job);
    };
    // the client must stop the work: its allocation is taken back when the grace period ends
    const preempted = (...[event]: AllocationManagerEvents['preempted']): void => {
      const job = this.jobs.get(event.victim.id);
      if (job === undefined || event.victim.allocationId === undefined) return;
      const { client, node, msgId } = job.origin;
      this.emit({ client, node, body: { type: 'preempted', in_reply_to: msgId, job_id: job.id, allocation_id: event.victim.allocationId, grace_ends_at: event.graceEndsAt } });
    };
    const released = (...[, view]: AllocationManagerEvents['released']): void => ended(view);
    const expired = (...[, view]: AllocationManagerEvents['expired']): void => ended(view);
    const added = (): void => this.retryParked();
    const status = (...[node]: AllocationManagerEvents['node:status']): void => {
      if (node.status === 'ready') this.retryParked();
    };
    manager.on('allocated', allocated).on('queued', queued).on('preempted', preempted).on('released', released).on('expired', expired).on('cancelled', ended).on('node:added', added).on('node:status', status);
    return () => {
      manager.off('allocated', allocated).off('queued', queued).off('preempted', preempted).off('released', released).off('expired', expired).off('cancelled', ended).off('node:added', added).off('node:status', status);
    };
  }
}
