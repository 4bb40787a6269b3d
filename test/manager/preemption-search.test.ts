import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JobRecord } from '../../src/manager/job-record.js';
import { RunningByNode, planPreemption, remainingMs, singleVictimMayBeat } from '../../src/manager/preemption.js';
import type { NodeState } from '../../src/pool/node-state.js';

/*
 * The preemption search skips a node whose plan cannot beat the best one so far: once the best
 * plan evicts one job, only a node with one candidate that makes room on its own, and whose key
 * [1, class value, remaining time, node order] comes first, is searched in full. The skip must
 * never change the plan: checked by hand on small cases (one it must skip, ones it must not), and
 * against the search without the skip (the obvious model below) over random clusters.
 */

const RUNS = Number(process.env.FAIRPACK_PROPERTY_RUNS ?? 100);

/** Two dimensions (cpu, memory), dense. */
function parsed(cpu: number, memory: number) {
  const amounts = [cpu, memory];
  return { dense: { nonZero: [0, 1].filter((d) => (amounts[d] as number) > 0), amounts }, selectorKeys: [], nodeSelector: {}, tolerations: [], spot: undefined };
}

/**
 * The test's nodes by id: a running job names the same object the search is given (RunningByNode
 * keeps jobs by the pool's node record, its slot), filled in by `node`.
 */
const nodeRecords = new Map<string, NodeState>();
function nodeRecord(id: string): NodeState {
  let record = nodeRecords.get(id);
  if (record === undefined) nodeRecords.set(id, (record = { id, slot: nodeRecords.size } as unknown as NodeState));
  return record;
}

let sequence = 0;
function job(nodeId: string, value: number, cpu: number, memory: number, startedAt: number, estimatedRuntimeMs?: number): JobRecord {
  return {
    id: `j${++sequence}`,
    sequence,
    status: 'running',
    burst: false,
    startedAt,
    estimatedRuntimeMs,
    klass: { value, preemptible: true },
    parsed: parsed(cpu, memory),
    allocation: { placements: [{ nodeId }] },
    nodes: [nodeRecord(nodeId)],
  } as unknown as JobRecord;
}

function node(id: string, order: number, capacity: readonly number[], running: readonly JobRecord[]): NodeState {
  const free = [...capacity];
  for (const j of running) for (let d = 0; d < free.length; d++) free[d] = (free[d] as number) - ((j.parsed.dense.amounts[d] as number | undefined) ?? 0);
  return Object.assign(nodeRecord(id), { order, capacity, free, status: 'ready', labels: {}, taints: [], spot: false });
}

const lower = (than: number) => (victim: JobRecord) => victim.klass.value < than;

/** The search as it was before the skip (the model the property compares with). */
function searchWithoutSkip(preemptor: JobRecord, nodes: readonly NodeState[], running: RunningByNode, now: number) {
  const { nonZero, amounts } = preemptor.parsed.dense;
  let best: { node: NodeState; victims: JobRecord[]; key: number[] } | undefined;
  for (const n of nodes) {
    if (nonZero.some((d) => (n.capacity[d] as number) < (amounts[d] as number))) continue;
    const { jobs, counts } = running.on(n);
    const avail = nonZero.map((d) => n.free[d] as number);
    const add = (j: JobRecord, count: number, sign: number) => nonZero.forEach((d, i) => (avail[i] = (avail[i] as number) + sign * count * ((j.parsed.dense.amounts[d] as number | undefined) ?? 0)));
    const fits = () => nonZero.every((d, i) => (avail[i] as number) >= (amounts[d] as number));
    const candidates = jobs.map((j, k) => ({ job: j, count: counts[k] as number, remaining: remainingMs(j, now) })).filter((c) => c.job.klass.value < preemptor.klass.value);
    for (const c of candidates) add(c.job, c.count, 1);
    if (candidates.length === 0 || !fits()) continue;
    candidates.sort((a, b) => b.job.klass.value - a.job.klass.value || (a.remaining === b.remaining ? 0 : a.remaining > b.remaining ? -1 : 1) || (a.job.startedAt as number) - (b.job.startedAt as number) || a.job.sequence - b.job.sequence);
    const victims: typeof candidates = [];
    for (const c of candidates) {
      add(c.job, c.count, -1);
      if (fits()) continue;
      add(c.job, c.count, 1);
      victims.push(c);
    }
    if (victims.length === 0) continue;
    const key = [victims.length, Math.max(...victims.map((v) => v.job.klass.value)), victims.reduce((sum, v) => sum + v.remaining, 0), n.order];
    const differs = best === undefined ? -1 : key.findIndex((x, i) => x !== best?.key[i]);
    const below = best === undefined || (differs >= 0 && (key[differs] as number) < (best.key[differs] as number));
    if (below) best = { node: n, victims: victims.reverse().map((v) => v.job), key };
  }
  return best === undefined ? undefined : { node: best.node.id, victims: best.victims.map((v) => v.id) };
}

function search(preemptor: JobRecord, nodes: readonly NodeState[], running: RunningByNode, now: number) {
  const plan = planPreemption(preemptor, nodes, running, lower(preemptor.klass.value), new Set(), now);
  return plan === undefined ? undefined : { node: plan.node.id, victims: plan.victims.map((v) => v.id) };
}

describe('singleVictimMayBeat', () => {
  // the preemptor needs cpu 4, memory 8; the node has cpu 1, memory 8 free. The best plan so far
  // evicts one job of class -100 with 500 ms left, on the node of order 3.
  const best = [1, -100, 500, 3];
  const free = [1, 8];
  const need = [4, 8];
  const now = 1000;
  const check = (victims: JobRecord[], order: number, isVictim = (_: JobRecord) => true) =>
    singleVictimMayBeat(best, order, free, [0, 1], need, { jobs: victims, counts: victims.map(() => 1), values: victims.map((v) => v.klass.value) }, isVictim, now);

  it('skips a node whose only candidate of a lower class is too small to make room alone', () => {
    // best-effort (-1000) holds cpu 2: 1 + 2 = 3 < 4, so it cannot be a single victim; the default
    // job (0) could (1 + 3 = 4) but 0 > -100. Whatever the node's plan is, it does not come first.
    expect(check([job('n', -1000, 2, 0, 0, 9000), job('n', 0, 3, 4, 0, 100)], 7)).toBe(false);
  });

  it('keeps a node with a candidate that makes room alone and has a lower class', () => {
    // best-effort (-1000) holds cpu 3: 1 + 3 = 4 >= 4 (memory needs nothing more): key [1, -1000, ...] < best
    expect(check([job('n', -1000, 3, 0, 0, 9000)], 7)).toBe(true);
    // … unless the search may not take it (a class that may not be evicted, say)
    expect(check([job('n', -1000, 3, 0, 0, 9000)], 7, () => false)).toBe(false);
  });

  it('breaks ties of class by remaining time, then by node order', () => {
    // class -100 like the best; started at 0 with 1,400 ms estimated: 1,400 - (1,000 - 0) = 400 ms left < 500
    expect(check([job('n', -100, 3, 0, 0, 1400)], 7)).toBe(true);
    // 1,500 - 1,000 = 500 ms left, equal: node order 2 < 3 may beat, 7 may not
    expect(check([job('n', -100, 3, 0, 0, 1500)], 2)).toBe(true);
    expect(check([job('n', -100, 3, 0, 0, 1500)], 7)).toBe(false);
    // no estimate: Infinity left, never below 500
    expect(check([job('n', -100, 3, 0, 0)], 2)).toBe(false);
  });

  it('is not consulted when the best plan evicts more than one job (planPreemption tests the count first)', () => {
    // two nodes of cpu 4, both full. a holds two best-effort jobs of cpu 2 (the best plan after a:
    // two victims); b holds one low job of cpu 4 — a single victim of a higher class, which must
    // win on the count of victims: [1, -100, ...] < [2, -1000, ...]
    const a1 = job('a', -1000, 2, 0, 0, 100);
    const a2 = job('a', -1000, 2, 0, 0, 100);
    const b1 = job('b', -100, 4, 0, 0, 100);
    const running = new RunningByNode();
    for (const j of [a1, a2, b1]) running.add(j);
    const nodes = [node('a', 0, [4, 16], [a1, a2]), node('b', 1, [4, 16], [b1])];
    const preemptor = job('p', 100, 4, 0, 0, 100);
    expect(search(preemptor, nodes, running, 10)).toEqual({ node: 'b', victims: [b1.id] });
  });
});

describe('planPreemption with the skip', () => {
  it('chooses the same node and victims as the search without it', () => {
    const running = fc.record({ value: fc.constantFrom(-1000, -100, 0, 100), cpu: fc.integer({ min: 0, max: 4 }), memory: fc.integer({ min: 0, max: 8 }), startedAt: fc.integer({ min: 0, max: 50 }), estimate: fc.option(fc.integer({ min: 1, max: 120 }), { nil: undefined }) });
    const cluster = fc.array(fc.record({ cpu: fc.integer({ min: 1, max: 8 }), memory: fc.integer({ min: 1, max: 16 }), jobs: fc.array(running, { maxLength: 5 }) }), { minLength: 1, maxLength: 8 });
    const preemptor = fc.record({ value: fc.constantFrom(0, 100, 1000), cpu: fc.integer({ min: 1, max: 6 }), memory: fc.integer({ min: 0, max: 12 }) });
    fc.assert(
      fc.property(cluster, preemptor, fc.integer({ min: 50, max: 150 }), (specs, p, now) => {
        const index = new RunningByNode();
        const nodes = specs.map((spec, i) => {
          const id = `n${i}`;
          // a job that does not fit in what is left is not started (free room never goes below 0)
          const left = [spec.cpu, spec.memory];
          const started = spec.jobs.flatMap((r) => {
            if (r.cpu > (left[0] as number) || r.memory > (left[1] as number)) return [];
            left[0] = (left[0] as number) - r.cpu;
            left[1] = (left[1] as number) - r.memory;
            return [job(id, r.value, r.cpu, r.memory, r.startedAt, r.estimate)];
          });
          for (const j of started) index.add(j);
          return node(id, i, [spec.cpu, spec.memory], started);
        });
        const preemptorJob = job('p', p.value, p.cpu, p.memory, 0);
        expect(search(preemptorJob, nodes, index, now)).toEqual(searchWithoutSkip(preemptorJob, nodes, index, now));
      }),
      { numRuns: RUNS * 5 },
    );
  });
});
