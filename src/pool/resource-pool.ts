import { plainArray, plainOptions, readingInput } from '../user-input.js';
import { MonotonicClock } from '../clock.js';
import { invalidSnapshot, snapshotError, within } from '../snapshot/reader.js';
import { type PoolSnapshot, type PoolState, readAllocationEntry, readPoolSnapshot } from './pool-snapshot.js';
import { FairpackError, describeValue } from '../errors.js';
import { checkKnownKeys, knownKeys } from '../known-keys.js';
import { withLazyFields } from '../lazy-fields.js';
import {
  type IndexedNode,
  type NodeStatus,
  type NodeView,
  type PlacementStrategy,
  type PlacementStrategyName,
  placementStrategyNames,
  resolvePlacementStrategy,
} from '../placement/index.js';
import { type Scale, createScale, fromScaled, isPlainRecord } from '../resources/index.js';
import { AllocationIds } from './allocation-ids.js';
import { type AllocationTimes, makeAllocation } from './build-allocation.js';
import { CapacityGroups } from './capacity-groups.js';
import { DeferredIndex } from './deferred-index.js';
import { DimensionSpace } from './dimension-space.js';
import { isAvoided, isEligible, isEligibleWhenReady } from './eligibility.js';
import { attachPoolInternals } from './internals.js';
import { LiveTable } from './live-table.js';
import { type MetadataLimits, metadataLimitsOption } from './metadata.js';
import { NodeState, type ParsedNode, denseVector, parseNodeId, parseNodeSpec, parseNodeUpdate, parseStatus } from './node-state.js';
import { type JobFields, type ParsedRequest, type WritableRequest, blankRequest, parseRequest } from './request.js';
import { planBatch } from './batch/plan-batch.js';
import { ReleasedIds } from './released-ids.js';
import { ResourcesCache } from './resources-cache.js';
import { allocated, released } from './result-shapes.js';
import { explainShortfall } from './shortfall.js';
import type {
  AllocateResult,
  Allocation,
  AllocationRequest,
  BatchPlan,
  NodeSpec,
  PlanBatchOptions,
  PoolCapacity,
  PoolRestoreOptions,
  ReleaseResult,
  NodeUpdate,
  RemoveNodeOptions,
  RemoveNodeResult,
  ResourcePoolOptions,
} from './types.js';

const OPTIONS = knownKeys('ResourcePool option', ['nodes', 'capacity', 'placement', 'precision', 'now', 'maxMetadataBytes', 'maxMetadataDepth'], 'INVALID_OPTION');
/** Released ids remembered so that a second release says ALREADY_RELEASED (oldest forgotten first). */
const REMEMBERED_RELEASES = 10_000;

/**
 * Nodes, exact capacity and placement. No time, no queue: `allocate` either places a request now
 * or says why it does not fit; `release` gives the resources back exactly.
 */
export class ResourcePool {
  readonly #scale: Scale;
  readonly #space: DimensionSpace;
  readonly #groups: CapacityGroups;
  readonly #strategy: PlacementStrategy;
  readonly #clock: MonotonicClock;
  readonly #metadataLimits: MetadataLimits;
  /** Free-room changes reach it when it is next read (see DeferredIndex). */
  #index: DeferredIndex | undefined;
  /** In node order (a Map keeps insertion order; a re-added node goes to the end). */
  readonly #nodesById = new Map<string, NodeState>();
  readonly #live = new LiveTable();
  readonly #released = new ReleasedIds(REMEMBERED_RELEASES);
  readonly #ids = new AllocationIds();
  readonly #resourcesCache = new ResourcesCache();
  /**
   * The last clock reading, handed out again while the clock reads the same: allocations made in
   * the same millisecond then refer to one number rather than each to its own (see makeAllocation).
   */
  #lastTime: number | undefined = undefined;
  /**
   * What `allocate` parses its request into, reused from call to call (a fresh parsed request per
   * call was ≈ 140 of the ≈ 700 bytes of garbage a release + allocate left): nothing keeps it past
   * the call but a lazy explanation, which copies it. Undefined while a call uses it, so that an
   * `allocate` nested in it (a custom strategy's callback) parses into a request of its own.
   */
  #reusedRequest: WritableRequest | undefined = blankRequest();
  /** Live nodes by slot: checks that an index answered with one of ours without a lookup by id. */
  readonly #bySlot: (NodeState | undefined)[] = [];
  readonly #freeSlots: number[] = [];
  #nextSlot = 0;
  #nextOrder = 0;
  /** Scaled cluster capacity per dimension, kept so that a node that would push a total past the exact range is refused. */
  readonly #totals = new Map<string, number>();
  /** Nodes with any taint: while 0, no request needs a per-node taint check. */
  #taintedNodes = 0;
  /** Nodes with a PreferNoSchedule taint: while 0, placement needs only one tier. */
  #softTaintedNodes = 0;
  /** Spot nodes: while 0, a request that avoids them needs only one tier. */
  #spotNodes = 0;

  constructor(input: ResourcePoolOptions = {}) {
    const options = plainOptions(input, 'the ResourcePool options');
    if (!isPlainRecord(options as unknown)) {
      throw new FairpackError('INVALID_OPTION', `Expected ResourcePool options to be an object, got ${describeValue(options)}.`);
    }
    checkKnownKeys(options, OPTIONS);
    this.#scale = createScale(options.precision);
    this.#metadataLimits = metadataLimitsOption(options.maxMetadataBytes, options.maxMetadataDepth);
    this.#space = new DimensionSpace(this.#scale);
    this.#groups = new CapacityGroups(this.#space);
    this.#strategy = resolvePlacementStrategy(options.placement);
    const now = options.now ?? (() => Date.now());
    if (typeof now !== 'function') {
      throw new FairpackError('INVALID_OPTION', `Expected \`now\` to be a function returning milliseconds, got ${describeValue(now)}.`, { option: 'now' });
    }
    this.#clock = new MonotonicClock(now, 'Nothing was allocated');
    if (options.nodes !== undefined && options.capacity !== undefined) {
      throw new FairpackError('INVALID_OPTION', 'Expected `nodes` or `capacity`, got both. Use `capacity` for one flat pool, or list it as a node in `nodes`.');
    }
    const specs: unknown = options.capacity !== undefined ? [{ id: 'default', capacity: options.capacity }] : (options.nodes ?? []);
    if (!Array.isArray(specs)) {
      throw new FairpackError('INVALID_OPTION', `Expected \`nodes\` to be an array of node specs, got ${describeValue(specs)}.`, { option: 'nodes' });
    }
    const parsed = plainArray(specs).map((spec) => parseNodeSpec(spec, this.#space));
    const seen = new Set<string>();
    for (const node of parsed) {
      if (seen.has(node.id)) throw duplicateNode(node.id);
      seen.add(node.id);
    }
    const totals = new Map<string, number>();
    for (const node of parsed) checkTotals(totals, node);
    for (const node of parsed) this.#space.register(node.names);
    this.#index = this.#createIndex();
    for (const node of parsed) this.#insertNode(node);
    // what the manager, the batch planner and fairpack/testing use: on the instance under a
    // registry symbol (every copy of the library finds it), never on the public type
    const pool = this;
    attachPoolInternals(this, {
      space: this.#space,
      nodes: this.#nodesById,
      live: this.#live,
      get index() {
        return pool.#index?.current();
      },
      get indexFiling() {
        const index = pool.#index;
        return { refiled: index?.refiled ?? 0, skipped: index?.skipped ?? 0 };
      },
      strategy: this.#strategy,
      get dimensionCount() {
        return pool.#dimensionCount;
      },
      hold: (node, dims, amounts, sign) => this.#hold(node, dims, amounts, sign),
      allocateParsed: (request, explain, times) => this.#allocateParsed(request, explain, times),
      explain: (request) => this.#explain(request),
      couldEverFit: (request) => this.#couldEverFit(request),
      commitPlacement: (request, chosen, times) => this.#commitPlacement(request, chosen, times),
      readClock: () => this.#readClock(),
      parseRequest: (input, job, into) => this.#parseRequest(input, job, into),
      nodesAt: (slot) => this.#live.nodesAt(slot),
      isMember: (node) => this.#isMember(node),
      slotOf: (allocationId) => this.#live.find(allocationId),
    });
  }

  /** Decimal places accepted in amounts. */
  get precision(): number {
    return this.#scale.precision;
  }

  /** The placement strategy's name. */
  get placement(): string {
    return this.#strategy.name;
  }

  // ---- nodes -------------------------------------------------------------------------------------

  addNode(spec: NodeSpec): NodeView {
    const parsed = parseNodeSpec(spec, this.#space);
    if (this.#nodesById.has(parsed.id)) throw duplicateNode(parsed.id);
    checkTotals(new Map(this.#totals), parsed);
    if (this.#space.register(parsed.names)) this.#widen();
    return this.#insertNode(parsed).view(this.#space);
  }

  removeNode(id: string, options: RemoveNodeOptions = {}): RemoveNodeResult {
    const node = this.#requireNode(id);
    const force = readingInput('the removeNode options', 'INVALID_OPTION', () => (isPlainRecord(options as unknown) ? options.force : undefined));
    if (!isPlainRecord(options as unknown) || (force !== undefined && typeof force !== 'boolean')) {
      throw new FairpackError('INVALID_OPTION', `Expected removeNode options to be { force?: boolean }, got ${describeValue(options)}.`);
    }
    if (node.allocationCount > 0 && force !== true) {
      throw new FairpackError(
        'NODE_NOT_EMPTY',
        `Expected node "${id}" to have no live allocations before removal, got ${node.allocationCount}. Release them, drain the node first, or pass { force: true } to evict them.`,
        { nodeId: id, allocations: node.allocationCount },
      );
    }
    const evicted: Allocation[] = [];
    for (const slot of this.#live.slots()) {
      if (!this.#live.nodesAt(slot).includes(node)) continue;
      evicted.push(this.#live.allocationAt(slot));
      this.#releaseSlot(slot, `it was evicted when node "${id}" was removed`);
    }
    const view = node.view(this.#space);
    if (node.status === 'ready') this.#index?.remove(node);
    this.#groups.releaseMember(node.group);
    this.#countTaints(node, -1);
    for (const d of node.group.dims) {
      const name = this.#space.dimensions[d] as string;
      this.#totals.set(name, (this.#totals.get(name) ?? 0) - (node.capacity[d] as number));
    }
    this.#freeSlots.push(node.slot);
    this.#bySlot[node.slot] = undefined;
    this.#nodesById.delete(id);
    return Object.freeze({ node: view, evicted: Object.freeze(evicted) });
  }

  /**
   * Replaces a node's labels and/or taints (each given whole). Allocations already on it stay,
   * whatever the new labels and taints say (Kubernetes' IgnoredDuringExecution); new placements
   * follow them.
   */
  updateNode(id: string, update: NodeUpdate): NodeView {
    const node = this.#requireNode(id);
    const parsed = parseNodeUpdate(update, id);
    this.#countTaints(node, -1);
    if (parsed.labels !== undefined) node.labels = parsed.labels;
    if (parsed.taints !== undefined) node.taints = parsed.taints;
    this.#countTaints(node, 1);
    return node.view(this.#space);
  }

  setNodeStatus(id: string, status: NodeStatus): NodeView {
    const node = this.#requireNode(id);
    const next = parseStatus(status, `the status of node "${id}"`);
    if (next !== node.status) {
      if (node.status === 'ready') this.#index?.remove(node);
      node.status = next;
      if (next === 'ready') this.#index?.add(node);
    }
    return node.view(this.#space);
  }

  node(id: string): NodeView | undefined {
    return this.#nodesById.get(id)?.view(this.#space);
  }

  nodes(): NodeView[] {
    return [...this.#nodesById.values()].map((node) => node.view(this.#space));
  }

  /** Cluster sums over every node (whatever its status), per dimension. */
  capacity(): PoolCapacity {
    const size = this.#space.size;
    const total = new Float64Array(size);
    const free = new Float64Array(size);
    const reserved = new Float64Array(size);
    for (const node of this.#nodesById.values()) {
      for (let d = 0; d < size; d++) {
        total[d] = (total[d] as number) + (node.capacity[d] as number);
        free[d] = (free[d] as number) + (node.free[d] as number);
        reserved[d] = (reserved[d] as number) + (node.reserved[d] as number);
      }
    }
    const totalOut: Record<string, number> = {};
    const allocatedOut: Record<string, number> = {};
    const reservedOut: Record<string, number> = {};
    const availableOut: Record<string, number> = {};
    for (let d = 0; d < size; d++) {
      if (total[d] === 0) continue;
      const name = this.#space.dimensions[d] as string;
      totalOut[name] = fromScaled(total[d] as number, this.#scale);
      allocatedOut[name] = fromScaled((total[d] as number) - (free[d] as number) - (reserved[d] as number), this.#scale);
      reservedOut[name] = fromScaled(reserved[d] as number, this.#scale);
      availableOut[name] = fromScaled(free[d] as number, this.#scale);
    }
    return Object.freeze({ total: Object.freeze(totalOut), allocated: Object.freeze(allocatedOut), reserved: Object.freeze(reservedOut), available: Object.freeze(availableOut) });
  }

  // ---- snapshot and restore -----------------------------------------------------------------------

  /**
   * Everything that decides the pool's future, as plain JSON (it survives `JSON.stringify`): its
   * settings, nodes, live allocations with their slots, and its id generator's state. See
   * docs/durability.md. (An `AllocationManager`'s own `snapshot()` includes its pool's.)
   */
  snapshot(): PoolSnapshot {
    const nodes = [...this.#nodesById.values()].map((node) => {
      const view = node.view(this.#space);
      return { id: node.id, capacity: view.capacity, labels: node.labels, taints: node.taints, status: node.status, ...(node.costPerHour === undefined ? {} : { costPerHour: node.costPerHour }), ...(node.spot ? { spot: true } : {}), order: node.order };
    });
    const allocations = [...this.#live.slots()].map((slot) => {
      const allocation = this.#live.allocationAt(slot);
      return { slot, chosen: this.#live.isChosen(slot), allocation };
    });
    const { slots, freeSlots } = this.#live.layout();
    return {
      format: 'fairpack.pool',
      version: 1,
      precision: this.#scale.precision,
      placement: this.#strategy.name,
      maxMetadataBytes: this.#metadataLimits.maxBytes,
      maxMetadataDepth: this.#metadataLimits.maxDepth,
      dimensions: [...this.#space.dimensions],
      nodes,
      nextOrder: this.#nextOrder,
      allocations,
      slots,
      freeSlots,
      ids: this.#ids.state(),
      released: this.#released.list(),
    };
  }

  /**
   * Builds a pool in exactly the state a snapshot recorded: equal views, and the same answers
   * (nodes, ids) to the same further calls. `options` carries what JSON cannot: the clock, and a
   * custom placement strategy (by the snapshot's name). A snapshot that is not one — wrong format
   * or version, a missing or unknown field, an amount past `precision`, an allocation on an unknown
   * node or past its node's room, a custom strategy not supplied — throws `INVALID_SNAPSHOT` naming
   * the first problem; nothing is built.
   */
  static restore(snapshot: unknown, options: PoolRestoreOptions = {}): ResourcePool {
    const state = readPoolSnapshot(snapshot);
    const placement = restoredPlacement(state.placement, options.placement);
    const pool = within('', () =>
      new ResourcePool({ placement, precision: state.precision, maxMetadataBytes: state.maxMetadataBytes, maxMetadataDepth: state.maxMetadataDepth, ...(options.now === undefined ? {} : { now: options.now }) }),
    );
    pool.#restore(state);
    return pool;
  }

  /** Rebuilds a fresh pool's books from a snapshot (see `restore`). */
  #restore(state: PoolState): void {
    this.#space.register(state.dimensions);
    // no index while the books are rebuilt (one update per allocation would cost more than the
    // rest of the restore): it is built once, over the final free room, at the end
    this.#index = undefined;
    const seen = new Set<string>();
    for (const [i, spec] of state.nodes.entries()) {
      const { order, ...nodeSpec } = spec;
      const parsed = within(`nodes[${i}]`, () => parseNodeSpec(nodeSpec, this.#space));
      if (seen.has(parsed.id)) throw invalidSnapshot(`nodes[${i}].id`, `node "${parsed.id}" is listed twice`);
      if (i > 0 && order <= (state.nodes[i - 1] as { order: number }).order) throw invalidSnapshot(`nodes[${i}].order`, 'nodes must be listed in increasing order');
      seen.add(parsed.id);
      within(`nodes[${i}]`, () => checkTotals(this.#totals, parsed));
      if (this.#space.register(parsed.names)) this.#widen();
      this.#insertNode(parsed, order);
    }
    const lastOrder = state.nodes.at(-1)?.order ?? -1;
    if (state.nextOrder <= lastOrder) throw invalidSnapshot('nextOrder', `expected more than the last node's order ${lastOrder}, got ${state.nextOrder}`);
    this.#nextOrder = state.nextOrder;
    this.#ids.restore(state.ids);
    const entries = state.allocations.map((entry, i) => readAllocationEntry(entry, i));
    const taken = entries.map((a) => a.slot);
    const layout = new Set([...taken, ...state.freeSlots]);
    if (layout.size !== taken.length + state.freeSlots.length || [...layout].some((slot) => slot >= state.slots) || layout.size !== state.slots) {
      throw invalidSnapshot('slots', `expected every slot below ${state.slots} to be taken by one allocation or free, got ${taken.length} taken and ${state.freeSlots.length} free`);
    }
    this.#live.restoreLayout(state.slots, state.freeSlots, taken);
    // one path closure for the whole loop (a restore rebuilds 100,000s of allocations), reading the
    // index of the allocation being rebuilt: it is called only to throw, at once
    let at = 0;
    const where = (): string => `allocations[${at}].allocation`;
    for (; at < entries.length; at++) {
      const { allocation, chosen } = entries[at] as (typeof entries)[number];
      const { placements } = allocation;
      let request: ParsedRequest;
      try {
        request = this.#parseRequest({ id: allocation.id, jobId: allocation.jobId, tenant: allocation.tenant, priority: allocation.priority, resources: placements[0]?.resources, replicas: placements.length, metadata: allocation.metadata });
      } catch (error) {
        throw snapshotError(where, error);
      }
      const nodes = new Array<NodeState>(placements.length);
      for (let r = 0; r < placements.length; r++) {
        const { nodeId } = placements[r] as (typeof placements)[number];
        const node = this.#nodesById.get(nodeId);
        if (node === undefined) throw invalidSnapshot(() => `${where()}.placements[${r}].nodeId`, `no node "${nodeId}" in the snapshot`);
        nodes[r] = node;
      }
      const rebuilt = makeAllocation(allocation.id, request, nodes, allocation.createdAt, allocation.expiresAt, this.#space);
      if (!sameAllocation(rebuilt, allocation)) throw invalidSnapshot(where, 'its resources are not its placements\' sum, or its placements differ');
      if (this.#live.has(allocation.id)) throw invalidSnapshot(() => `${where()}.id`, `allocation "${allocation.id}" is listed twice`);
      const { nonZero, amounts } = request.dense;
      for (const [node, count] of nodes.length === 1 ? [[nodes[0] as NodeState, 1] as const] : countNodes(nodes)) {
        for (const d of nonZero) {
          if ((node.free[d] as number) < (amounts[d] as number) * count) throw invalidSnapshot(where, `node "${node.id}" has no room for it: the books do not add up`);
        }
      }
      for (const node of nodes) this.#take(node, request.dense.nonZero, request.dense.amounts);
      if (chosen) this.#ids.noteChosen(allocation.id);
      if (nodes.length === 1) (nodes[0] as NodeState).allocationCount++;
      else for (const node of new Set(nodes)) node.allocationCount++;
      this.#live.add(rebuilt, nodes.length === 1 ? (nodes[0] as NodeState).alone : nodes, request.dense.nonZero, request.dense.amounts, chosen);
    }
    for (const [id, how] of state.released) this.#released.add(id, how);
    this.#index = this.#createIndex();
    for (const node of this.#nodesById.values()) if (node.status === 'ready') this.#index?.add(node);
  }

  // ---- allocations -------------------------------------------------------------------------------

  /** Places every replica of the request now, or none of them and says why. */
  allocate(input: AllocationRequest): AllocateResult {
    const reused = this.#reusedRequest;
    if (reused === undefined) return this.#allocateParsed(parseRequest(input, this.#space, this.#resourcesCache, this.#metadataLimits), true) as AllocateResult;
    this.#reusedRequest = undefined;
    try {
      return this.#allocateParsed(parseRequest(input, this.#space, this.#resourcesCache, this.#metadataLimits, reused), true) as AllocateResult;
    } finally {
      this.#reusedRequest = reused;
    }
  }

  /**
   * `allocate` for a request parsed earlier (against the current dimensions). Without `explain`
   * a request that does not fit returns undefined instead of scanning nodes for an explanation:
   * the manager's scheduling cycle tries many requests that do not fit. 
   */
  #allocateParsed(request: ParsedRequest, explain: boolean, times?: AllocationTimes): AllocateResult | undefined {
    if (request.id !== undefined && this.#live.has(request.id)) {
      throw new FairpackError('DUPLICATE_ALLOCATION', `Expected a new allocation id, got "${request.id}", which is live. Omit \`id\` to get a generated one, or release the live allocation first.`, { id: request.id });
    }
    if (request.unknown.length > 0) return explain ? explainShortfall(request, this.#nodesById.values(), undefined, this.#space) : undefined;
    const createdAt = times === undefined ? this.#readClock() : times.createdAt;
    const expiresAt = times?.expiresAt;
    if (request.replicas === 1) {
      // one replica: nothing to roll back, and no list of chosen nodes to build
      const node = this.#choose(request, NO_NODES);
      if (node === undefined) return explain ? this.#lazyExplanation(request) : undefined;
      this.#take(node, request.dense.nonZero, request.dense.amounts);
      return allocated(this.#record(request, node.alone, createdAt, expiresAt, times?.jobId));
    }
    const chosen: NodeState[] = [];
    try {
      for (let r = 0; r < request.replicas; r++) {
        const node = this.#choose(request, chosen);
        if (node === undefined) {
          // a gang is explained before the rollback: its shortfall is what the next replica meets
          const failure = !explain ? undefined : chosen.length === 0 ? this.#lazyExplanation(request) : this.#explainFailure(request, chosen);
          this.#rollBack(request, chosen);
          return failure;
        }
        this.#take(node, request.dense.nonZero, request.dense.amounts);
        chosen.push(node);
      }
    } catch (error) {
      this.#rollBack(request, chosen);
      throw error;
    }
    return allocated(this.#record(request, chosen.slice(), createdAt, expiresAt, times?.jobId));
  }

  /** Why `request` does not fit now (the explanation `allocate` gives).  */
  #explain(request: ParsedRequest): AllocateResult {
    return this.#explainFailure(request, []);
  }

  /**
   * Could the request fit if every node were empty and ready? False when no node (whatever its
   * status) is large enough for a replica and matches its selector and NoSchedule taints, or a
   * spread gang has fewer such nodes than replicas. 
   */
  #couldEverFit(request: ParsedRequest): boolean {
    if (request.unknown.length > 0) return false;
    let nodes = 0;
    let replicas = 0;
    for (const node of this.#nodesById.values()) {
      if (!isEligibleWhenReady(node, request)) continue;
      let fitting = Infinity;
      for (const d of request.dense.nonZero) fitting = Math.min(fitting, Math.floor((node.capacity[d] as number) / (request.dense.amounts[d] as number)));
      if (fitting < 1) continue;
      nodes++;
      replicas += request.spread ? 1 : fitting;
      if (replicas >= request.replicas) return true;
    }
    return nodes > 0 && replicas >= request.replicas;
  }

  /** How many dimensions the pool knows (requests parsed earlier are stale once it grows).  */
  get #dimensionCount(): number {
    return this.#space.size;
  }

  release(id: string): ReleaseResult {
    const slot = this.#live.find(id);
    if (slot < 0) {
      const how = typeof id === 'string' ? this.#released.get(id) : undefined;
      if (how !== undefined) {
        throw new FairpackError('ALREADY_RELEASED', `Expected a live allocation, got "${id}", which was already released: ${how}. Nothing was freed twice.`, { id });
      }
      throw new FairpackError('UNKNOWN_ALLOCATION', `Expected the id of a live allocation, got ${describeValue(id)}. Use the \`allocation.id\` that allocate() returned.`, { id });
    }
    const allocation = this.#live.allocationAt(slot);
    this.#releaseSlot(slot, 'by release()');
    return released(allocation, allocation.resources);
  }

  allocation(id: string): Allocation | undefined {
    const slot = this.#live.find(id);
    return slot < 0 ? undefined : this.#live.allocationAt(slot);
  }

  allocations(): Allocation[] {
    const out: Allocation[] = [];
    for (const slot of this.#live.slots()) out.push(this.#live.allocationAt(slot));
    return out;
  }

  /**
   * Places many requests at once, as well as it can (see docs/batch-packing.md). Every request is
   * validated first: one bad request throws and nothing is placed.
   */
  planBatch(requests: readonly AllocationRequest[], options: PlanBatchOptions = {}): BatchPlan {
    return planBatch(this, requests, options);
  }

  // ---- internals ---------------------------------------------------------------------------------

  /**
   * Registers an allocation on nodes already chosen (by a batch plan, or the manager for a job
   * whose reserved node now has room). Every replica must fit and be eligible; the caller has
   * checked, this re-checks and throws without changing anything.
   * 
   */
  #commitPlacement(request: ParsedRequest, chosen: readonly NodeState[], times: AllocationTimes = { createdAt: this.#readClock() }): Allocation {
    const need = new Map<NodeState, number>();
    for (const node of chosen) need.set(node, (need.get(node) ?? 0) + 1);
    for (const [node, count] of need) {
      const fitsAll = request.dense.nonZero.every((d) => (node.free[d] as number) >= (request.dense.amounts[d] as number) * count);
      if (!this.#isMember(node) || !isEligible(node, request) || !fitsAll) {
        throw new Error(`fairpack internal error: a replica was committed to node "${node.id}", where it does not fit or is not eligible`);
      }
    }
    for (const node of chosen) this.#take(node, request.dense.nonZero, request.dense.amounts);
    return this.#record(request, chosen.length === 1 ? (chosen[0] as NodeState).alone : chosen.slice(), times.createdAt, times.expiresAt, times.jobId);
  }

  /** Reads the injected clock (see MonotonicClock) before any change is made; an unchanged reading is the previous one.  */
  #readClock(): number {
    const time = this.#clock.read();
    if (time === this.#lastTime) return this.#lastTime;
    this.#lastTime = time;
    return time;
  }

  /** Parses a request against this pool's dimensions; `job`: see JobFields; `into`: see PoolInternals.  */
  #parseRequest(input: unknown, job?: JobFields, into?: WritableRequest): ParsedRequest {
    return parseRequest(input, this.#space, this.#resourcesCache, this.#metadataLimits, into, job);
  }

  /** Registers a placed request; `nodes` (one per replica) is kept as given; `jobId`: see AllocationTimes. */
  #record(request: ParsedRequest, nodes: readonly NodeState[], createdAt: number, expiresAt: number | undefined, jobId: string | undefined): Allocation {
    let id = request.id;
    const chosen = id !== undefined;
    if (id === undefined) id = this.#ids.next(this.#live.nextSlot(), this.#live);
    else this.#ids.noteChosen(id);
    const allocation = makeAllocation(id, request, nodes, createdAt, expiresAt, this.#space, jobId);
    if (nodes.length === 1) (nodes[0] as NodeState).allocationCount++;
    else for (const node of new Set(nodes)) node.allocationCount++;
    // `nonZero` is shared by every request of the same shape (never written); the amounts go to the table's slab
    this.#live.add(allocation, nodes, request.dense.nonZero, request.dense.amounts, chosen);
    return allocation;
  }

  #releaseSlot(slot: number, how: string): void {
    const live = this.#live;
    const nodes = live.nodesAt(slot);
    const dims = live.dimsAt(slot);
    const id = live.allocationAt(slot).id;
    for (let i = 0; i < dims.length; i++) {
      const d = dims[i] as number;
      const amount = live.amountAt(slot, i);
      for (let n = 0; n < nodes.length; n++) {
        const free = (nodes[n] as NodeState).free;
        free[d] = (free[d] as number) + amount;
      }
    }
    const index = this.#index;
    if (index !== undefined) for (let n = 0; n < nodes.length; n++) index.changed(nodes[n] as NodeState);
    if (nodes.length === 1) (nodes[0] as NodeState).allocationCount--;
    else for (const node of new Set(nodes)) node.allocationCount--;
    live.delete(slot);
    this.#released.add(id, how);
  }

  /** One replica's node, or undefined. First-tier nodes (no untolerated PreferNoSchedule) first. */
  #choose(request: ParsedRequest, chosen: readonly NodeState[]): NodeState | undefined {
    // the tests are built by functions of their own: a closure here would make every call
    // allocate a context for `request` and `excluded`, used or not (≈ 50 bytes per allocate)
    const excluded = request.spread && chosen.length > 0 ? new Set(chosen) : undefined;
    const needsCheck = excluded !== undefined || request.selectorKeys.length > 0 || this.#taintedNodes > 0 || request.spot === 'require';
    // second tier: untolerated PreferNoSchedule taints, and spot nodes for a request that avoids them
    if (this.#softTaintedNodes > 0 || (request.spot === 'avoid' && this.#spotNodes > 0)) {
      const preferred = this.#chooseAmong(request, preferredTest(request, excluded));
      if (preferred !== undefined) return preferred;
    }
    return this.#chooseAmong(request, needsCheck ? eligibleTest(request, excluded) : undefined);
  }

  #chooseAmong(request: ParsedRequest, accept: ((node: NodeState) => boolean) | undefined): NodeState | undefined {
    const index = this.#index;
    if (index !== undefined) {
      const picked = index.select(request.dense, accept as ((node: IndexedNode) => boolean) | undefined);
      if (picked === undefined) return undefined;
      const node = this.#bySlot[picked.slot];
      if (node === undefined || node !== picked || node.status !== 'ready' || !fitsOne(node, request) || (accept !== undefined && !accept(node))) {
        throw this.#violation(`its index chose node ${describeValue(picked.id)}, which is not a feasible candidate`);
      }
      return node;
    }
    const candidates: NodeState[] = [];
    for (const node of this.#nodesById.values()) {
      if (node.status === 'ready' && fitsOne(node, request) && (accept === undefined || accept(node))) candidates.push(node);
    }
    if (candidates.length === 0) return undefined;
    const views = candidates.map((node) => node.view(this.#space));
    if (this.#strategy.select !== undefined) {
      const id = this.#strategy.select(views, request.resources);
      if (id === undefined) return undefined;
      const node = candidates.find((candidate) => candidate.id === id);
      if (node === undefined) throw this.#violation(`select() returned ${describeValue(id)}, which is not one of the ${candidates.length} feasible candidates`);
      return node;
    }
    const score = this.#strategy.score as NonNullable<PlacementStrategy['score']>;
    let best: NodeState | undefined;
    let bestScore = -Infinity;
    for (let i = 0; i < candidates.length; i++) {
      const value = score(views[i] as NodeView, request.resources);
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw this.#violation(`score() returned ${describeValue(value)} for node "${(candidates[i] as NodeState).id}"; scores must be finite numbers`);
      }
      if (best === undefined || value > bestScore) {
        best = candidates[i];
        bestScore = value;
      }
    }
    return best;
  }

  #take(node: NodeState, dims: readonly number[], amounts: readonly number[]): void {
    const free = node.free;
    for (let i = 0; i < dims.length; i++) {
      const d = dims[i] as number;
      free[d] = (free[d] as number) - (amounts[d] as number);
    }
    // the index holds ready nodes only (a restored allocation may sit on a draining or offline one): it ignores others
    this.#index?.changed(node);
  }

  /**
   * Moves room between free and reserved on a node (sign 1 holds, −1 gives back); `amounts` is
   * indexed like `dims`. The caller (the manager's reservations) holds only what is free and gives
   * back only what it held.
   */
  #hold(node: NodeState, dims: readonly number[], amounts: readonly number[], sign: 1 | -1): void {
    if (!this.#isMember(node)) return; // removed: its books went with it
    const held = node.holdable();
    for (let i = 0; i < dims.length; i++) {
      const d = dims[i] as number;
      const amount = sign * (amounts[i] as number);
      const free = (node.free[d] as number) - amount;
      const reserved = (held[d] as number) + amount;
      if (free < 0 || reserved < 0) throw new Error(`fairpack internal error: holding ${amount} of dimension ${d} on node "${node.id}" leaves free ${free}, reserved ${reserved}`);
      node.free[d] = free;
      held[d] = reserved;
    }
    // held room given back at the top of a scheduling pass is mostly held again before anyone
    // reads the index: the re-file then costs nothing (see DeferredIndex)
    this.#index?.changed(node);
  }

  /**
   * Whether this record is one of the pool's nodes now (not one removed, whose id a new node may
   * have taken since): its slot holds it. An array read where a lookup by id hashed the id — the
   * manager's reservations ask at every hold, several times per decision in a congested run.
   */
  #isMember(node: NodeState): boolean {
    return this.#bySlot[node.slot] === node;
  }

  #rollBack(request: ParsedRequest, chosen: readonly NodeState[]): void {
    const { nonZero, amounts } = request.dense;
    for (const node of chosen) {
      for (const d of nonZero) node.free[d] = (node.free[d] as number) + (amounts[d] as number);
      this.#index?.changed(node);
    }
  }

  /**
   * The explanation of a request that fits nowhere scans every node, so it is worked out when a
   * field other than `ok` is first read (then kept): code that only checks `ok` never pays for it.
   */
  #lazyExplanation(parsed: ParsedRequest): AllocateResult {
    // the request may be `allocate`'s reused one, rewritten by the next call: keep a copy
    const request: ParsedRequest = { ...parsed };
    return withLazyFields({ ok: false as const }, ['reason', 'message', 'available', 'required', 'nodeId'] as const, () =>
      this.#explainFailure(request, []) as Extract<AllocateResult, { ok: false }>,
    );
  }

  /** Why replica `chosen.length + 1` found no node. */
  #explainFailure(request: ParsedRequest, chosen: readonly NodeState[]): AllocateResult {
    const failure = explainShortfall(request, this.#nodesById.values(), request.spread ? new Set(chosen) : undefined, this.#space);
    if (failure.ok) return failure;
    const declined = failure.reason === 'insufficient-resources' && Object.keys(failure.required).length === 0;
    const gang = request.replicas > 1 ? `Replica ${chosen.length + 1} of ${request.replicas} (after placing ${chosen.length}): ` : '';
    if (declined) {
      return Object.freeze({
        ...failure,
        reason: 'declined-by-strategy',
        message: `${gang}placement strategy "${this.#strategy.name}" chose none of the feasible nodes.`,
      });
    }
    return gang === '' ? failure : Object.freeze({ ...failure, message: gang + failure.message });
  }

  #violation(what: string): FairpackError {
    return new FairpackError(
      'STRATEGY_CONTRACT_VIOLATION',
      `Placement strategy "${this.#strategy.name}" broke its contract: ${what}. Nothing was allocated; fix the strategy (run placementStrategyContract from fairpack/testing).`,
      { strategy: this.#strategy.name },
    );
  }

  /** Adds a node at the end of node order (or, restoring a snapshot, at its recorded `order`). */
  #insertNode(parsed: ParsedNode, order = this.#nextOrder++): NodeState {
    const capacity = denseVector(parsed.names, parsed.amounts, this.#space);
    const slot = this.#freeSlots.pop() ?? this.#nextSlot++;
    const node = new NodeState(parsed.id, order, slot, this.#groups.acquire(capacity), parsed.labels, parsed.taints, parsed.status, parsed.costPerHour, parsed.spot);
    this.#nodesById.set(node.id, node);
    this.#bySlot[slot] = node;
    this.#countTaints(node, 1);
    parsed.names.forEach((name, i) => this.#totals.set(name, (this.#totals.get(name) ?? 0) + (parsed.amounts[i] as number)));
    if (node.status === 'ready') this.#index?.add(node);
    return node;
  }

  #countTaints(node: NodeState, sign: 1 | -1): void {
    if (node.taints.length > 0) this.#taintedNodes += sign;
    if (node.taints.some((t) => t.effect === 'PreferNoSchedule')) this.#softTaintedNodes += sign;
    if (node.spot) this.#spotNodes += sign;
  }

  /** A new dimension appeared: widen every dense vector and rebuild the index. */
  #widen(): void {
    const size = this.#space.size;
    // groups first: a node takes its group's widened vectors
    this.#groups.widen(size);
    for (const node of this.#nodesById.values()) node.widen(size);
    this.#index = this.#createIndex();
    for (const node of this.#nodesById.values()) if (node.status === 'ready') this.#index?.add(node);
  }

  #createIndex(): DeferredIndex | undefined {
    const index = this.#strategy.createIndex?.(this.#space);
    if (index === undefined) return undefined;
    for (const method of ['add', 'remove', 'update', 'select'] as const) {
      if (typeof index[method] !== 'function') throw this.#violation(`createIndex() returned an index without a ${method}() method`);
    }
    return new DeferredIndex(index);
  }

  #requireNode(id: string): NodeState {
    const node = typeof id === 'string' ? this.#nodesById.get(id) : undefined;
    if (node === undefined) {
      if (typeof id !== 'string' || id.length === 0) parseNodeId(id);
      throw new FairpackError('UNKNOWN_NODE', `Expected the id of a node in this pool, got ${describeValue(id)}. Known nodes: ${[...this.#nodesById.keys()].slice(0, 10).join(', ') || 'none'}.`, { nodeId: id });
    }
    return node;
  }
}

/** The strategy to restore with: the built-in of that name, or the caller's object of that name. */
function restoredPlacement(name: string, given: PlacementStrategy | undefined): PlacementStrategyName | PlacementStrategy {
  if (given !== undefined) {
    if (typeof given !== 'object' || given === null || given.name !== name) {
      throw new FairpackError('INVALID_OPTION', `Expected \`placement\` to be the strategy the snapshot names ("${name}"), got ${describeValue(given)}${typeof given === 'object' && given !== null ? ` named "${String(given.name)}"` : ''}.`, { option: 'placement' });
    }
    return given;
  }
  if ((placementStrategyNames as readonly string[]).includes(name)) return name as PlacementStrategyName;
  throw invalidSnapshot('placement', `the snapshot was taken with the custom strategy "${name}": pass it again as the \`placement\` option of restore`);
}

function countNodes(nodes: readonly NodeState[]): Map<NodeState, number> {
  const counts = new Map<NodeState, number>();
  for (const node of nodes) counts.set(node, (counts.get(node) ?? 0) + 1);
  return counts;
}

/** Whether an allocation rebuilt from its parts says what the snapshot recorded (metadata is the recorded one, parsed again). */
function sameAllocation(rebuilt: Allocation, recorded: Allocation): boolean {
  if (rebuilt.id !== recorded.id || rebuilt.jobId !== recorded.jobId || rebuilt.tenant !== recorded.tenant || rebuilt.priority !== recorded.priority) return false;
  if (rebuilt.createdAt !== recorded.createdAt || rebuilt.expiresAt !== recorded.expiresAt || !sameResources(rebuilt.resources, recorded.resources)) return false;
  if (!Array.isArray(recorded.placements) || rebuilt.placements.length !== recorded.placements.length) return false;
  return rebuilt.placements.every((p, r) => p.nodeId === recorded.placements[r]?.nodeId && sameResources(p.resources, recorded.placements[r]?.resources));
}

function sameResources(a: Readonly<Record<string, number>>, b: unknown): boolean {
  if (typeof b !== 'object' || b === null) return false;
  const other = b as Record<string, unknown>;
  const keys = Object.keys(other).filter((key) => other[key] !== 0);
  return keys.length === Object.keys(a).length && keys.every((key) => a[key] === other[key]);
}

function duplicateNode(id: string): FairpackError {
  return new FairpackError('DUPLICATE_NODE', `Expected unique node ids, got "${id}" twice. Remove the existing node first or choose another id.`, { nodeId: id });
}

/** Adds a node's capacity to running totals, refusing one that would leave the exact integer range. */
function checkTotals(totals: Map<string, number>, node: ParsedNode): void {
  node.names.forEach((name, i) => {
    const total = (totals.get(name) ?? 0) + (node.amounts[i] as number);
    if (total > Number.MAX_SAFE_INTEGER) {
      throw new FairpackError(
        'INVALID_RESOURCES',
        `Expected the cluster's total "${name}" to stay within the exact integer range, got a total past it with node "${node.id}". Use a larger unit (e.g. GiB rather than bytes) or a lower \`precision\`.`,
        { dimension: name, nodeId: node.id },
      );
    }
    totals.set(name, total);
  });
}

const NO_NODES: readonly NodeState[] = [];

/** Accepts the nodes a replica of `request` may go to (not in `excluded`). */
function eligibleTest(request: ParsedRequest, excluded: ReadonlySet<NodeState> | undefined): (node: NodeState) => boolean {
  return (node) => isEligible(node, request) && !excluded?.has(node);
}

/** `eligibleTest` without the nodes a request would rather avoid (the first tier). */
function preferredTest(request: ParsedRequest, excluded: ReadonlySet<NodeState> | undefined): (node: NodeState) => boolean {
  return (node) => isEligible(node, request) && !excluded?.has(node) && !isAvoided(node, request);
}

function fitsOne(node: NodeState, request: ParsedRequest): boolean {
  const { nonZero, amounts } = request.dense;
  for (let i = 0; i < nonZero.length; i++) {
    const d = nonZero[i] as number;
    if ((node.free[d] as number) < (amounts[d] as number)) return false;
  }
  return true;
}

