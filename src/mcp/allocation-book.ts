import type { AllocationManager, AllocationManagerEvents, JobView } from '../manager/index.js';
import type { Allocation } from '../pool/index.js';
import { type AllocationRecord, type NewAllocation, newRecord } from './allocation-record.js';
import type { McpServers } from './mcp-servers.js';
import { PortRange } from './port-range.js';
import { mcpPortsText } from './shortfall.js';
import { seedStateOf } from './states.js';

/** The seed's workers listen on 8000 and up ("dynamic"): bookkeeping only, like MCP ports. */
export const WORKER_FIRST_PORT = 8000;
export const WORKER_LAST_PORT = 65_535;

/**
 * Every seed allocation, in creation order, kept in step with the manager by its events: an
 * allocation becomes active when its job starts (then its MCP servers are shared and its workers
 * get ports), pending again when its job is re-queued (evicted, or its node failed), releasing
 * while it is a preemption victim, released when its job ends. Events arrive inside the manager
 * call that caused them, so after any call the books are current — TTL expiry by the manager's
 * own timer included. Finished allocations are remembered up to `history`, oldest first out.
 */
export class AllocationBook {
  private readonly records = new Map<string, AllocationRecord>();
  /** Finished (released or failed) allocations, in the order they finished. */
  private readonly finished = new Set<string>();
  private readonly workerPorts = new PortRange(WORKER_FIRST_PORT, WORKER_LAST_PORT);
  private readonly listeners = new Set<(record: AllocationRecord) => void>();
  readonly detach: () => void;

  constructor(
    private readonly manager: AllocationManager,
    private readonly servers: McpServers,
    private readonly history: number,
  ) {
    this.detach = this.listen();
  }

  get(id: string): AllocationRecord | undefined {
    return this.records.get(id);
  }

  has(id: string): boolean {
    return this.records.has(id);
  }

  all(): IterableIterator<AllocationRecord> {
    return this.records.values();
  }

  /** Starts the books of an allocation, before its job is submitted (its events need it). */
  create(spec: NewAllocation): AllocationRecord {
    const record = newRecord(spec);
    this.records.set(record.id, record);
    return record;
  }

  /** Forgets an allocation whose submission threw (nothing happened to it). */
  forget(record: AllocationRecord): void {
    this.records.delete(record.id);
  }

  /** Marks an allocation failed that never reached the manager, or says why it failed. */
  fail(record: AllocationRecord, error: string): void {
    record.error = error;
    if (record.state !== 'failed') this.finish(record, 'failed', undefined);
    this.changed(record);
  }

  /**
   * Withdraws a pending allocation as failed, with `error` as the reason: the seed's manager
   * fails at once where fairpack would queue. The job is cancelled in the manager.
   */
  withdraw(record: AllocationRecord, error: string): void {
    record.error = error;
    this.manager.cancel(record.id);
  }

  /** The finished allocations' ids, in the order they finished (the oldest are forgotten first). */
  finishedIds(): string[] {
    return [...this.finished];
  }

  /** The worker ports in use, ascending. */
  workerPortsInUse(): number[] {
    return this.workerPorts.inUse();
  }

  /** The books of a snapshot that was checked: the records in creation order, the finished ids in finishing order. */
  restore(records: readonly AllocationRecord[], finished: readonly string[], workerPorts: readonly number[]): void {
    this.records.clear();
    for (const record of records) this.records.set(record.id, record);
    this.finished.clear();
    for (const id of finished) this.finished.add(id);
    this.workerPorts.restore(workerPorts);
  }

  /** Calls `listener` after every change to an allocation; returns the function that stops it. */
  onChange(listener: (record: AllocationRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- manager events ------------------------------------------------------------------------------

  private listen(): () => void {
    const allocated = (...[allocation, view]: AllocationManagerEvents['allocated']): void => this.on(view, (record) => this.activate(record, allocation, view));
    const queued = (view: JobView): void =>
      this.on(view, (record) => {
        this.deactivate(record, false);
        record.state = 'pending';
        record.pendingReason = view.reason;
        record.preemptedBy = view.preemptedBy;
      });
    const preempted = (...[event]: AllocationManagerEvents['preempted']): void =>
      this.on(event.victim, (record) => {
        record.state = 'releasing';
        record.preemptedBy = event.preemptor.id;
      });
    const reprieved = (view: JobView): void =>
      this.on(view, (record) => {
        record.state = 'active';
        record.preemptedBy = undefined;
      });
    const ended = (view: JobView): void => this.on(view, (record) => this.end(record, view));
    const released = (...[, view]: AllocationManagerEvents['released']): void => ended(view);
    const expired = (...[, view]: AllocationManagerEvents['expired']): void => ended(view);
    const manager = this.manager;
    manager.on('allocated', allocated).on('queued', queued).on('preempted', preempted).on('reprieved', reprieved).on('released', released).on('expired', expired).on('cancelled', ended).on('rejected', ended);
    return () => {
      manager.off('allocated', allocated).off('queued', queued).off('preempted', preempted).off('reprieved', reprieved).off('released', released).off('expired', expired).off('cancelled', ended).off('rejected', ended);
    };
  }

  /** Runs `change` on the allocation of a job of ours (the manager may have other users), then notifies. */
  private on(view: JobView, change: (record: AllocationRecord) => void): void {
    const record = this.records.get(view.id);
    if (record === undefined || record.state === 'released' || record.state === 'failed') return;
    change(record);
    this.changed(record);
  }

  private activate(record: AllocationRecord, allocation: Allocation, view: JobView): void {
    // a job whose servers or workers cannot have ports does not run (request_resources checks the
    // MCP ports first; only a job that waited, or tens of thousands of workers, get here)
    if (this.workerPorts.free < record.workers) {
      this.withdraw(record, `Insufficient worker ports: requested ${record.workers}, ${this.workerPorts.free} free in ${WORKER_FIRST_PORT}-${WORKER_LAST_PORT}`);
      return;
    }
    if (!this.servers.acquire(record.mcpServers)) {
      const { starting, free } = this.servers.demand(record.mcpServers);
      this.withdraw(record, mcpPortsText(starting, free));
      return;
    }
    const workerPorts: number[] = [];
    for (let i = 0; i < record.workers; i++) workerPorts.push(this.workerPorts.take() as number);
    const endpoints = new Map(record.mcpServers.map((name) => [name, this.servers.endpoint(name) as string]));
    record.activation = { allocationId: allocation.id, nodeId: allocation.placements[0]?.nodeId ?? '', workerPorts, endpoints };
    record.state = 'active';
    record.activatedAt = view.startedAt;
    record.pendingReason = undefined;
    record.preemptedBy = undefined;
    record.expired = false;
  }

  /** Gives back what an allocation held; `keep` keeps the record of it (released: answers show it). */
  private deactivate(record: AllocationRecord, keep: boolean): void {
    if (record.state !== 'active' && record.state !== 'releasing') return;
    this.servers.release(record.mcpServers);
    for (const port of record.activation?.workerPorts ?? []) this.workerPorts.give(port);
    if (!keep) {
      record.activation = undefined;
      record.activatedAt = undefined;
    }
  }

  private end(record: AllocationRecord, view: JobView): void {
    this.deactivate(record, true);
    // a job withdrawn with a reason (request_resources, or no MCP port at activation) failed
    // the job ended, so its state is `released` or `failed`
    const state = record.error !== undefined ? 'failed' : (seedStateOf(view.status) as 'released' | 'failed');
    if (state === 'failed') record.error ??= view.reason;
    record.expired = view.status === 'expired';
    this.finish(record, state, state === 'released' ? view.endedAt : undefined);
  }

  private finish(record: AllocationRecord, state: 'released' | 'failed', releasedAt: number | undefined): void {
    record.state = state;
    record.releasedAt = releasedAt;
    record.pendingReason = undefined;
    this.finished.add(record.id);
    for (const id of this.finished) {
      if (this.finished.size <= this.history) break;
      this.finished.delete(id);
      this.records.delete(id);
    }
  }

  private changed(record: AllocationRecord): void {
    for (const listener of [...this.listeners]) listener(record);
  }
}
