import type { AllocationManager } from '../manager/index.js';
import { managerInternals } from '../manager/internals.js';
import type { JobRecord } from '../manager/job-record.js';
import { isEligible } from '../pool/eligibility.js';
import type { NodeState } from '../pool/node-state.js';
import { fromScaled } from '../resources/index.js';
import { InvariantViolation } from './check-invariants.js';

/**
 * Checks that preemption has nothing left to do, and throws `InvariantViolation` naming the first
 * queued job that could run by evicting jobs of strictly lower classes. Call it at quiescence: after
 * a `tick()` past every grace period, back-off and `minRuntimeMs` with nothing else happening.
 *
 * A queued job counts when its class `canPreempt`, it is one replica (gangs do not preempt), and
 * nothing but room holds it back (its concurrency cap, back-off and quota allow it to start). It
 * could run on a node that is ready, matches its selector and tolerates its NoSchedule taints,
 * and is not reserved for another starving job of its band or a higher one, when the node's free
 * room, plus room held there for itself or for jobs of lower bands, plus the room of the running
 * jobs there that are preemptible, of a strictly lower class and past their `minRuntimeMs` (not
 * already victims in a grace period), covers one replica in every dimension.
 *
 * Works with any priority classes; a manager with `preemption: false` or a policy that ignores
 * classes (`fifo`) passes trivially. Independent of the manager's own search (a brute-force scan).
 */
export function checkPreemptionSettled(manager: AllocationManager): void {
  const m = managerInternals(manager);
  if (!m.preempts) return;
  const now = m.now();
  const { space } = m.books;
  const running = new Map<NodeState, JobRecord[]>();
  const queued: JobRecord[] = [];
  for (const job of m.liveJobs()) {
    if (job.status === 'queued') queued.push(job);
    if (job.status !== 'running') continue;
    for (const placement of job.allocation?.placements ?? []) {
      const node = m.books.nodes.get(placement.nodeId);
      if (node !== undefined) running.set(node, [...(running.get(node) ?? []), job]);
    }
  }
  const held = m.heldRoom();
  for (const job of queued) {
    if (!job.klass.canPreempt || job.replicas !== 1 || m.holdBack(job) !== undefined) continue;
    const { nonZero, amounts } = job.parsed.dense;
    for (const node of m.books.nodes.values()) {
      if (!isEligible(node, job.parsed)) continue;
      if (held.some((h) => h.node === node && h.reason === 'starvation' && h.job !== job && h.job.band >= job.band)) continue;
      const room = new Map<number, number>(nonZero.map((d) => [d, node.free[d] as number]));
      const add = (d: number, amount: number): void => {
        if (room.has(d)) room.set(d, (room.get(d) as number) + amount);
      };
      for (const h of held) if (h.node === node && (h.job === job || h.job.band < job.band)) h.dims.forEach((d, i) => add(d, h.amounts[i] as number));
      // one entry per replica on the node: each replica frees its amounts
      const victims = (running.get(node) ?? []).filter(
        (other) => other.klass.preemptible && other.klass.value < job.klass.value && now - (other.startedAt as number) >= other.klass.minRuntimeMs,
      );
      for (const victim of victims) victim.parsed.dense.nonZero.forEach((d) => add(d, victim.parsed.dense.amounts[d] as number));
      if (!nonZero.every((d) => (room.get(d) as number) >= (amounts[d] as number))) continue;
      const need = nonZero.map((d) => `${space.dimensions[d]} ${fromScaled(amounts[d] as number, space.scale)}`).join(', ');
      const names = [...new Set(victims.map((v) => `${v.id} (${v.priority})`))].join(', ');
      throw new InvariantViolation(
        `queued job ${job.id} (${job.priority}, needs ${need}) could run on node "${node.id}" by evicting ${names || 'nobody'}, but preemption left it waiting`,
      );
    }
  }
}
