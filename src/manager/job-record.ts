import type { Allocation, AllocationRequest } from '../pool/index.js';
import type { NodeState } from '../pool/node-state.js';
import type { ParsedRequest } from '../pool/request.js';
import type { Resources } from '../resources/index.js';
import type { OpenCosts } from './cost-ledger.js';
import type { JobQueue } from './job-queue.js';
import { poolRequestOf } from './job-request.js';
import type { JobStatus, JobView, PriorityClass } from './types.js';

/**
 * The fields most jobs never set (a deadline, a TTL, a category, a preemption's marks, restarts):
 * kept apart from the record, made when the first is set. A record of 40 fields was a third
 * larger than one of 30, and every running job's record outlives a scavenge — the collector copies
 * it and V8 allocates it straight in the old generation, where each byte costs more (issue 17).
 */
interface RareJobFields {
  category: string | undefined;
  deadline: number | undefined;
  ttlMs: number | undefined;
  input: AllocationRequest | undefined;
  expiresAt: number | undefined;
  burst: boolean;
  preemptedBy: string | undefined;
  graceEndsAt: number | undefined;
  backoffUntil: number | undefined;
  nominatedNode: string | undefined;
  restarts: number;
}

/** What a new record is made of: the parse, and what the manager works out for it at submit. */
export interface NewJob {
  readonly id: string;
  readonly key: string | number;
  readonly tenant: string;
  readonly klass: PriorityClass;
  readonly band: number;
  readonly category: string | undefined;
  readonly deadline: number | undefined;
  readonly ttlMs: number | undefined;
  readonly estimatedRuntimeMs: number | undefined;
  readonly parsed: ParsedRequest;
  readonly parsedWith: number;
  readonly shape: string;
  readonly demand: ReadonlyMap<string, number>;
  readonly sequence: number;
  readonly submittedAt: number;
}

/** The manager's mutable record of one job. */
export class JobRecord {
  readonly id: string;
  /** Its key among the live jobs (`JobTable`, `JobIds.keyOf`): worked out once, at submit. */
  readonly key: string | number;
  readonly tenant: string;
  readonly priority: string;
  readonly klass: PriorityClass;
  readonly band: number;
  readonly resources: Resources;
  readonly replicas: number;
  /** Arrival order, unique and increasing: FIFO and every tie rule use it. */
  readonly sequence: number;
  readonly submittedAt: number;
  readonly estimatedRuntimeMs: number | undefined;
  /** Placement-relevant fields as a key: jobs of one shape fit in exactly the same places. */
  readonly shape: string;
  /** All replicas' demand, scaled, by dimension name (what its tenant's usage and quota count). */
  readonly demand: ReadonlyMap<string, number>;
  parsed: ParsedRequest;
  parsedWith: number;
  status: JobStatus = 'queued';
  /** When it last entered a queue (submit, or a re-queue): the starvation clock starts here. */
  queuedSince = 0;
  /** The queue holding it while queued (cleared when it leaves: lazy removal checks this). */
  queue: JobQueue | undefined = undefined;
  /** Changes on every enqueue, so a stale entry of an earlier stay in the same queue is skipped. */
  ticket = 0;
  allocation: Allocation | undefined = undefined;
  /**
   * While it holds an allocation: the pool's nodes of it, one per placement in their order (the
   * pool's own list, `PoolInternals.nodesAt`, set by JobsByAllocation: never written). The books
   * kept per node find their entry by the node's slot, where the placements' node ids had to be
   * hashed. `job.nodes ?? NO_NODES` reads it for any job.
   */
  nodes: readonly NodeState[] | undefined = undefined;
  /** While it holds an allocation: that allocation's slot in the pool's live table (JobsByAllocation), else −1. */
  allocationSlot = -1;
  /** While it holds an allocation: the cost ledger's entry for it (what `CostLedger.released` takes). */
  costs: OpenCosts | undefined = undefined;
  startedAt: number | undefined = undefined;
  endedAt: number | undefined = undefined;
  reason: string | undefined = undefined;
  /** The manager's change count when it last looked for victims in vain (not again until it changes). */
  preemptionCheckedAt = -1;
  /**
   * While it runs with one placement: its position among its node's running jobs (RunningByNode,
   * preemption.ts), so that its stop finds it without a search; -1 otherwise.
   */
  runningSlot = -1;
  /** The fields below that are set, if any is (see RareJobFields). */
  #rare: RareJobFields | undefined;

  constructor(job: NewJob) {
    this.id = job.id;
    this.key = job.key;
    this.tenant = job.tenant;
    this.priority = job.klass.name;
    this.klass = job.klass;
    this.band = job.band;
    this.resources = job.parsed.resources;
    this.replicas = job.parsed.replicas;
    this.sequence = job.sequence;
    this.submittedAt = job.submittedAt;
    this.estimatedRuntimeMs = job.estimatedRuntimeMs;
    this.shape = job.shape;
    this.demand = job.demand;
    this.parsed = job.parsed;
    this.parsedWith = job.parsedWith;
    this.#rare = job.category === undefined && job.deadline === undefined && job.ttlMs === undefined ? undefined : { ...NO_RARE_FIELDS, category: job.category, deadline: job.deadline, ttlMs: job.ttlMs };
  }

  /** No rare field is set: the job has no category, deadline, TTL, expiry, preemption mark or restart. */
  get plain(): boolean {
    return this.#rare === undefined;
  }

  /** Writes a rare field; its default (`unset`) makes no room for them while none is set. */
  #write<K extends keyof RareJobFields>(field: K, value: RareJobFields[K], unset: boolean): void {
    if (!unset || this.#rare !== undefined) (this.#rare ??= { ...NO_RARE_FIELDS })[field] = value;
  }

  get category(): string | undefined {
    return this.#rare?.category;
  }

  get deadline(): number | undefined {
    return this.#rare?.deadline;
  }

  get ttlMs(): number | undefined {
    return this.#rare?.ttlMs;
  }

  /**
   * The original request for the pool, kept to re-parse it when the pool learns new dimensions and
   * for snapshots; undefined until first read through `jobInput` (made from `parsed`, which until
   * then is the job's first parse).
   */
  get input(): AllocationRequest | undefined {
    return this.#rare?.input;
  }

  set input(value: AllocationRequest | undefined) {
    this.#write('input', value, value === undefined);
  }

  get expiresAt(): number | undefined {
    return this.#rare?.expiresAt;
  }

  set expiresAt(value: number | undefined) {
    this.#write('expiresAt', value, value === undefined);
  }

  /** Started above its tenant's hard quota (burst room): the first preemption victim. */
  get burst(): boolean {
    return this.#rare?.burst ?? false;
  }

  set burst(value: boolean) {
    this.#write('burst', value, !value);
  }

  /** The job that evicted it (kept after it is re-queued). */
  get preemptedBy(): string | undefined {
    return this.#rare?.preemptedBy;
  }

  set preemptedBy(value: string | undefined) {
    this.#write('preemptedBy', value, value === undefined);
  }

  /** While `preempted`: when its grace period ends. */
  get graceEndsAt(): number | undefined {
    return this.#rare?.graceEndsAt;
  }

  set graceEndsAt(value: number | undefined) {
    this.#write('graceEndsAt', value, value === undefined);
  }

  /** After a preemption: it may not start before this. */
  get backoffUntil(): number | undefined {
    return this.#rare?.backoffUntil;
  }

  set backoffUntil(value: number | undefined) {
    this.#write('backoffUntil', value, value === undefined);
  }

  /** After it preempted: the node being freed for it; it starts only there. */
  get nominatedNode(): string | undefined {
    return this.#rare?.nominatedNode;
  }

  set nominatedNode(value: string | undefined) {
    this.#write('nominatedNode', value, value === undefined);
  }

  /** Times it lost its allocation while running (its node failed or went, or it was preempted) and waited again. */
  get restarts(): number {
    return this.#rare?.restarts ?? 0;
  }

  set restarts(value: number) {
    this.#write('restarts', value, value === 0);
  }
}

/** The rare fields' values when none is set (copied to make a record's RareJobFields). */
const NO_RARE_FIELDS: RareJobFields = Object.freeze({
  category: undefined,
  deadline: undefined,
  ttlMs: undefined,
  input: undefined,
  expiresAt: undefined,
  burst: false,
  preemptedBy: undefined,
  graceEndsAt: undefined,
  backoffUntil: undefined,
  nominatedNode: undefined,
  restarts: 0,
});

/** The nodes of a job that holds no allocation (see `JobRecord.nodes`). */
export const NO_NODES: readonly NodeState[] = Object.freeze([]);

/**
 * The job's pool request (see `input`), made on first use from its first parse: `parsed` is
 * replaced only by a re-parse of this request, which reads it first.
 */
export function jobInput(job: JobRecord): AllocationRequest {
  if (job.input === undefined) job.input = poolRequestOf(job.parsed, job.id);
  return job.input;
}

export function jobView(job: JobRecord): JobView {
  // the usual job (no category, reason, deadline, TTL, preemption or restart; it ran or runs; with
  // or without an estimate): one literal of the fields it has, in the documented key order — an
  // object grown field by field past its first slots also made a store for the rest (one view per
  // start and per end). The estimate is in every simulated job: without it in a literal, each of
  // a simulation's release views was grown field by field (24 MB of 428 in 100k jobs × 1k nodes)
  if (isPlainRun(job)) {
    const allocationId = (job.allocation as Allocation).id;
    const estimate = job.estimatedRuntimeMs;
    const startedAt = job.startedAt as number;
    if (job.endedAt === undefined) {
      return Object.freeze(
        estimate === undefined
          ? { id: job.id, tenant: job.tenant, priority: job.priority, resources: job.resources, replicas: job.replicas, status: job.status, allocationId, submittedAt: job.submittedAt, startedAt }
          : { id: job.id, tenant: job.tenant, priority: job.priority, resources: job.resources, replicas: job.replicas, status: job.status, allocationId, submittedAt: job.submittedAt, startedAt, estimatedRuntimeMs: estimate },
      );
    }
    return Object.freeze(
      estimate === undefined
        ? { id: job.id, tenant: job.tenant, priority: job.priority, resources: job.resources, replicas: job.replicas, status: job.status, allocationId, submittedAt: job.submittedAt, startedAt, endedAt: job.endedAt }
        : { id: job.id, tenant: job.tenant, priority: job.priority, resources: job.resources, replicas: job.replicas, status: job.status, allocationId, submittedAt: job.submittedAt, startedAt, endedAt: job.endedAt, estimatedRuntimeMs: estimate },
    );
  }
  // built field by field, in the documented key order, rather than with spreads of small objects:
  // a view is made for every event and answer, and the spreads were most of its cost
  const view: { -readonly [K in keyof JobView]: JobView[K] } = { id: job.id, tenant: job.tenant, priority: job.priority } as JobView;
  if (job.category !== undefined) view.category = job.category;
  view.resources = job.resources;
  view.replicas = job.replicas;
  view.status = job.status;
  if (job.allocation !== undefined) view.allocationId = job.allocation.id;
  view.submittedAt = job.submittedAt;
  if (job.startedAt !== undefined) view.startedAt = job.startedAt;
  if (job.endedAt !== undefined) view.endedAt = job.endedAt;
  if (job.reason !== undefined) view.reason = job.reason;
  if (job.deadline !== undefined) view.deadline = job.deadline;
  if (job.expiresAt !== undefined) view.expiresAt = job.expiresAt;
  if (job.estimatedRuntimeMs !== undefined) view.estimatedRuntimeMs = job.estimatedRuntimeMs;
  if (job.preemptedBy !== undefined) view.preemptedBy = job.preemptedBy;
  if (job.graceEndsAt !== undefined) view.graceEndsAt = job.graceEndsAt;
  if (job.backoffUntil !== undefined) view.backoffUntil = job.backoffUntil;
  if (job.nominatedNode !== undefined) view.nominatedNode = job.nominatedNode;
  if (job.burst) view.burst = true;
  if (job.restarts !== 0) view.restarts = job.restarts;
  return Object.freeze(view);
}

/** A job whose view has exactly id … startedAt (and endedAt, estimatedRuntimeMs if set): see `jobView`. */
function isPlainRun(job: JobRecord): boolean {
  if (job.allocation === undefined || job.startedAt === undefined || job.reason !== undefined) return false;
  // a record that never had a rare field set has none (a test's stand-in record is read field by field)
  if (job.plain) return true;
  return job.category === undefined && job.deadline === undefined && job.expiresAt === undefined && job.preemptedBy === undefined && job.graceEndsAt === undefined && job.backoffUntil === undefined && job.nominatedNode === undefined && !job.burst && job.restarts === 0;
}
