import { AllocationManager, type NodeSpec } from '../index.js';
import type { ManagerSnapshot, QueueSnapshot } from '../manager/manager-snapshot.js';
import type { Scenario, SimJob } from './scenario.js';

/**
 * What-if from a live cluster (docs/simulate.md#what-if-from-a-live-cluster): the runs start from
 * a manager snapshot instead of an empty cluster. This is what the scenario knows of it; each run
 * restores its own manager from `document` (engine.ts).
 */
export interface SnapshotStart {
  readonly document: ManagerSnapshot;
  /** The snapshot's clock: the runs start there, and the arrivals are shifted to begin there. */
  readonly at: number;
  /** Nodes added at the start (the what-if's "and four more GPU nodes"), after the snapshot's own. */
  readonly addedNodes: readonly NodeSpec[];
  /** How long a job without `estimatedRuntimeMs` runs (a running one: from the snapshot on). */
  readonly runtimeMs: number;
  /** Its live jobs: how many, and how many of them run. */
  readonly jobs: number;
  readonly running: number;
}

/** The snapshot's cluster as node specs, its tenants and priority classes, from a scratch restore. */
export function readSnapshot(document: ManagerSnapshot): { nodes: NodeSpec[]; tenants: string[]; priorities: string[]; jobs: number; running: number; at: number } {
  const at = document.clock ?? document.takenAt;
  const mgr = AllocationManager.restore(document, { now: () => at, timers: false });
  const nodes = mgr.nodes().map((node): NodeSpec => ({
    id: node.id,
    capacity: node.capacity,
    ...(Object.keys(node.labels).length === 0 ? {} : { labels: node.labels }),
    ...(node.taints.length === 0 ? {} : { taints: node.taints }),
    ...(node.status === 'ready' ? {} : { status: node.status }),
    ...(node.spot === true ? { spot: true } : {}),
    ...(node.costPerHour === undefined ? {} : { costPerHour: node.costPerHour }),
  }));
  const live = mgr.jobs();
  return {
    nodes,
    tenants: [...new Set(live.map((job) => job.tenant))],
    priorities: document.config.priorityClasses.map((c) => c.name),
    jobs: live.length,
    running: live.filter((job) => job.status !== 'queued').length,
    at,
  };
}

/**
 * The snapshot's queues as a manager under the run's policy keeps them: one queue per tenant and
 * band, the band a job's class value — or 0 for every job under a policy that ignores classes
 * (`fifo`). A snapshot taken under the other kind of policy has its queues laid out the other way,
 * which a restore refuses; so a tenant's queues of several classes become one under `fifo` (its
 * jobs in the order they entered their queues, then of submission; a restore puts deadline jobs
 * first, as always), and its one `fifo` queue splits by class under another policy, in its order.
 * A queue that keeps its jobs as they were keeps its state (and takes the name of its class, `*`
 * under `fifo`); a new one starts unblocked.
 */
export function queuesUnder(document: ManagerSnapshot, ignoresPriority: boolean): readonly QueueSnapshot[] {
  const valueOf = new Map(document.config.priorityClasses.map((c) => [c.name, c.value] as const));
  const jobOf = new Map(document.jobs.map((job) => [job.request.id, job] as const));
  const bandOf = (id: string): number => (ignoresPriority ? 0 : (valueOf.get(jobOf.get(id)?.request.priority ?? 'default') ?? 0));
  // a queue's name for its class: `*` under a policy without classes, else its first job's class
  const labelOf = (id: string): string => (ignoresPriority ? '*' : (jobOf.get(id)?.request.priority ?? 'default'));
  const laidOut = (q: QueueSnapshot): boolean => (q.priority === '*') === ignoresPriority && q.jobs.every((id) => bandOf(id) === q.band);
  if (document.queues.every(laidOut)) return document.queues;
  const laid = new Map<string, { sources: QueueSnapshot[]; band: number; tenant: string; priority: string; jobs: string[] }>();
  for (const q of document.queues) {
    for (const id of q.jobs) {
      const band = bandOf(id);
      const key = `${band}\u0000${q.tenant}`;
      let queue = laid.get(key);
      if (queue === undefined) laid.set(key, (queue = { sources: [], band, tenant: q.tenant, priority: labelOf(id), jobs: [] }));
      if (!queue.sources.includes(q)) queue.sources.push(q);
      queue.jobs.push(id);
    }
  }
  const entered = (id: string): readonly [number, number] => {
    const job = jobOf.get(id);
    return [job?.queuedSince ?? 0, job?.sequence ?? 0];
  };
  return [...laid.values()].map(({ sources, band, tenant, priority, jobs }) => {
    const [only] = sources;
    if (sources.length === 1 && only !== undefined && only.band === band && only.jobs.length === jobs.length) return laidOut(only) ? only : { ...only, priority };
    const ordered = sources.length === 1 ? jobs : [...jobs].sort((a, b) => {
      const [atA, seqA] = entered(a);
      const [atB, seqB] = entered(b);
      return atA - atB || seqA - seqB;
    });
    return { band, tenant, priority, jobs: ordered, blocked: false, version: 0 };
  });
}

/**
 * The scenario moved to start at the snapshot: arrivals and failures shifted so that the first
 * arrival is at the snapshot's clock, the snapshot's live jobs counted in, its tenants and
 * priority classes known. A synthetic job of a class the snapshot does not have runs as `default`
 * (every manager has that class; the synthetic workload draws from the built-in classes).
 */
export function fromSnapshot(scenario: Scenario, start: SnapshotStart, read: ReturnType<typeof readSnapshot>): Scenario {
  const first = scenario.jobs().next();
  const shift = start.at - (first.done === true ? start.at : first.value.submitAt);
  const synthetic = scenario.description.workload === 'synthetic';
  const known = new Set(read.priorities);
  const priorityOf = (job: SimJob): string => (synthetic && !known.has(job.priority) ? 'default' : job.priority);
  const shifted = (job: SimJob): SimJob => ({ ...job, submitAt: job.submitAt + shift, priority: priorityOf(job), ...(job.deadline === undefined ? {} : { deadline: job.deadline + shift }) });
  return {
    ...scenario,
    description: { ...scenario.description, snapshot: { at: start.at, jobs: start.jobs, running: start.running, nodes: read.nodes.length, addedNodes: start.addedNodes.length } },
    tenants: [...scenario.tenants, ...read.tenants.filter((t) => !scenario.tenants.includes(t))],
    priorities: [...read.priorities, ...(synthetic ? [] : scenario.priorities.filter((p) => !known.has(p)))],
    jobCount: scenario.jobCount + start.jobs,
    jobs: () => {
      const inner = scenario.jobs();
      return { next: () => {
        const step = inner.next();
        return step.done === true ? step : { done: false, value: shifted(step.value) };
      } };
    },
    failures: scenario.failures.map((failure) => ({ ...failure, at: failure.at + shift })),
    snapshot: start,
  };
}
