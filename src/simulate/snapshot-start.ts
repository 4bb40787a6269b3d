import { AllocationManager, type NodeSpec } from '../index.js';
import type { ManagerSnapshot } from '../manager/manager-snapshot.js';
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
 * The scenario moved to start at the snapshot: arrivals and failures shifted so that the first
 * arrival is at the snapshot's clock, the snapshot's live jobs counted in, its tenants and
 * priority classes known.
 */
export function fromSnapshot(scenario: Scenario, start: SnapshotStart, read: ReturnType<typeof readSnapshot>): Scenario {
  const first = scenario.jobs().next();
  const shift = start.at - (first.done === true ? start.at : first.value.submitAt);
  const shifted = (job: SimJob): SimJob => ({ ...job, submitAt: job.submitAt + shift, ...(job.deadline === undefined ? {} : { deadline: job.deadline + shift }) });
  return {
    ...scenario,
    description: { ...scenario.description, snapshot: { at: start.at, jobs: start.jobs, running: start.running, nodes: read.nodes.length, addedNodes: start.addedNodes.length } },
    tenants: [...scenario.tenants, ...read.tenants.filter((t) => !scenario.tenants.includes(t))],
    priorities: [...read.priorities, ...scenario.priorities.filter((p) => !read.priorities.includes(p))],
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
