import type { TenantFigures } from './manager-figures.js';

/** The label value that sums the tenants past the cap. A tenant with this very name is summed there too. */
export const OTHER_TENANTS = '_other';

/** What `/metrics` shows per tenant label. */
export interface TenantSeries {
  readonly queued: number;
  readonly running: number;
  readonly queuedByClass: ReadonlyMap<string, number>;
  /** Per class, the earliest submission among the heads of the queues summed here (the longest head wait). */
  readonly headSubmittedAtByClass: ReadonlyMap<string, number>;
  readonly usage: ReadonlyMap<string, number>;
  readonly quotaRejections: number;
  /**
   * The tenant's hard quota per dimension. Never set on `_other`: a sum of some tenants' quotas
   * against the usage of others (with or without a quota) would compare nothing real.
   */
  readonly quota?: ReadonlyMap<string, number> | undefined;
}

/**
 * Which tenants get their own series, keyed by the label value to use — the vetted list of
 * tenant labels. Every tenant name is only ever a `Map` key and a label value here.
 *
 * A scrape must not grow with every tenant that ever submitted: only tenants with live jobs
 * (queued or running) or configured limits (a quota, a weight other than 1) are shown, at most
 * `maxTenants` of them, chosen deterministically — most live jobs first, then by name (code-unit
 * order, the same on every machine). The others' figures are summed under `_other`, so totals
 * across the label still add up; the head submission time per class is the earliest of theirs
 * (a wait is not summed: `_other` shows the longest), and `_other` has no quota.
 */
export function tenantSeries(tenants: ReadonlyMap<string, TenantFigures>, maxTenants: number): Map<string, TenantSeries> {
  const shown = [...tenants].filter(([, t]) => t.queued + t.running > 0 || t.hasQuota || t.weight !== 1);
  shown.sort(([a, x], [b, y]) => y.queued + y.running - (x.queued + x.running) || (a < b ? -1 : a > b ? 1 : 0));
  const out = new Map<string, TenantSeries>();
  let other: Accumulator | undefined;
  for (const [tenant, figures] of shown) {
    if (tenant !== OTHER_TENANTS && out.size < maxTenants) out.set(tenant, figures);
    else add((other ??= empty()), figures);
  }
  if (other !== undefined) out.set(OTHER_TENANTS, other);
  return out;
}

/**
 * Per-tenant amounts (costs) capped like the other tenant series: the `maxTenants` largest get
 * their own label (ties by name, code-unit order), the rest — and a tenant named `_other` — are
 * summed under `_other`, so the total across the label is kept.
 */
export function cappedTenantTotals(totals: ReadonlyMap<string, number>, maxTenants: number): Map<string, number> {
  const ranked = [...totals].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0));
  const out = new Map<string, number>();
  let other: number | undefined;
  for (const [tenant, amount] of ranked) {
    if (tenant !== OTHER_TENANTS && out.size < maxTenants) out.set(tenant, amount);
    else other = (other ?? 0) + amount;
  }
  if (other !== undefined) out.set(OTHER_TENANTS, other);
  return out;
}

interface Accumulator {
  queued: number;
  running: number;
  quotaRejections: number;
  readonly queuedByClass: Map<string, number>;
  readonly headSubmittedAtByClass: Map<string, number>;
  readonly usage: Map<string, number>;
}

function empty(): Accumulator {
  return { queued: 0, running: 0, quotaRejections: 0, queuedByClass: new Map(), headSubmittedAtByClass: new Map(), usage: new Map() };
}

function add(sum: Accumulator, figures: TenantFigures): void {
  sum.queued += figures.queued;
  sum.running += figures.running;
  sum.quotaRejections += figures.quotaRejections;
  for (const [priority, count] of figures.queuedByClass) sum.queuedByClass.set(priority, (sum.queuedByClass.get(priority) ?? 0) + count);
  for (const [priority, at] of figures.headSubmittedAtByClass) sum.headSubmittedAtByClass.set(priority, Math.min(at, sum.headSubmittedAtByClass.get(priority) ?? Infinity));
  for (const [dimension, amount] of figures.usage) sum.usage.set(dimension, (sum.usage.get(dimension) ?? 0) + amount);
}
