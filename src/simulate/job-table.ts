import type { RunResult, WaitBox } from './results.js';
import { type WaitSummary, quantileCurve, summariseWaits, waitBox } from './stats.js';

/** A job's state, in `JobTable.state` (0: not arrived yet). */
export const SUBMITTING = 1;
export const WAITING = 2;
export const RUNNING = 3;
export const COMPLETED = 4;
export const REJECTED = 5;

/**
 * Per job, a few typed-array columns indexed by arrival number, so that a million jobs cost
 * tens of MB rather than a million objects: what the simulation needs to schedule completions and
 * to summarise waits exactly at the end.
 */
export class JobTable {
  readonly tenant: Uint32Array;
  readonly priority: Uint8Array;
  readonly durationMs: Float64Array;
  /** When the job last entered the queue. */
  readonly queuedSince: Float64Array;
  /** Total time queued so far (over every wait, if re-queued). */
  readonly waited: Float64Array;
  readonly state: Uint8Array;
  /** 1 once the job has started at least once (deadlines count the first start). */
  readonly started: Uint8Array;
  /** How many times the job has started (a run of a job restored from a snapshot is run 0). */
  readonly runs: Uint32Array;
  /** Only jobs with a deadline have an entry. */
  readonly deadlines = new Map<number, number>();

  constructor(size: number) {
    this.tenant = new Uint32Array(size);
    this.priority = new Uint8Array(size);
    this.durationMs = new Float64Array(size);
    this.queuedSince = new Float64Array(size);
    this.waited = new Float64Array(size);
    this.state = new Uint8Array(size);
    this.started = new Uint8Array(size);
    this.runs = new Uint32Array(size);
  }

  /**
   * Wait summaries of the completed jobs among the first `arrived`: overall, per tenant, per
   * priority class, and the quantile curve for the report's CDF.
   */
  waits(arrived: number, tenants: readonly string[], priorities: readonly string[]): { wait: RunResult['wait']; quantilesS: number[]; boxes: { byTenant: Record<string, WaitBox>; byPriority: Record<string, WaitBox> } } {
    const tenantGroups = this.grouped(arrived, this.tenant, tenants);
    const priorityGroups = this.grouped(arrived, this.priority, priorities);
    const byTenant = tenantGroups.summaries;
    const byPriority = priorityGroups.summaries;
    const overall = new Float64Array(this.completed(arrived));
    for (let j = 0, k = 0; j < arrived; j++) if (this.state[j] === COMPLETED) overall[k++] = this.waited[j] as number;
    // summariseWaits sorts in place, so the curve below reads sorted waits
    const summary = summariseWaits(overall);
    return { wait: { ...summary, byTenant, byPriority }, quantilesS: quantileCurve(overall, 200), boxes: { byTenant: tenantGroups.boxes, byPriority: priorityGroups.boxes } };
  }

  private completed(arrived: number): number {
    let count = 0;
    for (let j = 0; j < arrived; j++) if (this.state[j] === COMPLETED) count++;
    return count;
  }

  /**
   * Wait summaries per group in two passes over the jobs, whatever the number of groups: count
   * each group's completed jobs, then lay their waits out group after group in one array and
   * summarise each group's slice.
   */
  private grouped(arrived: number, groupOf: Uint32Array | Uint8Array, names: readonly string[]): { summaries: Record<string, WaitSummary>; boxes: Record<string, WaitBox> } {
    const offsets = new Uint32Array(names.length + 1);
    for (let j = 0; j < arrived; j++) if (this.state[j] === COMPLETED) offsets[(groupOf[j] as number) + 1] = (offsets[(groupOf[j] as number) + 1] as number) + 1;
    for (let g = 0; g < names.length; g++) offsets[g + 1] = (offsets[g + 1] as number) + (offsets[g] as number);
    const waits = new Float64Array(offsets[names.length] as number);
    const fill = offsets.slice(0, names.length);
    for (let j = 0; j < arrived; j++) {
      if (this.state[j] !== COMPLETED) continue;
      const g = groupOf[j] as number;
      waits[fill[g] as number] = this.waited[j] as number;
      fill[g] = (fill[g] as number) + 1;
    }
    const summaries: Record<string, WaitSummary> = Object.create(null) as Record<string, WaitSummary>;
    const boxes: Record<string, WaitBox> = Object.create(null) as Record<string, WaitBox>;
    names.forEach((name, g) => {
      const slice = waits.subarray(offsets[g] as number, offsets[g + 1] as number);
      // summariseWaits sorts the slice in place: the box reads it sorted
      summaries[name] = summariseWaits(slice);
      boxes[name] = waitBox(slice);
    });
    return { summaries, boxes };
  }
}
