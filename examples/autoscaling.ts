/**
 * An autoscaling loop against a fake cloud — the companion of docs/costs-and-scaling.md.
 * Run it with `npx tsx examples/autoscaling.ts`. fairpack never calls a cloud API: every minute
 * the loop asks `mgr.scalingAdvice()` what to do and does it with the (fake) cloud's API —
 * launch nodes of the cheapest mix of types for the jobs that wait, move jobs off underutilised
 * nodes (`applyDefragmentation`), drain and terminate what is idle. The clock is injected, so the
 * output is the same on every run.
 */
import { AllocationManager, type NodeTypeSpec } from 'fairpack';

const MINUTE = 60_000;
let now = 0;

const TYPES: NodeTypeSpec[] = [
  { name: 'small', capacity: { cpu: 4, memory: 16 }, costPerHour: 0.2 },
  { name: 'large', capacity: { cpu: 16, memory: 64 }, costPerHour: 0.7, max: 2 },
];

/** The fake cloud: a node launched now joins the cluster after a two-minute boot; termination is at once. */
class FakeCloud {
  #next = 1;
  readonly #booting: { readonly at: number; readonly id: string; readonly type: NodeTypeSpec }[] = [];
  launch(typeName: string): string {
    const type = TYPES.find((t) => t.name === typeName) as NodeTypeSpec;
    const id = `${type.name}-${this.#next++}`;
    this.#booting.push({ at: now + 2 * MINUTE, id, type });
    return id;
  }
  /** Nodes whose boot finished: they register with the scheduler. */
  booted(): { id: string; type: NodeTypeSpec }[] {
    const ready = this.#booting.filter((b) => b.at <= now);
    this.#booting.splice(0, this.#booting.length, ...this.#booting.filter((b) => b.at > now));
    return ready;
  }
  get booting(): number {
    return this.#booting.length;
  }
}

const cloud = new FakeCloud();
const mgr = new AllocationManager({ nodes: [{ id: 'small-0', capacity: { cpu: 4, memory: 16 }, costPerHour: 0.2, labels: { type: 'small' } }], placement: 'worst-fit', now: () => now });
const say = (line: string) => console.log(`${String(now / MINUTE).padStart(3)} min  ${line}`);
const dollars = (micro: number) => `$${(micro / 1e6).toFixed(2)}/h`;
mgr.on('migrated', ({ job, from, to }) => say(`moved ${job.id} ${from} → ${to}`));

// A burst: ten 30-minute jobs of 2 cpus and 8 GB; the one small node holds two.
for (let i = 1; i <= 10; i++) mgr.submit({ id: `job-${i}`, resources: { cpu: 2, memory: 8 }, ttlMs: 30 * MINUTE });
// and one long service of 1 cpu
mgr.submit({ id: 'service', resources: { cpu: 1, memory: 2 } });
say(`start: ${mgr.metrics().running} running, ${mgr.metrics().queued} waiting`);

for (let minute = 0; minute <= 60; minute++) {
  now = minute * MINUTE;
  for (const { id, type } of cloud.booted()) {
    mgr.addNode({ id, capacity: type.capacity, costPerHour: type.costPerHour, labels: { type: type.name } });
    say(`${id} joined: ${mgr.metrics().running} running, ${mgr.metrics().queued} waiting`);
  }
  mgr.tick();
  if (cloud.booting > 0) continue; // wait for what was launched before asking again
  const advice = mgr.scalingAdvice({ nodeTypes: TYPES, minNodes: 1, cooldownMs: 5 * MINUTE, scaleDown: { utilisationBelow: 0.5, idleForMs: 10 * MINUTE } });
  for (const { type, count, for: jobs } of advice.add) {
    const ids = Array.from({ length: count }, () => cloud.launch(type));
    say(`launch ${ids.join(', ')} for ${jobs.length} waiting job${jobs.length === 1 ? "" : "s"} (${dollars(advice.cost.before)} → ${dollars(advice.cost.after)}${advice.search.optimal ? ', optimal' : ''})`);
  }
  for (const { nodeId, reason, moves } of advice.remove) {
    if (moves !== undefined && moves.length > 0) mgr.applyDefragmentation({ moves });
    mgr.drain(nodeId);
    mgr.removeNode(nodeId);
    say(`terminate ${nodeId} (${reason})`);
  }
}
say(`end: nodes ${mgr.nodes().map((n) => n.id).join(', ')}; ${mgr.metrics().running} running; spent $${(mgr.costs().total / 1e6).toFixed(4)}`);
