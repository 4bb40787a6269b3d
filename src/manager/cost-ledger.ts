import { FairpackError, describeValue } from '../errors.js';
import type { NodeView } from '../placement/index.js';
import type { Allocation } from '../pool/index.js';
import type { Resources } from '../resources/index.js';
import { array, integer, invalidSnapshot, record, text } from '../snapshot/reader.js';
import { LinkedList } from '../linked-list.js';
import { ByNodeSlot } from '../pool/by-node-slot.js';
import type { NodeState } from '../pool/node-state.js';
import { RecentTotals } from './recent-totals.js';

/**
 * Exact cost accounting (`mgr.costs()`; docs/costs-and-scaling.md).
 *
 * The rule. A node's price (`costPerHour`, taken in whole micro-units per hour) is split equally
 * among the dimensions it has (capacity > 0; the odd micro-units go to the first dimensions in
 * name order). Each replica placed on the node pays, per dimension, the share of that dimension it
 * holds: `rate = Σ_d floor(price_d × amount_d / capacity_d)` micro-units per hour — fixed for as
 * long as it runs there, whoever else comes and goes. What no allocation pays is the node's idle
 * cost: free room, held room, offline and draining time (a node costs from `addNode` — or the
 * manager's first call — until `removeNode`, whatever its status: the cloud bills it).
 *
 * Exactness. Every series is a cumulative function of time in whole micro-units, and a window's
 * figure is `C(to) − C(from)`, so windows add up exactly. A replica's cumulative is
 * `floor(rate × ms / 3.6e6)`; a node's idle cumulative is the floor of its exact idle cost plus
 * the micro-unit fractions its ended replicas left (both only grow), and the node's own figure is
 * idle + its replicas. Hence, in every window: Σ jobs + idle = Σ nodes exactly, nothing negative,
 * and a node whose replicas have all ended shows exactly `floor(price × time)`.
 *
 * Cost per change: a start or an end touches its own replicas only (O(replicas)), nothing per
 * node or per tenant; the sums are made when `costs()` is read (O(kept replicas + nodes)). Ended
 * replicas past the last `KEPT_PIECES` are folded into per-node and per-tenant totals (at most
 * `KEPT_TENANTS` tenants by name): windows must then start at or before the manager's start, or at
 * or after the fold horizon.
 */

/** Milliseconds per hour: a rate in micro-units per hour times milliseconds, divided by this, is micro-units. */
const HOUR_MS = 3_600_000;
/** Micro-units per currency unit. */
export const MICROS_PER_UNIT = 1_000_000;
/** Ended replicas kept one by one (for `topJobs` and windows), as many as the default job history; older ones are folded into totals. */
export const KEPT_PIECES = 10_000;
/**
 * Tenants whose folded totals are kept by name; past it, the one folded into least recently is
 * summed into `otherTenants`: the books must not grow with every tenant that ever ran a job.
 */
export const KEPT_TENANTS = 10_000;
const DEFAULT_TOP = 10;
/** Above this a rate times a remainder of milliseconds could pass 2^53: such products go through BigInt. */
const SAFE_RATE = Math.floor(Number.MAX_SAFE_INTEGER / HOUR_MS);

/** `mgr.costs(options)`. */
export interface CostOptions {
  /** Start of the window, ms on the manager's clock. @default the manager's first call */
  readonly from?: number;
  /** End of the window, ms, at most the latest reading. @default the latest clock reading */
  readonly to?: number;
  /** How many of the most expensive jobs `topJobs` lists (`Infinity`: every job that cost something). @default 10 */
  readonly top?: number;
}

/** One job's cost in a window. */
export interface JobCost {
  readonly jobId: string;
  readonly tenant: string;
  /** Micro-units of currency. */
  readonly cost: number;
}

/**
 * What the cluster cost over a window, in whole **micro-units** (1e-6) of the currency of
 * `costPerHour`: `total = used + idle`, `used = Σ byTenant`, `total = Σ byNode`, exactly.
 */
export interface CostReport {
  /** The window, ms on the manager's clock (whole milliseconds). */
  readonly from: number;
  readonly to: number;
  /** Always `'micro'`: every amount below is an integer number of micro-units (divide by 1e6). */
  readonly unit: 'micro';
  /** What the nodes cost: Σ byNode. */
  readonly total: number;
  /** What running jobs paid: Σ byTenant (Σ of every job's cost). */
  readonly used: number;
  /** What no job paid: free, held, offline and draining room. total − used. */
  readonly idle: number;
  /** Per tenant with a cost in the window (null prototype: keys are the user's names). */
  readonly byTenant: Readonly<Record<string, number>>;
  /**
   * What tenants paid whose folded totals are no longer kept by name (more than 10,000 tenants with
   * folded costs; see KEPT_TENANTS): `used = Σ byTenant + otherTenants`. 0 unless that happened.
   */
  readonly otherTenants: number;
  /** Per node that existed in the window (a removed one included). */
  readonly byNode: Readonly<Record<string, number>>;
  /** The most expensive jobs, most expensive first (ties by id); at most `top`. */
  readonly topJobs: readonly JobCost[];
  /** Σ costPerHour of the nodes now, micro-units per hour (offline and draining ones included). */
  readonly perHour: number;
}

/** The ledger as a snapshot keeps it (`costs` in a manager snapshot). */
export interface CostLedgerSnapshot {
  /** The manager's first call (null: none yet). */
  readonly origin: number | null;
  /** The end of the latest folded replica (null: none folded). */
  readonly horizon: number | null;
  /** Every node book, in the order added: `[id, microsPerHour, addedAt | null (the origin), removedAt | null, foldedMicros]`. */
  readonly nodes: readonly (readonly [string, number, number | null, number | null, number])[];
  /** Kept replicas, ended ones first (in the order they ended), then running ones: `[allocationId, jobId, tenant, node index, rate, start, end | null]`. */
  readonly pieces: readonly (readonly [string, string, string, number, number, number, number | null])[];
  /** Folded micro-units per tenant, least recently folded into first. */
  readonly tenants: readonly (readonly [string, number])[];
  /** Folded micro-units of the tenants past KEPT_TENANTS (absent: 0). */
  readonly otherTenants?: number;
}

/** What the books read of a node: its id, its price, and (only to split a price) its capacity. */
export type PricedNode = Pick<NodeView, 'id' | 'costPerHour' | 'capacity'>;

const NO_CAPACITY: Resources = Object.freeze({});

/** A node without a price as the books read it: its capacity would split nothing. */
export function unpricedNode(id: string): PricedNode {
  return { id, capacity: NO_CAPACITY };
}

interface NodeBook {
  readonly id: string;
  /** Micro-units per hour. */
  readonly price: number;
  /** null: since the origin (a node the manager started with). */
  readonly addedAt: number | null;
  removedAt: number | null;
  /** Per dimension: [its part of the price, its capacity scaled]; live books only. */
  dims: ReadonlyMap<string, readonly [number, number]> | undefined;
  /** Micro-units paid by folded replicas. */
  folded: number;
  // scratch of one `#at` pass
  busy: number;
  openRemainder: number;
}

/** The per-dimension prices of a node without a price (see `#dimPrices`). */
const NO_DIM_PRICES: ReadonlyMap<string, readonly [number, number]> = new Map();

/**
 * A running allocation's entry among the ledger's open ones, which `allocated` hands out and
 * `released` takes back (the caller keeps it with the allocation: no map by allocation). The
 * entries are a doubly linked list in the order they started: what a snapshot and the cost
 * figures walk, in the order a `Map` keyed by allocation kept — without a `Map.set` per start and
 * the hash table's rebuilds (a table of every running allocation, made anew every few thousand
 * starts). One replica on a node with a book: its piece is the entry; otherwise `group` holds the
 * pieces (none if its node has no book).
 */
export interface OpenCosts {
  /** Neighbours in start order while open; both undefined once released. */
  prev: OpenCosts | undefined;
  next: OpenCosts | undefined;
  readonly group: Piece[] | undefined;
}

/** Whose a piece is: its allocation (`Allocation` is one), or what a snapshot kept of an ended one. */
interface PieceOwner {
  /** The allocation's id. */
  readonly id: string;
  readonly jobId: string;
  readonly tenant: string;
}

/**
 * One replica on one node, from its start to its end (null: running). Its allocation's id, job and
 * tenant are read through `owner` (the allocation itself), not copied: the ledger keeps thousands
 * of ended pieces, long enough to reach the old generation.
 */
interface Piece extends OpenCosts {
  readonly owner: PieceOwner;
  readonly book: NodeBook;
  /** Micro-units per hour. */
  readonly rate: number;
  readonly start: number;
  end: number | null;
}

/** An entry for pieces of their own (see `OpenCosts`). */
function groupEntry(pieces: Piece[]): OpenCosts {
  return { prev: undefined, next: undefined, group: pieces };
}

/** Cumulative figures at one instant. */
interface Cumulative {
  readonly nodes: Map<string, number>;
  readonly tenants: Map<string, number>;
  readonly jobs: Map<string, { tenant: string; cost: number }>;
  idle: number;
  /** Folded micro-units of tenants no longer kept by name. */
  other: number;
}

export class CostLedger {
  readonly #factor: number;
  #origin: number | null = null;
  #horizon: number | null = null;
  /** Every node book, in the order added. */
  #books: NodeBook[] = [];
  /** The live book of each node. */
  #live = new Map<string, NodeBook>();
  /** The live books met at starts, by the pool's node records (see `#bookOf`). */
  readonly #bookOfRecord = new ByNodeSlot<NodeBook>();
  /** Running replicas: the open entries, in the order their allocations started (see `OpenCosts`). */
  readonly #open = new LinkedList<OpenCosts>();
  /** After a restore, until the caller has taken them (`claim`): the open entries by allocation. */
  #unclaimed: Map<Allocation, OpenCosts> | undefined = undefined;
  /** Ended replicas in the order they ended, from `#head` on (before it: folded). */
  #closed: Piece[] = [];
  #head = 0;
  /** Folded micro-units per tenant, in the order last folded into. */
  #foldedTenants = new RecentTotals();
  #foldedOther = 0;

  /** `factor`: the pool's scale (10^precision), to read amounts as scaled integers. */
  constructor(factor: number) {
    this.#factor = factor;
  }

  /** The manager's time starts at its first successful call. */
  begin(at: number): void {
    if (this.#origin === null) this.#origin = Math.floor(at);
  }

  /** A node joined (`at` null: one the manager started with, costing from its first call). */
  nodeAdded(node: PricedNode, at: number | null): void {
    const book: NodeBook = { id: node.id, price: microsPerHour(node.costPerHour), addedAt: at === null ? null : Math.floor(at), removedAt: null, dims: undefined, folded: 0, busy: 0, openRemainder: 0 };
    book.dims = this.#dimPrices(book.price, node.capacity);
    this.#books.push(book);
    this.#live.set(node.id, book);
  }

  /** A node left (its allocations were released first, at the same time). */
  nodeRemoved(id: string, at: number): void {
    const book = this.#live.get(id);
    if (book === undefined) return;
    book.removedAt = Math.max(Math.floor(at), book.addedAt ?? this.#origin ?? -Infinity);
    book.dims = undefined;
    this.#live.delete(id);
  }

  /**
   * An allocation started: each replica pays its node's rate for what it holds, from `at`. The
   * entry returned is what `released` takes when it ends. `nodes`, when known: the pool's records
   * of the placements' nodes, in their order (the manager's `JobRecord.nodes`).
   */
  allocated(allocation: Allocation, at: number, nodes?: readonly NodeState[]): OpenCosts {
    const start = Math.floor(at);
    // by index: the placements are a frozen array, whose iterator V8 makes as an object per start
    const { placements } = allocation;
    let entry: OpenCosts;
    if (placements.length === 1) {
      const placement = placements[0] as Allocation['placements'][number];
      const book = nodes !== undefined && nodes.length === 1 ? this.#bookOf(nodes[0] as NodeState) : this.#live.get(placement.nodeId);
      entry = book === undefined ? groupEntry([]) : this.#piece(allocation, book, placement.resources, start);
    } else {
      const pieces: Piece[] = [];
      for (let i = 0; i < placements.length; i++) {
        const placement = placements[i] as Allocation['placements'][number];
        const book = this.#live.get(placement.nodeId);
        if (book === undefined) continue;
        pieces.push(this.#piece(allocation, book, placement.resources, start));
      }
      entry = groupEntry(pieces);
    }
    this.#open.append(entry);
    return entry;
  }

  /**
   * The live book of the node of this pool record: kept by the record's slot once met, where its id
   * was looked up in `#live` (a map as large as the cluster) at every start. A book whose node
   * left is not live any more (its record cannot start anything either).
   */
  #bookOf(node: NodeState): NodeBook | undefined {
    const known = this.#bookOfRecord.get(node);
    if (known !== undefined && known.removedAt === null) return known;
    const book = this.#live.get(node.id);
    if (book !== undefined) this.#bookOfRecord.set(node, book);
    return book;
  }

  #piece(allocation: Allocation, book: NodeBook, resources: Resources, start: number): Piece {
    return { owner: allocation as PieceOwner, book, rate: this.#rate(book, resources), start, end: null, prev: undefined, next: undefined, group: undefined };
  }

  /** Every open piece, in the order their allocations started. */
  #eachOpen(fn: (piece: Piece) => void): void {
    for (let entry = this.#open.first; entry !== undefined; entry = entry.next) {
      if (entry.group === undefined) fn(entry as Piece);
      else for (const piece of entry.group) fn(piece);
    }
  }

  /**
   * An allocation ended (released, expired, evicted, its node lost): its replicas stop paying at
   * `at`. `entry`: what `allocated` (or `claim`, after a restore) returned for it; an entry already
   * released changes nothing.
   */
  released(entry: OpenCosts, at: number): void {
    // (an ended piece keeps no link: it would keep the pieces after it alive)
    if (!this.#open.unlink(entry)) return;
    const end = Math.floor(at);
    if (entry.group === undefined) {
      const piece = entry as Piece;
      piece.end = end;
      this.#closed.push(piece);
    } else {
      const pieces = entry.group;
      for (let i = 0; i < pieces.length; i++) {
        const piece = pieces[i] as Piece;
        piece.end = end;
        this.#closed.push(piece);
      }
    }
    while (this.#closed.length - this.#head > KEPT_PIECES) this.#fold(this.#closed[this.#head++] as Piece);
    // drop the folded prefix now and then: O(1) amortised, no shift per release
    if (this.#head > 4096 && this.#head * 2 > this.#closed.length) {
      this.#closed = this.#closed.slice(this.#head);
      this.#head = 0;
    }
  }

  /**
   * When each live node joined (null: before the manager's first call) and, for a node with nothing
   * running, since when it has been empty (null: something runs there): the end of its latest ended
   * replica, else when it joined.
   * Replicas folded away are no longer known one by one, so a node none of whose kept replicas ran
   * there counts as empty since the fold horizon at the earliest: later than the truth, never
   * earlier (an idle node is at worst reported idle later than it could have been).
   */
  activity(): Map<string, { readonly addedAt: number | null; readonly emptySince: number | null }> {
    const busy = new Set<NodeBook>();
    this.#eachOpen((piece) => busy.add(piece.book));
    const lastEnd = new Map<NodeBook, number>();
    // ended in the order they ended: the last one seen per node, walking back, is its latest
    for (let i = this.#closed.length - 1; i >= this.#head && lastEnd.size < this.#live.size; i--) {
      const piece = this.#closed[i] as Piece;
      if (!lastEnd.has(piece.book)) lastEnd.set(piece.book, piece.end as number);
    }
    const out = new Map<string, { readonly addedAt: number | null; readonly emptySince: number | null }>();
    for (const book of this.#live.values()) {
      const addedAt = book.addedAt ?? this.#origin;
      // null: something runs there; -Infinity: empty since before anything was recorded
      const emptySince = busy.has(book) ? null : Math.max(lastEnd.get(book) ?? this.#horizon ?? -Infinity, addedAt ?? -Infinity);
      out.set(book.id, { addedAt, emptySince });
    }
    return out;
  }

  /** The costs over a window (see `CostOptions`); `latest` is the manager's latest committed clock reading. */
  report(input: Readonly<Record<string, unknown>>, latest: number): CostReport {
    const { from, to, top } = this.#window(input, latest);
    const end = this.#at(to);
    const start = this.#at(from);
    const byNode = Object.create(null) as Record<string, number>;
    let total = 0;
    for (const book of this.#books) {
      const addedAt = book.addedAt ?? this.#origin;
      if (addedAt === null || addedAt > to || (book.removedAt !== null && book.removedAt < from)) continue;
      const cost = (end.nodes.get(book.id) ?? 0) - (start.nodes.get(book.id) ?? 0);
      byNode[book.id] = cost;
    }
    for (const id in byNode) total += byNode[id] as number;
    const byTenant = Object.create(null) as Record<string, number>;
    const otherTenants = end.other - start.other;
    let used = otherTenants;
    for (const [tenant, cost] of end.tenants) {
      const inWindow = cost - (start.tenants.get(tenant) ?? 0);
      if (inWindow <= 0) continue;
      byTenant[tenant] = inWindow;
      used += inWindow;
    }
    const jobs: JobCost[] = [];
    for (const [jobId, job] of end.jobs) {
      const cost = job.cost - (start.jobs.get(jobId)?.cost ?? 0);
      if (cost > 0) jobs.push(Object.freeze({ jobId, tenant: job.tenant, cost }));
    }
    jobs.sort((a, b) => b.cost - a.cost || (a.jobId < b.jobId ? -1 : a.jobId > b.jobId ? 1 : 0));
    let perHour = 0;
    for (const book of this.#live.values()) perHour += book.price;
    return Object.freeze({
      from,
      to,
      unit: 'micro' as const,
      total,
      used,
      idle: end.idle - start.idle,
      byTenant: Object.freeze(byTenant),
      otherTenants,
      byNode: Object.freeze(byNode),
      topJobs: Object.freeze(top >= jobs.length ? jobs : jobs.slice(0, top)),
      perHour,
    });
  }

  snapshot(): CostLedgerSnapshot {
    const index = new Map(this.#books.map((book, i) => [book, i]));
    const piece = (p: Piece) => [p.owner.id, p.owner.jobId, p.owner.tenant, index.get(p.book) as number, p.rate, p.start, p.end] as const;
    return {
      origin: this.#origin,
      horizon: this.#horizon,
      nodes: this.#books.map((b) => [b.id, b.price, b.addedAt, b.removedAt, b.folded] as const),
      pieces: [...this.#closed.slice(this.#head).map(piece), ...this.#openPieces().map(piece)],
      tenants: [...this.#foldedTenants],
      ...(this.#foldedOther === 0 ? {} : { otherTenants: this.#foldedOther }),
    };
  }

  #openPieces(): Piece[] {
    const out: Piece[] = [];
    this.#eachOpen((piece) => out.push(piece));
    return out;
  }

  /**
   * The open entry of a live allocation after `restore` or `restoreWithout`, for the caller to keep
   * (see `OpenCosts`); each is handed out once, and `claimsDone` forgets the rest.
   */
  claim(allocation: Allocation): OpenCosts | undefined {
    return this.#unclaimed?.get(allocation);
  }

  claimsDone(): void {
    this.#unclaimed = undefined;
  }

  /**
   * Takes back a snapshot's ledger (`value`, checked here) for a pool with `nodes` now and its live
   * allocations (`running`: a lookup by id, their count, and their ids for a message); throws
   * INVALID_SNAPSHOT under `costs`.
   */
  restore(value: unknown, nodes: readonly NodeView[], running: LiveAllocations): void {
    const s = record(value, 'costs', ['origin', 'horizon', 'nodes', 'pieces', 'tenants'], ['otherTenants']);
    const other = s['otherTenants'] === undefined ? 0 : integer(s['otherTenants'], 'costs.otherTenants');
    const origin = nullableInteger(s['origin'], 'costs.origin');
    const horizon = nullableInteger(s['horizon'], 'costs.horizon');
    const views = new Map(nodes.map((node) => [node.id, node]));
    const books: NodeBook[] = [];
    const live = new Map<string, NodeBook>();
    array(s['nodes'], 'costs.nodes').forEach((entry, i) => {
      const at = `costs.nodes[${i}]`;
      const [id, price, addedAt, removedAt, folded] = tuple(entry, at, 5);
      const book: NodeBook = { id: text(id, `${at}[0]`), price: integer(price, `${at}[1]`), addedAt: nullableInteger(addedAt, `${at}[2]`), removedAt: nullableInteger(removedAt, `${at}[3]`), dims: undefined, folded: integer(folded, `${at}[4]`), busy: 0, openRemainder: 0 };
      if (book.removedAt === null) {
        const view = views.get(book.id);
        if (view === undefined || live.has(book.id)) throw invalidSnapshot(`${at}[0]`, `"${book.id}" is not a node of the pool, or has two live books`);
        if (book.price !== microsPerHour(view.costPerHour)) throw invalidSnapshot(`${at}[1]`, `node "${book.id}" costs ${microsPerHour(view.costPerHour)} micro-units per hour, not ${book.price}`);
        book.dims = this.#dimPrices(book.price, view.capacity);
        live.set(book.id, book);
      }
      books.push(book);
    });
    if (live.size !== views.size) throw invalidSnapshot('costs.nodes', `${views.size} nodes in the pool, but ${live.size} live node books`);
    const closed: Piece[] = [];
    const open = new Map<Allocation, Piece[]>();
    // a restore reads a piece per running replica (100,000s): each field is tested inline, and a
    // path is built only for a field that fails (one closure over the index, not one per piece)
    const entries = array(s['pieces'], 'costs.pieces');
    let i = 0;
    const at = (k: number): (() => string) => () => `costs.pieces[${i}][${k}]`;
    for (; i < entries.length; i++) {
      const entry = entries[i];
      if (!Array.isArray(entry) || entry.length !== 7) tuple(entry, `costs.pieces[${i}]`, 7);
      const [allocationId, jobId, tenant, node, rate, start, end] = entry as unknown[];
      if (typeof allocationId !== 'string' || allocationId === '') text(allocationId, at(0));
      if (typeof jobId !== 'string' || jobId === '') text(jobId, at(1));
      if (typeof tenant !== 'string' || tenant === '') text(tenant, at(2));
      if (!isWhole(node, 0)) integer(node, at(3));
      if (!isWhole(rate, 0)) integer(rate, at(4));
      if (!isWhole(start, -Number.MAX_SAFE_INTEGER)) integer(start, at(5), -Number.MAX_SAFE_INTEGER);
      if (end !== null && !isWhole(end, -Number.MAX_SAFE_INTEGER)) integer(end, at(6), -Number.MAX_SAFE_INTEGER);
      const book = books[node as number];
      if (book === undefined) throw invalidSnapshot(at(3), `no node book ${String(node)}`);
      if (end !== null) {
        const owner: PieceOwner = { id: allocationId as string, jobId: jobId as string, tenant: tenant as string };
        closed.push({ owner, book, rate: rate as number, start: start as number, end: end as number, prev: undefined, next: undefined, group: undefined });
        continue;
      }
      const allocation = running.get(allocationId as string);
      if (allocation === undefined || allocation.jobId !== jobId || book.removedAt !== null) throw invalidSnapshot(at(0), `"${allocationId as string}" is not a live allocation of job "${jobId as string}" on a live node`);
      // a running piece's owner is its live allocation (the same id and job), but for a snapshot
      // that names another tenant: the piece keeps what the snapshot says, as it always has
      const owner: PieceOwner = allocation.tenant === tenant ? (allocation as PieceOwner) : { id: allocationId as string, jobId: jobId as string, tenant: tenant as string };
      const piece: Piece = { owner, book, rate: rate as number, start: start as number, end: null, prev: undefined, next: undefined, group: undefined };
      const pieces = open.get(allocation);
      if (pieces === undefined) open.set(allocation, [piece]);
      else pieces.push(piece);
    }
    if (open.size !== running.size) {
      for (const id of running.ids()) if (!open.has(running.get(id) as Allocation)) throw invalidSnapshot('costs.pieces', `live allocation "${id}" has no running replica`);
    }
    const tenants = new RecentTotals();
    array(s['tenants'], 'costs.tenants').forEach((entry, i) => {
      const [tenant, cost] = tuple(entry, `costs.tenants[${i}]`, 2);
      tenants.set(text(tenant, `costs.tenants[${i}][0]`), integer(cost, `costs.tenants[${i}][1]`));
    });
    this.#origin = origin;
    this.#horizon = horizon;
    this.#books = books;
    this.#live = live;
    this.#bookOfRecord.clear();
    // in the order the pieces were listed: the order their allocations started
    this.#open.clear();
    this.#unclaimed = new Map();
    for (const [allocation, pieces] of open) {
      const entry = groupEntry(pieces);
      this.#open.append(entry);
      this.#unclaimed.set(allocation, entry);
    }
    this.#closed = closed;
    this.#head = 0;
    this.#foldedTenants = tenants;
    this.#foldedOther = other;
  }

  /**
   * A snapshot written before costs were kept: the books start at its clock (`clock`), with the
   * pool's nodes and the running allocations paying from then on.
   */
  restoreWithout(clock: number | null, nodes: readonly NodeView[], allocations: Iterable<Allocation>): void {
    this.#origin = clock === null ? null : Math.floor(clock);
    this.#books = [];
    this.#live = new Map();
    this.#bookOfRecord.clear();
    for (const node of nodes) this.nodeAdded(node, null);
    this.#unclaimed = new Map();
    for (const allocation of allocations) this.#unclaimed.set(allocation, this.allocated(allocation, clock ?? 0));
  }

  // ---- internals ------------------------------------------------------------------------------------

  /** Each dimension's part of the price: equal parts, the odd micro-units to the first names (code-unit order). */
  #dimPrices(price: number, capacity: Resources): ReadonlyMap<string, readonly [number, number]> {
    // a node without a price pays nothing per dimension (`#rate` is 0 for it): one shared empty
    // map, not a map per node (a fifth of a 100,000-node manager's construction)
    if (price === 0) return NO_DIM_PRICES;
    const names = Object.keys(capacity)
      .filter((name) => (capacity[name] as number) > 0)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const dims = new Map<string, readonly [number, number]>();
    if (names.length === 0) return dims;
    const base = Math.floor(price / names.length);
    const odd = price - base * names.length;
    names.forEach((name, i) => dims.set(name, [base + (i < odd ? 1 : 0), Math.round((capacity[name] as number) * this.#factor)]));
    return dims;
  }

  /** A replica's rate on its node: Σ_d floor(price_d × amount_d / capacity_d), micro-units per hour. */
  #rate(book: NodeBook, resources: Resources): number {
    const dims = book.dims;
    if (dims === undefined || book.price === 0) return 0;
    let rate = 0;
    // own keys by `for…in` (the same keys as `Object.keys`, without its array per start)
    for (const name in resources) {
      if (!Object.hasOwn(resources, name)) continue;
      const dim = dims.get(name);
      if (dim === undefined) continue;
      rate += mulDivFloor(dim[0], Math.round((resources[name] as number) * this.#factor), dim[1]);
    }
    return rate;
  }

  #fold(piece: Piece): void {
    const cost = micros(piece.rate, (piece.end as number) - piece.start);
    piece.book.folded += cost;
    const { tenant } = piece.owner;
    this.#foldedTenants.add(tenant, cost); // to the end: folded into last
    if (this.#foldedTenants.size > KEPT_TENANTS) this.#foldedOther += (this.#foldedTenants.shift() as readonly [string, number])[1];
    if (this.#horizon === null || (piece.end as number) > this.#horizon) this.#horizon = piece.end;
  }

  #window(input: Readonly<Record<string, unknown>>, latestReading: number): { from: number; to: number; top: number } {
    const latest = latestReading === -Infinity ? null : Math.floor(latestReading);
    const time = (key: 'from' | 'to', fallback: number): number => {
      const value = input[key];
      if (value === undefined) return fallback;
      if (typeof value !== 'number' || !Number.isFinite(value)) throw new FairpackError('INVALID_OPTION', `Expected \`${key}\` of costs() to be finite milliseconds on the manager's clock or left out, got ${describeValue(value)}.`, { method: 'costs', option: key });
      return Math.floor(value);
    };
    const to = time('to', latest ?? 0);
    const from = time('from', Math.min(this.#origin ?? to, to));
    // before the first call nothing has cost anything yet, over any window
    if (input['to'] !== undefined && latest !== null && to > latest) {
      throw new FairpackError('INVALID_OPTION', `Expected \`to\` of costs() to be at most the latest clock reading (${latest}), got ${describeValue(input['to'])}. Leave it out for the latest; costs() never reads the clock.`, { method: 'costs', option: 'to' });
    }
    if (from > to) throw new FairpackError('INVALID_OPTION', `Expected \`from\` of costs() to be at most \`to\` (${to}), got ${describeValue(input['from'])}.`, { method: 'costs', option: 'from' });
    const horizon = this.#horizon;
    for (const [key, t] of [['from', from], ['to', to]] as const) {
      if (horizon !== null && t < horizon && t > (this.#origin as number)) {
        throw new FairpackError('INVALID_OPTION', `Expected \`${key}\` of costs() to be at most the manager's start (${this.#origin as number}) or at least ${horizon}, got ${t}: costs before ${horizon} are kept as totals only (the last ${KEPT_PIECES} ended replicas are kept one by one).`, { method: 'costs', option: key, horizon });
      }
    }
    const top = input['top'] ?? DEFAULT_TOP;
    if (top !== Infinity && (typeof top !== 'number' || !Number.isInteger(top) || top < 0)) {
      throw new FairpackError('INVALID_OPTION', `Expected \`top\` of costs() to be an integer >= 0 or Infinity, got ${describeValue(top)}.`, { method: 'costs', option: 'top' });
    }
    return { from, to, top: top as number };
  }

  /** Every cumulative figure at `t` (micro-units since the origin). */
  #at(t: number): Cumulative {
    const out: Cumulative = { nodes: new Map(), tenants: new Map(), jobs: new Map(), idle: 0, other: 0 };
    const origin = this.#origin;
    if (origin === null || t <= origin) return out;
    const folded = this.#horizon !== null && t >= this.#horizon;
    for (const book of this.#books) {
      book.busy = folded ? book.folded : 0;
      book.openRemainder = 0;
    }
    if (folded) {
      for (const [tenant, cost] of this.#foldedTenants) out.tenants.set(tenant, cost);
      out.other = this.#foldedOther;
    }
    const add = (piece: Piece): void => {
      if (piece.start >= t) return;
      const ended = piece.end !== null && piece.end <= t;
      const cost = micros(piece.rate, (ended ? (piece.end as number) : t) - piece.start);
      if (!ended) piece.book.openRemainder += remainder;
      if (cost === 0) return;
      piece.book.busy += cost;
      const { owner } = piece;
      out.tenants.set(owner.tenant, (out.tenants.get(owner.tenant) ?? 0) + cost);
      const job = out.jobs.get(owner.jobId);
      if (job === undefined) out.jobs.set(owner.jobId, { tenant: owner.tenant, cost });
      else job.cost += cost;
    };
    for (let i = this.#head; i < this.#closed.length; i++) add(this.#closed[i] as Piece);
    this.#eachOpen(add);
    for (const book of this.#books) {
      const from = book.addedAt ?? origin;
      const until = book.removedAt === null ? t : Math.min(t, book.removedAt);
      const whole = micros(book.price, Math.max(0, until - from));
      // the node: the floor of (its exact cost − the exact cost of its running replicas), plus
      // their floors — so what its running replicas have not paid in whole micro-units yet is not
      // counted anywhere until they end (then it is idle's)
      const node = whole + Math.floor((remainder - book.openRemainder) / HOUR_MS);
      out.nodes.set(book.id, (out.nodes.get(book.id) ?? 0) + node);
      out.idle += node - book.busy;
    }
    return out;
  }
}

/** `costPerHour` as whole micro-units per hour (rounded to the nearest; none: 0). */
export function microsPerHour(costPerHour: number | undefined): number {
  return costPerHour === undefined ? 0 : Math.round(costPerHour * MICROS_PER_UNIT);
}

/** The remainder (rate × ms − micro-units × 3.6e6) of the last `micros` call: module scratch, no allocation per call. */
let remainder = 0;

/** floor(rate × ms / 3.6e6) exactly (rate in micro-units per hour, ms whole, both >= 0); sets `remainder`. */
function micros(rate: number, ms: number): number {
  const product = rate * ms;
  if (product <= Number.MAX_SAFE_INTEGER) {
    const whole = Math.floor(product / HOUR_MS);
    remainder = product - whole * HOUR_MS;
    return whole;
  }
  if (rate <= SAFE_RATE) {
    // ms = hours × 3.6e6 + rest: rate × hours is whole micro-units, rate × rest stays below 2^53
    const hours = Math.floor(ms / HOUR_MS);
    const rest = rate * (ms - hours * HOUR_MS);
    const whole = Math.floor(rest / HOUR_MS);
    remainder = rest - whole * HOUR_MS;
    return rate * hours + whole;
  }
  const big = BigInt(rate) * BigInt(ms);
  remainder = Number(big % BigInt(HOUR_MS));
  return Number(big / BigInt(HOUR_MS));
}

/** floor(a × b / c) exactly for integers a, b >= 0 and c > 0. */
function mulDivFloor(a: number, b: number, c: number): number {
  const product = a * b;
  if (product <= Number.MAX_SAFE_INTEGER) return Math.floor(product / c);
  return Number((BigInt(a) * BigInt(b)) / BigInt(c));
}

function nullableInteger(value: unknown, path: string): number | null {
  return value === null ? null : integer(value, path, -Number.MAX_SAFE_INTEGER);
}

/** A safe integer at least `min` (the fast test; `integer` throws with the path). */
function isWhole(value: unknown, min: number): boolean {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= min;
}

/** The live allocations a restore checks the ledger against. */
export interface LiveAllocations {
  get(id: string): Allocation | undefined;
  readonly size: number;
  ids(): Iterable<string>;
}

function tuple(value: unknown, path: string, length: number): readonly unknown[] {
  const items = array(value, path);
  if (items.length !== length) throw invalidSnapshot(path, `expected ${length} values, got ${items.length}`);
  return items;
}
