import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JobRecord } from '../../src/manager/job-record.js';
import { RunningByNode } from '../../src/manager/preemption.js';
import type { NodeState } from '../../src/pool/node-state.js';

/*
 * The running jobs per node that preemption searches through. A node's jobs are kept in swap
 * order (a removed job's slot takes the last job), and the order decides ties in the search, so
 * it must not depend on how a job's position is found: a scan of the list while the node holds
 * few jobs, a map once it holds more than 32 (dropped again below 16). Checked against the
 * obvious model — a map per node id, as before the scan — over random starts and stops of jobs
 * with one to three placements on three nodes, enough of them to cross both thresholds many times.
 * Each node's class values (what the search reads before it reads a job) stay those of its jobs,
 * position by position. The index is kept by the pool's node slots, which a node added later may
 * take over: an empty node is now and then replaced by a new one in its slot, which must start
 * with no jobs of the old one.
 */

type TestNode = { readonly id: string; readonly slot: number };
type TestJob = { id: string; klass: { value: number }; nodes: TestNode[] };

const SLOTS = 3;

/** The previous RunningByNode: always a map of positions. */
class Model {
  readonly byNode = new Map<string, { jobs: TestJob[]; counts: number[]; at: Map<TestJob, number> }>();
  add(job: TestJob): void {
    for (const { id: nodeId } of job.nodes) {
      let entry = this.byNode.get(nodeId);
      if (entry === undefined) this.byNode.set(nodeId, (entry = { jobs: [], counts: [], at: new Map() }));
      const i = entry.at.get(job);
      if (i !== undefined) {
        entry.counts[i] = (entry.counts[i] as number) + 1;
        continue;
      }
      entry.at.set(job, entry.jobs.length);
      entry.jobs.push(job);
      entry.counts.push(1);
    }
  }
  remove(job: TestJob): void {
    for (const { id: nodeId } of job.nodes) {
      const entry = this.byNode.get(nodeId);
      const i = entry?.at.get(job);
      if (entry === undefined || i === undefined) continue;
      const last = entry.jobs.length - 1;
      const moved = entry.jobs[last] as TestJob;
      entry.jobs[i] = moved;
      entry.counts[i] = entry.counts[last] as number;
      entry.at.set(moved, i);
      entry.jobs.pop();
      entry.counts.pop();
      entry.at.delete(job);
    }
  }
}

describe('RunningByNode', () => {
  it('keeps every node\'s jobs and replica counts in the same order as a map of positions would', () => {
    const step = fc.record({ start: fc.boolean(), pick: fc.nat(), value: fc.integer({ min: -1000, max: 1000 }), slots: fc.array(fc.nat({ max: SLOTS - 1 }), { minLength: 1, maxLength: 3 }), replace: fc.nat({ max: 9 }) });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 400 }), (steps) => {
        const index = new RunningByNode();
        const model = new Model();
        // the node in each slot now, and every node that ever was (a replaced one must show nothing)
        const nodes: TestNode[] = Array.from({ length: SLOTS }, (_, slot) => ({ id: `n${slot}`, slot }));
        const everyNode = [...nodes];
        const running: TestJob[] = [];
        let next = 0;
        for (const { start, pick, value, slots, replace } of steps) {
          if (replace === 0) {
            // an empty node leaves (its entry forgotten) and a new one takes its slot
            const slot = pick % SLOTS;
            const old = nodes[slot] as TestNode;
            if (!running.some((j) => j.nodes.includes(old))) {
              index.forgetNode(old as unknown as NodeState);
              const added = { id: `n${slot}.${next++}`, slot };
              nodes[slot] = added;
              everyNode.push(added);
            }
          }
          // mostly starts until 80 run (a node past the map threshold), then as many stops as starts
          if (start || running.length === 0 || (running.length < 80 && pick % 3 !== 0)) {
            const job: TestJob = { id: `j${next++}`, klass: { value }, nodes: slots.map((slot) => nodes[slot] as TestNode) };
            running.push(job);
            index.add(job as unknown as JobRecord);
            model.add(job);
          } else {
            const [job] = running.splice(pick % running.length, 1) as [TestJob];
            index.remove(job as unknown as JobRecord);
            model.remove(job);
          }
          for (const node of everyNode) {
            const mine = index.on(node as unknown as NodeState);
            const theirs = model.byNode.get(node.id) ?? { jobs: [], counts: [] };
            expect(mine.jobs.map((j) => j.id)).toEqual(theirs.jobs.map((j) => j.id));
            expect(mine.counts).toEqual(theirs.counts);
            expect(mine.values).toEqual(mine.jobs.map((j) => j.klass.value));
          }
        }
      }),
    );
  });

  it('shows a node that took a departed node\'s slot none of its jobs, and stops nothing of it', () => {
    const index = new RunningByNode();
    const old = { id: 'old', slot: 0 } as unknown as NodeState;
    const job = { id: 'j', klass: { value: 0 }, nodes: [old], runningSlot: -1 } as unknown as JobRecord;
    index.add(job);
    // a node that still holds a job is not forgotten
    index.forgetNode(old);
    expect(index.on(old).jobs).toEqual([job]);
    // a new node in slot 0 (as the pool would give it once "old" left) starts empty…
    const added = { id: 'new', slot: 0 } as unknown as NodeState;
    expect(index.on(added).jobs).toEqual([]);
    const other = { id: 'k', klass: { value: 5 }, nodes: [added], runningSlot: -1 } as unknown as JobRecord;
    index.add(other);
    expect(index.on(added).jobs).toEqual([other]);
    expect(index.on(old).jobs).toEqual([]);
    // …and the old job's stop, which finds the slot taken by another node, leaves it alone
    index.remove(job);
    expect(index.on(added).jobs).toEqual([other]);
    expect(index.on(added).values).toEqual([5]);
  });
});
