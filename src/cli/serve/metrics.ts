import type * as PromClient from 'prom-client';
import { type ManagerFigures, dominantShare } from './manager-figures.js';
import { cappedTenantTotals, tenantSeries } from './tenant-series.js';

export type PromClientModule = typeof PromClient;

/** Statuses `fairpack_jobs` shows as they are now; the rest are `fairpack_jobs_finished_total`. Only these become label values. */
const LIVE_STATUSES = ['queued', 'running', 'preempted'] as const;
const ENDED_STATUSES = ['completed', 'failed', 'cancelled', 'expired', 'rejected'] as const;

/**
 * Loads prom-client, an optional peer dependency used by `fairpack serve` only (the library keeps
 * its two runtime dependencies). `importer` is a parameter so the missing-module message can be tested.
 */
export async function loadPromClient(importer: () => Promise<unknown> = () => import('prom-client')): Promise<PromClientModule> {
  let loaded: unknown;
  try {
    loaded = await importer();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`GET /metrics needs prom-client, an optional peer dependency of fairpack, and it could not be loaded (${reason}). Install it next to fairpack: npm install prom-client`);
  }
  const module = loaded as Partial<PromClientModule> & { default?: PromClientModule };
  // prom-client is CommonJS: its named exports may only be on `default`, depending on the loader
  return typeof module.Registry === 'function' ? (module as PromClientModule) : (module.default as PromClientModule);
}

export interface ServerMetrics {
  readonly contentType: string;
  /** Counts one answered HTTP request. `route` is the route's pattern (`/jobs/:id`), never the raw path. */
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  /** Counts a connection refused because `maxConnections` were open. */
  observeDroppedConnection(): void;
  /** The exposition text, with the manager's figures read now. */
  render(): Promise<string>;
}

/**
 * The `/metrics` registry: the manager's figures (read at each scrape), HTTP request counts and
 * latencies, and the process's default metrics. Per-tenant series are capped at `maxTenants`
 * (see tenant-series.ts). `now` is the manager's clock, for the figures that are ages (the
 * server's manager runs on the wall clock; tests pass a fixed one). `labels` are put on every
 * series at each scrape (a replica's `role`).
 */
export function createServerMetrics(prom: PromClientModule, readFigures: () => ManagerFigures, maxTenants: number, now: () => number = Date.now, labels?: () => Readonly<Record<string, string>>): ServerMetrics {
  const registry = new prom.Registry();
  // the standard process_* and nodejs_* names, as dashboards expect them
  prom.collectDefaultMetrics({ register: registry });
  const gauge = (name: string, help: string, labelNames: readonly string[] = []) => new prom.Gauge({ name, help, labelNames: [...labelNames], registers: [registry] });

  // totals the manager keeps are exposed as counters set from its figures at each scrape
  const counter = (name: string, help: string, labelNames: readonly string[] = []) => new prom.Counter({ name, help, labelNames: [...labelNames], registers: [registry] });
  const jobs = gauge('fairpack_jobs', 'Live jobs now: queued, running, preempted (in their grace period).', ['status']);
  const finished = counter('fairpack_jobs_finished_total', 'Jobs that ended since start, by final status (completed, failed, cancelled, expired, rejected).', ['status']);
  const capacity = gauge('fairpack_capacity', 'Cluster capacity per dimension, summed over nodes.', ['dimension', 'kind']);
  const utilisation = gauge('fairpack_utilisation_ratio', 'Allocated / total per dimension (0-1).', ['dimension']);
  const tenantUsage = gauge('fairpack_tenant_usage', "Sum of a tenant's running allocations per dimension.", ['tenant', 'dimension']);
  const tenantShare = gauge('fairpack_tenant_dominant_share', "A tenant's dominant share (0-1), as DRF ranks it.", ['tenant']);
  const tenantJobs = gauge('fairpack_tenant_jobs', "A tenant's queued and running jobs.", ['tenant', 'state']);
  const queueDepth = gauge('fairpack_queue_depth', 'Queued jobs per tenant and priority class.', ['tenant', 'priority']);
  const headWait = gauge(
    'fairpack_queue_head_wait_seconds',
    'Time since the job at the head of each non-empty queue (the job tried next) was submitted, per tenant and priority class. Without deadlines the head is the oldest job (jobs with a deadline go first). A job re-queued after its node was lost or it was preempted counts from its first submission, so its wait is overstated by the time it ran. tenant="_other": the longest among the tenants summed there.',
    ['tenant', 'priority'],
  );
  const tenantQuota = gauge(
    'fairpack_tenant_quota',
    "A tenant's hard quota per dimension it limits (burst classes may run up to limit x burst), for tenants with a quota and their own series only: never tenant=\"_other\", whose usage no one quota bounds.",
    ['tenant', 'dimension'],
  );
  const decisions = counter('fairpack_scheduling_decisions_total', 'Jobs started by scheduling cycles since start.');
  const reserved = gauge('fairpack_reserved', 'Room held on nodes for waiting jobs (starvation reservations, room freed for preemptors), per dimension: not allocated, not available.', ['dimension']);
  const packing = gauge('fairpack_packing_efficiency_ratio', 'Mean utilisation of the nodes that hold at least one allocation (0-1).');
  const preemptions = counter('fairpack_preemptions_total', 'Jobs evicted since start, by preemptor and victim class.', ['preemptor', 'victim']);
  const quotaRejections = counter('fairpack_quota_rejections_total', 'Submissions rejected with QUOTA_EXCEEDED since start, per tenant.', ['tenant']);
  const latency = gauge('fairpack_scheduling_latency_seconds', 'Time from entering the queue to allocation, per priority class, over the recent window.', ['priority', 'quantile']);
  const nodes = gauge('fairpack_nodes', 'Nodes per status (ready, draining, offline).', ['status']);
  const offlineSeconds = gauge('fairpack_node_offline_seconds', 'How long each offline node has been offline (set offline by hand, or silent past the heartbeat timeout).', ['node']);
  const reschedules = counter('fairpack_node_loss_reschedules_total', 'Running jobs re-queued since start because their node went offline, fell silent or was removed.');
  const lostAllocations = counter('fairpack_node_lost_allocations_total', "Allocations released as failed since start because their node's heartbeats left them out twice in a row.");
  const unknownAllocations = counter('fairpack_node_unknown_allocations_total', 'Allocations nodes reported running that the scheduler did not have there, since start (each report counts; never adopted).');
  const heartbeatTimeout = gauge('fairpack_node_heartbeat_timeout_seconds', 'The heartbeat timeout (--heartbeat-timeout); absent when heartbeats are off.');
  const maxSilence = gauge('fairpack_node_heartbeat_max_silence_seconds', 'The longest time any node that is not offline has gone without a heartbeat; absent when heartbeats are off.');
  const costTotal = counter('fairpack_cost_total', "What a tenant's jobs cost since the scheduler started, in the currency of the nodes' costPerHour (mgr.costs(): a node's price split equally among its dimensions, each job paying the share it holds). Capped like the other tenant series (tenant=\"_other\" sums the rest).", ['tenant']);
  const idleCost = counter('fairpack_idle_cost_total', 'What the nodes cost since the scheduler started that no job paid: free and held room, offline and draining nodes.');
  const costPerHour = gauge('fairpack_cost_per_hour', "Σ costPerHour of the nodes now (offline and draining ones included): what the cluster costs an hour.");
  const requests = new prom.Counter({ name: 'fairpack_http_requests_total', help: 'HTTP requests answered.', labelNames: ['method', 'route', 'status'], registers: [registry] });
  const dropped = new prom.Counter({ name: 'fairpack_http_connections_dropped_total', help: 'Connections closed at once because --max-connections were open.', registers: [registry] });
  const duration = new prom.Histogram({
    name: 'fairpack_http_request_duration_seconds',
    help: 'Time to answer an HTTP request.',
    labelNames: ['method', 'route'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  const perScrape = [jobs, finished, capacity, reserved, utilisation, tenantUsage, tenantShare, tenantJobs, queueDepth, headWait, tenantQuota, decisions, packing, preemptions, quotaRejections, latency, nodes, offlineSeconds, reschedules, lostAllocations, unknownAllocations, heartbeatTimeout, maxSilence, costTotal, idleCost, costPerHour];

  /** Reads the manager once and sets every metric (reset first: tenants and classes come and go). */
  const update = (): void => {
    const figures = readFigures();
    // the server's manager runs on the wall clock
    const at = now();
    for (const metric of perScrape) metric.reset();
    for (const [kind, amounts] of [['total', figures.total], ['allocated', figures.allocated], ['available', figures.available]] as const) {
      for (const [dimension, amount] of amounts) capacity.set({ dimension, kind }, amount);
    }
    for (const [dimension, total] of figures.total) utilisation.set({ dimension }, total === 0 ? 0 : (figures.allocated.get(dimension) ?? 0) / total);
    for (const [tenant, t] of tenantSeries(figures.tenants, maxTenants)) {
      for (const [dimension, amount] of t.usage) tenantUsage.set({ tenant, dimension }, amount);
      tenantShare.set({ tenant }, dominantShare(t.usage, figures.total));
      tenantJobs.set({ tenant, state: 'queued' }, t.queued);
      tenantJobs.set({ tenant, state: 'running' }, t.running);
      for (const [priority, depth] of t.queuedByClass) queueDepth.set({ tenant, priority }, depth);
      for (const [priority, since] of t.headSubmittedAtByClass) headWait.set({ tenant, priority }, Math.max(0, at - since) / 1000);
      if (t.quota !== undefined) for (const [dimension, limit] of t.quota) tenantQuota.set({ tenant, dimension }, limit);
      if (t.quotaRejections > 0) quotaRejections.inc({ tenant }, t.quotaRejections);
    }
    for (const [dimension, amount] of figures.reserved) reserved.set({ dimension }, amount);
    const core = figures.core;
    for (const status of LIVE_STATUSES) jobs.set({ status }, core.jobs.get(status) ?? 0);
    for (const status of ENDED_STATUSES) finished.inc({ status }, core.jobs.get(status) ?? 0);
    decisions.inc(core.decisions);
    if (core.packingEfficiency !== undefined) packing.set(core.packingEfficiency);
    for (const [preemptor, victims] of core.preemptions) {
      for (const [victim, count] of victims) preemptions.inc({ preemptor, victim }, count);
    }
    for (const [status, count] of core.nodeStatuses) nodes.set({ status }, count);
    for (const [node, since] of core.offlineSince) offlineSeconds.set({ node }, Math.max(0, at - since) / 1000);
    reschedules.inc(core.reschedules);
    lostAllocations.inc(core.lostAllocations);
    unknownAllocations.inc(core.unknownAllocations);
    if (core.heartbeat !== undefined) {
      heartbeatTimeout.set(core.heartbeat.timeoutMs / 1000);
      if (core.heartbeat.silentSince !== null) maxSilence.set(Math.max(0, at - core.heartbeat.silentSince) / 1000);
    }
    for (const [tenant, cost] of cappedTenantTotals(figures.costs.byTenant, maxTenants)) costTotal.inc({ tenant }, cost);
    idleCost.inc(figures.costs.idle);
    costPerHour.set(figures.costs.perHour);
    for (const [priority, l] of core.latency) {
      if (l.count === 0) continue;
      latency.set({ priority, quantile: '0.5' }, l.p50 / 1000);
      latency.set({ priority, quantile: '0.99' }, l.p99 / 1000);
    }
  };

  return {
    contentType: registry.contentType,
    observeRequest(method, route, status, seconds) {
      requests.inc({ method, route, status: String(status) });
      duration.observe({ method, route }, seconds);
    },
    observeDroppedConnection() {
      dropped.inc();
    },
    render() {
      update();
      // a replica's role on every series (docs/high-availability.md): dashboards tell leader from followers
      if (labels !== undefined) registry.setDefaultLabels(labels());
      return registry.metrics();
    },
  };
}
