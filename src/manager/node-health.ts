import type { NodeStatus } from '../placement/index.js';
import { TimeHeap } from './time-heap.js';

/** Why a node's status changed (the `node:status` event's second argument). */
export type NodeStatusReason = 'set' | 'heartbeat-timeout' | 'heartbeat' | 'drain' | 'interrupted';

/** One node's liveness as a snapshot keeps it: `[nodeId, lastHeartbeat | null, countsFrom, offlineSince | null, statusBeforeTimeout | null]`. */
export type NodeHealthEntry = readonly [string, number | null, number, number | null, NodeStatus | null];

/** The state a snapshot keeps: the heartbeat timeout (null: heartbeats off), every node's entry, the counts, the drift misses. */
export interface NodeHealthSnapshot {
  readonly timeoutMs: number | null;
  readonly nodes: readonly NodeHealthEntry[];
  readonly reschedules: number;
  /** `[nodeId, allocationId, heartbeats in a row that did not report it]`. */
  readonly missed: readonly (readonly [string, string, number])[];
  /** Allocations released as lost, and unknown allocations reported, since the start. */
  readonly lost: number;
  readonly unknown: number;
}

/** What one heartbeat's report of running allocations found (see `NodeHealth.reconcile`). */
export interface DriftFinding {
  /** Allocations the scheduler has on the node that went unreported `LOST_AFTER` heartbeats in a row. */
  readonly lost: readonly string[];
  /** Allocations the node reported that the scheduler does not have on it. */
  readonly unknown: readonly string[];
}

/** Heartbeats in a row that must leave out an allocation before it is released as lost. */
export const LOST_AFTER = 2;

interface Health {
  /** The last heartbeat, if any. */
  last: number | undefined;
  /**
   * Where its timeout counts from: the later of its last heartbeat and the time the manager began
   * to watch it (its start, its restore, the node's addition, the node set ready by hand) — so a
   * restarted scheduler does not declare every node dead at once.
   */
  from: number;
  /** Since when it is offline (by hand or by silence), for `fairpack_node_offline_seconds`. */
  offlineSince: number | undefined;
  /** Offline because it went silent: the status a heartbeat gives back (ready or draining). */
  before: NodeStatus | undefined;
}

/**
 * Node liveness for the `heartbeat` option, and since when each node is offline. A node whose
 * timeout passed at a `tick()` goes offline (the manager does that); a heartbeat from a node that
 * went offline that way brings it back, one set offline by hand stays offline.
 *
 * Deadlines sit in a heap with lazy deletion (a heartbeat pushes its new deadline; an entry that
 * is no longer its node's `from + timeoutMs` is skipped when it comes to the top), rebuilt when
 * stale entries outnumber the nodes, so silence is found without walking every node.
 */
export class NodeHealth {
  readonly #nodes = new Map<string, Health>();
  #deadlines = new TimeHeap<string>();
  /** Running jobs re-queued because their node was lost (a metric). */
  reschedules = 0;
  /** Allocations released as lost, unknown allocations reported (metrics). */
  lost = 0;
  unknown = 0;
  /** Per node: its allocations that recent heartbeats left out, and how many in a row. */
  readonly #missed = new Map<string, Map<string, number>>();

  /** `timeoutMs` undefined: heartbeats are off (only offline times are kept). */
  constructor(readonly timeoutMs: number | undefined) {}

  get enabled(): boolean {
    return this.timeoutMs !== undefined;
  }

  /** A node the manager starts to watch at `at` (added, or known at the start): its timeout counts from then. */
  watch(nodeId: string, at: number, status: NodeStatus): void {
    const known = this.#nodes.get(nodeId);
    const health: Health = known ?? { last: undefined, from: at, offlineSince: undefined, before: undefined };
    health.from = Math.max(health.from, at);
    health.before = undefined;
    if (status === 'offline') health.offlineSince ??= at;
    else health.offlineSince = undefined;
    this.#nodes.set(nodeId, health);
    this.#push(nodeId, health);
  }

  forget(nodeId: string): void {
    this.#nodes.delete(nodeId);
    this.#missed.delete(nodeId);
  }

  /**
   * Compares what a node reports running with what the scheduler placed there (`placed`, its
   * allocation ids): an allocation left out `LOST_AFTER` heartbeats in a row is lost; one reported
   * that is not placed there is unknown — reported, never adopted. A reported one starts over.
   */
  reconcile(nodeId: string, placed: readonly string[], reported: ReadonlySet<string>): DriftFinding {
    const before = this.#missed.get(nodeId);
    const missed = new Map<string, number>();
    const lost: string[] = [];
    for (const id of placed) {
      if (reported.has(id)) continue;
      const count = (before?.get(id) ?? 0) + 1;
      if (count >= LOST_AFTER) lost.push(id);
      else missed.set(id, count);
    }
    if (missed.size > 0) this.#missed.set(nodeId, missed);
    else this.#missed.delete(nodeId);
    const here = new Set(placed);
    const unknown = [...reported].filter((id) => !here.has(id));
    this.lost += lost.length;
    this.unknown += unknown.length;
    return { lost, unknown };
  }

  /** The node's status changed by hand (`setNodeStatus`): a node set ready gets a fresh timeout. */
  statusSet(nodeId: string, status: NodeStatus, at: number): void {
    if (status === 'ready') this.watch(nodeId, at, status);
    else {
      const health = this.#require(nodeId, at);
      health.before = undefined;
      if (status === 'offline') health.offlineSince ??= at;
      else health.offlineSince = undefined;
    }
  }

  /** A heartbeat at `at`: returns the status to give back if the node had gone offline by silence. */
  beat(nodeId: string, at: number): NodeStatus | undefined {
    const health = this.#require(nodeId, at);
    health.last = at;
    health.from = Math.max(health.from, at);
    this.#push(nodeId, health);
    const back = health.before;
    if (back !== undefined) {
      health.before = undefined;
      health.offlineSince = undefined;
    }
    return back;
  }

  /** The node went offline at `at` because it was silent; `previous` is what a heartbeat gives back. */
  timedOut(nodeId: string, previous: NodeStatus, at: number): void {
    const health = this.#require(nodeId, at);
    health.before = previous;
    health.offlineSince = at;
  }

  /** Nodes whose timeout passed at `now`, earliest deadline first (ties by id: a replay sees the same order). */
  due(now: number): string[] {
    const due: { readonly id: string; readonly at: number }[] = [];
    const timeout = this.timeoutMs;
    if (timeout === undefined) return [];
    const seen = new Set<string>(); // two heartbeats at one time push one deadline twice
    for (;;) {
      const at = this.#deadlines.nextAt();
      if (at > now) break;
      const id = this.#deadlines.popDue(now) as string;
      const health = this.#nodes.get(id);
      if (health !== undefined && health.from + timeout === at && health.before === undefined && !seen.has(id)) {
        seen.add(id);
        due.push({ id, at });
      }
    }
    due.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return due.map((d) => d.id);
  }

  /** When the next node falls silent (Infinity: none, or heartbeats off). */
  nextDue(): number {
    const timeout = this.timeoutMs;
    if (timeout === undefined) return Infinity;
    // stale: a later heartbeat, or the node is gone
    return this.#deadlines.nextCurrent((id, at) => {
      const health = this.#nodes.get(id);
      return health !== undefined && health.from + timeout === at;
    });
  }

  /** After a restore: every node's timeout counts from `at` at the earliest (the scheduler was away, not the nodes). */
  graceAll(at: number): void {
    for (const [id, health] of this.#nodes) {
      if (health.from >= at) continue;
      health.from = at;
      this.#push(id, health);
    }
  }

  lastHeartbeat(nodeId: string): number | undefined {
    return this.#nodes.get(nodeId)?.last;
  }

  /** Offline nodes and since when. */
  offline(): ReadonlyMap<string, number> {
    const out = new Map<string, number>();
    for (const [id, health] of this.#nodes) if (health.offlineSince !== undefined) out.set(id, health.offlineSince);
    return out;
  }

  /**
   * Since when the most silent node that is not offline has been silent (its timeout counts from
   * then), or null when there is none: the longest silence is `now −` this, on the reader's clock —
   * a read must not consult the manager's.
   */
  silentSince(online: (nodeId: string) => boolean): number | null {
    let since: number | null = null;
    for (const [id, health] of this.#nodes) if (online(id) && (since === null || health.from < since)) since = health.from;
    return since;
  }

  snapshot(): NodeHealthSnapshot {
    return {
      timeoutMs: this.timeoutMs ?? null,
      nodes: [...this.#nodes].map(([id, h]) => [id, h.last ?? null, h.from, h.offlineSince ?? null, h.before ?? null] as const),
      reschedules: this.reschedules,
      missed: [...this.#missed].flatMap(([nodeId, missed]) => [...missed].map(([id, count]) => [nodeId, id, count] as const)),
      lost: this.lost,
      unknown: this.unknown,
    };
  }

  /** Takes back a snapshot's entries (the nodes were checked against the pool by the caller). */
  restore(state: NodeHealthSnapshot): void {
    this.#nodes.clear();
    this.reschedules = state.reschedules;
    this.lost = state.lost;
    this.unknown = state.unknown;
    this.#missed.clear();
    for (const [nodeId, id, count] of state.missed) {
      let missed = this.#missed.get(nodeId);
      if (missed === undefined) this.#missed.set(nodeId, (missed = new Map()));
      missed.set(id, count);
    }
    for (const [id, last, from, offlineSince, before] of state.nodes) {
      this.#nodes.set(id, { last: last ?? undefined, from, offlineSince: offlineSince ?? undefined, before: before ?? undefined });
    }
    this.#rebuild();
  }

  #require(nodeId: string, at: number): Health {
    let health = this.#nodes.get(nodeId);
    if (health === undefined) {
      health = { last: undefined, from: at, offlineSince: undefined, before: undefined };
      this.#nodes.set(nodeId, health);
    }
    return health;
  }

  #push(nodeId: string, health: Health): void {
    if (this.timeoutMs === undefined) return;
    this.#deadlines.push(health.from + this.timeoutMs, nodeId);
    // stale entries reach the top and go as time passes; with no tick for long they could pile up
    if (this.#deadlines.size > 4 * this.#nodes.size + 1024) this.#rebuild();
  }

  #rebuild(): void {
    this.#deadlines = new TimeHeap<string>();
    if (this.timeoutMs === undefined) return;
    for (const [id, health] of this.#nodes) this.#deadlines.push(health.from + this.timeoutMs, id);
  }
}
