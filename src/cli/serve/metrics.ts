import type * as PromClient from 'prom-client';
import type { AllocationManager } from '../../index.js';

export type PromClientModule = typeof PromClient;

/** Statuses `metrics().jobs` counts as they are now; the others are totals since start. */
const LIVE_STATUSES = new Set(['queued', 'running', 'preempted']);

/**
 * Loads prom-client, an optional dependency of the CLI only (the library itself stays
 * dependency-light). `importer` is a parameter so the missing-module message can be tested.
 */
export async function loadPromClient(importer: () => Promise<unknown> = () => import('prom-client')): Promise<PromClientModule> {
  let loaded: unknown;
  try {
    loaded = await importer();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`fairpack serve needs the optional dependency prom-client for GET /metrics, and it could not be loaded (${reason}). Install it next to fairpack: npm install prom-client`);
  }
  const module = loaded as Partial<PromClientModule> & { default?: PromClientModule };
  // prom-client is CommonJS: its named exports may only be on `default`, depending on the loader
  return typeof module.Registry === 'function' ? (module as PromClientModule) : (module.default as PromClientModule);
}

export interface ServerMetrics {
  readonly contentType: string;
  /** Counts one answered HTTP request. `route` is the route's pattern (`/jobs/:id`), never the raw path. */
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  /** The exposition text, with the manager's figures read now. */
  render(): Promise<string>;
}

/**
 * The `/metrics` registry: the manager's figures (read from `metrics()` at each scrape), HTTP
 * request counts and latencies, and the process's default metrics.
 */
export function createServerMetrics(prom: PromClientModule, manager: AllocationManager): ServerMetrics {
  const registry = new prom.Registry();
  // the standard process_* and nodejs_* names, as dashboards expect them
  prom.collectDefaultMetrics({ register: registry });
  const gauge = (name: string, help: string, labelNames: readonly string[] = []) => new prom.Gauge({ name, help, labelNames: [...labelNames], registers: [registry] });

  // totals the manager keeps are exposed as counters set from its figures at each scrape
  const counter = (name: string, help: string, labelNames: readonly string[] = []) => new prom.Counter({ name, help, labelNames: [...labelNames], registers: [registry] });
  const jobs = gauge('fairpack_jobs', 'Live jobs now: queued, running, preempted (in their grace period).', ['status']);
  const finished = counter('fairpack_jobs_finished_total', 'Jobs that ended since start, by final status (completed, failed, cancelled, expired, rejected …).', ['status']);
  const capacity = gauge('fairpack_capacity', 'Cluster capacity per dimension, summed over nodes.', ['dimension', 'kind']);
  const utilisation = gauge('fairpack_utilisation_ratio', 'Allocated / total per dimension (0-1).', ['dimension']);
  const tenantUsage = gauge('fairpack_tenant_usage', "Sum of a tenant's running allocations per dimension.", ['tenant', 'dimension']);
  const dominantShare = gauge('fairpack_tenant_dominant_share', "A tenant's dominant share (0-1), as DRF ranks it.", ['tenant']);
  const tenantJobs = gauge('fairpack_tenant_jobs', "A tenant's queued and running jobs.", ['tenant', 'state']);
  const queueDepth = gauge('fairpack_queue_depth', 'Queued jobs per tenant and priority class.', ['tenant', 'priority']);
  const decisions = counter('fairpack_scheduling_decisions_total', 'Jobs started by scheduling cycles since start.');
  const packing = gauge('fairpack_packing_efficiency_ratio', 'Mean utilisation of the nodes that hold at least one allocation (0-1).');
  const preemptions = counter('fairpack_preemptions_total', 'Jobs evicted since start, by preemptor and victim class.', ['preemptor', 'victim']);
  const quotaRejections = counter('fairpack_quota_rejections_total', 'Submissions rejected with QUOTA_EXCEEDED since start, per tenant.', ['tenant']);
  const latency = gauge('fairpack_scheduling_latency_seconds', 'Time from entering the queue to allocation, per priority class, over the recent window.', ['priority', 'quantile']);
  const requests = new prom.Counter({ name: 'fairpack_http_requests_total', help: 'HTTP requests answered.', labelNames: ['method', 'route', 'status'], registers: [registry] });
  const duration = new prom.Histogram({
    name: 'fairpack_http_request_duration_seconds',
    help: 'Time to answer an HTTP request.',
    labelNames: ['method', 'route'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  const perScrape = [jobs, finished, capacity, utilisation, tenantUsage, dominantShare, tenantJobs, queueDepth, decisions, preemptions, quotaRejections, latency];

  /** Reads the manager once and sets every metric (reset first: tenants and classes come and go). */
  const update = (): void => {
    const m = manager.metrics();
    for (const metric of perScrape) metric.reset();
    for (const [status, count] of Object.entries(m.jobs)) {
      if (LIVE_STATUSES.has(status)) jobs.set({ status }, count);
      else finished.inc({ status }, count);
    }
    for (const kind of ['total', 'allocated', 'available'] as const) {
      for (const [dimension, amount] of Object.entries(m.capacity[kind])) capacity.set({ dimension, kind }, amount);
    }
    for (const [dimension, ratio] of Object.entries(m.utilisation)) utilisation.set({ dimension }, ratio);
    for (const [tenant, t] of Object.entries(m.tenants)) {
      for (const [dimension, amount] of Object.entries(t.usage)) tenantUsage.set({ tenant, dimension }, amount);
      dominantShare.set({ tenant }, t.dominantShare);
      tenantJobs.set({ tenant, state: 'queued' }, t.queued);
      tenantJobs.set({ tenant, state: 'running' }, t.running);
    }
    for (const [tenant, byClass] of Object.entries(m.queueDepth ?? {})) {
      for (const [priority, depth] of Object.entries(byClass)) queueDepth.set({ tenant, priority }, depth);
    }
    decisions.inc(m.decisions);
    if (m.packingEfficiency !== undefined) packing.set(m.packingEfficiency);
    for (const [preemptor, victims] of Object.entries(m.preemptions?.byClass ?? {})) {
      for (const [victim, count] of Object.entries(victims)) preemptions.inc({ preemptor, victim }, count);
    }
    for (const [tenant, count] of Object.entries(m.quotaRejections ?? {})) quotaRejections.inc({ tenant }, count);
    for (const [priority, l] of Object.entries(m.schedulingLatency ?? {})) {
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
    render() {
      update();
      return registry.metrics();
    },
  };
}
