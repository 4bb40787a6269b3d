import { MonotonicClock } from '../clock.js';
import { ownCopy, plainArray, plainOptions, readingInput } from '../user-input.js';
import { FairpackError, describeValue, isFairpackError } from '../errors.js';
import { checkKnownKeys, knownKeys } from '../known-keys.js';
import { type FairnessPolicy, type FairnessPolicyName, type TenantCandidate, fairnessPolicyNames, resolveFairnessPolicy } from '../fairness/index.js';
import type { NodeStatus, NodeView } from '../placement/index.js';
import { type Allocation, type NodeSpec, type NodeUpdate, type PoolCapacity, ResourcePool, type RemoveNodeOptions } from '../pool/index.js';
import type { AllocationTimes } from '../pool/build-allocation.js';
import type { NodeState } from '../pool/node-state.js';
import type { ParsedRequest } from '../pool/request.js';
import { type PoolInternals, poolInternals } from '../pool/internals.js';
import { type AbortSignalLike, type TimerHandle, host, unref } from '../platform.js';
import { type Resources, createScale, isPlainRecord, toScaled } from '../resources/index.js';
import { withLazyFields } from '../lazy-fields.js';
import { DeferredEvents, type EventName, type Listener } from './deferred-events.js';
import { callOptions, durationOption, idListOption, optionalChoice, optionalStringOption } from './call-options.js';
import { IdempotencyKeys, MAX_IDEMPOTENCY_KEY_LENGTH } from './idempotency-keys.js';
import { CostLedger, type CostOptions, type CostReport, microsPerHour, unpricedNode } from './cost-ledger.js';
import { type DefragmentationOptions, type DefragmentationPlan, planFreeNodes, planRoomFor } from './scaling/defragmentation.js';
import { type Migration, type PlanningCluster, isMovable } from './scaling/migration.js';
import { type ScalingAdvice, type ScalingCluster, scalingAdvice } from './scaling/scaling-advice.js';
import { type ScalingOptions, parseScalingOptions } from './scaling/scaling-options.js';
import { readDefragmentationPlan } from './scaling/plan-input.js';
import { isEligible } from '../pool/eligibility.js';
import { Drains } from './drains.js';
import { FitWitnesses } from './fit-witnesses.js';
import { attachManagerInternals } from './internals.js';
import type { JobQueue } from './job-queue.js';
import { JobIds } from './job-ids.js';
import { JobTable } from './job-table.js';
import { SharedRequests } from './shared-requests.js';
import { JobsByAllocation } from './jobs-by-allocation.js';
import { jobSnapshot, readJobSnapshot } from './job-snapshot.js';
import { type ManagerSnapshot, readManagerSnapshot } from './manager-snapshot.js';
import { invalidSnapshot, snapshotError, underPath, within } from '../snapshot/reader.js';
import { JobRecord, NO_NODES, jobInput, jobView } from './job-record.js';
import { JobHistory } from './job-history.js';
import { type ParsedJobRequest, blankParsedJobRequest, parseJobRequest, poolRequestOf } from './job-request.js';
import { LOST_AFTER, NodeHealth, type NodeStatusReason } from './node-health.js';
import { booleanOption, concurrencyOption, heartbeatOption, integerOption, preemptionOption, reservationsOption, timerDelay } from './options.js';
import { BandLists, QueueList, ShapeMarks, keepFirst } from './pass-marks.js';
import { PreemptionCycle } from './preemption-cycle.js';
import { PriorityClasses } from './priority-classes.js';
import { QueueBands } from './queue-bands.js';
import { type QuotaCheck, limitsView } from './quotas.js';
import type { Reservations } from './reservations.js';
import { releasedResult, startedResult } from './result-shapes.js';
import { SchedulerStats } from './scheduler-stats.js';
import { TenantCandidates } from './tenant-candidates.js';
import { TenantLedger } from './tenant-ledger.js';
import { TimeHeap } from './time-heap.js';
import { Waiters } from './waiters.js';
import type {
  AllocationManagerOptions,
  JobRequest,
  JobStatus,
  JournalCommand,
  JournalEntry,
  JobView,
  ManagerMetrics,
  NodeMetrics,
  ManagerReleaseResult,
  QueuedReason,
  QueueView,
  ReservationView,
  RestoreOptions,
  QuotaSettings,
  QuotaShortfall,
  QuotaView,
  RejectCode,
  ReleaseOutcome,
  SubmitOptions,
  SubmitResult,
} from './types.js';

const OPTIONS = knownKeys(
  'AllocationManager option',
  ['nodes', 'capacity', 'pool', 'placement', 'precision', 'maxMetadataBytes', 'maxMetadataDepth', 'fairness', 'tenants', 'concurrency', 'priorityClasses', 'preemption', 'now', 'timers', 'history', 'maxQueued', 'maxQueuedPerTenant', 'backfillWindow', 'starvation', 'journal', 'heartbeat', 'idempotency'],
  'INVALID_OPTION',
);
/** Options that configure the pool the manager builds: refused alongside `pool`, handed over otherwise. */
const POOL_OPTIONS = ['nodes', 'capacity', 'placement', 'precision', 'maxMetadataBytes', 'maxMetadataDepth'] as const;
const STATUSES: readonly JobStatus[] = ['queued', 'running', 'completed', 'failed', 'cancelled', 'expired', 'preempted', 'rejected'];
const RELEASE_OUTCOMES: readonly ReleaseOutcome[] = ['completed', 'failed', 'preempted'];

/** The `available` and `required` of a queued answer that names no shortfall (one frozen object for all of them). */
const NO_RESOURCES: Resources = Object.freeze({});

/**
 * Who goes next, and what happens over time: queues per (tenant, priority class), a pluggable
 * fairness policy, backfill, concurrency caps, TTL, typed events — over a ResourcePool.
 */
export class AllocationManager {
  readonly #events = new DeferredEvents();
  readonly #pool: ResourcePool;
  readonly #books: PoolInternals;
  readonly #policy: FairnessPolicy;
  readonly #classes: PriorityClasses;
  readonly #ledger: TenantLedger;
  readonly #caps: Map<string, number>;
  readonly #runningByCategory = new Map<string, number>();
  readonly #now: () => number;
  readonly #timers: boolean;
  readonly #maxQueued: number;
  readonly #maxQueuedPerTenant: number;
  /** Queued jobs per tenant (tenants with none are kept at 0 until a sweep, see #countQueued). */
  readonly #queuedByTenant = new Map<string, number>();
  /** Entries of #queuedByTenant at 0. */
  #queuedTenantsAtZero = 0;
  readonly #backfillWindow: number;
  /**
   * The pool refuses a single-replica job only for want of room on a ready, eligible node — true
   * of every strategy but one with its own `select`, which may refuse a feasible node: only then
   * may blocking walks leave proofs (see RoomGrowth).
   */
  readonly #roomMissesOnly: boolean;
  /** Generated job ids (deterministic: a restored manager continues the sequence). */
  readonly #jobIds = new JobIds();
  /** Plain jobs' parsed pool requests, shared by the jobs that ask for the same (see SharedRequests). */
  readonly #sharedRequests = new SharedRequests();
  /** Live jobs (queued or running), in the order submitted (see JobTable). */
  readonly #live = new JobTable(this.#jobIds);
  /** Finished jobs, oldest first, at most `historyLimit`. */
  readonly #history: JobHistory;
  /** The job of each live allocation (see JobsByAllocation). */
  readonly #byAllocation: JobsByAllocation;
  readonly #bands: QueueBands;
  /** Running jobs by TTL; entries of jobs that ended or restarted are stale (checked on pop). */
  readonly #expiry = new TimeHeap<{ readonly job: JobRecord; readonly allocationId: string }>();
  /** Victims, their grace periods and back-offs, and the search for them. */
  readonly #preemption: PreemptionCycle;
  readonly #stats = new SchedulerStats();
  readonly #waiters = new Waiters();
  readonly #ended = new Map<JobStatus, number>(STATUSES.map((s) => [s, 0]));
  #totals = new Map<string, number>();
  #queued = 0;
  #sequence = 0;
  #decisions = 0;
  /** Counts changes that can open new preemption options (a start, a node, time, a quota). */
  #changes = 0;
  /** Counts the times held room came back (a scheduling pass's failed shapes may fit again). */
  #roomEpoch = 0;
  /** Starving heads whose defragmentation search found nothing, and the state (`changes:now`) it searched. */
  readonly #defragmentedInVain = new WeakMap<JobRecord, string>();
  /** `#serveBand`'s sets, kept empty between its calls (see there). */
  #spareShapes: ShapeMarks | undefined = new ShapeMarks();
  #spareQueues: QueueList | undefined = new QueueList();
  #spareLists: BandLists | undefined = new BandLists();
  /** Room held for waiting jobs (starvation reservations, preemption nominations). */
  readonly #held: Reservations;
  /** Heartbeats and offline times of the nodes. */
  readonly #health: NodeHealth;
  /** Nodes being drained or interrupted: their deadlines, and whether their emptiness was reported. */
  readonly #drains = new Drains();
  /** What the nodes cost and who paid (see cost-ledger.ts), fed at every start, end and node change. */
  readonly #costs: CostLedger;
  /** "Could it ever fit?" per request shape, without a walk over the nodes per submit. */
  readonly #fitWitnesses: FitWitnesses;
  /** Demand maps shared by jobs of one resource vector (see `#demandOf`). */
  readonly #demandByVector = new WeakMap<object, ReadonlyMap<string, number>>();
  /** The fairness policy's candidates, one object per queue, refreshed before each pick. */
  readonly #candidates: TenantCandidates;
  #timer: TimerHandle | undefined;
  #closed = false;
  /** The clock reading of the public call in progress (undefined between calls). */
  #current: number | undefined;
  /**
   * The last thing the call in progress did was a complete scheduling cycle (a submit runs one to
   * answer whether its job started): the call's closing cycle would find nothing to do, so it is
   * skipped. Any other step of a call clears it by not setting it.
   */
  #cycleDone = false;
  /**
   * Whether a submit when nothing waits starts its job without a cycle (`#startedDirectly`): only
   * under a built-in policy, whose pick among one candidate is that candidate (a custom policy is
   * asked as always). Off only in tests that compare the two paths.
   */
  #directStarts: boolean;
  /** Receives one entry per call that changed state (see `#record`). */
  readonly #journal: ((entry: JournalEntry) => void) | undefined;
  /** The first answers to `submit`'s idempotency keys. */
  readonly #idempotency: IdempotencyKeys;
  /** The journal position: the seq of the last entry written (or replayed, or in the snapshot restored). */
  #seq = 0;
  /** While a journal is replayed: the recorded time of the entry being applied. */
  #replayAt: number | undefined;
  /** The injected clock, checked and clamped so that the manager's time never goes backwards. */
  readonly #clockReader: MonotonicClock;

  constructor(input: AllocationManagerOptions = {}) {
    const options = plainOptions(input, 'the AllocationManager options');
    if (!isPlainRecord(options as unknown)) throw new FairpackError('INVALID_OPTION', `Expected AllocationManager options to be an object, got ${describeValue(options)}.`);
    checkKnownKeys(options, OPTIONS);
    if (options.pool !== undefined) {
      if (!(options.pool instanceof ResourcePool)) throw new FairpackError('INVALID_OPTION', `Expected \`pool\` to be a ResourcePool, got ${describeValue(options.pool)}.`, { option: 'pool' });
      for (const key of POOL_OPTIONS) {
        if (options[key] !== undefined) throw new FairpackError('INVALID_OPTION', `Expected \`${key}\` to be left out when \`pool\` is given, got both. Configure the pool itself.`, { option: key });
      }
      if (options.pool.allocations().length > 0 && !RESTORED_POOLS.has(options.pool)) throw new FairpackError('INVALID_OPTION', 'Expected `pool` to have no live allocations: the manager must own every allocation of its pool.', { option: 'pool' });
    }
    this.#now = options.now ?? (() => Date.now());
    if (typeof this.#now !== 'function') throw new FairpackError('INVALID_OPTION', `Expected \`now\` to be a function returning milliseconds, got ${describeValue(options.now)}.`, { option: 'now' });
    this.#clockReader = new MonotonicClock(this.#now, 'Nothing was changed');
    if (options.journal !== undefined && typeof options.journal !== 'function') {
      throw new FairpackError('INVALID_OPTION', `Expected \`journal\` to be a function taking one entry, got ${describeValue(options.journal)}.`, { option: 'journal' });
    }
    this.#journal = options.journal;
    this.#pool =
      options.pool ??
      new ResourcePool(
        ownCopy({
          ...Object.fromEntries(POOL_OPTIONS.filter((key) => options[key] !== undefined).map((key) => [key, options[key]])),
          now: () => this.#clock(),
        }),
      );
    this.#books = poolInternals(this.#pool);
    this.#byAllocation = new JobsByAllocation(this.#books);
    this.#roomMissesOnly = this.#books.strategy.select === undefined;
    this.#fitWitnesses = new FitWitnesses(this.#books);
    this.#costs = new CostLedger(this.#books.space.scale.factor);
    // a restore brings its own books; a node without a price needs no view (the views of every
    // node were a fifth of the construction of a manager over 10,000 nodes)
    if (!RESTORED_POOLS.has(this.#pool)) {
      for (const node of this.#books.nodes.values()) this.#costs.nodeAdded(node.costPerHour ? node.view(this.#books.space) : unpricedNode(node.id), null);
    }
    this.#policy = resolveFairnessPolicy(options.fairness);
    this.#directStarts = typeof options.fairness !== 'object';
    this.#classes = new PriorityClasses(options.priorityClasses);
    this.#ledger = new TenantLedger(createScale(this.#pool.precision), options.tenants, (name) => this.#classes.has(name));
    this.#candidates = new TenantCandidates(this.#ledger, () => this.#totals);
    const preemption = preemptionOption(options.preemption);
    this.#caps = concurrencyOption(options.concurrency);
    this.#timers = booleanOption(options.timers ?? options.now === undefined, 'timers');
    this.#history = new JobHistory(integerOption(options.history ?? 10_000, 'history', 0));
    this.#maxQueued = limitOption(options.maxQueued, 'maxQueued');
    this.#maxQueuedPerTenant = limitOption(options.maxQueuedPerTenant, 'maxQueuedPerTenant');
    this.#backfillWindow = integerOption(options.backfillWindow ?? 64, 'backfillWindow', 1);
    this.#health = new NodeHealth(heartbeatOption(options.heartbeat));
    this.#idempotency = new IdempotencyKeys(options.idempotency);
    this.#held = reservationsOption(options.starvation, this.#books, () => {
      // held room came back, or a preemptor's nomination lapsed: queues and searches look again
      this.#changes++;
      this.#roomEpoch++;
      this.#bands.unblockAll();
    });
    this.#bands = new QueueBands(this.#policy.ignoresPriority === true);
    this.#preemption = new PreemptionCycle(
      {
        pool: this.#pool,
        books: this.#books,
        bands: this.#bands,
        reservations: this.#held,
        ledger: this.#ledger,
        stats: this.#stats,
        events: this.#events,
        policy: this.#policy,
        backfillWindow: this.#backfillWindow,
        preemptingBands: new Set(this.#classes.list().flatMap((klass) => (klass.canPreempt ? [klass.value] : []))),
        clock: () => this.#clock(),
        changes: () => this.#changes,
        holdBack: (job) => this.#holdBack(job),
        quotaCheck: (job) => this.#quotaCheck(job),
        refreshParse: (job) => this.#refreshParse(job),
        requeue: (job, reason) => this.#requeue(job, reason),
      },
      preemption?.backoffMs,
    );
    this.#refreshTotals();
    // what fairpack/testing's checkers read: on the instance under a registry symbol, not on the type
    attachManagerInternals(this, {
      books: this.#books,
      preempts: this.#preemption.enabled && this.#policy.ignoresPriority !== true,
      now: () => this.#clock(),
      liveJobs: () => this.#live.values(),
      holdBack: (job) => this.#holdBack(job),
      heldRoom: () => this.#held.list(),
      promises: () => ({ jobs: this.#preemption.promisedJobs(), promisedOf: (tenant) => this.#ledger.promisedOf(tenant) }),
      withoutDirectStarts: () => {
        this.#directStarts = false;
      },
      tap: (event, listener) => this.#events.tap(event, listener),
      release: (allocationId, options) => this.#operationOn(this.#releaseUnanswered, allocationId, options, releaseEntry),
    });
    if (this.#health.enabled && !RESTORED_POOLS.has(this.#pool)) {
      // the nodes' timeouts count from the manager's start (a restore sets its own)
      const start = this.#clockReader.peek();
      for (const node of this.#books.nodes.values()) this.#health.watch(node.id, start, node.status);
      this.#armTimer(start);
    }
  }

  // ---- events ------------------------------------------------------------------------------------

  /** Listens to an event (see `AllocationManagerEvents`); listeners run after the state change. */
  on<E extends EventName>(event: E, listener: Listener<E>): this {
    this.#events.on(event, listener);
    return this;
  }

  once<E extends EventName>(event: E, listener: Listener<E>): this {
    this.#events.on(event, listener, true);
    return this;
  }

  off<E extends EventName>(event: E, listener: Listener<E>): this {
    this.#events.off(event, listener);
    return this;
  }

  // ---- jobs --------------------------------------------------------------------------------------

  /**
   * Places the job now, queues it, or rejects it. Bad input throws and changes nothing. With an
   * `idempotencyKey`, a retry of the same request within the window returns the first answer and
   * changes nothing (IDEMPOTENCY_KEY_REUSED for another request under the key).
   */
  submit(request: JobRequest, options?: SubmitOptions): SubmitResult {
    const key = idempotencyKeyOption(options);
    // no closures per call on this path (one call per decision): the change and the journal
    // entry are functions made once, handed the request
    if (key === undefined) return this.#operationOn(this.#submitPlain, request, undefined, submitEntry);
    // a request JSON cannot carry is refused by the submission itself, below
    const text = jsonText(request);
    const first = text === undefined ? undefined : this.#idempotency.answer(key, text, this.#replayAt ?? this.#clockReader.peek());
    if (first !== undefined) return first;
    return this.#operation(
      () => {
        const result = this.#submitParsed(this.#parseSubmission([request]))[0] as SubmitResult;
        this.#idempotency.keep(key, text as string, result, this.#current as number);
        return result;
      },
      (result) => ({ type: 'submit', requests: [asJson(request)], ids: [result.jobId], idempotencyKey: key }),
    );
  }

  /** Submits several jobs in order, as one operation (events after the last). */
  submitMany(input: readonly JobRequest[]): SubmitResult[] {
    if (!Array.isArray(input)) throw new FairpackError('INVALID_REQUEST', `Expected an array of job requests, got ${describeValue(input)}.`);
    // read once, by index: a hole is a request that is not one, not a request skipped
    const requests = readingInput('the job requests', 'INVALID_REQUEST', () => plainArray(input)) as JobRequest[];
    // every request is checked before any is submitted: one bad request changes nothing
    return this.#operation(
      () => this.#submitParsed(this.#parseSubmission(requests)),
      (results) => ({ type: 'submitMany', requests: requests.map(asJson), ids: results.map((r) => r.jobId) }),
    );
  }

  /**
   * Releases a running job's allocation (outcome `completed` by default) and drives the queue.
   * A preempted job in its grace period may also be released with outcome `preempted` (it stopped
   * early): it is re-queued at once, as when its grace period ends.
   */
  release(allocationId: string, options?: { readonly outcome?: ReleaseOutcome }): ManagerReleaseResult {
    return this.#operationOn(this.#releaseChange, allocationId, options, releaseEntry);
  }

  readonly #submitPlain = (request: JobRequest): SubmitResult => this.#submitOne(this.#parseOne(request));

  readonly #releaseChange = (allocationId: string, options: ReleaseOptions | undefined): ManagerReleaseResult => this.#releaseOne(allocationId, options, true) as ManagerReleaseResult;

  /** `release` for a caller that reads no answer (the simulator, through its internals). */
  readonly #releaseUnanswered = (allocationId: string, options: ReleaseOptions | undefined): void => void this.#releaseOne(allocationId, options, false);

  /** `release`'s change; with `answer` false, no answer is made (nor the job's view, unless a `released` listener takes it). */
  #releaseOne(allocationId: string, options: ReleaseOptions | undefined, answer: boolean): ManagerReleaseResult | undefined {
    // (no options object is made for a release without options: one per decision)
    const outcome = options === undefined ? 'completed' : (optionalChoice(callOptions(options, 'release', ['outcome']), 'outcome', 'release', RELEASE_OUTCOMES) ?? 'completed');
    const job = this.#jobOfAllocation(allocationId);
    if (job === undefined) {
      this.#pool.release(allocationId); // throws UNKNOWN_ALLOCATION or ALREADY_RELEASED with the pool's words
      throw new Error(`fairpack internal error: allocation ${allocationId} is live in the pool but has no job`);
    }
    const allocation = job.allocation as Allocation;
    if (outcome === 'preempted') {
      this.#preemption.evict(job);
    } else {
      this.#finish(job, outcome, outcome === 'failed' ? 'released as failed' : undefined);
    }
    // nothing left waiting (the job was not a victim whose eviction queues it again): the closing
    // cycle would find nothing to serve, hold, time out or settle
    if (this.#directStarts && this.#nothingWaits()) this.#cycleDone = true;
    const listened = this.#events.listens('released');
    if (!answer && !listened) {
      this.#events.allocationEnded(allocation);
      return undefined;
    }
    // one (frozen) view for the event and the answer: both show the job as it is now
    const view = jobView(job);
    if (listened) this.#events.defer('released', allocation, view);
    this.#events.allocationEnded(allocation);
    return answer ? releasedResult(view, allocation, allocation.resources) : undefined;
  }

  /** Cancels a queued or running job (a finished job is returned as it is). */
  cancel(jobId: string): JobView {
    // a finished job is returned as it is: no call that changes nothing runs a cycle (a replayed
    // journal, which has no entry for it, must see the same cycles)
    const known = this.#requireJob(jobId);
    if (known.status !== 'queued' && known.status !== 'running' && known.status !== 'preempted') return jobView(known);
    return this.#operation(
      () => {
        const job = this.#requireJob(jobId);
        if (job.status === 'queued' || job.status === 'running' || job.status === 'preempted') {
          this.#finish(job, 'cancelled', 'cancelled');
          this.#events.defer('cancelled', jobView(job));
        }
        return jobView(job);
      },
      () => ({ type: 'cancel', jobId }),
    );
  }

  /**
   * Resolves with the allocation once the job is placed. Rejects (FairpackError) when the job is
   * rejected, cancelled or ends before it starts, on `timeoutMs` or when `signal` aborts — and
   * then the job is taken out of the queue.
   */
  acquire(request: JobRequest, options?: { readonly signal?: AbortSignalLike; readonly timeoutMs?: number }): Promise<Allocation> {
    try {
      const { signal, timeoutMs } = callOptions(options, 'acquire', ['signal', 'timeoutMs']) as { readonly signal?: AbortSignalLike; readonly timeoutMs?: number };
      if (timeoutMs !== undefined && (typeof timeoutMs !== 'number' || Number.isNaN(timeoutMs) || timeoutMs < 0)) {
        throw new FairpackError('INVALID_OPTION', `Expected \`timeoutMs\` to be a number >= 0, got ${describeValue(timeoutMs)}.`, { option: 'timeoutMs' });
      }
      const looksLikeSignal = readingInput('the acquire signal', 'INVALID_OPTION', () => signal === undefined || (typeof signal === 'object' && signal !== null && typeof signal.addEventListener === 'function' && typeof signal.removeEventListener === 'function' && typeof signal.aborted === 'boolean'));
      if (!looksLikeSignal) throw new FairpackError('INVALID_OPTION', `Expected \`signal\` to be an AbortSignal, got ${describeValue(signal)}.`, { option: 'signal' });
      if (signal?.aborted === true) throw new FairpackError('ACQUIRE_ABORTED', 'The signal was already aborted; nothing was submitted.', {}, { cause: signal.reason });
      const result = this.submit(request);
      if (result.status === 'allocated') return Promise.resolve(result.allocation);
      if (result.status === 'rejected') throw new FairpackError('JOB_REJECTED', `Job ${result.jobId} was rejected: ${result.reason}`, { jobId: result.jobId, code: result.code });
      const { jobId } = result;
      return this.#waiters.wait(jobId, { signal, timeoutMs }, () => {
        if (this.#live.get(jobId)?.status === 'queued') this.cancel(jobId);
      });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  job(jobId: string): JobView | undefined {
    const job = this.#live.get(jobId) ?? this.#history.get(jobId);
    return job === undefined ? undefined : jobView(job);
  }

  /** Live jobs, then remembered finished ones; filter by status and tenant. */
  jobs(filter?: { readonly status?: JobStatus; readonly tenant?: string }): JobView[] {
    const options = callOptions(filter, 'jobs', ['status', 'tenant']);
    const status = optionalChoice(options, 'status', 'jobs', STATUSES);
    const tenant = optionalStringOption(options, 'tenant', 'jobs');
    const out: JobView[] = [];
    for (const source of [this.#live, this.#history]) {
      for (const job of source.values()) {
        if ((status === undefined || job.status === status) && (tenant === undefined || job.tenant === tenant)) out.push(jobView(job));
      }
    }
    return out;
  }

  allocations(filter?: { readonly tenant?: string }): Allocation[] {
    const tenant = optionalStringOption(callOptions(filter, 'allocations', ['tenant']), 'tenant', 'allocations');
    const out: Allocation[] = [];
    for (const job of this.#byAllocation.values()) if (tenant === undefined || job.tenant === tenant) out.push(job.allocation as Allocation);
    return out;
  }

  /** Non-empty queues, highest priority first, then tenant id. */
  queues(): QueueView[] {
    return this.#bands.views();
  }

  /**
   * Room held on nodes for waiting jobs, for whom and why: a starving job's reservation, or the
   * room a preemptor's victims free. It is each node's `reserved` (not `allocated`: no allocation
   * explains it), held against jobs of the waiting job's band and lower only.
   */
  reservations(): ReservationView[] {
    return this.#held.views();
  }

  setTenant(tenant: string, options: { readonly weight?: number }): void {
    requireTenant(tenant);
    if (options === undefined) throw new FairpackError('INVALID_OPTION', `Expected tenant options { weight? }, got ${describeValue(options)}.`, { tenant });
    const { weight } = callOptions(options, 'setTenant', ['weight']);
    // no weight: nothing to change, so no cycle and no journal entry
    if (weight === undefined) return;
    this.#operation(
      () => this.#ledger.setWeight(tenant, weight),
      () => ({ type: 'setTenant', tenant, weight: weight as number }),
    );
  }

  /** A tenant's quota (if any) and its current use. */
  quota(tenant: string): QuotaView {
    requireTenant(tenant);
    const quota = this.#ledger.quota(tenant);
    const behaviour = this.#ledger.behaviour(tenant);
    return Object.freeze({
      tenant,
      ...(quota === undefined ? {} : { limits: limitsView(quota, this.#books.space.scale) }),
      used: this.#ledger.usage(tenant),
      onExceed: behaviour.onExceed,
      burst: behaviour.burst,
      burstClasses: Object.freeze([...behaviour.burstClasses]),
    });
  }

  /**
   * Sets a tenant's quota at runtime (`null` removes it). Lowering it below current use evicts
   * nothing: new jobs of the tenant wait (or are rejected) until its use falls under the limit.
   */
  setQuota(tenant: string, quota: JobRequest['resources'] | null, settings?: QuotaSettings): QuotaView {
    return this.#operation(() => {
      requireTenant(tenant);
      const parsedSettings = callOptions(settings, 'setQuota', ['onExceed', 'burst', 'burstClasses']);
      readingInput('the quota', 'INVALID_OPTION', () => this.#ledger.setQuota(tenant, quota, { ...parsedSettings }));
      this.#changes++;
      this.#bands.unblockAll();
      return this.quota(tenant);
    }, () => ({ type: 'setQuota', tenant, quota: quota === null ? null : asJson(quota), settings: asJson(settings ?? {}) }));
  }

  /**
   * Sets (or with `undefined` removes) the cap on running jobs of a category, at once. Lowering it
   * stops nothing: running jobs finish, and new ones wait (reason `concurrency-limit`) until fewer
   * than `limit` run. Raising it starts what now may start, in this call.
   */
  setConcurrency(category: string, limit: number | undefined): void {
    this.#operation(() => {
      if (typeof category !== 'string' || category.length === 0) throw new FairpackError('INVALID_OPTION', `Expected a category (non-empty string), got ${describeValue(category)}.`, { option: 'category' });
      if (limit === undefined) this.#caps.delete(category);
      else this.#caps.set(category, integerOption(limit, `concurrency.${category}`, 0));
      this.#changes++;
      this.#bands.unblockAll();
    }, () => ({ type: 'setConcurrency', category, limit: limit ?? null }));
  }

  /** Each capped category's limit and running jobs (the `concurrency` option and `setConcurrency`). */
  concurrency(): Record<string, { readonly limit: number; readonly running: number }> {
    const out = Object.create(null) as Record<string, { readonly limit: number; readonly running: number }>;
    for (const [category, limit] of this.#caps) out[category] = Object.freeze({ limit, running: this.#runningByCategory.get(category) ?? 0 });
    return out;
  }

  // ---- cluster -----------------------------------------------------------------------------------

  capacity(): PoolCapacity {
    return this.#pool.capacity();
  }
  nodes(): NodeView[] {
    return this.#pool.nodes();
  }

  addNode(spec: NodeSpec): NodeView {
    return this.#operation(() => {
      const node = this.#pool.addNode(spec);
      this.#health.watch(node.id, this.#clock(), node.status);
      this.#costs.nodeAdded(node, this.#clock());
      this.#changes++;
      this.#refreshTotals();
      this.#bands.unblockAll();
      this.#events.defer('node:added', node);
      return node;
    }, () => ({ type: 'addNode', spec: asJson(spec) }));
  }

  /** Removes a node; with `force`, its jobs are re-queued at the head of their queues. */
  removeNode(id: string, options?: RemoveNodeOptions): NodeView {
    let force = false;
    return this.#operation(() => {
      const read = callOptions(options, 'removeNode', ['force']) as RemoveNodeOptions;
      force = read.force === true;
      // (the pool's record of the node, for the books kept by its slot: gone from the pool below)
      const state = this.#books.nodes.get(id);
      // held room is not an allocation: it never keeps a node from being removed
      const { node, evicted } = this.#pool.removeNode(id, read);
      this.#held.releaseNode(id);
      this.#health.forget(id);
      this.#drains.cancel(id);
      // (the pool let them go already: each is found through its job, whose id it carries)
      const displaced = evicted.map((allocation) => this.#live.get(allocation.jobId as string) as JobRecord);
      this.#health.reschedules += displaced.length;
      this.#requeueAll(displaced, `node ${id} was removed`);
      this.#costs.nodeRemoved(node.id, this.#clock());
      this.#preemption.nodeRemoved(state as NodeState);
      this.#refreshTotals();
      this.#events.defer('node:removed', node);
      return node;
    }, () => ({ type: 'removeNode', id, force }));
  }

  /**
   * Replaces a node's labels and/or taints (each given whole): new placements follow them, jobs
   * already there keep running. Emits `node:updated`. Throws `UNKNOWN_NODE`, `INVALID_NODE`.
   */
  updateNode(id: string, update: NodeUpdate): NodeView {
    return this.#operation(() => {
      const node = this.#pool.updateNode(id, update);
      // a node may now take jobs it could not (or the other way round): queues and searches look again
      this.#changes++;
      this.#bands.unblockAll();
      this.#events.defer('node:updated', node);
      return node;
    }, () => ({ type: 'updateNode', id, update: asJson(update) }));
  }

  /**
   * `offline` means failed: the node's jobs are re-queued at once. `draining` keeps them running.
   * A status set by hand stays until set again (a heartbeat does not bring back a node set offline);
   * a node set `ready` gets a fresh heartbeat timeout.
   */
  setNodeStatus(id: string, status: NodeStatus): NodeView {
    return this.#operation(() => {
      const node = this.#setStatus(id, status, 'set', (node) => `node ${node} went offline`);
      // ready or offline by hand ends a drain (and an interruption's notice); draining by hand is one
      if (status === 'draining') this.#drains.ensure(id);
      else this.#drains.cancel(id);
      return node;
    }, () => ({ type: 'setNodeStatus', id, status }));
  }

  /**
   * Drains a node: it takes no new jobs (status `draining`) while its jobs run to their end; once
   * nothing runs on it, `node:drained` says it can be removed. With `deadlineMs`, what still runs
   * then is re-queued at the head of its queue, as on a node failure, and the node stays draining.
   */
  drain(nodeId: string, options?: { readonly deadlineMs?: number }): NodeView {
    let deadlineMs: number | undefined;
    return this.#operation(() => {
      deadlineMs = durationOption(callOptions(options, 'drain', ['deadlineMs']), 'deadlineMs', 'drain', false);
      const node = this.#setStatus(nodeId, 'draining', 'drain', () => '');
      this.#drains.start(node.id, deadlineMs === undefined ? undefined : this.#clock() + deadlineMs, 'draining');
      if (deadlineMs === 0) this.#endDueDrains();
      return node;
    }, () => ({ type: 'drain', id: nodeId, deadlineMs: deadlineMs ?? null }));
  }

  /**
   * A spot (preemptible) instance is being reclaimed: the node drains at once, every job on it gets
   * an `interrupted` event with the deadline (time to checkpoint), jobs that end in time end
   * normally, and at the deadline the node goes `offline` and the rest are re-queued at the head of
   * their queues, their priority kept. A heartbeat does not bring an interrupted node back.
   */
  interruptNode(nodeId: string, options: { readonly noticeMs: number }): NodeView {
    let noticeMs = 0;
    return this.#operation(() => {
      noticeMs = durationOption(callOptions(options ?? {}, 'interruptNode', ['noticeMs']), 'noticeMs', 'interruptNode', true) as number;
      const node = this.#setStatus(nodeId, 'draining', 'interrupted', () => '');
      const deadline = this.#clock() + noticeMs;
      this.#drains.start(node.id, deadline, 'offline');
      for (const job of this.#jobsOn(node.id)) this.#events.defer('interrupted', Object.freeze({ job: jobView(job), allocation: job.allocation as Allocation, nodeId: node.id, deadline }));
      if (noticeMs === 0) this.#endDueDrains();
      return this.#books.nodes.get(node.id)?.view(this.#books.space) ?? node;
    }, () => ({ type: 'interruptNode', id: nodeId, noticeMs }));
  }

  /** Sets a node's status (the pool checks the id and the status), then what follows from it. */
  /** `offlineReason` is built from the node's id once the pool has checked it (an id may be anything, a Symbol included). */
  #setStatus(id: string, status: NodeStatus, reason: NodeStatusReason, offlineReason: (nodeId: string) => string): NodeView {
    const previous = this.#books.nodes.get(id)?.status;
    const node = this.#pool.setNodeStatus(id, status); // throws UNKNOWN_NODE, INVALID_NODE with the pool's words
    this.#health.statusSet(id, status, this.#clock());
    this.#statusChanged(node, previous as NodeStatus, reason, offlineReason(node.id));
    // read again: an offline node's allocations were released meanwhile
    return (this.#books.nodes.get(id) as NodeState).view(this.#books.space);
  }

  /** The running (and preempted) jobs with a placement on the node, in submission order: from the index preemption keeps, not a walk of every running job. */
  #jobsOn(nodeId: string): JobRecord[] {
    return this.#preemption.jobsOn(nodeId);
  }

  /** Deadlines of drains and interruptions that passed: what still runs there waits again; an interrupted node goes offline. */
  #endDueDrains(): void {
    for (const { nodeId, end } of this.#drains.due(this.#clock())) {
      const node = this.#books.nodes.get(nodeId);
      if (node === undefined) continue;
      if (end === 'offline') {
        this.#drains.cancel(nodeId);
        if (node.status !== 'offline') this.#setStatus(nodeId, 'offline', 'interrupted', (node) => `node ${node} was interrupted (spot reclaim): its notice ran out`);
      } else if (node.status === 'draining') {
        this.#evictAll(this.#jobsOn(nodeId), `node ${nodeId} was drained: its deadline passed`);
      }
    }
  }

  /** Jobs whose node is lost (or whose drain ran out) give back their room and wait again, first in line. */
  #evictAll(jobs: JobRecord[], reason: string): void {
    for (const job of jobs) this.#pool.release((job.allocation as Allocation).id);
    this.#health.reschedules += jobs.length;
    this.#requeueAll(jobs, reason);
  }

  /** Draining nodes on which nothing runs any more are reported once (`node:drained`): they can be removed. */
  #reportDrained(): void {
    for (const id of this.#drains.unreported()) {
      const node = this.#books.nodes.get(id);
      if (node === undefined || node.status !== 'draining' || node.allocationCount > 0) continue;
      this.#drains.markDrained(id);
      this.#events.defer('node:drained', node.view(this.#books.space));
    }
  }

  /**
   * Node `nodeId` is alive (the `heartbeat` option): its timeout starts again, and a node that went
   * offline because it was silent is back (`ready`, or `draining` if it was draining). A node set
   * offline by hand stays offline. Throws `HEARTBEATS_OFF` without the option, `UNKNOWN_NODE` for a
   * node the manager does not have.
   *
   * With `observed.running` (the allocation ids the node sees running), the books are reconciled
   * with the node: an allocation placed there that two heartbeats in a row leave out is released as
   * `failed` (reason `lost: …`); one reported that is not placed there is reported (`node:drift`),
   * never adopted.
   */
  heartbeat(nodeId: string, observed?: { readonly running?: readonly string[] }): NodeView {
    let running: string[] | undefined;
    return this.#operation(() => {
      this.#requireHeartbeats(`a heartbeat for ${describeValue(nodeId)}`);
      running = idListOption(callOptions(observed, 'heartbeat', ['running']), 'running', 'heartbeat');
      const node = typeof nodeId === 'string' ? this.#books.nodes.get(nodeId) : undefined;
      if (node === undefined) throw new FairpackError('UNKNOWN_NODE', `Expected the id of a node of this manager, got ${describeValue(nodeId)}. Add the node (addNode) before it sends heartbeats. Nothing was changed.`, { nodeId });
      const back = this.#health.beat(node.id, this.#clock());
      if (back !== undefined) this.#statusChanged(this.#pool.setNodeStatus(node.id, back), 'offline', 'heartbeat', '');
      if (running !== undefined) this.#reconcile(node.id, running);
      return node.view(this.#books.space);
    }, () => ({ type: 'heartbeat', id: nodeId, ...(running === undefined ? {} : { running }) }));
  }

  /** A node's report of what runs there against the books (see `heartbeat`). */
  #reconcile(nodeId: string, running: readonly string[]): void {
    const here = this.#jobsOn(nodeId);
    const { lost, unknown } = this.#health.reconcile(
      nodeId,
      here.map((job) => (job.allocation as Allocation).id),
      new Set(running),
    );
    for (const id of lost) {
      const job = here.find((one) => (one.allocation as Allocation).id === id) as JobRecord;
      const allocation = job.allocation as Allocation;
      this.#finish(job, 'failed', `lost: node ${nodeId} did not report it in ${LOST_AFTER} heartbeats in a row`);
      this.#events.defer('released', allocation, jobView(job));
      this.#events.allocationEnded(allocation);
    }
    if (lost.length > 0 || unknown.length > 0) this.#events.defer('node:drift', Object.freeze({ nodeId, lost: Object.freeze(lost), unknown: Object.freeze(unknown) }));
  }

  /**
   * Every node's heartbeat timeout counts from now at the earliest: the scheduler was away (paused,
   * restarted), so the silence until now is not the nodes'. `restore` does this itself, as a
   * journaled call, once it has replayed the journal. Throws `HEARTBEATS_OFF` without the option.
   */
  resumeHeartbeats(): void {
    this.#operation(
      () => {
        this.#requireHeartbeats('resumeHeartbeats()');
        this.#health.graceAll(this.#clock());
      },
      () => ({ type: 'resumeHeartbeats' }),
    );
  }

  #requireHeartbeats(what: string): void {
    if (this.#health.enabled) return;
    throw new FairpackError('HEARTBEATS_OFF', `Expected a manager built with the \`heartbeat\` option, got ${what} on one without it. Pass heartbeat: { timeoutMs } to new AllocationManager to watch node liveness. Nothing was changed.`);
  }

  /** After a node's status changed: an offline node's jobs wait again (`offlineReason`), a ready one opens the queues. */
  #statusChanged(node: NodeView, previous: NodeStatus, reason: NodeStatusReason, offlineReason: string): NodeView {
    this.#changes++;
    // the cause before its effects: node:status, then the jobs' queued events; a drain of a node
    // already draining changes its deadline, not its status (setNodeStatus reports every call)
    if (previous !== node.status || reason === 'set') this.#events.defer('node:status', node, Object.freeze({ previous, reason }));
    if (node.status === 'offline') this.#evictAll(this.#jobsOn(node.id), offlineReason);
    if (node.status === 'ready') this.#bands.unblockAll();
    return node;
  }

  /** Nodes silent past the heartbeat timeout at a tick go offline; their jobs wait again, first in line. */
  #timeOutSilentNodes(): void {
    if (!this.#health.enabled) return;
    const now = this.#clock();
    for (const id of this.#health.due(now)) {
      const previous = this.#books.nodes.get(id)?.status;
      if (previous === undefined || previous === 'offline') continue;
      this.#health.timedOut(id, previous, now);
      this.#statusChanged(this.#pool.setNodeStatus(id, 'offline'), previous, 'heartbeat-timeout', `node ${id} sent no heartbeat for ${this.#health.timeoutMs as number} ms`);
    }
  }

  // ---- time --------------------------------------------------------------------------------------

  /**
   * Processes what is due at now(): expires allocations past their TTL, ends grace periods and
   * back-offs of preempted jobs, looks again for preemptions; drives the queue.
   */
  tick(): { readonly expired: readonly string[] } {
    return this.#operation(() => {
      // time moved: running jobs may have left their minRuntimeMs exemption
      this.#changes++;
      this.#timeOutSilentNodes();
      this.#endDueDrains();
      return { expired: this.#expireDue() };
    }, () => ({ type: 'tick' }));
  }

  /** Expires allocations past their TTL now; returns the expired job ids (the seed's manual cleanup). */
  cleanupExpired(): string[] {
    return [...this.tick().expired];
  }

  // ---- snapshot and restore -----------------------------------------------------------------------

  /**
   * Everything that decides the manager's future, as plain JSON (it survives `JSON.stringify`):
   * settings, pool, jobs, queues in order, held room, preemption waves and timers, tenants,
   * counters, the memos of the cycle, and `seq`, the journal position it includes. Restore it with
   * `AllocationManager.restore`. Listeners, pending `acquire` promises and the timer are not state:
   * they belong to the process. See docs/durability.md.
   */
  snapshot(): ManagerSnapshot {
    const live = [...this.#live.values()];
    const config = {
      fairness: this.#policy.name,
      priorityClasses: this.#classes.list(),
      preemption: this.#preemption.enabled ? { backoffMs: this.#preemption.backoff } : (false as const),
      starvation: this.#held.afterMs === undefined ? (false as const) : { afterMs: this.#held.afterMs, ...(this.#held.defragment ? { defragment: true } : {}) },
      backfillWindow: this.#backfillWindow,
      history: this.#history.limit,
      maxQueued: this.#maxQueued === Infinity ? null : this.#maxQueued,
      maxQueuedPerTenant: this.#maxQueuedPerTenant === Infinity ? null : this.#maxQueuedPerTenant,
      concurrency: [...this.#caps],
    };
    const queues = [...this.#bands.all()].map((queue) => {
      const memo = this.#preemption.lookedThroughOf(queue);
      return { band: queue.band, tenant: queue.tenant, priority: queue.priority, jobs: [...queue.window(Infinity)].map((job) => job.id), blocked: queue.blocked, version: queue.version, ...(memo === undefined ? {} : { lookedThrough: { ...memo } }) };
    });
    const latest = this.#clockReader.latest;
    // built of fresh arrays and frozen parts only, every value plain JSON: no copy needed
    return {
      format: 'fairpack.snapshot',
      version: 1,
      seq: this.#seq,
      takenAt: latest === -Infinity ? 0 : latest,
      config,
      pool: this.#pool.snapshot(),
      clock: latest === -Infinity ? null : latest,
      counters: { sequence: this.#sequence, decisions: this.#decisions, changes: this.#changes, jobIds: this.#jobIds.state(), ended: [...this.#ended] },
      tenants: this.#ledger.snapshot(),
      jobs: live.map((job) => jobSnapshot(job, job.status === 'running' || job.status === 'preempted')),
      history: [...this.#history.values()].map((job) => jobSnapshot(job, false)),
      queues,
      reservations: this.#held.snapshot(),
      preemption: this.#preemption.snapshot(),
      expiry: this.#expiry.entries().map(({ at, item }) => [at, item.job.id, item.allocationId] as const),
      stats: this.#stats.state(),
      policy: this.#policy.snapshot?.() ?? null,
      nodeHealth: this.#health.snapshot(),
      drains: this.#drains.snapshot(),
      costs: this.#costs.snapshot(),
      idempotency: this.#idempotency.snapshot(),
    } as ManagerSnapshot;
  }

  /**
   * Builds a manager in exactly the state a snapshot recorded, then replays `options.entries` (the
   * journal after it): every view equal to the original's, and the same results for the same
   * further calls with the same clock (nodes, statuses, queue order, generated ids). `options`
   * carries what JSON cannot: the clock, timers, a custom strategy or policy given by the name the
   * snapshot records, the new journal. A snapshot that is not one throws `INVALID_SNAPSHOT` naming
   * the first problem, a journal with a gap, a repeat or an entry that does not apply
   * `INVALID_JOURNAL`; nothing is built either way.
   */
  static restore(snapshot: unknown, options: RestoreOptions = {}): AllocationManager {
    const state = readManagerSnapshot(snapshot);
    const { config } = state;
    const fairness = restoredPolicy(config.fairness, options.fairness);
    let manager: AllocationManager | undefined;
    const now = options.now ?? (() => Date.now());
    const cell: { manager?: AllocationManager } = {};
    let pool: ResourcePool;
    try {
      pool = ResourcePool.restore(state.pool, { now: AllocationManager.#poolClock(cell, now), ...(options.placement === undefined ? {} : { placement: options.placement }) });
    } catch (error) {
      throw underPath('pool', error);
    }
    RESTORED_POOLS.add(pool);
    try {
      manager = within('config', () =>
        new AllocationManager({
          pool,
          fairness,
          priorityClasses: config.priorityClasses,
          preemption: config.preemption,
          starvation: config.starvation,
          backfillWindow: config.backfillWindow,
          history: config.history,
          maxQueued: config.maxQueued ?? Infinity,
          maxQueuedPerTenant: config.maxQueuedPerTenant ?? Infinity,
          concurrency: Object.fromEntries(config.concurrency),
          heartbeat: state.nodeHealth?.timeoutMs == null ? false : { timeoutMs: state.nodeHealth.timeoutMs },
          ...(state.idempotency === undefined ? {} : { idempotency: { windowMs: state.idempotency.windowMs, maxKeys: state.idempotency.maxKeys } }),
          now,
          ...(options.timers === undefined ? (options.now === undefined ? {} : { timers: false }) : { timers: options.timers }),
          ...(options.journal === undefined ? {} : { journal: options.journal }),
        }),
      );
    } finally {
      RESTORED_POOLS.delete(pool);
    }
    const restored: AllocationManager = manager;
    cell.manager = restored;
    restored.#restoreState(state);
    restored.#replay(options.entries ?? [], state.seq);
    // the scheduler was away, not (necessarily) the nodes: every timeout counts from now at the
    // earliest — journaled, so that a later restore replaying this journal gives the same grace
    if (restored.#health.enabled) restored.resumeHeartbeats();
    restored.#armTimer(restored.#clockReader.latest === -Infinity ? 0 : restored.#clockReader.latest);
    return restored;
  }

  /**
   * The restored pool's clock: the caller's until the manager exists, then the manager's. Made here,
   * not in `restore`: a closure keeps its whole scope alive, and the pool keeps this one for good —
   * made in `restore`, it would keep the options (and the journal entries given there) with it.
   */
  static #poolClock(cell: { readonly manager?: AllocationManager }, now: () => number): () => number {
    return () => (cell.manager === undefined ? now() : cell.manager.#clock());
  }

  /** The rest of `restore`: a manager built with the snapshot's settings and pool takes back its state. */
  #restoreState(state: ManagerSnapshot): void {
    if (state.clock !== null) this.#clockReader.commit(state.clock);
    this.#seq = state.seq;
    within('idempotency', () => this.#idempotency.restore(state.idempotency));
    const { counters } = state;
    this.#sequence = counters.sequence;
    this.#decisions = counters.decisions;
    this.#changes = counters.changes;
    this.#jobIds.restore(counters.jobIds);
    for (const [status, count] of counters.ended) this.#ended.set(status, count);
    // no closure here may use `state` itself: V8 keeps one scope for all of them, and one that is
    // kept (such as `find`) would keep the whole snapshot alive as long as the manager lives
    const { tenants } = state;
    within('tenants', () => this.#ledger.restore(tenants));
    // Each holding job holds a live allocation whose jobId is its id, and live job ids are unique:
    // so holders and the allocations they hold pair one to one, and when there are as many holders
    // as live allocations, every allocation's holder is the live job its jobId names — no map of
    // holders needed (a restore of 100,000 jobs spends its time in such maps).
    let holders = 0;
    // one path closure per list, reading the index of the job being rebuilt (called only to throw)
    let at = 0;
    const jobPath = (): string => `jobs[${at}]`;
    for (; at < state.jobs.length; at++) {
      const job = this.#restoredJob(state.jobs[at], jobPath, true);
      if (this.#live.has(job.id)) throw invalidSnapshot(jobPath, `job "${job.id}" is listed twice`);
      if (job.status === 'running' || job.status === 'preempted') holders++;
      this.#live.add(job);
    }
    const historyPath = (): string => `history[${at}]`;
    for (at = 0; at < state.history.length; at++) {
      const job = this.#restoredJob(state.history[at], historyPath, false);
      if (this.#live.has(job.id)) throw invalidSnapshot(historyPath, `job "${job.id}" is also live`);
      if (this.#history.get(job.id) !== undefined) throw invalidSnapshot(historyPath, `job "${job.id}" is listed twice`);
      this.#history.add(job);
    }
    if (holders !== this.#books.live.size) throw invalidSnapshot('pool.allocations', `${this.#books.live.size} live allocations, but ${holders} running jobs hold one`);
    // in the pool's order, which is the order they started in (allocations() lists them so)
    for (const id of this.#books.live.keys()) {
      const allocation = this.#pool.allocation(id) as Allocation;
      const job = this.#live.get(allocation.jobId as string) as JobRecord;
      this.#byAllocation.add(job, allocation);
      this.#charge(job, 1);
      if (job.category !== undefined) this.#runningByCategory.set(job.category, (this.#runningByCategory.get(job.category) ?? 0) + 1);
      this.#preemption.started(job);
    }
    state.queues.forEach((q, i) => {
      const queue = this.#bands.restoreQueue(q.band, q.tenant, q.priority);
      for (const id of q.jobs) {
        const job = this.#live.get(id);
        if (job === undefined || job.status !== 'queued' || job.queue !== undefined || job.band !== q.band || job.tenant !== q.tenant) {
          throw invalidSnapshot(`queues[${i}].jobs`, `"${id}" is not a queued job of tenant "${q.tenant}" in band ${q.band}, or is in two queues`);
        }
        queue.push(job);
        this.#countQueued(job, 1);
      }
      queue.blocked = q.blocked;
      queue.version = q.version;
      if (q.lookedThrough !== undefined) this.#preemption.restoreLookedThrough(queue, q.lookedThrough);
    });
    for (const job of this.#live.values()) if (job.status === 'queued' && job.queue === undefined) throw invalidSnapshot('queues', `queued job "${job.id}" is in no queue`);
    const scale = this.#books.space.scale;
    this.#held.restore(state.reservations, this.#live, (name, amount, path) => within(path, () => toScaled(amount, name, scale, path)));
    const find = this.#findJob;
    this.#preemption.restore(state.preemption, find);
    this.#ledger.settleIdle();
    for (const [at, jobId, allocationId] of state.expiry) this.#expiry.push(at, { job: find(jobId) ?? STALE_JOB, allocationId });
    this.#stats.restore(state.stats);
    this.#policy.restore?.(state.policy);
    if (state.nodeHealth !== undefined) {
      state.nodeHealth.nodes.forEach(([id], i) => {
        if (!this.#books.nodes.has(id)) throw invalidSnapshot(`nodeHealth.nodes[${i}][0]`, `"${id}" is not a node of the pool`);
      });
      state.nodeHealth.missed.forEach(([id], i) => {
        if (!this.#books.nodes.has(id)) throw invalidSnapshot(`nodeHealth.missed[${i}][0]`, `"${id}" is not a node of the pool`);
      });
      this.#health.restore(state.nodeHealth);
    }
    (state.drains ?? []).forEach(([id], i) => {
      if (!this.#books.nodes.has(id)) throw invalidSnapshot(`drains[${i}][0]`, `"${id}" is not a node of the pool`);
    });
    this.#drains.restore(state.drains ?? []);
    this.#refreshTotals();
    // a snapshot from before costs were kept: the books start at its clock
    const { costs } = state;
    if (costs === undefined) this.#costs.restoreWithout(state.clock, this.#pool.nodes(), this.#pool.allocations());
    else this.#costs.restore(costs, this.#pool.nodes(), { get: (id) => this.#pool.allocation(id), size: this.#books.live.size, ids: () => this.#books.live.keys() });
    // each running job keeps its ledger entry (see OpenCosts)
    for (const job of this.#byAllocation.values()) job.costs = this.#costs.claim(job.allocation as Allocation);
    this.#costs.claimsDone();
  }

  /** The running (or preempted) job holding the live allocation with this id (see JobsByAllocation). */
  #jobOfAllocation(id: unknown): JobRecord | undefined {
    return this.#byAllocation.byId(id);
  }

  /** A live or remembered job by id (for the parts of a snapshot that name jobs). */
  readonly #findJob = (id: string): JobRecord | undefined => this.#live.get(id) ?? this.#history.get(id);

  /** One job back from its snapshot: parsed again from its request, then put where it stood. */
  #restoredJob(raw: unknown, path: () => string, live: boolean): JobRecord {
    const snapshot = readJobSnapshot(raw, path);
    if (isPlainRecord(snapshot.request) && snapshot.request['id'] === undefined) throw invalidSnapshot(() => `${path()}.request.id`, 'expected a job id');
    let parsed: ParsedJobRequest;
    try {
      parsed = parseJobRequest(snapshot.request, this.#classes, this.#books, NO_GENERATED_ID);
    } catch (error) {
      throw snapshotError(() => `${path()}.request`, error);
    }
    // a snapshot's ids are all in use (the id sequence was restored first)
    this.#jobIds.noteChosen(parsed.id);
    const job = this.#newJob(parsed, snapshot.sequence, snapshot.submittedAt);
    job.status = snapshot.status;
    job.queuedSince = snapshot.queuedSince;
    job.startedAt = snapshot.startedAt;
    job.endedAt = snapshot.endedAt;
    job.expiresAt = snapshot.expiresAt;
    job.reason = snapshot.reason;
    job.burst = snapshot.burst;
    job.preemptedBy = snapshot.preemptedBy;
    job.graceEndsAt = snapshot.graceEndsAt;
    job.backoffUntil = snapshot.backoffUntil;
    job.nominatedNode = snapshot.nominatedNode;
    job.preemptionCheckedAt = snapshot.preemptionCheckedAt;
    job.restarts = snapshot.restarts ?? 0;
    const holds = job.status === 'running' || job.status === 'preempted';
    if (live !== (holds || job.status === 'queued')) throw invalidSnapshot(() => `${path()}.status`, `a ${live ? 'live' : 'finished'} job cannot be "${job.status}"`);
    if (holds) {
      const allocation = snapshot.allocationId === undefined ? undefined : this.#pool.allocation(snapshot.allocationId);
      if (allocation === undefined || allocation.jobId !== job.id) throw invalidSnapshot(() => `${path()}.allocationId`, `job "${job.id}" holds no live allocation of its own`);
      job.allocation = allocation;
    } else if (snapshot.allocation !== undefined) {
      job.allocation = deepFreeze(asJson(snapshot.allocation));
    }
    return job;
  }

  /** Applies journal entries after a snapshot, each at its recorded time (see `restore`). */
  #replay(entries: readonly JournalEntry[], after: number): void {
    if (!Array.isArray(entries)) throw new FairpackError('INVALID_JOURNAL', `Expected \`entries\` to be an array of journal entries, got ${describeValue(entries)}.`);
    let expected = after + 1;
    for (const [i, entry] of entries.entries()) {
      if (typeof entry !== 'object' || entry === null || entry.seq !== expected || typeof entry.at !== 'number' || !Number.isFinite(entry.at)) {
        throw new FairpackError('INVALID_JOURNAL', `Expected journal entry ${i} to be { seq: ${expected}, at: <finite ms>, type, … }, got ${describeValue(entry)}${typeof entry === 'object' && entry !== null ? ` with seq ${String(entry.seq)}` : ''}. A gap or a repeat means entries were lost or doubled: restore from the journal as written. Nothing was restored.`, { index: i, expected });
      }
      this.#replayAt = entry.at;
      try {
        applyEntry(this, entry);
      } catch (error) {
        throw new FairpackError('INVALID_JOURNAL', `Journal entry ${i} (seq ${entry.seq}, ${String(entry.type)}) does not apply to the state before it: ${error instanceof Error ? error.message : String(error)} Nothing was restored.`, { index: i, seq: entry.seq }, { cause: error });
      } finally {
        this.#replayAt = undefined;
      }
      if (this.#seq !== entry.seq) throw new FairpackError('INVALID_JOURNAL', `Journal entry ${i} (seq ${entry.seq}, ${String(entry.type)}) changed nothing when replayed: the journal does not belong to this snapshot. Nothing was restored.`, { index: i, seq: entry.seq });
      expected++;
    }
  }

  /**
   * Applies journal entries that another manager with the same history wrote — a leader's, to a
   * follower's copy (docs/high-availability.md) — each at its recorded time, emitting the events
   * they cause. They must continue this manager's journal: the first has `seq` = `journalSeq()` + 1.
   * Meant for a manager that makes no changes of its own (no timers, no calls). Throws
   * INVALID_JOURNAL at a gap or at an entry that does not apply; the entries before it stay
   * applied, so rebuild the copy from the store then.
   */
  replay(entries: readonly JournalEntry[]): void {
    this.#replay(entries, this.#seq);
  }

  /** The journal position: the seq of the last entry this manager wrote or applied (0 before any). */
  journalSeq(): number {
    return this.#seq;
  }

  /** Stops the timer and rejects pending `acquire` calls; later submissions throw MANAGER_CLOSED. */
  close(): void {
    this.#closed = true;
    if (this.#timer !== undefined) host.clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const jobId of this.#waiters.jobs()) {
      this.#waiters.reject(jobId, () => new FairpackError('MANAGER_CLOSED', `The manager was closed while job ${jobId} waited; the job was cancelled.`, { jobId }));
      // nobody waits for it any more: it must not start later and hold room nobody releases
      if (this.#live.get(jobId)?.status === 'queued') this.cancel(jobId);
    }
  }

  metrics(): ManagerMetrics {
    const capacity = this.#pool.capacity();
    const utilisation = Object.fromEntries(Object.entries(capacity.total).map(([name, total]) => [name, total === 0 ? 0 : (capacity.allocated[name] ?? 0) / total]));
    const jobs = Object.fromEntries(STATUSES.map((s) => [s, this.#ended.get(s) ?? 0])) as Record<JobStatus, number>;
    let preempted = 0;
    // tenant and class names are the user's: counted in Maps, output with fromEntries (a tenant
    // called "__proto__" or "constructor" is an own key like any other, never a prototype)
    const depth = new Map<string, Map<string, number>>();
    for (const job of this.#live.values()) {
      if (job.status === 'preempted') preempted++;
      if (job.status !== 'queued') continue;
      let byClass = depth.get(job.tenant);
      if (byClass === undefined) depth.set(job.tenant, (byClass = new Map()));
      byClass.set(job.priority, (byClass.get(job.priority) ?? 0) + 1);
    }
    jobs.queued = this.#queued;
    jobs.preempted = preempted;
    jobs.running = this.#byAllocation.size - preempted;
    const queueDepth = Object.fromEntries([...depth].map(([tenant, byClass]) => [tenant, Object.fromEntries(byClass)]));
    const tenants = Object.fromEntries(
      [...new Set([...this.#ledger.tenants(), ...depth.keys()])].map((tenant) => {
        let queued = 0;
        for (const count of depth.get(tenant)?.values() ?? []) queued += count;
        return [tenant, { usage: this.#ledger.usage(tenant), dominantShare: this.#ledger.dominantShare(tenant, this.#totals), weight: this.#ledger.weight(tenant), queued, running: this.#ledger.running(tenant) }];
      }),
    );
    return Object.freeze({
      jobs,
      queued: this.#queued,
      running: jobs.running,
      capacity,
      utilisation,
      tenants,
      decisions: this.#decisions,
      packingEfficiency: this.#packingEfficiency(),
      preemptions: this.#stats.preemptions(),
      quotaRejections: this.#stats.quotaRejections(),
      queueDepth,
      schedulingLatency: this.#stats.schedulingLatency(),
      nodes: this.#nodeMetrics(),
    });
  }

  /**
   * What the nodes cost over a window and who paid, exactly, in micro-units of `costPerHour`'s
   * currency (see docs/costs-and-scaling.md). A read: it never consults the clock — `to` defaults
   * to the latest reading the manager committed. Bad options throw INVALID_OPTION.
   */
  costs(options?: CostOptions): CostReport {
    return this.#costs.report(callOptions(options, 'costs', ['from', 'to', 'top']), this.#clockReader.latest);
  }

  // ---- scaling and defragmentation ----------------------------------------------------------------

  /**
   * What to add and what to remove (docs/costs-and-scaling.md): the cheapest new nodes, of the
   * given types, that hold every waiting job the cluster has no room for; idle and underutilised
   * nodes that can go. fairpack calls no cloud: this says what to call. A read — no state change,
   * no journal entry, and no clock: idleness is measured against `options.now`, else the latest
   * reading the manager committed. Bad options throw INVALID_OPTION.
   */
  scalingAdvice(options: ScalingOptions): ScalingAdvice {
    const parsed = parseScalingOptions(options, this.#books.space);
    const latest = this.#clockReader.latest;
    if (parsed.now !== undefined && parsed.now < latest) {
      throw new FairpackError('INVALID_OPTION', `Expected \`now\` of scalingAdvice() to be at least the manager's latest clock reading (${latest}), got ${parsed.now}: idleness cannot be measured before what the manager has seen. Leave it out to use that reading.`, { option: 'now' });
    }
    const now = parsed.now ?? (latest === -Infinity ? 0 : latest);
    const cluster: ScalingCluster = {
      ...this.#planningCluster(now),
      pending: this.#pendingForRoom(now),
      activity: this.#costs.activity(),
      price: (node) => microsPerHour(node.costPerHour),
    };
    return scalingAdvice(cluster, parsed);
  }

  /**
   * The fewest moves (restarts) of running jobs that make room for `options.for` on one node
   * (`{ moves, fits }`), or, without it, that empty whole nodes (`{ moves, frees }`). Only jobs a
   * preemption could also take are moved (one replica, preemptible class, past `minRuntimeMs`,
   * at most `priorityAtMost`). A read: nothing changes until `applyDefragmentation(plan)`.
   */
  planDefragmentation(options?: DefragmentationOptions): DefragmentationPlan {
    const read = callOptions(options, 'planDefragmentation', ['for', 'maxMoves', 'priorityAtMost']);
    const maxMoves = read['maxMoves'] === undefined ? 10 : integerOption(read['maxMoves'], 'maxMoves', 0);
    if (maxMoves > MAX_PLANNED_MOVES) throw new FairpackError('INVALID_OPTION', `Expected \`maxMoves\` of planDefragmentation() to be at most ${MAX_PLANNED_MOVES}, got ${maxMoves}.`, { option: 'maxMoves' });
    const priorityAtMost = read['priorityAtMost'] === undefined ? undefined : this.#classes.resolve(read['priorityAtMost']).value;
    const latest = this.#clockReader.latest;
    const cluster = this.#planningCluster(latest === -Infinity ? 0 : latest);
    if (read['for'] === undefined) return planFreeNodes(cluster, maxMoves, priorityAtMost);
    const probe = parseJobRequest(read['for'], this.#classes, this.#books, () => 'defragmentation');
    if (probe.request.replicas !== 1) throw new FairpackError('INVALID_OPTION', `Expected \`for\` of planDefragmentation() to ask for one replica, got ${probe.request.replicas}. Plan for one replica at a time.`, { option: 'for' });
    return planRoomFor(cluster, probe.request, maxMoves, priorityAtMost);
  }

  /**
   * Carries out a plan of `planDefragmentation` (or of `scalingAdvice`'s `remove[].moves`) as one
   * atomic, journaled call: each moved job's allocation is released and a new one made on its
   * target (event `migrated`; the job's `restarts` counts it; its TTL still ends when it did).
   * A plan the cluster no longer matches — a job gone or moved, a target not ready or without the
   * room, a job that may not be moved — throws STALE_PLAN and changes nothing.
   */
  applyDefragmentation(plan: Pick<DefragmentationPlan, 'moves'>): { readonly migrated: readonly MigrationResult[] } {
    const moves = readDefragmentationPlan(plan);
    if (moves.length === 0) return Object.freeze({ migrated: Object.freeze([]) });
    return this.#operation(
      () => Object.freeze({ migrated: Object.freeze(this.#migrate(moves)) }),
      () => ({ type: 'applyDefragmentation', moves: moves.map((move) => ({ ...move })) }),
    );
  }

  /** The planners' view: nodes in node order, the jobs on each (parsed against today's dimensions). */
  #planningCluster(now: number): PlanningCluster {
    return {
      nodes: [...this.#books.nodes.values()].sort((a, b) => a.order - b.order),
      jobsOn: (nodeId) => {
        const jobs = this.#jobsOn(nodeId);
        for (const job of jobs) this.#refreshParse(job);
        return jobs;
      },
      now,
    };
  }

  /** Queued jobs only room keeps waiting (no cap, quota, back-off or preemption under way), in the order bands serve them. */
  #pendingForRoom(now: number): JobRecord[] {
    const pending: JobRecord[] = [];
    for (const job of this.#live.values()) {
      if (job.status !== 'queued' || job.nominatedNode !== undefined) continue;
      if (job.backoffUntil !== undefined && job.backoffUntil > now) continue;
      if (job.category !== undefined && (this.#runningByCategory.get(job.category) ?? 0) >= (this.#caps.get(job.category) ?? Infinity)) continue;
      if (!this.#quotaCheck(job).ok) continue;
      this.#refreshParse(job);
      pending.push(job);
    }
    return pending.sort((a, b) => b.band - a.band || a.sequence - b.sequence);
  }

  /** Checks every move against the books (in order, each seeing the room the earlier ones free and take), then makes them. */
  #migrate(moves: readonly Migration[]): MigrationResult[] {
    const now = this.#clock();
    const room = new Map<NodeState, Float64Array>();
    const freeOf = (node: NodeState): Float64Array => {
      let free = room.get(node);
      if (free === undefined) room.set(node, (free = Float64Array.from(node.free)));
      return free;
    };
    const seen = new Set<string>();
    const checked = moves.map((move, index) => {
      const stale = (why: string): FairpackError =>
        new FairpackError('STALE_PLAN', `Expected a plan the cluster still matches, got one whose move ${index} (job ${JSON.stringify(move.jobId)} from "${move.from}" to "${move.to}") no longer applies: ${why}. Nothing was moved; plan again.`, { index, jobId: move.jobId });
      const job = this.#jobOfAllocation(move.allocationId);
      if (job === undefined || job.id !== move.jobId) throw stale(`allocation ${JSON.stringify(move.allocationId)} is not that job's live allocation`);
      if (seen.has(job.id)) throw stale('the job is moved twice');
      seen.add(job.id);
      const allocation = job.allocation as Allocation;
      if (allocation.placements.length !== 1 || allocation.placements[0]?.nodeId !== move.from) throw stale(`the job is not (only) on node "${move.from}"`);
      if (!isMovable(job, now, undefined)) throw stale('the job may not be moved (it must be running, of one replica and a preemptible class, past its minRuntimeMs)');
      const from = this.#books.nodes.get(move.from) as NodeState;
      const to = this.#books.nodes.get(move.to);
      if (to === undefined || to === from) throw stale(`"${move.to}" is not another node of the cluster`);
      this.#refreshParse(job);
      if (!isEligible(to, job.parsed)) throw stale(`node "${move.to}" is not ready, or its labels, taints or spot kind do not allow the job`);
      const { nonZero, amounts } = job.parsed.dense;
      const target = freeOf(to);
      for (const d of nonZero) if ((amounts[d] as number) > (target[d] as number)) throw stale(`node "${move.to}" has not the room (${this.#books.space.dimensions[d]})`);
      const source = freeOf(from);
      for (const d of nonZero) {
        target[d] = (target[d] as number) - (amounts[d] as number);
        source[d] = (source[d] as number) + (amounts[d] as number);
      }
      return { job, to };
    });
    return checked.map(({ job, to }) => {
      const previous = job.allocation as Allocation;
      this.#pool.release(previous.id);
      this.#byAllocation.drop(job);
      if (job.costs !== undefined) this.#costs.released(job.costs, now);
      this.#preemption.stopped(job);
      const allocation = this.#books.commitPlacement(job.parsed, [to], { createdAt: now, jobId: job.id, ...(job.expiresAt === undefined ? {} : { expiresAt: job.expiresAt }) });
      job.startedAt = now;
      job.restarts++;
      this.#byAllocation.add(job, allocation);
      job.costs = this.#costs.allocated(allocation, now, job.nodes);
      this.#preemption.started(job);
      if (job.expiresAt !== undefined) this.#expiry.push(job.expiresAt, { job, allocationId: allocation.id });
      this.#changes++;
      this.#bands.unblockAll();
      const from = (previous.placements[0] as Allocation['placements'][number]).nodeId;
      this.#events.defer('migrated', Object.freeze({ job: jobView(job), previous, allocation, from, to: to.id }));
      return Object.freeze({ jobId: job.id, from, to: to.id, previousAllocationId: previous.id, allocationId: allocation.id });
    });
  }

  #nodeMetrics(): NodeMetrics {
    const byStatus: Record<NodeStatus, number> = { ready: 0, draining: 0, offline: 0 };
    for (const node of this.#books.nodes.values()) byStatus[node.status]++;
    const health = this.#health;
    const timeoutMs = health.timeoutMs;
    return Object.freeze({
      byStatus,
      offlineSince: Object.fromEntries(health.offline()),
      drained: this.#drains.drained().filter((id) => this.#books.nodes.get(id)?.status === 'draining'),
      reschedules: health.reschedules,
      lostAllocations: health.lost,
      unknownAllocations: health.unknown,
      ...(timeoutMs === undefined ? {} : { heartbeat: { timeoutMs, silentSince: health.silentSince((id) => this.#books.nodes.get(id)?.status !== 'offline') } }),
    });
  }

  /** Mean over non-empty nodes of the node's mean utilisation across its dimensions. */
  #packingEfficiency(): number {
    let sum = 0;
    let used = 0;
    for (const node of this.#books.nodes.values()) {
      if (node.allocationCount === 0) continue;
      let share = 0;
      let dims = 0;
      for (const d of node.group.dims) {
        const cap = node.capacity[d] as number;
        if (cap <= 0) continue;
        share += (cap - (node.free[d] as number) - (node.reserved[d] as number)) / cap;
        dims++;
      }
      sum += dims === 0 ? 0 : share / dims;
      used++;
    }
    return used === 0 ? 0 : sum / used;
  }

  // ---- the scheduling cycle ------------------------------------------------------------------------

  /**
   * Serves bands from the highest priority down. Every pass first gives all held room back, then
   * per band: its reservations (placed where their node now has room, or holding what is free),
   * then its queues — the policy picks among the tenants whose queues are not blocked; the picked
   * queue's backfill window is tried in order; a placement asks the policy again, a miss blocks
   * the queue until room frees — then its preemptions. So room held for a lower band, and the
   * victims a lower band could evict, are a higher band's first. Blocked queues are skipped, so a
   * decision costs O(tenants + window), not O(queued jobs).
   */
  #schedule(): void {
    // (a queue that empties in the cycle is parked when it ends: see QueueBands)
    this.#bands.beginPass();
    try {
      this.#cycle();
    } finally {
      this.#bands.endPass();
    }
  }

  #cycle(): void {
    this.#preemption.endGracePeriods();
    /** Starving heads a defragmentation was tried for in this cycle (once each). */
    let defragmented: Set<JobRecord> | undefined;
    // each pass that goes round again either marked a running job preempted, reserved a node
    // for a starving head that had none, or moved jobs for a starving head not tried before in
    // this cycle: passes are finite
    for (;;) {
      const bands = this.#bandsToServe();
      // the first band served keeps its holds over this step when it can (see Reservations.releaseAll)
      this.#held.releaseAll(bands.length > 0 ? (bands[0] as number) : -Infinity);
      let preempted = false;
      for (const band of bands) {
        this.#serveReservations(band);
        this.#serveBand(band);
        if (this.#preemption.preempt(band)) {
          preempted = true;
          // the new nominees hold their room before any lower band is served
          this.#serveReservations(band);
        }
      }
      const moved = this.#held.defragment && this.#defragmentForStarving((defragmented ??= new Set()));
      // (the heads are listed only when a starvation bound may reserve for them)
      const reserved = !moved && this.#held.afterMs !== undefined && this.#bands.someHead(this.#mayReserve) && this.#held.consider(this.#bands.heads(), this.#clock(), this.#canStart);
      this.#preemption.settleWaves();
      if (!preempted && !reserved && !moved) return;
      this.#preemption.endGracePeriods();
    }
  }

  /**
   * `starvation: { defragment: true }`: a queue head that has waited past the starvation bound
   * (one replica, nothing but room holding it back, no preemption under way) gets the fewest moves
   * (at most STARVATION_MOVES) of running jobs of its own class or lower that make room for it on
   * one node — made at once, so that the next pass places it — rather than a node's room held
   * until enough frees. Tried once per head per cycle; true when jobs were moved.
   */
  #defragmentForStarving(tried: Set<JobRecord>): boolean {
    const now = this.#clock();
    const afterMs = this.#held.afterMs as number;
    for (const job of this.#bands.heads()) {
      if (tried.has(job) || job.replicas !== 1 || job.nominatedNode !== undefined || now - job.queuedSince < afterMs || !this.#canStart(job)) continue;
      tried.add(job);
      // nothing changed and no time passed since a search in vain: it would be in vain again (the
      // memo is a pure cache — a restored manager without it searches and finds the same nothing)
      const key = `${this.#changes}:${now}`;
      if (this.#defragmentedInVain.get(job) === key) continue;
      this.#refreshParse(job);
      const plan = planRoomFor(this.#planningCluster(now), job.parsed, STARVATION_MOVES, job.klass.value, STARVATION_SUBSETS);
      if (plan.fits === null || plan.moves.length === 0) {
        this.#defragmentedInVain.set(job, key);
        continue;
      }
      this.#migrate(plan.moves);
      return true;
    }
    return false;
  }

  /** Bands with queues or reservations, highest first. */
  #bandsToServe(): number[] {
    const order = this.#bands.bandOrder();
    // the order is never changed in place (a new band makes a new one): it may be walked as is
    if (this.#held.size === 0 || !this.#held.hasBandOutside(order)) return order as number[];
    // the bands with queues (highest first) and those with reservations, merged: a few bands,
    // and this runs every pass while anything is held
    const bands = this.#held.bands();
    const out: number[] = [];
    for (const band of order) {
      out.push(band);
      bands.delete(band);
    }
    if (bands.size === 0) return out;
    for (const band of bands) out.push(band);
    return out.sort((a, b) => b - a);
  }

  /** A band's reserved and nominated jobs take the room free on their node before anyone else of the band may. */
  #serveReservations(band: number): void {
    if (this.#held.size === 0) return;
    this.#held.refreshParses(this.#refreshParseOf);
    this.#held.serveBand(band, this.#stamp, this.#begin, this.#canStart, this.#waveOver, this.#roomFreedFor);
  }

  readonly #refreshParseOf = (job: JobRecord): void => this.#refreshParse(job);
  readonly #mayReserve = (job: JobRecord): boolean => this.#held.mayReserve(job, this.#clock());
  readonly #waveOver = (job: JobRecord): boolean => this.#preemption.waveOver(job);
  readonly #roomFreedFor = (job: JobRecord): boolean => this.#preemption.roomFreedFor(job);

  /**
   * When a job starting now was created and when it expires, in one reused object: the pool reads
   * both fields before anything else and keeps neither (no object per start).
   */
  readonly #stamp = (job: JobRecord): AllocationTimes => {
    const times = this.#times;
    times.createdAt = this.#clock();
    times.expiresAt = job.ttlMs === undefined ? undefined : times.createdAt + job.ttlMs;
    // a job's parsed request may be shared with others of the same ask (SharedRequests)
    times.jobId = job.id;
    return times;
  };
  /** What `#stamp` fills. */
  readonly #times: { createdAt: number; expiresAt: number | undefined; jobId: string | undefined } = { createdAt: 0, expiresAt: undefined, jobId: undefined };

  readonly #begin = (job: JobRecord, allocation: Allocation): void => this.#start(job, allocation);

  /**
   * Why the job may not start now whatever the room: its category's cap, its back-off, its tenant's
   * quota. `unlimited`: the caller knows the tenant has no quota (the check is skipped — it would
   * look the tenant up only to find none).
   */
  #holdBack(job: JobRecord, unlimited = false): QueuedReason | undefined {
    if (job.category !== undefined && (this.#runningByCategory.get(job.category) ?? 0) >= (this.#caps.get(job.category) ?? Infinity)) return 'concurrency-limit';
    if (job.backoffUntil !== undefined && job.backoffUntil > this.#clock()) return 'backoff';
    if (!unlimited && !this.#quotaCheck(job).ok) return 'quota';
    return undefined;
  }

  readonly #canStart = (job: JobRecord): boolean => this.#holdBack(job) === undefined;

  /** The job against its tenant's quota, counting room promised to the tenant's other preemptors. */
  #quotaCheck(job: JobRecord): QuotaCheck {
    return this.#ledger.checkQuota(job.tenant, job.priority, job.demand, this.#preemption.isPromised(job) ? job.demand : undefined);
  }

  #serveBand(band: number): void {
    // the pass's lists are lent for this call, like the two below (a nested call makes its own)
    const lists = this.#spareLists ?? new BandLists();
    const queues = this.#bands.openQueues(band, lists.queues);
    if (queues.length === 0) return;
    this.#spareLists = undefined;
    const { open } = lists;
    for (let i = 0; i < queues.length; i++) open[i] = queues[i] as JobQueue;
    keepFirst(open, queues.length);
    const candidates = this.#candidates.offer(open, lists.candidates);
    // Shapes that found no room in this pass. Room only shrinks while a band is served — unless
    // held room comes back (#roomEpoch) — so they would fail again: a queue whose window holds
    // nothing else is set aside without asking the policy or the pool. Without this, a release
    // among many one-job tenants cost one pick per queue, each over every queue: O(queues²).
    const failed = this.#spareShapes ?? new ShapeMarks();
    /** Queues out of this pass as before: emptied, or blocked by their own try. */
    const done = this.#spareQueues ?? new QueueList();
    // the two are lent for this call and given back empty at its end (a call made from within it —
    // a policy's code starting an operation — makes its own): two new sets per band served were a
    // twentieth of a congested run's garbage, and sets emptied with clear() a fifth of what its
    // scavenges promoted (see pass-marks.ts)
    this.#spareShapes = undefined;
    this.#spareQueues = undefined;
    let epoch = this.#roomEpoch;
    while (open.length > 0) {
      this.#candidates.refresh(open, candidates);
      const picked = this.#policy.pick(candidates);
      const at = candidates.indexOf(picked);
      if (at < 0) throw new FairpackError('POLICY_CONTRACT_VIOLATION', `Fairness policy "${this.#policy.name}" broke its contract: pick() returned something that is not one of the candidates. Fix the policy (see docs/custom-policy.md).`, { policy: this.#policy.name });
      const queue = open[at] as JobQueue;
      const known = failed.size;
      if (this.#tryQueue(queue, failed, false) === 'started') {
        this.#policy.placed?.(queue.tenant);
        if (queue.length === 0) {
          done.add(queue);
          removeAt(open, at);
          removeAt(candidates, at);
        }
      } else {
        queue.blocked = true;
        done.add(queue);
        removeAt(open, at);
        removeAt(candidates, at);
      }
      if (this.#roomEpoch !== epoch) {
        // held room came back (a job that held it started elsewhere): what failed may fit now, and
        // the queues set aside are tried as they would have been
        epoch = this.#roomEpoch;
        failed.clear();
        const out = done.asSet();
        let count = 0;
        for (let i = 0; i < queues.length; i++) {
          const q = queues[i] as JobQueue;
          if (!out.has(q) && q.length > 0) open[count++] = q;
        }
        keepFirst(open, count);
        this.#candidates.offer(open, candidates);
      } else if (failed.size > known) {
        this.#setAsideHopeless(open, candidates, failed);
      }
    }
    failed.clear();
    done.clear();
    this.#spareShapes = failed;
    this.#spareQueues = done;
    this.#spareLists = lists;
  }

  /** Blocks the open queues whose every job in the window is held back or of a shape that found no room in this pass (they would be tried in vain). */
  #setAsideHopeless(open: JobQueue[], candidates: TenantCandidate[], failed: ShapeMarks): void {
    for (let at = open.length - 1; at >= 0; at--) {
      const queue = open[at] as JobQueue;
      if (this.#tryQueue(queue, failed, true) !== 'blocked') continue;
      queue.blocked = true;
      removeAt(open, at);
      removeAt(candidates, at);
    }
  }

  /**
   * Tries the jobs of the queue's backfill window in order; the first that fits starts. Skips (with
   * the reason) jobs held back and jobs of a shape in `failed`, and adds the shapes that find no
   * room to it. `sweep`: only find out whether the queue is hopeless — 'open' as soon as a job
   * would have to ask the pool.
   */
  #tryQueue(queue: JobQueue, failed: ShapeMarks, sweep: boolean): 'started' | 'blocked' | 'open' {
    // the queue's jobs are all its tenant's: a tenant without a quota is looked up once per walk,
    // not once per job of the window (a congested run walks tens of jobs per try)
    const unlimited = this.#ledger.quota(queue.tenant) === undefined;
    // a proof from the queue's last blocking walk (see RoomGrowth): the pool is asked only for the
    // jobs that fit where room grew since; and whether this walk, if it blocks, leaves one
    const { growth } = this.#bands;
    if (this.#roomMissesOnly && unlimited && growth.replays(queue)) return this.#replayWalk(queue, failed, sweep);
    const grownFrom = this.#roomMissesOnly ? growth.since(queue) : -1;
    let proves = this.#roomMissesOnly;
    // the window's distinct shapes, kept with the proof when its jobs were refused for room alone;
    // a sweep, which may stop early, notes none: the shapes a proof that holds kept stay with it
    let kinds = proves && unlimited && !sweep ? 0 : -1;
    const keepsKinds = sweep && growth.holds(queue);
    if (!sweep) queue.proofKinds = -1;
    // the window walked in place (see JobQueue.nextLive): the walk ends at the job placed, which
    // leaves the queue — the only change to it while it is walked
    for (let at = queue.nextLive(0), seen = 0; at >= 0 && seen < this.#backfillWindow; at = queue.nextLive(at + 1), seen++) {
      const job = queue.jobAt(at);
      // once a victim has left for it, a preemptor starts only on its node (it takes that room)
      if (job.nominatedNode !== undefined && this.#preemption.roomFreedFor(job)) {
        job.reason = 'preempting';
        proves = false;
        continue;
      }
      const heldBack = this.#holdBack(job, unlimited);
      if (heldBack !== undefined) {
        job.reason = heldBack;
        proves = false;
        continue;
      }
      // a gang may be placed by the pool's greedy choice in one state and not in a smaller one
      if (job.replicas !== 1) proves = false;
      if (kinds >= 0) kinds = job.category !== undefined || job.nominatedNode !== undefined ? -1 : growth.note(queue, kinds, job.shape, job.parsed.dense);
      // jobs of a shape that failed would fail again: the window costs O(distinct shapes) (the
      // reason is written only when it changes: a congested run passes the same jobs again and
      // again, and a store dirties each one's record)
      if (failed.has(job.shape)) {
        if (job.reason !== 'insufficient-resources') job.reason = 'insufficient-resources';
        continue;
      }
      if (sweep) return 'open';
      this.#refreshParse(job);
      if (grownFrom >= 0 && !growth.couldFitSince(grownFrom, job.parsed.dense)) {
        // the pool would refuse it: booked as its refusal is, below
        job.reason = 'insufficient-resources';
        failed.add(job.shape);
        continue;
      }
      // one replica of a shape the pool refused since only logged releases (see RoomGrowth.refusesStill)
      const single = this.#roomMissesOnly && job.replicas === 1;
      if (single && growth.refusesStill(job.shape, queue.band, job.parsed.dense)) {
        job.reason = 'insufficient-resources';
        failed.add(job.shape);
        continue;
      }
      const result = this.#books.allocateParsed(job.parsed, false, this.#stamp(job));
      if (result?.ok === true) {
        this.#start(job, result.allocation);
        return 'started';
      }
      job.reason = 'insufficient-resources';
      failed.add(job.shape);
      if (single) growth.refused(job.shape, queue.band);
    }
    if (proves) {
      growth.prove(queue);
      if (!keepsKinds) queue.proofKinds = kinds;
    }
    return 'blocked';
  }

  /**
   * A walk of `queue` whose outcome its proof tells (RoomGrowth.replays): every job of its window
   * would be refused for room and its shape added to `failed` (its reason is that already); a
   * sweep finds the queue open if one of those shapes has not failed in this pass yet.
   */
  #replayWalk(queue: JobQueue, failed: ShapeMarks, sweep: boolean): 'blocked' | 'open' {
    const { proofShapes, proofKinds } = queue;
    for (let i = 0; i < proofKinds; i++) {
      const shape = proofShapes[i] as string;
      if (!sweep) failed.add(shape);
      else if (!failed.has(shape)) return 'open';
    }
    this.#bands.growth.prove(queue);
    return 'blocked';
  }

  // ---- state changes -------------------------------------------------------------------------------

  #parseSubmission(requests: readonly JobRequest[]): ParsedJobRequest[] {
    if (this.#closed) throw new FairpackError('MANAGER_CLOSED', 'Expected an open manager, got a closed one. Create a new AllocationManager.');
    const seen = new Set<string>();
    const ids = this.#jobIds.draft((id) => this.#live.has(id) || seen.has(id));
    const parsedBatch = requests.map((request, index) => {
      let parsed: ParsedJobRequest;
      this.#jobIds.lastDrawn = undefined;
      try {
        parsed = parseJobRequest(request, this.#classes, this.#books, ids.next, undefined, this.#sharedRequests);
      } catch (error) {
        if (requests.length > 1 && isFairpackError(error)) throw new FairpackError(error.code, `Request ${index} of the batch is invalid: ${error.message}`, { ...error.details, index });
        throw error;
      }
      const { id } = parsed;
      if (this.#live.has(id) || seen.has(id)) {
        throw new FairpackError('DUPLICATE_JOB', `Expected a new job id, got "${id}", which is ${this.#live.get(id)?.status ?? 'used twice in this batch'}. Omit \`id\` to get a generated one.`, { jobId: id, index });
      }
      seen.add(id);
      if (id !== this.#jobIds.lastDrawn) this.#jobIds.noteChosen(id);
      return parsed;
    });
    ids.commit();
    return parsedBatch;
  }

  /**
   * `#parseSubmission` of one request, without the batch's set, list and draft, parsed into one
   * reused object: its only reader, `#submitOne`, copies it into the job record before anything
   * else (nothing between can submit again and overwrite it).
   */
  #parseOne(request: JobRequest): ParsedJobRequest {
    if (this.#closed) throw new FairpackError('MANAGER_CLOSED', 'Expected an open manager, got a closed one. Create a new AllocationManager.');
    this.#jobIds.beginOne();
    const parsed = parseJobRequest(request, this.#classes, this.#books, this.#drawOneId, this.#parsedOne, this.#sharedRequests);
    const { id } = parsed;
    // a fresh id (see JobIds) is no live job's
    if (!this.#jobIds.isFresh(id) && this.#live.has(id)) {
      throw new FairpackError('DUPLICATE_JOB', `Expected a new job id, got "${id}", which is ${this.#live.get(id)?.status ?? 'used twice in this batch'}. Omit \`id\` to get a generated one.`, { jobId: id, index: 0 });
    }
    if (id !== this.#jobIds.lastDrawn) this.#jobIds.noteChosen(id);
    this.#jobIds.commitOne();
    return parsed;
  }

  /** What `#parseOne` parses into (see there). */
  readonly #parsedOne = blankParsedJobRequest();
  readonly #isLiveId = (id: string): boolean => this.#live.has(id);
  readonly #drawOneId = (): string => this.#jobIds.drawOne(this.#isLiveId);

  #submitParsed(batch: readonly ParsedJobRequest[]): SubmitResult[] {
    return batch.map((parsed) => this.#submitOne(parsed));
  }

  /** A new job record for a parsed request: queued (not yet in a queue), nothing else decided. */
  #newJob(parsed: ParsedJobRequest, sequence: number, submittedAt: number): JobRecord {
    return new JobRecord({
      id: parsed.id,
      key: this.#jobIds.keyOf(parsed.id),
      tenant: parsed.tenant,
      klass: parsed.priorityClass,
      band: this.#policy.ignoresPriority === true ? 0 : parsed.priorityClass.value,
      category: parsed.category,
      deadline: parsed.deadline,
      ttlMs: parsed.ttlMs,
      estimatedRuntimeMs: parsed.estimatedRuntimeMs,
      parsed: parsed.request,
      parsedWith: this.#books.dimensionCount,
      shape: shapeOf(parsed.request, parsed.id),
      demand: this.#demandOf(parsed),
      sequence,
      submittedAt,
    });
  }

  #submitOne(parsed: ParsedJobRequest): SubmitResult {
    this.#cycleDone = false;
    const { id } = parsed;
    // a fresh id (see JobIds) is no finished job's
    if (!this.#jobIds.isFresh(id)) this.#history.delete(id);
    const job = this.#newJob(parsed, this.#sequence++, this.#clock());
    // placed now, it could fit (no need to ask) and is within its quota (or it would be held back)
    if (this.#startedDirectly(job)) {
      this.#cycleDone = true;
      return startedResult(id, job.allocation as Allocation);
    }
    // a job that would wait past a queue bound is refused; one that starts at once is not (the
    // bound is on waiting work, which a client could otherwise pile up without end)
    const full = this.#queueFull(job.tenant);
    if (!this.#fitWitnesses.couldEverFit(job.shape, job.parsed)) return this.#reject(job, 'UNSATISFIABLE', 'no node could hold it even empty (too large, or no node matches its selector and taints)');
    const quota = this.#ledger.checkQuota(job.tenant, job.priority, job.demand);
    if (!quota.ok && this.#ledger.quota(job.tenant)?.onExceed === 'reject') {
      const { dimension, used, limit, requested } = quota.shortfall;
      this.#stats.quotaRejected(job.tenant);
      return this.#reject(job, 'QUOTA_EXCEEDED', `tenant "${job.tenant}" would use ${used + requested} ${dimension}, past its quota of ${limit} (${used} in use, ${requested} asked)`, quota.shortfall);
    }
    this.#live.add(job);
    const position = this.#enqueue(job);
    this.#schedule();
    this.#cycleDone = true;
    if (job.status === 'running') return startedResult(id, job.allocation as Allocation);
    if (full !== undefined && job.nominatedNode === undefined) {
      this.#cycleDone = false;
      this.#held.drop(job);
      this.#bands.remove(job);
      this.#countQueued(job, -1);
      this.#live.remove(job);
      return this.#reject(job, 'QUEUE_FULL', full);
    }
    this.#events.jobQueued(job);
    return this.#queuedResult(job, position);
  }

  /**
   * Whether nothing waits that a scheduling cycle would serve or time out: no job queued, no room
   * held, no grace period or back-off due. A cycle then has only the job just queued to serve (if
   * any), and one after a release has nothing to do at all.
   */
  #nothingWaits(): boolean {
    return this.#queued === 0 && this.#held.size === 0 && this.#preemption.nextDue() > this.#clock();
  }

  /**
   * Starts a new job the way the cycle would, without it, when nothing waits: the cycle would queue
   * the job alone in a new queue, offer that one queue to the policy (a built-in policy picks it),
   * try it, the pool would place it where `allocateParsed` places it now, and the queue would be
   * dropped — with nothing left for the rest of the cycle (no queue to search victims or hold room
   * for, no wave to settle; waves exist only while their preemptor is queued). A job held back, or
   * that does not fit, is left to the cycle (false): a failed try changes nothing in the pool.
   * Tried before the checks that may reject the job: one the pool places could fit, and one held
   * back by nothing is within its quota.
   * The queue, band and candidate objects, and the queued count's +1 −1, are what is skipped.
   * test/manager/direct-start.test.ts runs random sequences with this on and off side by side.
   */
  #startedDirectly(job: JobRecord): boolean {
    if (!this.#directStarts || !this.#nothingWaits() || this.#holdBack(job) !== undefined) return false;
    const result = this.#books.allocateParsed(job.parsed, false, this.#stamp(job));
    if (result?.ok !== true) return false;
    this.#live.add(job);
    job.queuedSince = this.#clock();
    this.#run(job, result.allocation);
    this.#policy.placed?.(job.tenant);
    return true;
  }

  #queuedResult(job: JobRecord, position: number): SubmitResult {
    const none = NO_RESOURCES;
    if (job.reason === 'concurrency-limit') {
      const category = job.category as string;
      return Object.freeze({ status: 'queued', jobId: job.id, reason: 'concurrency-limit', message: `Category "${category}" has ${this.#runningByCategory.get(category) ?? 0} running jobs, its limit.`, available: none, required: none, position });
    }
    if (job.reason === 'quota') {
      const check = this.#ledger.checkQuota(job.tenant, job.priority, job.demand);
      if (!check.ok) {
        const { dimension, used, limit, requested } = check.shortfall;
        const message = `Tenant "${job.tenant}" uses ${used} of its ${limit} ${dimension} quota; the job asks for ${requested}. It waits until the tenant's use falls.`;
        return Object.freeze({ status: 'queued', jobId: job.id, reason: 'quota', message, available: Object.freeze({ [dimension]: Math.max(0, limit - used) }), required: Object.freeze({ [dimension]: requested }), position });
      }
    }
    if (job.reason === 'preempting') {
      return Object.freeze({ status: 'queued', jobId: job.id, reason: 'preempting', message: `Preempted lower-priority jobs on node ${job.nominatedNode ?? '?'}; it starts there when they have left.`, available: none, required: none, position });
    }
    // The explanation scans every node: it is worked out when first read (then kept), so that
    // submitting many jobs that wait stays cheap. Read it right away for the state at submit.
    const triedAndMissed = job.reason !== undefined;
    return withLazyFields({ status: 'queued' as const, jobId: job.id, position }, ['reason', 'message', 'available', 'required'] as const, () =>
      this.#explainQueued(job, position, triedAndMissed),
    );
  }

  #explainQueued(job: JobRecord, position: number, triedAndMissed: boolean): Extract<SubmitResult, { status: 'queued' }> {
    const explanation = this.#books.explain(job.parsed);
    if (explanation.ok) throw new Error('fairpack internal error: explain() placed a job');
    // not tried at all (its queue was blocked behind its head, or past the backfill window)
    const fits = !triedAndMissed;
    return {
      status: 'queued',
      jobId: job.id,
      reason: fits ? 'fairness' : explanation.reason,
      message: fits ? 'Waiting behind other jobs in its queue.' : explanation.message,
      available: explanation.available,
      required: explanation.required,
      position,
    };
  }

  #reject(job: JobRecord, code: RejectCode, reason: string, quota?: QuotaShortfall): SubmitResult {
    job.status = 'rejected';
    job.reason = reason;
    job.endedAt = job.submittedAt;
    this.#remember(job);
    this.#events.defer('rejected', jobView(job));
    return Object.freeze({ status: 'rejected', jobId: job.id, code, reason: `Rejected: ${reason}.`, ...(quota === undefined ? {} : { quota }) });
  }

  #enqueue(job: JobRecord, front = false): number {
    const queue = this.#bands.queueFor(job);
    job.status = 'queued';
    job.queuedSince = this.#clock();
    this.#countQueued(job, 1);
    if (front) {
      queue.pushFront(job);
      return 0;
    }
    const position = queue.push(job);
    // a new job in the backfill window may be small enough to fit where the others did not: look
    // again (a job behind the window is not tried before room frees or the front moves anyway)
    if (position < this.#backfillWindow) queue.touch();
    return position;
  }

  #countQueued(job: JobRecord, sign: 1 | -1): void {
    this.#queued += sign;
    const before = this.#queuedByTenant.get(job.tenant);
    const count = (before ?? 0) + sign;
    this.#queuedByTenant.set(job.tenant, count);
    // a tenant whose last job left keeps its entry at 0: a Map keeps a deleted key's slot until it
    // is rebuilt, so deleting and adding the same tenants at every submit+release made it rebuild
    // over and over (see "The manager over the bare pool" in docs/performance.md). The zeros are
    // swept together once there are many, and more of them than tenants with jobs waiting.
    if (count === 0) this.#queuedTenantsAtZero++;
    else if (before === 0) this.#queuedTenantsAtZero--;
    if (this.#queuedTenantsAtZero > 1_024 && this.#queuedTenantsAtZero * 2 > this.#queuedByTenant.size) {
      for (const [tenant, n] of this.#queuedByTenant) if (n === 0) this.#queuedByTenant.delete(tenant);
      this.#queuedTenantsAtZero = 0;
    }
  }

  /** Why a new job of `tenant` may not wait (a queue bound is reached), or undefined. */
  #queueFull(tenant: string): string | undefined {
    if (this.#queued >= this.#maxQueued) return `the queue holds ${this.#queued} jobs, the most allowed (maxQueued)`;
    const mine = this.#queuedByTenant.get(tenant) ?? 0;
    if (mine >= this.#maxQueuedPerTenant) return `tenant "${tenant}" has ${mine} jobs waiting, the most allowed (maxQueuedPerTenant)`;
    return undefined;
  }

  #start(job: JobRecord, allocation: Allocation): void {
    this.#held.drop(job);
    this.#bands.remove(job);
    this.#countQueued(job, -1);
    this.#run(job, allocation);
  }

  /** A job out of every queue and reservation (or never in one) starts on its allocation. */
  #run(job: JobRecord, allocation: Allocation): void {
    const now = this.#clock();
    this.#stats.started(job.priority, now - job.queuedSince);
    // a preemptor's promised room becomes used room (before the quota check below)
    this.#preemption.withdrawPromise(job);
    // above the hard quota (a burst class on burst room): the first to go when room is needed
    const quota = this.#ledger.checkQuota(job.tenant, job.priority, job.demand);
    job.burst = quota.ok && quota.burst;
    job.status = 'running';
    job.startedAt = now;
    job.reason = undefined;
    job.backoffUntil = undefined;
    this.#byAllocation.add(job, allocation);
    job.costs = this.#costs.allocated(allocation, now, job.nodes);
    this.#preemption.started(job);
    this.#changes++;
    this.#charge(job, 1);
    if (job.category !== undefined) this.#runningByCategory.set(job.category, (this.#runningByCategory.get(job.category) ?? 0) + 1);
    if (job.ttlMs !== undefined) {
      job.expiresAt = allocation.expiresAt ?? now + job.ttlMs;
      this.#expiry.push(job.expiresAt, { job, allocationId: allocation.id });
    }
    this.#decisions++;
    this.#events.jobAllocated(allocation, job);
    this.#waiters.resolve(job.id, allocation);
  }

  /** Ends a queued or running job with a final status. */
  #finish(job: JobRecord, status: JobStatus, reason: string | undefined): void {
    if (job.status === 'queued') {
      this.#held.drop(job);
      this.#bands.remove(job);
      this.#countQueued(job, -1);
    } else if (job.status === 'running' || job.status === 'preempted') {
      const nodes = job.nodes ?? NO_NODES;
      this.#pool.release((job.allocation as Allocation).id);
      this.#stopRunning(job);
      // (a finished job keeps its allocation for its view, not the pool's nodes)
      job.nodes = undefined;
      this.#roomFreedOn(nodes);
    }
    job.status = status;
    job.reason = reason;
    job.endedAt = this.#clock();
    this.#live.remove(job);
    this.#remember(job);
    // (no closure made per end when nobody waits, as for most managers)
    if (this.#waiters.size > 0) this.#waiters.reject(job.id, () => new FairpackError('JOB_CANCELLED', `Job ${job.id} was ${status} before it was placed.`, { jobId: job.id, status }));
  }

  /**
   * A released allocation's room is back on `nodes` (its nodes, see JobRecord.nodes), and nothing
   * else that lets a job fit changed (its tenant's quota use and its category's count fell: a job
   * held back by them blocks no proof): queues are tried again, keeping their blocking walks' proofs
   * (see RoomGrowth).
   */
  #roomFreedOn(nodes: readonly NodeState[]): void {
    // with no job queued no proof can be used: a queue that gets a job again is touched (its
    // proof ends), so the log is kept only while something waits — not at every release of a
    // manager whose jobs start at once
    if (this.#queued > 0) {
      for (let i = 0; i < nodes.length; i++) {
        const node = nodes[i] as NodeState;
        // a node gone from the pool has no room for anyone
        if (this.#books.isMember(node)) this.#bands.growth.grew(node);
      }
    } else {
      // unlogged, room grew: the shapes' refusals end (the queues, all empty, have no proof to keep)
      this.#bands.growth.reset();
    }
    this.#bands.unblockKeepingProofs();
  }

  /** Re-queues displaced jobs at the heads of their queues, keeping their arrival order. */
  #requeueAll(jobs: JobRecord[], reason: string): void {
    jobs.sort((a, b) => b.sequence - a.sequence);
    for (const job of jobs) this.#requeue(job, reason);
  }

  /** A running job whose allocation is gone (node removed or failed) waits again, first in line. */
  #requeue(job: JobRecord, reason: string): void {
    this.#stopRunning(job);
    job.allocation = undefined;
    job.nodes = undefined;
    job.startedAt = undefined;
    job.expiresAt = undefined;
    job.graceEndsAt = undefined;
    job.preemptionCheckedAt = -1;
    job.reason = reason;
    job.restarts++;
    this.#enqueue(job, true);
    this.#bands.unblockAll();
    this.#events.jobQueued(job);
  }

  #stopRunning(job: JobRecord): void {
    // its room, its quota use and its category's slot came back: a search may now find victims
    this.#changes++;
    this.#byAllocation.drop(job);
    if (job.costs !== undefined) this.#costs.released(job.costs, this.#clock());
    job.costs = undefined;
    this.#preemption.stopped(job);
    job.burst = false;
    job.graceEndsAt = undefined;
    this.#charge(job, -1);
    if (job.category !== undefined) this.#runningByCategory.set(job.category, (this.#runningByCategory.get(job.category) ?? 1) - 1);
  }

  #expireDue(): string[] {
    const now = this.#clock();
    const expired: string[] = [];
    for (let next = this.#expiry.popDue(now); next !== undefined; next = this.#expiry.popDue(now)) {
      const { job, allocationId } = next;
      if ((job.status !== 'running' && job.status !== 'preempted') || job.allocation?.id !== allocationId) continue; // stale entry
      const allocation = job.allocation;
      this.#finish(job, 'expired', `TTL of ${job.ttlMs} ms passed`);
      this.#events.defer('expired', allocation, jobView(job));
      this.#events.allocationEnded(allocation);
      expired.push(job.id);
    }
    return expired;
  }

  /** Adds or removes a running job's resources (replicas × one replica, exact) to its tenant's usage. */
  #charge(job: JobRecord, sign: 1 | -1): void {
    this.#ledger.charge(job.tenant, job.demand, sign);
  }

  /**
   * All replicas' scaled demand by dimension name. Never changed once made, so jobs of one
   * resource vector share it: the pool hands requests of an equal vector the same frozen
   * `resources` object, and for one replica with every dimension known the demand is a function of
   * that object alone (a `Map` per job was a good part of the garbage of a submit).
   */
  #demandOf(parsed: ParsedJobRequest): ReadonlyMap<string, number> {
    const { request } = parsed;
    const shared = request.replicas === 1 && request.unknown.length === 0 && Object.isFrozen(request.resources);
    if (shared) {
      const known = this.#demandByVector.get(request.resources);
      if (known !== undefined) return known;
    }
    const { nonZero, amounts } = request.dense;
    const demand = new Map<string, number>();
    for (const d of nonZero) demand.set(this.#books.space.dimensions[d] as string, (amounts[d] as number) * request.replicas);
    if (shared) this.#demandByVector.set(request.resources, demand);
    return demand;
  }

  #remember(job: JobRecord): void {
    this.#ended.set(job.status, (this.#ended.get(job.status) ?? 0) + 1);
    this.#history.add(job);
  }

  #refreshParse(job: JobRecord): void {
    if (job.parsedWith === this.#books.dimensionCount) return;
    job.parsed = this.#books.parseRequest(jobInput(job));
    job.parsedWith = this.#books.dimensionCount;
  }

  #refreshTotals(): void {
    const totals = new Map<string, number>();
    for (const node of this.#books.nodes.values()) {
      for (const d of node.group.dims) {
        const name = this.#books.space.dimensions[d] as string;
        totals.set(name, (totals.get(name) ?? 0) + (node.capacity[d] as number));
      }
    }
    this.#totals = totals;
  }

  #requireJob(jobId: string): JobRecord {
    const job = typeof jobId === 'string' ? (this.#live.get(jobId) ?? this.#history.get(jobId)) : undefined;
    if (job === undefined) throw new FairpackError('UNKNOWN_JOB', `Expected the id of a known job, got ${describeValue(jobId)}. Finished jobs are remembered up to \`history\` jobs.`, { jobId });
    return job;
  }

  /** The time of the call in progress (read once at its start), or a fresh reading outside one. */
  #clock(): number {
    return this.#current ?? this.#readClock();
  }

  /** A reading outside a call (nothing changes): checked, clamped, not remembered. */
  #readClock(): number {
    return this.#clockReader.peek();
  }

  /**
   * Runs one public call that may change state: the clock is read and checked first (a bad
   * reading changes nothing), the change sees that one reading throughout, then the cycle runs and,
   * once the outermost call is done, the events are delivered.
   */
  #operation<T>(change: () => T, entry?: (result: T) => JournalCommand): T {
    return this.#operationOn(runChange, change, entry, entry === undefined ? undefined : entryOfResult) as T;
  }

  /** `#operation` for a change and an entry made once, handed the call's arguments `a` and `b` (no closure per call). */
  #operationOn<A, B, T>(change: (a: A, b: B) => T, a: A, b: B, entry?: (a: A, b: B, result: T) => JournalCommand): T {
    const outer = this.#current === undefined;
    // a replayed journal entry runs at its own recorded time
    const now = outer ? (this.#replayAt ?? this.#clockReader.peek()) : (this.#current as number);
    // the steps of DeferredEvents.operation, inline: no closure is made per call
    this.#events.enter();
    let result: T;
    try {
      this.#current = now;
      try {
        this.#cycleDone = false;
        result = change(a, b);
        if (!this.#cycleDone) this.#schedule();
        this.#cycleDone = false;
        if (this.#drains.size > 0) this.#reportDrained();
        if (outer) {
          this.#clockReader.commit(now);
          this.#costs.begin(now);
          if (entry !== undefined) this.#record(entry, a, b, result, now);
        }
      } finally {
        if (outer) this.#current = undefined;
      }
    } catch (error) {
      this.#events.leaveAfterError(this.#settle, now);
      throw error;
    }
    this.#events.leave(this.#settle, now);
    return result;
  }

  /** What is done once the outermost call's change is complete: arm the timer from the call's reading. */
  readonly #settle = (now: number): void => this.#armTimer(now);

  /**
   * Hands the journal one entry for a call that changed state: synchronously, before the call
   * returns and before its events are delivered. Replayed entries are not handed over again.
   */
  #record<A, B, T>(command: (a: A, b: B, result: T) => JournalCommand, a: A, b: B, result: T, at: number): void {
    this.#seq++;
    // the entry (a JSON copy of the call's arguments) is built only when someone takes it
    if (this.#journal === undefined || this.#replayAt !== undefined) return;
    this.#journal(Object.freeze({ seq: this.#seq, at, ...command(a, b, result) }) as JournalEntry);
  }

  /** One timer for the next TTL expiry (unref'd where the runtime supports it), from the call's reading `now`. */
  #armTimer(now: number): void {
    if (!this.#timers || this.#closed) return;
    if (this.#timer !== undefined) host.clearTimeout(this.#timer);
    this.#timer = undefined;
    const at = Math.min(this.#expiry.nextAt(), this.#preemption.nextDue(), this.#held.nextDue(this.#bands.heads(), now), this.#health.nextDue(), this.#drains.nextDue());
    if (at === Infinity) return;
    const handle = host.setTimeout(() => {
      this.#timer = undefined;
      // A timer can fire before the clock reaches `at`: Node counts its delay from the event loop's
      // time, read when the loop's turn began, so one set late in a long turn fires early by the
      // rest of that turn. A tick then would change nothing but still be a call (a journal entry,
      // an event position): wait on instead.
      let reading: number | undefined;
      try {
        reading = this.#clockReader.peek();
      } catch {
        // a clock that fails the reading: the tick reports it
      }
      if (reading !== undefined && reading < at) this.#armTimer(reading);
      else this.tick();
    }, timerDelay(at - now));
    unref(handle);
    this.#timer = handle;
  }
}


/** `#operation`'s change and entry through `#operationOn`: the closure its caller made, called. */
const runChange = <T>(change: () => T): T => change();
const entryOfResult = <T>(_change: () => T, entry: ((result: T) => JournalCommand) | undefined, result: T): JournalCommand => (entry as (result: T) => JournalCommand)(result);

/** The journal entries of `submit` (without an idempotency key) and `release`. */
const submitEntry = (request: JobRequest, _none: undefined, result: SubmitResult): JournalCommand => ({ type: 'submit', requests: [asJson(request)], ids: [result.jobId] });
/** What `release` takes besides the allocation's id. */
type ReleaseOptions = { readonly outcome?: ReleaseOutcome };

const releaseEntry = (allocationId: string, options: ReleaseOptions | undefined): JournalCommand => ({ type: 'release', allocationId, outcome: options?.outcome ?? 'completed' });

/** Most moves the manager makes by itself for one starving job (`starvation.defragment`). */
const STARVATION_MOVES = 4;
/** Sets of jobs the cycle's own search tries per starving head (a small bound: it runs inside calls). */
const STARVATION_SUBSETS = 500;

/** Most moves one defragmentation plan may make (a client-given bound). */
const MAX_PLANNED_MOVES = 1_000;

/** One move `applyDefragmentation` made: the job's previous and new allocation. */
export interface MigrationResult {
  readonly jobId: string;
  readonly from: string;
  readonly to: string;
  readonly previousAllocationId: string;
  readonly allocationId: string;
}

/**
 * Requests with the same shape fit in exactly the same places. The shape is that of the job's pool
 * request (`poolRequestOf`, which leaves out one replica, no spread, no selector, no tolerations
 * and spot `allow`); it is read from the parsed request, so that the pool request itself is made
 * only for a job with constraints (or later, when needed: `jobInput`).
 */
function shapeOf(parsed: ParsedRequest, jobId: string): string {
  const { resources } = parsed;
  const plain = parsed.replicas === 1 && !parsed.spread && parsed.selectorKeys.length === 0 && parsed.tolerations.length === 0 && parsed.spot === 'allow';
  // the common case, one replica and no constraints: its resources are a frozen object the pool
  // shares among requests of the same amounts, so its shape is worked out once per object
  if (plain && Object.isFrozen(resources)) {
    const known = PLAIN_SHAPES.get(resources);
    if (known !== undefined) return known;
  }
  const request = poolRequestOf(parsed, jobId);
  const shape = JSON.stringify([resources, request.replicas ?? 1, request.spread ?? false, request.nodeSelector ?? {}, request.tolerations ?? [], request.spot ?? 'allow']);
  if (plain && Object.isFrozen(resources)) PLAIN_SHAPES.set(resources, shape);
  return shape;
}

/** The shape of a plain request by its (frozen, shared) resources object: see `shapeOf`. */
const PLAIN_SHAPES = new WeakMap<object, string>();

/** A restored job's request has its id (`#restoredJob` checks): a generated one is never wanted. */
function NO_GENERATED_ID(): never {
  throw new FairpackError('INVALID_REQUEST', 'Expected the job request of a snapshot to have its `id`, got none.');
}

/** Pools being handed to a manager by `restore`: their live allocations are the snapshot's jobs'. */
const RESTORED_POOLS = new WeakSet<ResourcePool>();

/** An expiry timer of a job no snapshot keeps any more: it reads as stale when it fires. */
const STALE_JOB = Object.freeze({ id: '', status: 'completed', allocation: undefined }) as unknown as JobRecord;

/** The policy to restore with: the built-in of that name, or the caller's object of that name. */
function restoredPolicy(name: string, given: FairnessPolicy | undefined): FairnessPolicyName | FairnessPolicy {
  if (given !== undefined) {
    if (typeof given !== 'object' || given === null || given.name !== name) {
      throw new FairpackError('INVALID_OPTION', `Expected \`fairness\` to be the policy the snapshot names ("${name}"), got ${describeValue(given)}.`, { option: 'fairness' });
    }
    return given;
  }
  if ((fairnessPolicyNames as readonly string[]).includes(name)) return name as FairnessPolicyName;
  throw invalidSnapshot('config.fairness', `the snapshot was taken with the custom policy "${name}": pass it again as the \`fairness\` option of restore`);
}

/** Replays one journal entry through the public call it records (the manager's clock is set to its time). */
function applyEntry(manager: AllocationManager, entry: JournalEntry): void {
  switch (entry.type) {
    case 'submit':
    case 'submitMany': {
      const results = entry.type === 'submit' ? [manager.submit(entry.requests[0] as JobRequest, entry.idempotencyKey === undefined ? undefined : { idempotencyKey: entry.idempotencyKey })] : manager.submitMany(entry.requests);
      const ids = results.map((r) => r.jobId);
      if (JSON.stringify(ids) !== JSON.stringify(entry.ids)) throw new Error(`the replay gave job ids ${JSON.stringify(ids)}, the journal ${JSON.stringify(entry.ids)}.`);
      return;
    }
    case 'release':
      manager.release(entry.allocationId, { outcome: entry.outcome });
      return;
    case 'cancel':
      manager.cancel(entry.jobId);
      return;
    case 'setTenant':
      manager.setTenant(entry.tenant, { weight: entry.weight });
      return;
    case 'setQuota':
      manager.setQuota(entry.tenant, entry.quota, entry.settings);
      return;
    case 'setConcurrency':
      manager.setConcurrency(entry.category, entry.limit ?? undefined);
      return;
    case 'addNode':
      manager.addNode(entry.spec);
      return;
    case 'removeNode':
      manager.removeNode(entry.id, { force: entry.force });
      return;
    case 'setNodeStatus':
      manager.setNodeStatus(entry.id, entry.status);
      return;
    case 'heartbeat':
      manager.heartbeat(entry.id, entry.running === undefined ? undefined : { running: entry.running });
      return;
    case 'resumeHeartbeats':
      manager.resumeHeartbeats();
      return;
    case 'updateNode':
      manager.updateNode(entry.id, entry.update);
      return;
    case 'drain':
      manager.drain(entry.id, entry.deadlineMs === null ? {} : { deadlineMs: entry.deadlineMs });
      return;
    case 'interruptNode':
      manager.interruptNode(entry.id, { noticeMs: entry.noticeMs });
      return;
    case 'applyDefragmentation':
      manager.applyDefragmentation({ moves: entry.moves });
      return;
    case 'tick':
      manager.tick();
      return;
    default:
      throw new Error(`unknown entry type ${describeValue((entry as { type: unknown }).type)}.`);
  }
}

/** Freezes a plain-JSON value all the way down (a restored finished job's allocation). */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** A plain-JSON copy (what a journal entry keeps of a request, a spec, a quota). */
function asJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** A request's JSON text, or undefined when JSON cannot hold it (the submission then refuses it). */
function jsonText(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

/** `submit`'s `idempotencyKey`: a non-empty string of at most MAX_IDEMPOTENCY_KEY_LENGTH characters, or none. */
function idempotencyKeyOption(options: unknown): string | undefined {
  const key = callOptions(options, 'submit', ['idempotencyKey'])['idempotencyKey'];
  if (key === undefined || (typeof key === 'string' && key.length > 0 && key.length <= MAX_IDEMPOTENCY_KEY_LENGTH)) return key;
  throw new FairpackError('INVALID_OPTION', `Expected \`idempotencyKey\` of submit() to be a non-empty string of at most ${MAX_IDEMPOTENCY_KEY_LENGTH} characters, got ${describeValue(key)}.`, { method: 'submit', option: 'idempotencyKey' });
}

/** A bound: an integer >= 0, or Infinity / left out for none. */
function limitOption(value: unknown, option: string): number {
  return value === undefined || value === Infinity ? Infinity : integerOption(value, option, 0);
}

function requireTenant(tenant: unknown): asserts tenant is string {
  if (typeof tenant !== 'string' || tenant.length === 0) throw new FairpackError('INVALID_OPTION', `Expected a tenant id (non-empty string), got ${describeValue(tenant)}.`);
}

/** Takes out `list[at]`, moving the rest down (`splice` would make an array of what it took). */
function removeAt<T>(list: T[], at: number): void {
  for (let i = at + 1; i < list.length; i++) list[i - 1] = list[i] as T;
  list.pop();
}
