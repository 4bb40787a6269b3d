import type { Allocation } from '../pool/index.js';
import type { PoolInternals } from '../pool/internals.js';
import type { JobRecord } from './job-record.js';

/**
 * The job holding each live allocation of the manager's pool, kept by the allocation's slot in the
 * pool's live table (`PoolInternals.slotOf`: found from the id without hashing) and noted on the
 * job (`allocationSlot`), which a stop clears after the pool has let the allocation go. A `Map`
 * keyed by the allocation objects was set at every start, looked up at every release and deleted
 * from at every stop — a hashed probe of a table as large as the running jobs, three times per
 * decision. Listed in the order the allocations were made (the pool's), as the `Map` listed them.
 */
export class JobsByAllocation {
  private readonly bySlot: (JobRecord | undefined)[] = [];
  private count = 0;

  constructor(private readonly books: PoolInternals) {}

  /** How many jobs hold a live allocation. */
  get size(): number {
    return this.count;
  }

  /**
   * `job` now holds `allocation`, live in the pool (it held none, or its previous one was dropped):
   * sets the job's `allocation`, `allocationSlot` and `nodes` (the pool's list of them, found by
   * the same slot).
   */
  add(job: JobRecord, allocation: Allocation): void {
    const slot = this.books.slotOf(allocation.id);
    if (slot < 0) throw new Error(`fairpack internal error: allocation ${allocation.id} of job ${job.id} is not live in the pool`);
    if (this.bySlot[slot] === undefined) this.count++;
    this.bySlot[slot] = job;
    job.allocation = allocation;
    job.allocationSlot = slot;
    job.nodes = this.books.nodesAt(slot);
  }

  /** `job` no longer holds its allocation (the pool may have let it go already). */
  drop(job: JobRecord): void {
    const slot = job.allocationSlot;
    job.allocationSlot = -1;
    if (slot < 0 || this.bySlot[slot] !== job) return;
    this.bySlot[slot] = undefined;
    this.count--;
  }

  /** The job holding the live allocation with this id (anything else: undefined). */
  byId(id: unknown): JobRecord | undefined {
    if (typeof id !== 'string') return undefined;
    const slot = this.books.slotOf(id);
    if (slot < 0) return undefined;
    const job = this.bySlot[slot];
    return job?.allocation?.id === id ? job : undefined;
  }

  /** The jobs holding live allocations, in the order the pool made those. */
  *values(): Generator<JobRecord, undefined, unknown> {
    for (const id of this.books.live.keys()) {
      const job = this.byId(id);
      if (job !== undefined) yield job;
    }
    return undefined;
  }
}
