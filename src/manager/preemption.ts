import { ByNodeSlot } from '../pool/by-node-slot.js';
import { isEligible } from '../pool/eligibility.js';
import type { NodeState } from '../pool/node-state.js';
import { type JobRecord, NO_NODES } from './job-record.js';

/**
 * The running jobs on one node, with how many of their replicas sit there and their priority
 * class's value (parallel arrays: a preemption search reads the values of every node's jobs, and
 * a packed array of numbers is one read where each job's class was two loads through the job).
 */
interface NodeJobs {
  readonly jobs: JobRecord[];
  readonly counts: number[];
  readonly values: number[];
  /**
   * Each job's index in `jobs`, kept only while the node holds more than INDEXED_FROM jobs: below
   * that a scan of `jobs` (pointers compared, nothing read) is cheaper than a lookup, and a map
   * whose keys come and go with every job that starts and stops there was garbage to rebuild.
   */
  at: Map<JobRecord, number> | undefined;
}

/** How many jobs a node holds before their positions are kept in a map (see NodeJobs.at). */
const INDEXED_FROM = 32;

function indexOfJob(entry: NodeJobs, job: JobRecord): number {
  if (entry.at !== undefined) return entry.at.get(job) ?? -1;
  return entry.jobs.indexOf(job);
}


/**
 * The running jobs on each node: what preemption looks through, without scanning every job.
 *
 * Kept by the pool's node records (ByNodeSlot), from the nodes the pool keeps for each job's
 * allocation (`JobRecord.nodes`): a map keyed by node id was hashed at every start and stop, and
 * once per node in every search (10,000 look-ups a search at 10,000 nodes).
 */
export class RunningByNode {
  private readonly byNode = new ByNodeSlot<NodeJobs>();

  add(job: JobRecord): void {
    // (by index: a for…of over the pool's node list made an iterator per start and per end)
    const nodes = job.nodes ?? NO_NODES;
    // one placement (most jobs): the job is new on its node, and its position is kept on it (see
    // `runningSlot`): neither its start nor its stop searches the node's list or map for it
    const single = nodes.length === 1;
    for (let p = 0; p < nodes.length; p++) {
      const node = nodes[p] as NodeState;
      let entry = this.byNode.get(node);
      if (entry === undefined) this.byNode.set(node, (entry = { jobs: [], counts: [], values: [], at: undefined }));
      const i = single ? -1 : indexOfJob(entry, job);
      if (i >= 0) {
        entry.counts[i] = (entry.counts[i] as number) + 1;
        continue;
      }
      entry.at?.set(job, entry.jobs.length);
      if (single) job.runningSlot = entry.jobs.length;
      entry.jobs.push(job);
      entry.counts.push(1);
      entry.values.push(job.klass.value);
      if (entry.at === undefined && entry.jobs.length > INDEXED_FROM) entry.at = new Map(entry.jobs.map((j, k) => [j, k]));
    }
  }

  remove(job: JobRecord): void {
    const nodes = job.nodes ?? NO_NODES;
    const slot = nodes.length === 1 ? job.runningSlot : -1;
    job.runningSlot = -1;
    for (let p = 0; p < nodes.length; p++) {
      const node = nodes[p] as NodeState;
      const entry = this.byNode.get(node);
      if (entry === undefined) continue;
      if (slot >= 0 && entry.jobs[slot] !== job) throw new Error(`fairpack internal error: running job ${job.id} is not at its slot ${slot} of node ${node.id}`);
      const i = slot >= 0 ? slot : indexOfJob(entry, job);
      if (i < 0) continue;
      // swap with the last, so removal is O(1)
      const last = entry.jobs.length - 1;
      const moved = entry.jobs[last] as JobRecord;
      entry.jobs[i] = moved;
      if (moved !== job) moved.runningSlot = i;
      entry.counts[i] = entry.counts[last] as number;
      entry.values[i] = entry.values[last] as number;
      entry.jobs.pop();
      entry.counts.pop();
      entry.values.pop();
      if (entry.at !== undefined) {
        entry.at.set(moved, i);
        entry.at.delete(job);
        // (half the threshold: a node hovering around it does not build and drop the map by turns)
        if (entry.jobs.length < INDEXED_FROM / 2) entry.at = undefined;
      }
      // an empty entry stays until its node leaves (see `forgetNode`): a node that empties and
      // fills again with every job would make and drop an entry each time
    }
  }

  /** Drops the entry of a node that left the cluster (its jobs are gone already). */
  forgetNode(node: NodeState): void {
    if (this.byNode.get(node)?.jobs.length === 0) this.byNode.delete(node);
  }

  on(node: NodeState): JobsOnNode {
    return this.byNode.get(node) ?? EMPTY;
  }
}

/** A node's running jobs (see NodeJobs): `counts[i]` replicas of `jobs[i]` there, its class value `values[i]`. */
export interface JobsOnNode {
  readonly jobs: readonly JobRecord[];
  readonly counts: readonly number[];
  readonly values: readonly number[];
}

const EMPTY: JobsOnNode = Object.freeze({ jobs: [], counts: [], values: [] });

export interface PreemptionPlan {
  readonly node: NodeState;
  /** Least important first (the order they were chosen in). */
  readonly victims: readonly JobRecord[];
}

interface Candidate {
  readonly job: JobRecord;
  /** Replicas of the job on this node. */
  readonly count: number;
  readonly remaining: number;
}

/**
 * Where `job` could run if some running jobs were evicted, and which ones (kube-scheduler's
 * DefaultPreemption, made deterministic):
 *
 * - per node: every job `isVictim` accepts is removed in a simulation; if the job still does not
 *   fit, the node is out. Otherwise candidates are added back ("reprieved") from the most
 *   important down — burst jobs last, then higher priority, then longer estimated time remaining,
 *   then earlier start, then earlier arrival — as long as the job still fits. Whoever is left
 *   is the victim set.
 * - across nodes: fewest victims, then the lowest priority among the most important victims,
 *   then the least remaining work, then node order. No random ties (Kueue #6763).
 *
 * Unknown remaining time counts as longer than any known one: a job that said how long it runs is
 * preferred as a victim only when it is nearly done, and one that said nothing is kept.
 */
export function planPreemption(
  job: JobRecord,
  nodes: Iterable<NodeState>,
  running: RunningByNode,
  isVictim: (victim: JobRecord) => boolean,
  excluded: ReadonlySet<string>,
  now: number,
  /** Room already held for the job on one node: free for it there. */
  own?: { readonly node: NodeState; readonly dims: readonly number[]; readonly amounts: readonly number[] },
): PreemptionPlan | undefined {
  const { nonZero, amounts } = job.parsed.dense;
  const avail = new Float64Array(nonZero.length);
  /** The node's free room (with the job's own held room), indexed like `avail`. */
  const free = new Float64Array(nonZero.length);
  const scratch: number[] = [];
  let best: { plan: PreemptionPlan; key: readonly number[] } | undefined;
  for (const node of nodes) {
    // the numeric test first: it ends the look at most nodes (all three only skip)
    if (!hasCapacity(node, nonZero, amounts) || excluded.has(node.id) || !isEligible(node, job.parsed)) continue;
    const here = running.on(node);
    const { jobs, counts } = here;
    // first pass, allocation-free: would the job fit with every candidate gone?
    for (let i = 0; i < nonZero.length; i++) free[i] = node.free[nonZero[i] as number] as number;
    if (own?.node === node) for (let i = 0; i < nonZero.length; i++) free[i] = (free[i] as number) + heldAmount(own, nonZero[i] as number);
    // the best so far evicts one job: only one victim that makes room alone, and comes first, can
    // beat it (see `singleVictimMayBeat`) — in a congested simulation most nodes end here, after
    // a look at each job's class (and the few of a low enough class, at their demand)
    if (best !== undefined && best.key[0] === 1 && !singleVictimMayBeat(best.key, node.order, free, nonZero, amounts, here, isVictim, now)) continue;
    avail.set(free);
    scratch.length = 0;
    for (let j = 0; j < jobs.length; j++) {
      const other = jobs[j] as JobRecord;
      if (!isVictim(other)) continue;
      scratch.push(j);
      addDemand(avail, nonZero, other, counts[j] as number, 1);
    }
    if (scratch.length === 0 || !fits(avail, nonZero, amounts)) continue;
    const candidates: Candidate[] = scratch.map((j) => ({ job: jobs[j] as JobRecord, count: counts[j] as number, remaining: remainingMs(jobs[j] as JobRecord, now) }));
    insertionSort(candidates, moreImportantFirst);
    const most = best === undefined ? Infinity : (best.key[0] as number);
    const victims: Candidate[] = [];
    for (const candidate of candidates) {
      addDemand(avail, nonZero, candidate.job, candidate.count, -1);
      if (fits(avail, nonZero, amounts)) continue; // reprieved: it keeps running
      addDemand(avail, nonZero, candidate.job, candidate.count, 1);
      victims.push(candidate);
      if (victims.length > most) break; // more victims than the best node so far: it cannot win
    }
    // none: it fits without evicting anyone (the normal cycle places it, or a strategy declined)
    if (victims.length === 0 || victims.length > most) continue;
    let top = -Infinity;
    let work = 0;
    for (const v of victims) {
      top = Math.max(top, v.job.klass.value);
      work += v.remaining;
    }
    const key = [victims.length, top, work, node.order];
    if (best === undefined || compareKeys(key, best.key) < 0) best = { plan: { node, victims: victims.reverse().map((v) => v.job) }, key };
  }
  return best?.plan;
}

/**
 * Whether a node may still give a plan whose key ([victims, top class, work, order]) is below
 * `best`, a plan of one victim. Only a plan of one victim can, and its victim v makes room for the
 * job on its own: the search ends with the job fitting in the free room plus its victims' demand,
 * so `free` plus v's demand covers the job. That plan's key is [1, v's class value, v's remaining
 * time, order]. So the node may beat `best` only if one of its running jobs (`here.jobs`, with
 * `counts` replicas there) is a victim the search may take (`isVictim`), covers the job on its own
 * and has that key below `best`; otherwise its plan, whatever it is, never replaces `best`
 * (replacing needs a key strictly below), and the node is skipped without changing the result.
 * The class is looked at first, in `here.values` without reading the job: most jobs end there.
 * `free` is indexed like the job's non-zero dimensions.
 */
export function singleVictimMayBeat(
  best: readonly number[],
  order: number,
  free: ArrayLike<number>,
  nonZero: readonly number[],
  amounts: ArrayLike<number>,
  here: JobsOnNode,
  isVictim: (job: JobRecord) => boolean,
  now: number,
): boolean {
  const top = best[1] as number;
  const { jobs, counts, values } = here;
  candidates: for (let j = 0; j < jobs.length; j++) {
    const value = values[j] as number;
    if (value > top) continue;
    const victim = jobs[j] as JobRecord;
    const count = counts[j] as number;
    const own = victim.parsed.dense.amounts;
    for (let i = 0; i < nonZero.length; i++) {
      const d = nonZero[i] as number;
      if ((free[i] as number) + count * ((own[d] as number | undefined) ?? 0) < (amounts[d] as number)) continue candidates;
    }
    if (!isVictim(victim)) continue;
    if (value < top) return true;
    const byWork = compareRemaining(remainingMs(victim, now), best[2] as number);
    if (byWork < 0 || (byWork === 0 && order < (best[3] as number))) return true;
  }
  return false;
}

function heldAmount(own: { readonly dims: readonly number[]; readonly amounts: readonly number[] }, d: number): number {
  const i = own.dims.indexOf(d);
  return i < 0 ? 0 : (own.amounts[i] as number);
}

function hasCapacity(node: NodeState, nonZero: readonly number[], amounts: readonly number[]): boolean {
  for (const d of nonZero) if ((node.capacity[d] as number) < (amounts[d] as number)) return false;
  return true;
}

/** The job's estimated time left (0 when overdue); Infinity when it gave no estimate. */
export function remainingMs(job: JobRecord, now: number): number {
  if (job.estimatedRuntimeMs === undefined || job.startedAt === undefined) return Infinity;
  return Math.max(0, job.estimatedRuntimeMs - (now - job.startedAt));
}

/** `avail` is indexed like the preemptor's non-zero dimensions; the victim's amounts are dense. */
function addDemand(avail: Float64Array, dims: readonly number[], job: JobRecord, count: number, sign: 1 | -1): void {
  const { amounts } = job.parsed.dense;
  for (let i = 0; i < dims.length; i++) avail[i] = (avail[i] as number) + sign * count * ((amounts[dims[i] as number] as number | undefined) ?? 0);
}

function fits(avail: Float64Array, nonZero: readonly number[], amounts: ArrayLike<number>): boolean {
  for (let i = 0; i < nonZero.length; i++) if ((avail[i] as number) < (amounts[nonZero[i] as number] as number)) return false;
  return true;
}

/**
 * Sorts a handful of items in place (a node runs a few jobs): without the setup cost that
 * `Array.prototype.sort` pays on every call, which was the largest part of a preemption search.
 * Stable, like `sort`.
 */
function insertionSort<T>(items: T[], compare: (a: T, b: T) => number): void {
  for (let i = 1; i < items.length; i++) {
    const item = items[i] as T;
    let j = i - 1;
    while (j >= 0 && compare(items[j] as T, item) > 0) {
      items[j + 1] = items[j] as T;
      j--;
    }
    items[j + 1] = item;
  }
}

function moreImportantFirst(a: Candidate, b: Candidate): number {
  return (
    Number(a.job.burst) - Number(b.job.burst) ||
    b.job.klass.value - a.job.klass.value ||
    compareRemaining(b.remaining, a.remaining) ||
    (a.job.startedAt as number) - (b.job.startedAt as number) ||
    a.job.sequence - b.job.sequence
  );
}

function compareRemaining(a: number, b: number): number {
  return a === b ? 0 : a < b ? -1 : 1;
}

function compareKeys(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) {
    const c = compareRemaining(a[i] as number, b[i] as number);
    if (c !== 0) return c;
  }
  return 0;
}
