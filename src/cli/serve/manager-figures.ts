import type { AllocationManager, ManagerMetrics } from '../../index.js';

/** Micro-units per currency unit: `mgr.costs()` counts micro-units, the metrics show currency. */
const MICROS_PER_UNIT = 1_000_000;

/**
 * The manager's figures as `/metrics` and `/queues` use them, read once per request into `Map`s:
 * tenants, dimensions and priority classes are names users choose, and a name such as
 * `__proto__`, `constructor` or `toString` must stay a plain key — never a property lookup on an
 * object that reaches `Object.prototype`.
 */
export interface ManagerFigures {
  /** Cluster capacity per dimension. */
  readonly total: ReadonlyMap<string, number>;
  readonly allocated: ReadonlyMap<string, number>;
  /** Room held for waiting jobs (`mgr.reservations()`), per dimension. */
  readonly reserved: ReadonlyMap<string, number>;
  readonly available: ReadonlyMap<string, number>;
  /** Every tenant with live jobs, and every tenant the manager keeps books for. */
  readonly tenants: ReadonlyMap<string, TenantFigures>;
  /** Figures only `mgr.metrics()` has. */
  readonly core: CoreFigures;
  /** `mgr.costs()` since the manager's start, in currency units (micro-units ÷ 1e6). */
  readonly costs: CostFigures;
}

export interface CostFigures {
  /** What each tenant's jobs paid since the start (tenants that paid something). */
  readonly byTenant: ReadonlyMap<string, number>;
  /** What no job paid since the start. */
  readonly idle: number;
  /** Σ costPerHour of the nodes now. */
  readonly perHour: number;
}

export interface TenantFigures {
  readonly queued: number;
  /** Queued jobs per priority class. */
  readonly queuedByClass: ReadonlyMap<string, number>;
  /**
   * Per priority class: when the job at the head of the tenant's queue (the job tried next) was
   * submitted (the manager's clock, ms). In a queue without deadlines that is its oldest job; jobs
   * with a deadline go first (earliest deadline first), and a re-queued job keeps its first
   * submission time (see `fairpack_queue_head_wait_seconds`).
   */
  readonly headSubmittedAtByClass: ReadonlyMap<string, number>;
  /** Running jobs, preempted ones in their grace period included: they still hold their allocation. */
  readonly running: number;
  readonly usage: ReadonlyMap<string, number>;
  readonly weight: number;
  readonly hasQuota: boolean;
  /** The tenant's hard quota per dimension it limits (`quota(tenant).limits`); absent without a quota. */
  readonly quota: ReadonlyMap<string, number> | undefined;
  readonly quotaRejections: number;
}

export interface CoreFigures {
  /** Jobs per status: live ones now, ended ones since start. */
  readonly jobs: ReadonlyMap<string, number>;
  readonly decisions: number;
  readonly packingEfficiency: number | undefined;
  /** Evictions: preemptor class → victim class → count. */
  readonly preemptions: ReadonlyMap<string, ReadonlyMap<string, number>>;
  readonly latency: ReadonlyMap<string, { readonly count: number; readonly p50: number; readonly p99: number }>;
  readonly weights: ReadonlyMap<string, number>;
  readonly quotaRejections: ReadonlyMap<string, number>;
  /** The tenants the manager keeps books for (configured, or ever charged). */
  readonly bookedTenants: readonly string[];
  /** Nodes per status. */
  readonly nodeStatuses: ReadonlyMap<string, number>;
  /** Each offline node and since when (the manager's clock, ms). */
  readonly offlineSince: ReadonlyMap<string, number>;
  /** Running jobs re-queued because their node was lost. */
  readonly reschedules: number;
  /** Allocations released as lost, and unknown allocations nodes reported (drift). */
  readonly lostAllocations: number;
  readonly unknownAllocations: number;
  /** With heartbeats: the timeout and the longest silence now (ms). */
  readonly heartbeat: { readonly timeoutMs: number; readonly silentSince: number | null } | undefined;
}

/**
 * Returns a function that reads the figures now. Live per-tenant figures come from `queues()`,
 * `allocations()` and `quota()`, which key by tenant in `Map`s; the rest from `metrics()`, copied
 * into `Map`s by own keys.
 */
export function figureReader(source: AllocationManager | (() => AllocationManager)): () => ManagerFigures {
  return () => {
    const manager = typeof source === 'function' ? source() : source;
    const queues = manager.queues();
    const core = coreFigures(manager.metrics());
    const live = new Map<string, { queuedByClass: Map<string, number>; headSubmittedAtByClass: Map<string, number>; queued: number; running: number }>();
    const entry = (tenant: string) => {
      let figures = live.get(tenant);
      if (figures === undefined) {
        figures = { queuedByClass: new Map(), headSubmittedAtByClass: new Map(), queued: 0, running: 0 };
        live.set(tenant, figures);
      }
      return figures;
    };
    for (const queue of queues) {
      const figures = entry(queue.tenant);
      figures.queued += queue.length;
      figures.queuedByClass.set(queue.priority, (figures.queuedByClass.get(queue.priority) ?? 0) + queue.length);
      // one queue per (tenant, class): one look-up per queue, not per queued job
      const head = queue.head === undefined ? undefined : manager.job(queue.head);
      if (head !== undefined) figures.headSubmittedAtByClass.set(queue.priority, head.submittedAt);
    }
    for (const allocation of manager.allocations()) entry(allocation.tenant).running++;

    const tenants = new Map<string, TenantFigures>();
    for (const tenant of new Set([...live.keys(), ...core.bookedTenants])) {
      const own = live.get(tenant);
      const quota = manager.quota(tenant);
      tenants.set(tenant, {
        queued: own?.queued ?? 0,
        queuedByClass: own?.queuedByClass ?? new Map(),
        headSubmittedAtByClass: own?.headSubmittedAtByClass ?? new Map(),
        running: own?.running ?? 0,
        usage: new Map(Object.entries(quota.used)),
        weight: core.weights.get(tenant) ?? 1,
        hasQuota: quota.limits !== undefined,
        quota: quota.limits === undefined ? undefined : new Map(Object.entries(quota.limits)),
        quotaRejections: core.quotaRejections.get(tenant) ?? 0,
      });
    }
    const capacity = manager.capacity();
    // the whole life (from the start to the latest reading): counters that never go down
    const costs = manager.costs({ top: 0 });
    const costByTenant = new Map(Object.entries(costs.byTenant).map(([tenant, micros]) => [tenant, micros / MICROS_PER_UNIT]));
    // tenants the books no longer keep by name are `_other`'s (a tenant named so is summed there anyway)
    if (costs.otherTenants > 0) costByTenant.set('_other', (costByTenant.get('_other') ?? 0) + costs.otherTenants / MICROS_PER_UNIT);
    return {
      total: new Map(Object.entries(capacity.total)),
      allocated: new Map(Object.entries(capacity.allocated)),
      reserved: new Map(Object.entries(capacity.reserved)),
      available: new Map(Object.entries(capacity.available)),
      tenants,
      core,
      costs: {
        byTenant: costByTenant,
        idle: costs.idle / MICROS_PER_UNIT,
        perHour: costs.perHour / MICROS_PER_UNIT,
      },
    };
  };
}

/** max over dimensions of usage ÷ cluster total, as DRF ranks tenants (a dimension the cluster lacks counts as Infinity). */
export function dominantShare(usage: ReadonlyMap<string, number>, total: ReadonlyMap<string, number>): number {
  let share = 0;
  for (const [dimension, amount] of usage) {
    const capacity = total.get(dimension) ?? 0;
    if (amount > 0) share = Math.max(share, capacity > 0 ? amount / capacity : Infinity);
  }
  return share;
}

/** Copies what only `metrics()` has into `Map`s (`Object.entries` reads own keys only). */
function coreFigures(m: ManagerMetrics): CoreFigures {
  const tenants = Object.entries(m.tenants);
  return {
    jobs: new Map(Object.entries(m.jobs)),
    decisions: m.decisions,
    packingEfficiency: m.packingEfficiency,
    preemptions: new Map(Object.entries(m.preemptions.byClass).map(([preemptor, victims]) => [preemptor, new Map(Object.entries(victims))])),
    latency: new Map(Object.entries(m.schedulingLatency)),
    weights: new Map(tenants.map(([tenant, t]) => [tenant, t.weight])),
    quotaRejections: new Map(Object.entries(m.quotaRejections)),
    bookedTenants: tenants.map(([tenant]) => tenant),
    nodeStatuses: new Map(Object.entries(m.nodes.byStatus)),
    offlineSince: new Map(Object.entries(m.nodes.offlineSince)),
    reschedules: m.nodes.reschedules,
    lostAllocations: m.nodes.lostAllocations,
    unknownAllocations: m.nodes.unknownAllocations,
    heartbeat: m.nodes.heartbeat,
  };
}
