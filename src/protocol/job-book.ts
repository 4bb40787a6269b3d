import type { AllocationManager, AllocationManagerEvents, JobRequest, JobView, SubmitResult } from '../manager/index.js';
import { CategoryGate } from './category-gate.js';
import { type Outgoing, describeError } from './outgoing.js';
import type { Origin, ProtocolJob } from './pending-job.js';
import type { CategoryView } from './types.js';

/**
 * The protocol's own books over the manager's: every job submitted through the protocol from its
 * request until it ends — in the manager, held back by its category's concurrency limit, or parked
 * because no node could hold it — and the manager's events that move them. It announces what
 * clients must hear (`allocated` for a job that started later, `preempted`, a held job refused)
 * through `emit`.
 */
export class JobBook {
  private readonly jobs = new Map<string, ProtocolJob>();
  private readonly gates = new Map<string, CategoryGate>();
  /** Jobs no node could hold even empty, in arrival order; retried when a node is added or ready. */
  private readonly parked = new Map<string, ProtocolJob>();
  private sequence = 0;
  /** Stops listening to the manager. */
  readonly detach: () => void;

  constructor(
    private readonly manager: AllocationManager,
    private readonly emit: (outgoing: Outgoing) => void,
  ) {
    this.detach = this.listen();
  }

  get(id: string): ProtocolJob | undefined {
    return this.jobs.get(id);
  }

  get parkedCount(): number {
    return this.parked.size;
  }

  /** Takes a job that waits outside the manager (held or parked) off its list, and forgets it. */
  withdraw(job: ProtocolJob): void {
    if (job.place === 'parked') this.parked.delete(job.id);
    else if (job.place === 'held') this.gate(job.category as string).remove(job.id);
    this.untrack(job);
  }

  /** Starts the books of a new job (not yet admitted anywhere). */
  track(request: JobRequest, origin: Origin, category: string | undefined): ProtocolJob {
    const job: ProtocolJob = { id: request.id as string, request, origin, category, sequence: this.sequence++, announce: false, allocationId: undefined, place: 'manager' };
    this.jobs.set(job.id, job);
    if (category !== undefined) this.gate(category).live++;
    return job;
  }

  /** Forgets a job that ended or was refused. */
  untrack(job: ProtocolJob): void {
    if (this.jobs.get(job.id) !== job) return;
    this.jobs.delete(job.id);
    if (job.category !== undefined) this.gate(job.category).live--;
  }

  /** A category's gate, created (with no limit) on first use. */
  gate(category: string): CategoryGate {
    let gate = this.gates.get(category);
    if (gate === undefined) {
      gate = new CategoryGate();
      this.gates.set(category, gate);
    }
    return gate;
  }

  categoryViews(): Record<string, CategoryView> {
    const out = Object.create(null) as Record<string, CategoryView>;
    for (const [category, gate] of this.gates) out[category] = gate.view();
    return out;
  }

  /**
   * Hands a job to the manager. A job no node could hold even empty (`UNSATISFIABLE` to the
   * manager) is parked here instead: the seed answers such a request `queued`, and it may start once
   * a larger node is added. Throws what `submit` throws; the caller untracks the job then.
   */
  admit(job: ProtocolJob): SubmitResult {
    const gate = job.category === undefined ? undefined : this.gate(job.category);
    job.place = 'manager';
    if (gate !== undefined) gate.admitted++;
    let result: SubmitResult;
    try {
      result = this.manager.submit(job.request);
    } catch (error) {
      if (gate !== undefined) gate.admitted--;
      throw error;
    }
    if (result.status === 'rejected') {
      if (gate !== undefined) gate.admitted--;
      if (result.code === 'UNSATISFIABLE') {
        job.place = 'parked';
        this.parked.set(job.id, job); // a job parked again keeps its place in the map's order
        return result;
      }
    }
    this.parked.delete(job.id);
    return result;
  }

  /**
   * Admits a job outside its own request (from the held or parked list). A refusal is news for the
   * client: an unsolicited `error` that refers to the original request.
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

  /** Admits held jobs of a category while its limit lets them go. */
  pump(gate: CategoryGate): void {
    for (let job = gate.takeNext(); job !== undefined; job = gate.takeNext()) this.admitLater(job);
  }

  private retryParked(): void {
    for (const job of [...this.parked.values()]) {
      if (job.place !== 'parked') continue;
      const gate = job.category === undefined ? undefined : this.gate(job.category);
      if (gate !== undefined && !gate.hasRoom()) {
        this.parked.delete(job.id);
        gate.hold(job);
        continue;
      }
      this.admitLater(job);
    }
  }

  // ---- manager events ------------------------------------------------------------------------------

  private listen(): () => void {
    const manager = this.manager;
    const allocated = (...[allocation, view]: AllocationManagerEvents['allocated']): void => {
      const job = this.jobs.get(view.id);
      if (job === undefined) return;
      job.allocationId = allocation.id;
      if (job.category !== undefined) this.gate(job.category).running.add(job.id);
      if (job.announce) {
        const { client, node, msgId } = job.origin;
        this.emit({ client, node, body: { type: 'allocated', in_reply_to: msgId, allocation_id: allocation.id, resources: allocation.resources } });
      }
    };
    // a running job back in the queue (its node failed): no longer running, announced again when it restarts
    const queued = (view: JobView): void => {
      const job = this.jobs.get(view.id);
      if (job?.category !== undefined) this.gate(job.category).running.delete(job.id);
    };
    const ended = (view: JobView): void => {
      const job = this.jobs.get(view.id);
      if (job === undefined || job.place !== 'manager') return;
      // a job released as `preempted` is queued again, not ended
      if (view.status === 'queued' || view.status === 'running' || view.status === 'preempted') return queued(view);
      this.untrack(job);
      if (job.category === undefined) return;
      const gate = this.gate(job.category);
      gate.running.delete(job.id);
      gate.admitted--;
      this.pump(gate);
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
