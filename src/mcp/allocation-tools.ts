import { MonotonicClock } from '../clock.js';
import { didYouMean, didYouMeanHint } from '../did-you-mean.js';
import { FairpackError, describeValue } from '../errors.js';
import type { AllocationManager, JobStatus, SubmitResult } from '../manager/index.js';
import type { JsonObject, JsonValue } from '../pool/index.js';
import type { AbortSignalLike } from '../platform.js';
import { invalidSnapshot } from '../snapshot/reader.js';
import { AllocationBook } from './allocation-book.js';
import { AllocationIds } from './allocation-ids.js';
import { capacityView } from './capacity-view.js';
import { explanation } from './explanation.js';
import type { AllocationRecord } from './allocation-record.js';
import { type ParsedArguments, parseArguments } from './argument-spec.js';
import { McpServers } from './mcp-servers.js';
import { type AllocationToolsOptions, type ResolvedToolOptions, resolveToolOptions } from './options.js';
import { type SeedPriority, priorityClassOf, seedPriorityOf } from './priorities.js';
import { type Demand, insufficientText, mcpPortsText, neverFitsText } from './shortfall.js';
import { isoTime, isoTimeOrNull } from './timestamps.js';
import { type McpToolDefinition, toolDefinitions } from './tool-definitions.js';
import { type ToolFields, type ToolName, toolFields } from './tool-specs.js';
import { type AllocationToolsSnapshot, TOOLS_SNAPSHOT_FORMAT, readToolsSnapshot, recordFrom, recordSnapshot } from './tools-snapshot.js';
import { type ViewContext, activeView, detailView, failedView, releasedView, summaryView } from './views.js';
import { Waiters } from './waiters.js';

/** What `AllocationTools.restore` takes besides the snapshot: what JSON cannot carry. */
export interface AllocationToolsRestoreOptions {
  /** The clock, in milliseconds: give the restored manager's. @default () => Date.now() */
  readonly now?: () => number;
  /** Required when the snapshot's tools had one (`ids.custom`), refused otherwise. */
  readonly newAllocationId?: () => string;
}

/** A manager job in one of these has ended: its allocation is released or failed. */
const ENDED: ReadonlySet<JobStatus> = new Set(['completed', 'failed', 'cancelled', 'expired', 'rejected']);

type RequestArguments = ParsedArguments<ToolFields['request_resources']>;
type ToolHandler = (args: unknown, options: { readonly signal?: AbortSignalLike }) => JsonValue | Promise<JsonValue>;

/**
 * The seed's Resource Allocation API — `request_resources`, `release_resources`, `get_capacity`,
 * `get_allocation`, `list_allocations`, `cleanup_expired` — plus fairpack's `submit_job`,
 * `wait_for_allocation`, `queues` and `explain`, over an `AllocationManager`. Each tool takes the
 * seed's arguments (snake_case, checked: bad ones throw `INVALID_REQUEST`) and returns the seed's
 * JSON. No I/O: `fairpack mcp` serves it over MCP's stdio transport; any other transport can call
 * `call(name, args)` and list `definitions`.
 *
 * ```ts
 * const tools = new AllocationTools();                  // 16 cpu, 32768 MB, 10 workers
 * tools.requestResources({ job_id: 'job-001', mcp_servers: ['filesystem'], workers: 4 });
 * // → { allocation_id: 'alloc-…', status: 'active', job_id: 'job-001', mcp_servers: [{ name: 'filesystem', endpoint: 'http://localhost:9000', status: 'running' }], … }
 * ```
 */
export class AllocationTools {
  readonly manager: AllocationManager;
  /** The tools as MCP's `tools/list` shows them, input schemas included. */
  readonly definitions: readonly McpToolDefinition[];
  readonly #options: ResolvedToolOptions;
  readonly #clock: MonotonicClock;
  readonly #fields: ToolFields;
  readonly #servers = new McpServers();
  readonly #book: AllocationBook;
  readonly #waiters: Waiters;
  /** Allocation ids: a prefix and a counter, so tools restored from a snapshot go on with the same ids. */
  readonly #ids = new AllocationIds();
  #closed = false;
  /** The tools by name, for `call` (a Map: the name comes from the client); every tool has one. */
  readonly #handlers = new Map<string, ToolHandler>(
    Object.entries({
      request_resources: (args) => this.requestResources(args),
      release_resources: (args) => this.releaseResources(args),
      get_capacity: (args) => this.getCapacity(args),
      get_allocation: (args) => this.getAllocation(args),
      list_allocations: (args) => this.listAllocations(args),
      cleanup_expired: (args) => this.cleanupExpired(args),
      submit_job: (args) => this.submitJob(args),
      wait_for_allocation: (args, options) => this.waitForAllocation(args, options),
      queues: (args) => this.queues(args),
      explain: (args) => this.explain(args),
    } satisfies Record<ToolName, ToolHandler>),
  );

  constructor(options: AllocationToolsOptions = {}) {
    this.#options = resolveToolOptions(options);
    this.manager = this.#options.manager;
    this.#clock = new MonotonicClock(this.#options.now, 'Nothing was changed');
    this.#fields = toolFields(this.#options.defaultTtlSeconds);
    this.definitions = Object.freeze(toolDefinitions(this.#fields));
    this.#book = new AllocationBook(this.manager, this.#servers, this.#options.history);
    this.#waiters = new Waiters(this.#book);
  }

  // ---- snapshot and restore ----------------------------------------------------------------------

  /**
   * The tools' own state as plain JSON — every allocation's record, the MCP servers' ports and
   * users, the worker ports, the id generator, the settings and the clock's latest reading. Take it
   * together with the manager's (`manager.snapshot()`), between two calls: `AllocationTools.restore`
   * needs both. Waiters and `onChange` listeners are not state: they belong to the process.
   */
  snapshot(): AllocationToolsSnapshot {
    const latest = this.#clock.latest;
    return {
      format: TOOLS_SNAPSHOT_FORMAT,
      version: 1,
      settings: { workerCpu: this.#options.workerCpu, workerMemory: this.#options.workerMemory, defaultTtlSeconds: this.#options.defaultTtlSeconds, history: this.#options.history },
      clock: latest === -Infinity ? null : latest,
      ids: { ...this.#ids.state(), custom: this.#options.newAllocationId !== undefined },
      allocations: [...this.#book.all()].map(recordSnapshot),
      finished: this.#book.finishedIds(),
      mcpServers: this.#servers.snapshot(),
      workerPorts: this.#book.workerPortsInUse(),
    };
  }

  /**
   * Tools in exactly the state of `snapshot`, over `manager` restored from the manager's snapshot
   * taken with it: the same further calls at the same times get the same answers, ids included.
   * The settings come from the snapshot; `options` gives what JSON cannot (`now`, and
   * `newAllocationId` when the original had one). The manager stays the caller's: `close()` leaves
   * it open. A snapshot that is not one, or whose pending and holding allocations are not where
   * the manager says, throws `INVALID_SNAPSHOT` naming the first problem by its path; nothing is
   * built then.
   */
  static restore(manager: AllocationManager, snapshot: unknown, options: AllocationToolsRestoreOptions = {}): AllocationTools {
    const state = readToolsSnapshot(snapshot);
    if (typeof options !== 'object' || options === null) throw new FairpackError('INVALID_OPTION', `Expected restore options to be an object, got ${describeValue(options)}.`, { option: 'options' });
    if (state.ids.custom && options.newAllocationId === undefined) {
      throw invalidSnapshot('ids.custom', 'the tools took their ids from `newAllocationId`: pass the same function to restore');
    }
    if (!state.ids.custom && options.newAllocationId !== undefined) {
      throw new FairpackError('INVALID_OPTION', 'Expected no `newAllocationId`: the snapshot\'s tools generated their own ids (`ids.custom` is false), and go on with them.', { option: 'newAllocationId' });
    }
    // duck-typed here too (see options.ts); the constructor checks the rest
    if (typeof manager !== 'object' || manager === null || typeof (manager as Partial<AllocationManager>).job !== 'function') {
      throw new FairpackError('INVALID_OPTION', `Expected an AllocationManager, got ${describeValue(manager)}.`, { option: 'manager' });
    }
    state.allocations.forEach((allocation, i) => {
      const job = manager.job(allocation.id);
      const status = job?.status;
      const expected = allocation.state === 'pending' ? 'queued' : allocation.state === 'active' ? 'running' : allocation.state === 'releasing' ? 'preempted' : undefined;
      const where = `allocation "${allocation.id}" is ${allocation.state} here but its job is ${status ?? 'unknown'} in the manager: restore the manager from the snapshot taken with this one`;
      if (expected === undefined) {
        if (status !== undefined && !ENDED.has(status)) throw invalidSnapshot(`allocations[${i}].state`, where);
        return;
      }
      if (status !== expected) throw invalidSnapshot(`allocations[${i}].state`, where);
      if (job?.tenant !== allocation.jobId) throw invalidSnapshot(`allocations[${i}].jobId`, `allocation "${allocation.id}" is of job "${allocation.jobId}" here but of "${job?.tenant ?? ''}" in the manager`);
      if (expected !== 'queued' && job.allocationId !== allocation.activation?.allocationId) {
        throw invalidSnapshot(`allocations[${i}].activation.allocationId`, `allocation "${allocation.id}" holds "${allocation.activation?.allocationId ?? ''}" here but "${job.allocationId ?? ''}" in the manager`);
      }
    });
    const tools = new AllocationTools({
      manager,
      ...state.settings,
      ...(options.now === undefined ? {} : { now: options.now }),
      ...(options.newAllocationId === undefined ? {} : { newAllocationId: options.newAllocationId }),
    });
    if (state.clock !== null) tools.#clock.commit(state.clock);
    tools.#ids.restore(state.ids);
    tools.#servers.restore(state.mcpServers);
    tools.#book.restore(state.allocations.map(recordFrom), state.finished, state.workerPorts);
    return tools;
  }

  // ---- the seed's tools ----------------------------------------------------------------------------

  /** Starts the job's MCP servers and workers now, or fails at once (the seed never queues). */
  requestResources(args: unknown): JsonObject {
    return this.#request('request_resources', args, false);
  }

  releaseResources(args: unknown): JsonObject {
    const { allocation_id: id } = parseArguments('release_resources', this.#fields.release_resources, args);
    const record = this.#book.get(id);
    if (record === undefined) return { status: 'error', error: `Allocation ${id} not found` };
    switch (record.state) {
      case 'active':
      case 'releasing': {
        const { freed } = this.manager.release(record.activation?.allocationId as string);
        return releasedView(record, { workers: freed['workers'] ?? 0, cpu: freed['cpu'] ?? 0, memory: freed['memory'] ?? 0 });
      }
      case 'pending':
        this.manager.cancel(record.id);
        return releasedView(record, this.#demand(0));
      case 'released':
      case 'failed':
        return { status: 'already_released', allocation_id: id, state: record.state, released_at: isoTimeOrNull(record.releasedAt) };
    }
  }

  getCapacity(args?: unknown): JsonObject {
    parseArguments('get_capacity', this.#fields.get_capacity, args);
    let active = 0;
    for (const record of this.#book.all()) if (record.state === 'active') active++;
    return capacityView(this.manager.capacity(), this.#servers.names(), active);
  }

  /** The allocation's details, or null when it is not known (or was forgotten: see `history`). */
  getAllocation(args: unknown): JsonObject | null {
    const { allocation_id: id } = parseArguments('get_allocation', this.#fields.get_allocation, args);
    const record = this.#book.get(id);
    return record === undefined ? null : detailView(record, this.#context());
  }

  listAllocations(args?: unknown): JsonObject[] {
    const { state, job_id: jobId } = parseArguments('list_allocations', this.#fields.list_allocations, args);
    const now = this.#clock.read();
    const out: JsonObject[] = [];
    for (const record of this.#book.all()) {
      if ((state === undefined || record.state === state) && (jobId === undefined || record.jobId === jobId)) out.push(summaryView(record, now));
    }
    return out;
  }

  /** Releases the active allocations whose TTL has passed; returns their ids. */
  cleanupExpired(args?: unknown): string[] {
    parseArguments('cleanup_expired', this.#fields.cleanup_expired, args);
    return this.manager.cleanupExpired().filter((id) => this.#book.has(id));
  }

  // ---- fairpack's tools ----------------------------------------------------------------------------

  /** As requestResources, but a request that does not fit now waits (`pending`) instead of failing. */
  submitJob(args: unknown): JsonObject {
    return this.#request('submit_job', args, true);
  }

  /** Resolves when the allocation is no longer pending, or after `timeout_seconds`; null when unknown. */
  async waitForAllocation(args: unknown, options: { readonly signal?: AbortSignalLike } = {}): Promise<JsonObject | null> {
    const { allocation_id: id, timeout_seconds: timeout } = parseArguments('wait_for_allocation', this.#fields.wait_for_allocation, args);
    if (!this.#book.has(id)) return null;
    const outcome = await this.#waiters.wait(id, timeout * 1000, options.signal);
    const record = this.#book.get(id);
    return record === undefined ? null : { ...detailView(record, this.#context()), timed_out: outcome === 'timed-out' };
  }

  /** The waiting allocations per job (the manager's tenant) and priority, highest priority first. */
  queues(args?: unknown): JsonObject[] {
    parseArguments('queues', this.#fields.queues, args);
    return this.manager.queues().map((queue) => ({ job_id: queue.tenant, priority: seedPriorityOf(queue.priority), length: queue.length, next_allocation_id: queue.head ?? null }));
  }

  /** Why a request, or an allocation, does not fit now; null for an unknown allocation id. */
  explain(args: unknown): JsonObject | null {
    const parsed = parseArguments('explain', this.#fields.explain, args);
    const asRequest = parsed.workers !== undefined || parsed.mcp_servers !== undefined || parsed.priority !== undefined;
    let record: AllocationRecord | undefined;
    if (parsed.allocation_id !== undefined) {
      if (asRequest) throw new FairpackError('INVALID_REQUEST', 'Expected `allocation_id` or a request (`workers`, `mcp_servers`, `priority`) for explain, got both.', { tool: 'explain' });
      record = this.#book.get(parsed.allocation_id);
      if (record === undefined) return null;
    }
    return explanation({
      record,
      priority: record?.priority ?? parsed.priority ?? 'normal',
      demand: this.#demand(record?.workers ?? parsed.workers ?? 0),
      nodes: this.manager.nodes(),
      ports: this.#servers.demand(record?.mcpServers ?? parsed.mcp_servers ?? []),
    });
  }

  // ---- dispatch ------------------------------------------------------------------------------------

  /** Runs a tool by name: its JSON answer. Throws `INVALID_REQUEST` for an unknown tool or bad arguments. */
  async call(name: string, args: unknown, options: { readonly signal?: AbortSignalLike } = {}): Promise<JsonValue> {
    const handler = this.#handlers.get(name);
    if (handler === undefined) {
      const names = this.definitions.map((tool) => tool.name);
      const hint = didYouMeanHint(didYouMean(String(name), names), (tool) => `"${tool}"`);
      throw new FairpackError('INVALID_REQUEST', `Unknown tool ${typeof name === 'string' ? JSON.stringify(name) : describeValue(name)}.${hint} Tools: ${names.join(', ')}.`, { tool: name });
    }
    return handler(args, options);
  }

  /** Calls `listener` after every change to an allocation (for MCP resource notifications). */
  onChange(listener: () => void): () => void {
    return this.#book.onChange(() => listener());
  }

  /** Stops listening to the manager and ends pending waits; closes the manager if it was built here. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#waiters.close();
    this.#book.detach();
    if (this.#options.ownsManager) this.manager.close();
  }

  // ---- helpers -------------------------------------------------------------------------------------

  #request(tool: 'request_resources' | 'submit_job', args: unknown, queue: boolean): JsonObject {
    const parsed: RequestArguments = parseArguments(tool, this.#fields[tool], args);
    const metadata = jsonCopy(parsed.metadata, tool);
    const demand = this.#demand(parsed.workers);
    const record = this.#book.create({
      id: this.#newId(),
      jobId: parsed.job_id,
      priority: parsed.priority,
      mcpServers: parsed.mcp_servers,
      workers: parsed.workers,
      ttlSeconds: parsed.ttl_seconds,
      metadata,
      createdAt: this.#clock.read(),
    });
    const ports = this.#servers.demand(parsed.mcp_servers);
    if (ports.starting > ports.free) {
      this.#book.fail(record, mcpPortsText(ports.starting, ports.free));
      return failedView(record);
    }
    let result: SubmitResult;
    try {
      result = this.manager.submit({
        id: record.id,
        tenant: parsed.job_id,
        priority: priorityClassOf(parsed.priority as SeedPriority),
        resources: { cpu: demand.cpu, memory: demand.memory, workers: demand.workers },
        ttlMs: parsed.ttl_seconds * 1000,
        ...(parsed.metadata === undefined ? {} : { metadata }),
      });
    } catch (error) {
      this.#book.forget(record);
      throw error;
    }
    const nodes = this.manager.nodes();
    switch (result.status) {
      case 'allocated':
        return record.state === 'failed' ? failedView(record) : activeView(record, this.#context());
      case 'rejected':
        this.#book.fail(record, (queue && result.code === 'UNSATISFIABLE' ? neverFitsText(demand, nodes) : insufficientText(demand, nodes)) ?? result.reason);
        return failedView(record);
      case 'queued': {
        // read now: the manager works the explanation out when it is first read
        const message = insufficientText(demand, nodes) ?? result.message;
        if (queue || result.reason === 'preempting') {
          return { allocation_id: record.id, status: 'pending', job_id: record.jobId, reason: result.reason, message, position: result.position, created_at: isoTime(record.createdAt) };
        }
        this.#book.withdraw(record, insufficientText(demand, nodes) ?? `Cannot start now: ${message}`);
        return failedView(record);
      }
    }
  }

  #newId(): string {
    const custom = this.#options.newAllocationId;
    if (custom === undefined) return this.#ids.next((id) => this.#book.has(id) || this.manager.job(id) !== undefined);
    for (let attempt = 0; attempt < 8; attempt++) {
      const id = custom();
      if (typeof id !== 'string' || id.length === 0) throw new FairpackError('INVALID_OPTION', `Expected \`newAllocationId\` to return a non-empty string, got ${describeValue(id)}.`, { option: 'newAllocationId' });
      if (!this.#book.has(id) && this.manager.job(id) === undefined) return id;
    }
    throw new FairpackError('INVALID_OPTION', 'Expected `newAllocationId` to return ids not in use, got one in use 8 times in a row.', { option: 'newAllocationId' });
  }

  /** What `workers` workers take. Exact: the product is rounded to 9 decimals, past any pool's precision. */
  #demand(workers: number): Demand {
    return { workers, cpu: times(workers, this.#options.workerCpu), memory: times(workers, this.#options.workerMemory) };
  }

  #context(): ViewContext {
    return { servers: this.#servers, demand: (workers) => this.#demand(workers), now: this.#clock.read() };
  }
}

function times(count: number, each: number): number {
  return Number((count * each).toFixed(9));
}

/** The metadata as the allocation keeps it: a JSON copy, so that the caller's object can change. */
function jsonCopy(metadata: JsonObject | undefined, tool: string): JsonObject {
  if (metadata === undefined) return {};
  try {
    return JSON.parse(JSON.stringify(metadata)) as JsonObject;
  } catch (error) {
    throw new FairpackError('INVALID_REQUEST', `Expected \`metadata\` of ${tool} to be plain JSON, but it does not serialise: ${error instanceof Error ? error.message : String(error)}.`, { tool, field: 'metadata' });
  }
}
