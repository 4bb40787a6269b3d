import type { JobView, PreemptionEvent } from '../../index.js';
import type { EventGroup } from './event-hub.js';

/** A job as the activity lists name it. */
export interface JobRef {
  readonly id: string;
  readonly tenant: string;
  readonly priority: string;
}

export interface PreemptionRecord {
  readonly seq: number;
  readonly at: number;
  readonly victim: JobRef;
  readonly preemptor: JobRef;
  readonly nodeId: string;
  readonly graceEndsAt: number;
}

export interface RejectionRecord {
  readonly seq: number;
  readonly at: number;
  readonly job: JobRef;
  readonly reason: string;
}

/** Records kept per list; per-tenant counts are kept for this many tenants (the rest under `_other`). */
export const RECENT_LIMIT = 100;
export const COUNTED_TENANTS = 10_000;

/**
 * Who evicted whom and which submissions were refused, since the server started: the latest
 * `RECENT_LIMIT` of each, and rejections counted per tenant. Fed by the event hub.
 */
export class RecentActivity {
  readonly #preemptions: PreemptionRecord[] = [];
  readonly #rejections: RejectionRecord[] = [];
  readonly #rejectionsByTenant = new Map<string, number>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Newest first. */
  view(): { readonly preemptions: readonly PreemptionRecord[]; readonly rejections: readonly RejectionRecord[]; readonly rejectionsByTenant: Readonly<Record<string, number>> } {
    const byTenant = Object.create(null) as Record<string, number>;
    for (const [tenant, count] of this.#rejectionsByTenant) byTenant[tenant] = count;
    return { preemptions: [...this.#preemptions].reverse(), rejections: [...this.#rejections].reverse(), rejectionsByTenant: byTenant };
  }

  readonly record = (group: EventGroup): void => {
    const at = this.#now();
    for (const { name, payload } of group.events) {
      if (name === 'preempted') {
        const { victim, preemptor, nodeId, graceEndsAt } = payload as PreemptionEvent;
        push(this.#preemptions, { seq: group.seq, at, victim: ref(victim), preemptor: ref(preemptor), nodeId, graceEndsAt });
      } else if (name === 'rejected') {
        const { job } = payload as { job: JobView };
        push(this.#rejections, { seq: group.seq, at, job: ref(job), reason: job.reason ?? 'rejected' });
        const tenant = this.#rejectionsByTenant.has(job.tenant) || this.#rejectionsByTenant.size < COUNTED_TENANTS ? job.tenant : '_other';
        this.#rejectionsByTenant.set(tenant, (this.#rejectionsByTenant.get(tenant) ?? 0) + 1);
      }
    }
  };
}

function push<T>(list: T[], item: T): void {
  list.push(item);
  if (list.length > RECENT_LIMIT) list.shift();
}

function ref(job: JobView): JobRef {
  return { id: job.id, tenant: job.tenant, priority: job.priority };
}
