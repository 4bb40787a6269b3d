import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JobRecord } from '../../src/manager/job-record.js';
import { RunningByNode } from '../../src/manager/preemption.js';

/*
 * The running jobs per node that preemption searches through. A node's jobs are kept in swap
 * order (a removed job's slot takes the last job), and the order decides ties in the search, so
 * it must not depend on how a job's position is found: a scan of the list while the node holds
 * few jobs, a map once it holds more than 32 (dropped again below 16). Checked against the
 * obvious model — a map per node, as before the scan — over random starts and stops of jobs with
 * one to three placements on three nodes, enough of them to cross both thresholds many times.
 * Each node's class values (what the search reads before it reads a job) stay those of its jobs,
 * position by position.
 */

type TestJob = { id: string; klass: { value: number }; allocation: { placements: { nodeId: string }[] } };

const NODES = ['a', 'b', 'c'];

/** The previous RunningByNode: always a map of positions. */
class Model {
  readonly byNode = new Map<string, { jobs: TestJob[]; counts: number[]; at: Map<TestJob, number> }>();
  add(job: TestJob): void {
    for (const { nodeId } of job.allocation.placements) {
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
    for (const { nodeId } of job.allocation.placements) {
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
    const step = fc.record({ start: fc.boolean(), pick: fc.nat(), value: fc.integer({ min: -1000, max: 1000 }), nodes: fc.array(fc.constantFrom(...NODES), { minLength: 1, maxLength: 3 }) });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 400 }), (steps) => {
        const index = new RunningByNode();
        const model = new Model();
        const running: TestJob[] = [];
        let next = 0;
        for (const { start, pick, value, nodes } of steps) {
          // mostly starts until 80 run (a node past the map threshold), then as many stops as starts
          if (start || running.length === 0 || (running.length < 80 && pick % 3 !== 0)) {
            const job: TestJob = { id: `j${next++}`, klass: { value }, allocation: { placements: nodes.map((nodeId) => ({ nodeId })) } };
            running.push(job);
            index.add(job as unknown as JobRecord);
            model.add(job);
          } else {
            const [job] = running.splice(pick % running.length, 1) as [TestJob];
            index.remove(job as unknown as JobRecord);
            model.remove(job);
          }
          for (const node of NODES) {
            const mine = index.on(node);
            const theirs = model.byNode.get(node) ?? { jobs: [], counts: [] };
            expect(mine.jobs.map((j) => j.id)).toEqual(theirs.jobs.map((j) => j.id));
            expect(mine.counts).toEqual(theirs.counts);
            expect(mine.values).toEqual(mine.jobs.map((j) => j.klass.value));
          }
        }
      }),
    );
  });
});
