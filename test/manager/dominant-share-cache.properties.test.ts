import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AllocationManager } from 'fairpack';
import { propertyRuns } from '../support.js';

/*
 * The ledger keeps each tenant's dominant share until its usage or the cluster's totals change
 * (the scheduling cycle asks for it per open queue per pick). After any mix of starts, releases
 * and nodes added or removed, the share reported must be the one worked out afresh: max over
 * dimensions of the tenant's usage over the cluster's total.
 */

type Command = { submit: { tenant: number; cpu: number; memory: number } } | { release: number } | { addNode: number } | { removeNode: number };

const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ tenant: fc.nat(2), cpu: fc.integer({ min: 1, max: 6 }), memory: fc.integer({ min: 0, max: 10 }) }).map((submit) => ({ submit })) },
  { weight: 3, arbitrary: fc.nat().map((release) => ({ release })) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 16 }).map((addNode) => ({ addNode })) },
  { weight: 1, arbitrary: fc.nat().map((removeNode) => ({ removeNode })) },
);

function freshShare(manager: AllocationManager, usage: Readonly<Record<string, number>>): number {
  const totals = new Map<string, number>();
  for (const node of manager.nodes()) for (const [name, amount] of Object.entries(node.capacity)) totals.set(name, (totals.get(name) ?? 0) + amount);
  let share = 0;
  for (const [name, amount] of Object.entries(usage)) {
    const total = totals.get(name) ?? 0;
    if (amount > 0) share = Math.max(share, total > 0 ? amount / total : Infinity);
  }
  return share;
}

describe("the ledger's kept dominant share", () => {
  it('is the share worked out afresh after starts, releases and node changes', () => {
    fc.assert(
      fc.property(fc.array(command, { minLength: 5, maxLength: 60 }), (commands) => {
        const manager = new AllocationManager({ nodes: [{ id: 'a', capacity: { cpu: 8, memory: 16 } }], fairness: 'drf', timers: false, now: () => 0 });
        commands.forEach((step, i) => {
          if ('submit' in step) manager.submit({ tenant: `t${step.submit.tenant}`, resources: { cpu: step.submit.cpu, ...(step.submit.memory > 0 ? { memory: step.submit.memory } : {}) } });
          else if ('release' in step) {
            const running = manager.allocations();
            const allocation = running[step.release % Math.max(1, running.length)];
            if (allocation !== undefined) manager.release(allocation.id);
          } else if ('addNode' in step) manager.addNode({ id: `n${i}`, capacity: { cpu: step.addNode, memory: 2 * step.addNode } });
          else {
            const nodes = manager.nodes();
            const node = nodes[step.removeNode % nodes.length];
            if (node !== undefined && nodes.length > 1) manager.removeNode(node.id, { force: true });
          }
          for (const [tenant, figures] of Object.entries(manager.metrics().tenants)) {
            expect(figures.dominantShare, `${tenant} after command ${i}`).toBeCloseTo(freshShare(manager, figures.usage), 12);
          }
        });
      }),
      { numRuns: propertyRuns(100) },
    );
  });
});
