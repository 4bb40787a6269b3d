/**
 * A wait target for the scaling advice — the companion of docs/costs-and-scaling.md#a-wait-target.
 * Run it with `npx tsx examples/autoscaling-wait-target.ts`.
 *
 * The same burst of twelve 10-minute jobs (4 cpus each, with `estimatedRuntimeMs`) on one 8-cpu
 * node, handled by the same autoscaling loop twice: once buying for every job that does not fit
 * (no target), once with `scaleUp: { waitTargetMs: 30 min }` — buying only for the jobs the
 * cluster would not start within 30 minutes. Nodes go after 10 idle minutes; an hour is priced.
 * The clock is injected: the output is the same on every run.
 */
import { AllocationManager, type NodeTypeSpec } from 'fairpack';

const MINUTE = 60_000;
const TYPES: NodeTypeSpec[] = [{ name: 'c8', capacity: { cpu: 8 }, costPerHour: 0.4 }];
const RUNTIME = 10 * MINUTE;

function burst(waitTargetMs: number): { launched: number; longestWaitMin: number; spent: number } {
  let now = 0;
  const mgr = new AllocationManager({ nodes: [{ id: 'c8-0', capacity: { cpu: 8 }, costPerHour: 0.4 }], now: () => now });
  const booting: { at: number; id: string }[] = [];
  const ends = new Map<string, number>(); // allocation id → when its job finishes
  let longestWait = 0;
  mgr.on('allocated', (allocation) => {
    ends.set(allocation.id, now + RUNTIME);
    longestWait = Math.max(longestWait, now - (mgr.job(allocation.jobId)?.submittedAt ?? now));
  });
  for (let i = 1; i <= 12; i++) mgr.submit({ id: `job-${i}`, resources: { cpu: 4 }, estimatedRuntimeMs: RUNTIME });
  let launched = 0;
  for (let minute = 0; minute <= 60; minute++) {
    now = minute * MINUTE;
    for (const [allocationId, end] of [...ends]) {
      if (end > now) continue;
      ends.delete(allocationId);
      mgr.release(allocationId);
    }
    for (const node of booting.filter((b) => b.at <= now)) mgr.addNode({ id: node.id, capacity: { cpu: 8 }, costPerHour: 0.4 });
    booting.splice(0, booting.length, ...booting.filter((b) => b.at > now));
    mgr.tick();
    if (booting.length > 0) continue; // what was launched is not visible yet: do not buy it twice
    const advice = mgr.scalingAdvice({ nodeTypes: TYPES, scaleDown: { idleForMs: 10 * MINUTE }, cooldownMs: 0, ...(waitTargetMs > 0 ? { scaleUp: { waitTargetMs } } : {}) });
    for (const { count, for: jobs } of advice.add) {
      for (let i = 0; i < count; i++) booting.push({ at: now + 2 * MINUTE, id: `c8-${++launched}` });
      console.log(`  ${String(minute).padStart(2)} min  launch ${count} × c8 for ${jobs.length} jobs${advice.expectedStarts.length > 0 ? `; ${advice.expectedStarts.length} expected on the nodes there are` : ''}`);
    }
    for (const { nodeId } of advice.remove) {
      if (nodeId === 'c8-0') continue; // the node the cluster started with stays
      mgr.drain(nodeId);
      mgr.removeNode(nodeId);
    }
  }
  return { launched, longestWaitMin: longestWait / MINUTE, spent: mgr.costs().total / 1e6 };
}

for (const [label, target] of [['no wait target', 0], ['wait target 30 min', 30 * MINUTE]] as const) {
  console.log(`${label}:`);
  const { launched, longestWaitMin, spent } = burst(target);
  console.log(`  ${launched} nodes launched, longest wait ${longestWaitMin} min, spent $${spent.toFixed(4)}`);
}
