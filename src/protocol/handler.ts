import { didYouMean, didYouMeanHint } from '../did-you-mean.js';
import { FairpackError, describeValue, isFairpackError } from '../errors.js';
import { checkKnownKeys, knownKeys } from '../known-keys.js';
import { AllocationManager, type JobRequest, type SubmitResult } from '../manager/index.js';
import { JobIds } from '../manager/job-ids.js';
import { type Resources, type Scale, createScale, isPlainRecord } from '../resources/index.js';
import { invalidSnapshot, within } from '../snapshot/reader.js';
import { bodyFields, checkEnvelope, checkFields } from './body-fields.js';
import { type Body, MessageError, invalid, isMessageId, optionalInteger, optionalString, parseRequirements, requiredString, withoutNegativeZero } from './fields.js';
import { type ProtocolHandlerSnapshot, PROTOCOL_SNAPSHOT_FORMAT, outgoingSnapshot, readProtocolSnapshot } from './handler-snapshot.js';
import { JobBook } from './job-book.js';
import { jobsOn, nodeNow, onNode, readForce, readNodeSpec, readStatus, wireNode } from './nodes.js';
import { plainMessage } from './plain-message.js';
import { type Outgoing, describeError, errorTo } from './outgoing.js';
import type { Origin, ProtocolJob } from './pending-job.js';
import { allocationsBody, capacityBody, nodesBody, queuesBody } from './reads.js';
import { neverFitsShortfall, queuedReasonText, requiredField } from './shortfall.js';
import { PROTOCOL_REQUEST_TYPES, type ProtocolEnvelope, type ProtocolHandlerOptions, type UnstampedBody } from './types.js';

const OPTIONS = knownKeys('ProtocolHandler option', ['precision', 'nodeId', 'maxLineLength', 'maxJobsPerMessage', 'maxParked', 'maxCategories', 'send'], 'INVALID_OPTION');

/** Default longest line `handleLine` parses: 1 MiB of characters. */
export const DEFAULT_MAX_LINE_LENGTH = 1 << 20;
const MAX_LIMIT = 1_000_000;

/**
 * The JSON wire protocol over an `AllocationManager`: maps one incoming message to its reply and
 * to the unsolicited messages it caused (a queued request that started because this message freed
 * room). No I/O: transports (`fairpack node`, your own socket) feed it messages and write out what
 * it returns. It never throws on input — malformed messages get an `error` reply and change nothing.
 *
 * ```ts
 * const handler = new ProtocolHandler(new AllocationManager({ capacity: { cpu: 8, memory: 16, gpu: 2 } }));
 * handler.handleLine('{"src":"c1","dest":"n1","body":{"type":"allocate","msg_id":1,"requirements":[{"type":"cpu","amount":2}]}}');
 * // → ['{"src":"n1","dest":"c1","body":{"type":"allocated","msg_id":1,"in_reply_to":1,"allocation_id":"…","resources":{"cpu":2}}}']
 * ```
 */
export class ProtocolHandler {
  readonly #manager: AllocationManager;
  readonly #scale: Scale;
  readonly #maxJobs: number;
  readonly #maxCategories: number;
  readonly #maxLineLength: number;
  readonly #maxParked: number;
  readonly #send: ((message: ProtocolEnvelope) => void) | undefined;
  #nodeId: string | undefined;
  #nextMsgId = 1;
  /** Job ids: a prefix and a counter, so a handler restored from a snapshot goes on with the same ids. */
  readonly #jobIds = new JobIds();
  /** Every protocol job that has not ended, wherever it waits. */
  readonly #book: JobBook;
  /** Messages that arise while `handle()` runs; they follow its reply. */
  #collecting: Outgoing[] | undefined;
  /** Messages that arose outside `handle()` with no `send` option; the next `handle()` returns them first. */
  #backlog: Outgoing[] = [];
  #closed = false;

  constructor(manager: AllocationManager, given: ProtocolHandlerOptions = {}) {
    if (!isManager(manager)) throw new FairpackError('INVALID_OPTION', `Expected an AllocationManager, got ${describeValue(manager)}.`);
    const options = readOptions(given);
    checkKnownKeys(options, OPTIONS);
    this.#manager = manager;
    this.#scale = createScale(options.precision);
    this.#maxJobs = positiveInteger(options.maxJobsPerMessage ?? 1000, 'maxJobsPerMessage');
    this.#maxCategories = nonNegativeInteger(options.maxCategories ?? 1000, 'maxCategories');
    this.#maxLineLength = positiveInteger(options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH, 'maxLineLength');
    if (options.send !== undefined && typeof options.send !== 'function') throw new FairpackError('INVALID_OPTION', `Expected \`send\` to be a function, got ${describeValue(options.send)}.`, { option: 'send' });
    if (options.nodeId !== undefined && (typeof options.nodeId !== 'string' || options.nodeId.length === 0)) {
      throw new FairpackError('INVALID_OPTION', `Expected \`nodeId\` to be a non-empty string, got ${describeValue(options.nodeId)}.`, { option: 'nodeId' });
    }
    this.#send = options.send;
    this.#nodeId = options.nodeId;
    this.#maxParked = nonNegativeInteger(options.maxParked ?? 10_000, 'maxParked');
    this.#book = new JobBook(manager, (outgoing) => this.#emit(outgoing), this.#maxParked);
  }

  /**
   * The handler's own state as plain JSON — which request each job answers, the parked requests,
   * the next `msg_id` and job id, its settings. Take it together with the manager's
   * (`manager.snapshot()`), between two messages: `ProtocolHandler.restore` needs both.
   */
  snapshot(): ProtocolHandlerSnapshot {
    return {
      format: PROTOCOL_SNAPSHOT_FORMAT,
      version: 1,
      settings: { precision: this.#scale.precision, maxLineLength: this.#maxLineLength, maxJobsPerMessage: this.#maxJobs, maxParked: this.#maxParked, maxCategories: this.#maxCategories },
      nodeId: this.#nodeId ?? null,
      nextMsgId: this.#nextMsgId,
      jobIds: this.#jobIds.state(),
      jobs: this.#book.snapshotJobs(),
      parked: this.#book.parkedIds(),
      backlog: this.#backlog.map(outgoingSnapshot),
    };
  }

  /**
   * A handler in exactly the state of `snapshot`, over `manager` restored from the manager's
   * snapshot taken with it. Its settings come from the snapshot (the same messages must get the
   * same answers); `options` gives what JSON cannot: `send`. A snapshot that is not one, or whose
   * jobs are not where the manager says, throws `INVALID_SNAPSHOT`; nothing is built then.
   */
  static restore(manager: AllocationManager, snapshot: unknown, options: { readonly send?: (message: ProtocolEnvelope) => void } = {}): ProtocolHandler {
    const state = readProtocolSnapshot(snapshot);
    if (options.send !== undefined && typeof options.send !== 'function') throw new FairpackError('INVALID_OPTION', `Expected \`send\` to be a function, got ${describeValue(options.send)}.`, { option: 'send' });
    if (!isManager(manager)) throw new FairpackError('INVALID_OPTION', `Expected an AllocationManager, got ${describeValue(manager)}.`);
    state.jobs.forEach((job, i) => {
      const status = manager.job(job.id)?.status;
      const live = status === 'queued' || status === 'running' || status === 'preempted';
      if (live !== (job.place === 'manager')) {
        throw invalidSnapshot(`jobs[${i}]`, `job "${job.id}" is ${job.place} here but ${status ?? 'unknown'} in the manager: restore the manager from the snapshot taken with this one`);
      }
    });
    const handler = within('settings', () => new ProtocolHandler(manager, { ...state.settings, ...(state.nodeId === null ? {} : { nodeId: state.nodeId }), ...(options.send === undefined ? {} : { send: options.send }) }));
    handler.#nextMsgId = state.nextMsgId;
    handler.#jobIds.restore(state.jobIds);
    for (const job of state.jobs) handler.#book.restoreJob(job);
    for (const id of state.parked) handler.#book.restoreParked(id);
    handler.#backlog = state.backlog.map((message) => ({ client: message.client, node: message.node, body: message.body }));
    return handler;
  }

  /**
   * Answers one message (an object `{ src, dest, body }`): returns the reply, preceded by any
   * messages that arose since the last call and followed by those this one caused. Replies to
   * replies (bodies with `in_reply_to`) are never sent, so two nodes cannot echo errors forever.
   */
  handle(message: unknown): ProtocolEnvelope[] {
    return this.#respond(() => {
      let data: unknown;
      try {
        data = plainMessage(message);
      } catch (error) {
        return errorTo(undefined, undefined, undefined, ...describeError(error));
      }
      return this.#dispatch(data);
    });
  }

  /** `handle()` for one line of text: parses it (`MALFORMED_JSON` if it does not parse) and serialises the answers. */
  handleLine(line: string): string[] {
    if (typeof line === 'string' && line.length > this.#maxLineLength) {
      const text = `Expected a message of at most ${this.#maxLineLength} characters, got a longer line; it was dropped.`;
      return this.#respond(() => errorTo(undefined, undefined, undefined, 'MESSAGE_TOO_LARGE', text)).map((envelope) => JSON.stringify(envelope));
    }
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch (error) {
      const text = `Expected one JSON message per line, but it does not parse: ${error instanceof Error ? error.message : String(error)}.`;
      return this.#respond(() => errorTo(undefined, undefined, undefined, 'MALFORMED_JSON', text)).map((envelope) => JSON.stringify(envelope));
    }
    // JSON.parse made plain data: no copy needed
    return this.#respond(() => this.#dispatch(message)).map((envelope) => JSON.stringify(envelope));
  }

  /** Stops listening to the manager. Later messages are answered with `HANDLER_CLOSED`. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#book.detach();
  }

  // ---- dispatch ------------------------------------------------------------------------------------

  /** Runs one request: earlier backlog first, then its reply, then what it caused — stamped in that order. */
  #respond(produce: () => Outgoing | undefined): ProtocolEnvelope[] {
    const earlier = this.#backlog;
    this.#backlog = [];
    const during: Outgoing[] = [];
    const outer = this.#collecting;
    this.#collecting = during;
    let reply: Outgoing | undefined;
    try {
      reply = produce();
    } finally {
      this.#collecting = outer;
    }
    const out = [...earlier, ...(reply === undefined ? [] : [reply]), ...during];
    return out.map((outgoing) => this.#stamp(outgoing));
  }

  /** Answers one message of plain data (parsed JSON, or a `plainMessage` copy). */
  #dispatch(message: unknown): Outgoing | undefined {
    if (!isPlainRecord(message)) return errorTo(undefined, undefined, undefined, 'INVALID_MESSAGE', `Expected a message {"src", "dest", "body"}, got ${describeValue(message)}.`);
    const { src, dest, body } = message;
    // a reply is never answered, whatever else is wrong with it: no error loops between nodes
    if (isPlainRecord(body) && Object.hasOwn(body, 'in_reply_to')) return undefined;
    // a usable msg_id is answered (in_reply_to) even when the envelope around it is wrong
    const usableId = isPlainRecord(body) && isMessageId(body['msg_id']) ? withoutNegativeZero(body['msg_id']) : undefined;
    const client = typeof src === 'string' ? src : undefined;
    const node = typeof dest === 'string' ? dest : undefined;
    if (src !== undefined && client === undefined) return errorTo(undefined, node, usableId, 'INVALID_MESSAGE', `Expected \`src\` to be a string (a node name), got ${describeValue(src)}.`);
    if (dest !== undefined && node === undefined) return errorTo(client, undefined, usableId, 'INVALID_MESSAGE', `Expected \`dest\` to be a string (a node name), got ${describeValue(dest)}.`);
    if (!isPlainRecord(body)) return errorTo(client, node, undefined, 'INVALID_MESSAGE', `Expected \`body\` to be an object {"type", "msg_id", …}, got ${body === undefined ? 'no body' : describeValue(body)}.`);
    const given = body['msg_id'];
    if (!isMessageId(given)) return errorTo(client, node, undefined, 'INVALID_MESSAGE', `Expected \`msg_id\` to be an integer >= 0, got ${given === undefined ? 'nothing' : describeValue(given)}.`);
    const msgId = withoutNegativeZero(given);
    const origin: Origin = { client, node, msgId };
    if (this.#closed) return errorTo(client, node, msgId, 'HANDLER_CLOSED', 'This protocol handler was closed; it answers no more requests.');
    try {
      checkEnvelope(message);
      return { client, node, body: this.#answer(body, origin) };
    } catch (error) {
      return errorTo(client, node, msgId, ...describeError(error));
    }
  }

  #answer(body: Body, origin: Origin): UnstampedBody {
    const type = body['type'];
    if (typeof type !== 'string') throw invalid(`Expected \`type\` to be a string (one of ${PROTOCOL_REQUEST_TYPES.join(', ')}), got ${type === undefined ? 'nothing' : describeValue(type)}.`);
    const fields = bodyFields(type);
    if (fields !== undefined) checkFields(body, fields); // an unknown type is answered below
    const inReplyTo = origin.msgId;
    switch (type) {
      case 'init':
        return this.#init(body, inReplyTo);
      case 'allocate':
        return this.#allocate(body, origin);
      case 'release':
        return this.#release(body, inReplyTo);
      case 'submit_job':
        return this.#submitJobs(body, origin);
      case 'cancel':
        return this.#cancel(body, inReplyTo);
      case 'capacity':
        return capacityBody(this.#manager, inReplyTo);
      case 'allocations':
        return allocationsBody(this.#manager, inReplyTo, optionalString(body, 'tenant', 'allocations'));
      case 'queues':
        return queuesBody(this.#manager, inReplyTo, this.#book.categoryViews(), this.#book.parkedCount);
      case 'nodes':
        return nodesBody(this.#manager, inReplyTo);
      case 'node_add':
        return this.#nodeAdd(body, inReplyTo);
      case 'node_remove':
        return this.#nodeRemove(body, inReplyTo);
      case 'node_status':
        return this.#nodeStatus(body, inReplyTo);
      case 'heartbeat':
        return this.#heartbeat(body, inReplyTo);
      default:
        throw new MessageError(
          'UNKNOWN_MESSAGE_TYPE',
          `Unknown message type ${JSON.stringify(type.length > 60 ? `${type.slice(0, 57)}...` : type)}.${didYouMeanHint(didYouMean(type, PROTOCOL_REQUEST_TYPES), (name) => `"${name}"`)} Expected one of ${PROTOCOL_REQUEST_TYPES.join(', ')}.`,
        );
    }
  }

  // ---- requests ------------------------------------------------------------------------------------

  #init(body: Body, inReplyTo: number): UnstampedBody {
    const nodeId = optionalString(body, 'node_id', 'init');
    const nodeIds = body['node_ids'];
    if (nodeIds !== undefined && (!Array.isArray(nodeIds) || !nodeIds.every((id) => typeof id === 'string'))) {
      throw invalid(`Expected \`node_ids\` of init to be an array of strings, got ${describeValue(nodeIds)}.`);
    }
    if (nodeId !== undefined) this.#nodeId = nodeId;
    return { type: 'init_ok', in_reply_to: inReplyTo };
  }

  #allocate(body: Body, origin: Origin): UnstampedBody {
    const resources = parseRequirements(body['requirements'], this.#scale, 'allocate');
    const priority = optionalString(body, 'priority', 'allocate');
    const ids = this.#draftIds();
    const request: JobRequest = { id: ids.next(), tenant: this.#tenantOf(body, origin, 'allocate'), resources, ...(priority === undefined ? {} : { priority }) };
    const job = this.#book.track(request, origin, undefined);
    let result: SubmitResult;
    try {
      result = this.#book.admit(job);
    } catch (error) {
      this.#book.untrack(job);
      throw error;
    }
    ids.commit();
    job.announce = true;
    return this.#submitReply(job, result, origin.msgId);
  }

  #submitReply(job: ProtocolJob, result: SubmitResult, inReplyTo: number): UnstampedBody {
    switch (result.status) {
      case 'allocated':
        return { type: 'allocated', in_reply_to: inReplyTo, allocation_id: result.allocation.id, resources: result.allocation.resources };
      case 'queued':
        return { type: 'queued', in_reply_to: inReplyTo, reason: queuedReasonText(result.reason), available: result.available, required: requiredField(result.required), job_id: job.id };
      case 'rejected': {
        if (job.place === 'parked') {
          const { available, required } = neverFitsShortfall(job.request.resources, this.#manager.nodes());
          const reason = Object.keys(required).length > 0 ? 'Insufficient resources' : 'No eligible node';
          return { type: 'queued', in_reply_to: inReplyTo, reason, available, required: requiredField(required), job_id: job.id };
        }
        this.#book.untrack(job);
        return { type: 'error', in_reply_to: inReplyTo, code: result.code, text: result.reason };
      }
    }
  }

  #release(body: Body, inReplyTo: number): UnstampedBody {
    const allocationId = requiredString(body, 'allocation_id', 'release');
    const status = body['job_status'] ?? 'completed';
    if (status !== 'completed' && status !== 'failed' && status !== 'preempted') {
      throw invalid(`Expected \`job_status\` of release to be "completed", "failed" or "preempted", got ${describeValue(status)}.`);
    }
    const { freed } = this.#manager.release(allocationId, { outcome: status });
    return { type: 'released', in_reply_to: inReplyTo, allocation_id: allocationId, resources_freed: freed };
  }

  #submitJobs(body: Body, origin: Origin): UnstampedBody {
    const category = requiredString(body, 'category', 'submit_job');
    const count = optionalInteger(body, 'jobs', 'submit_job', 1, this.#maxJobs) ?? 1;
    const limit = optionalInteger(body, 'concurrency_limit', 'submit_job', 0, MAX_LIMIT);
    const resources: Resources = body['requirements'] === undefined ? {} : parseRequirements(body['requirements'], this.#scale, 'submit_job');
    const tenant = this.#tenantOf(body, origin, 'submit_job');
    // everything is checked: from here on the message changes state. The limit is the manager's
    // cap. A lower one is set first (it starts nothing), so that no job of this message starts
    // past it; a higher one last, when it may start jobs that waited for it — this message's too.
    const caps = this.#manager.concurrency();
    const previous = caps[category]?.limit;
    if (limit !== undefined && previous === undefined && Object.keys(caps).length >= this.#maxCategories) {
      throw new MessageError('TOO_MANY_CATEGORIES', `Expected at most ${this.#maxCategories} categories with a concurrency limit, got a limit for a new one, "${category}". Reuse a category, or raise the handler's maxCategories.`);
    }
    const lowering = limit !== undefined && (previous === undefined || limit < previous);
    if (lowering) this.#manager.setConcurrency(category, limit);
    const created: ProtocolJob[] = [];
    let rejected = 0;
    const ids = this.#draftIds();
    for (let i = 0; i < count; i++) {
      const job = this.#book.track({ id: ids.next(), tenant, category, resources }, origin, category);
      let result: SubmitResult;
      try {
        result = this.#book.admit(job);
      } catch (error) {
        // every job of the message is the same request: only the first can be refused this way
        this.#book.untrack(job);
        if (lowering) this.#manager.setConcurrency(category, previous);
        throw error;
      }
      if (result.status === 'rejected' && job.place !== 'parked') {
        this.#book.untrack(job);
        rejected++;
        continue;
      }
      created.push(job);
    }
    ids.commit();
    if (limit !== undefined && !lowering) this.#manager.setConcurrency(category, limit);
    const started = created.filter((job) => job.allocationId !== undefined);
    for (const job of created) job.announce = true;
    const view = this.#book.categoryViews()[category];
    return {
      type: 'jobs_submitted',
      in_reply_to: origin.msgId,
      queued: created.length - started.length,
      running: view?.running ?? 0,
      waiting: view?.waiting ?? 0,
      job_ids: created.map((job) => job.id),
      allocation_ids: started.map((job) => job.allocationId as string),
      ...(rejected === 0 ? {} : { rejected }),
    };
  }

  #cancel(body: Body, inReplyTo: number): UnstampedBody {
    const jobId = requiredString(body, 'job_id', 'cancel');
    const job = this.#book.get(jobId);
    if (job !== undefined && job.place === 'parked') {
      // parked: the manager does not have it
      this.#book.withdraw(job);
      return { type: 'cancelled', in_reply_to: inReplyTo, job_id: jobId, status: 'cancelled' };
    }
    const view = this.#manager.cancel(jobId);
    return { type: 'cancelled', in_reply_to: inReplyTo, job_id: jobId, status: view.status };
  }

  // ---- nodes ---------------------------------------------------------------------------------------
  //
  // The manager's own calls. What they cause reaches clients through the books' listeners, as when
  // the application calls them: a node that comes (or comes back ready) retries the parked
  // requests; jobs put back in the queue by a removal or a node going offline stay in the books
  // (queued, in the manager) and are announced with a new `allocated` when they start again. All
  // of it follows the reply. A reply shows the node as it is once the message took effect — jobs
  // that started on it because of the message included — as a `nodes` read right after would.

  #nodeAdd(body: Body, inReplyTo: number): UnstampedBody {
    const spec = readNodeSpec(body, this.#scale);
    const node = this.#manager.addNode(spec);
    return { type: 'node_added', in_reply_to: inReplyTo, node: wireNode(nodeNow(this.#manager, node.id, node)) };
  }

  #nodeRemove(body: Body, inReplyTo: number): UnstampedBody {
    const nodeId = requiredString(body, 'node_id', 'node_remove');
    const force = readForce(body);
    // read before: the removal evicts them (or is refused, and then nothing was put back)
    const running = jobsOn(this.#manager, nodeId);
    const node = onNode(this.#manager, 'node_remove', nodeId, () => this.#manager.removeNode(nodeId, { force }));
    return { type: 'node_removed', in_reply_to: inReplyTo, node: wireNode(node), requeued_jobs: running };
  }

  #nodeStatus(body: Body, inReplyTo: number): UnstampedBody {
    const nodeId = requiredString(body, 'node_id', 'node_status');
    const status = readStatus(body);
    // an offline node's jobs wait again; `draining` and `ready` move none
    const running = status === 'offline' ? jobsOn(this.#manager, nodeId) : [];
    const node = onNode(this.#manager, 'node_status', nodeId, () => this.#manager.setNodeStatus(nodeId, status));
    return { type: 'node_status_set', in_reply_to: inReplyTo, node: wireNode(nodeNow(this.#manager, nodeId, node)), requeued_jobs: running };
  }

  #heartbeat(body: Body, inReplyTo: number): UnstampedBody {
    const nodeId = requiredString(body, 'node_id', 'heartbeat');
    const node = onNode(this.#manager, 'heartbeat', nodeId, () => this.#manager.heartbeat(nodeId));
    return { type: 'heartbeat_ok', in_reply_to: inReplyTo, node: wireNode(nodeNow(this.#manager, nodeId, node)) };
  }

  // ---- helpers -------------------------------------------------------------------------------------

  /** Ids for the jobs of one message, kept (`commit`) once the message created them. */
  #draftIds(): { next(): string; commit(): void } {
    return this.#jobIds.draft((id) => this.#book.get(id) !== undefined || this.#manager.job(id) !== undefined);
  }

  /** The tenant of a request: `tenant` if given, else the requester (`src`), so fairness is per client. */
  #tenantOf(body: Body, origin: Origin, type: string): string {
    const tenant = optionalString(body, 'tenant', type);
    if (tenant !== undefined) return tenant;
    return origin.client === undefined || origin.client.length === 0 ? 'default' : origin.client;
  }

  // ---- output --------------------------------------------------------------------------------------

  #emit(outgoing: Outgoing): void {
    if (this.#collecting !== undefined) this.#collecting.push(outgoing);
    else if (this.#send === undefined) this.#backlog.push(outgoing);
    else {
      const envelope = this.#stamp(outgoing);
      try {
        this.#send(envelope);
      } catch {
        // a failing transport must not break the manager call that caused the message: the
        // next handle() returns it instead
        this.#backlog.push({ client: outgoing.client, node: outgoing.node, body: withoutId(envelope.body) });
      }
    }
  }

  /** Gives a message its `msg_id` — at the moment it leaves, so ids increase in output order. */
  #stamp(outgoing: Outgoing): ProtocolEnvelope {
    const { type, ...rest } = outgoing.body;
    const body = { type, msg_id: this.#nextMsgId++, ...rest } as ProtocolEnvelope['body'];
    const src = outgoing.node ?? this.#nodeId;
    return { ...(src === undefined ? {} : { src }), ...(outgoing.client === undefined ? {} : { dest: outgoing.client }), body };
  }
}

/** `instanceof`, for a value that may be a Proxy whose traps throw (then it is not a manager). */
function isManager(value: unknown): value is AllocationManager {
  try {
    return value instanceof AllocationManager;
  } catch {
    return false;
  }
}

/**
 * The options, read once into plain data: a getter, or a Proxy whose traps throw, is refused with
 * `INVALID_OPTION` instead of escaping the constructor as the caller's own error.
 */
function readOptions(options: unknown): ProtocolHandlerOptions {
  try {
    if (!isPlainRecord(options)) throw new FairpackError('INVALID_OPTION', `Expected ProtocolHandler options to be an object, got ${describeValue(options)}.`);
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(options)) {
      const descriptor = Object.getOwnPropertyDescriptor(options, key);
      if (descriptor !== undefined && !('value' in descriptor)) throw new FairpackError('INVALID_OPTION', `Expected ProtocolHandler option \`${key}\` to be a value, got a getter.`, { option: key });
      Object.defineProperty(out, key, { value: descriptor?.value, enumerable: true });
    }
    return out as ProtocolHandlerOptions;
  } catch (error) {
    if (isFairpackError(error)) throw error;
    const reason = error instanceof Error ? error.message : typeof error;
    throw new FairpackError('INVALID_OPTION', `Expected ProtocolHandler options of plain data, but reading them threw (${reason}).`, {}, { cause: error });
  }
}

function positiveInteger(value: unknown, option: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new FairpackError('INVALID_OPTION', `Expected \`${option}\` to be an integer >= 1, got ${describeValue(value)}.`, { option });
  return value;
}

function nonNegativeInteger(value: unknown, option: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new FairpackError('INVALID_OPTION', `Expected \`${option}\` to be an integer >= 0, got ${describeValue(value)}.`, { option });
  return value;
}

function withoutId(body: ProtocolEnvelope['body']): UnstampedBody {
  const { msg_id: _stamped, ...rest } = body;
  return rest as UnstampedBody;
}

