import { TimeHeap } from './time-heap.js';

/** What happens at a drain's deadline: its jobs are re-queued and the node stays `draining` (a drain), or goes `offline` (an interruption). */
export type DrainEnd = 'draining' | 'offline';

/** One drain as a snapshot keeps it: `[nodeId, deadline | null, end, drained]`. */
export type DrainEntry = readonly [string, number | null, DrainEnd, boolean];

interface Drain {
  readonly deadline: number | undefined;
  readonly end: DrainEnd;
  /** Reported idle (`node:drained`): nothing runs on it any more. */
  drained: boolean;
}

/**
 * The nodes being drained (`drain`, `interruptNode`, or a status set to `draining`): when each one's
 * deadline falls, and whether its emptiness was reported. Deadlines sit in a heap; an entry whose
 * node no longer drains with that deadline is skipped when it comes to the top.
 */
export class Drains {
  readonly #drains = new Map<string, Drain>();
  readonly #deadlines = new TimeHeap<string>();

  get size(): number {
    return this.#drains.size;
  }

  /** Starts (or restarts) a drain; `deadline` undefined: none, the jobs run to their end. */
  start(nodeId: string, deadline: number | undefined, end: DrainEnd): void {
    this.#drains.set(nodeId, { deadline, end, drained: false });
    if (deadline !== undefined) this.#deadlines.push(deadline, nodeId);
  }

  /** A node that became a plain draining node (by hand) keeps the drain it has, or gets one without a deadline. */
  ensure(nodeId: string): void {
    if (!this.#drains.has(nodeId)) this.start(nodeId, undefined, 'draining');
  }

  cancel(nodeId: string): void {
    this.#drains.delete(nodeId);
  }

  /** Drains whose deadline passed at `now`, earliest first (ties by id); each ends here (the caller carries out its end). */
  due(now: number): { readonly nodeId: string; readonly end: DrainEnd }[] {
    const due: { readonly nodeId: string; readonly end: DrainEnd; readonly at: number }[] = [];
    for (let at = this.#deadlines.nextAt(); at <= now; at = this.#deadlines.nextAt()) {
      const nodeId = this.#deadlines.popDue(now) as string;
      const drain = this.#drains.get(nodeId);
      if (drain === undefined || drain.deadline !== at) continue; // stale: cancelled, restarted, or a duplicate
      this.#drains.set(nodeId, { deadline: undefined, end: drain.end, drained: drain.drained });
      due.push({ nodeId, end: drain.end, at });
    }
    due.sort((a, b) => a.at - b.at || (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0));
    return due;
  }

  nextDue(): number {
    return this.#deadlines.nextCurrent((nodeId, at) => this.#drains.get(nodeId)?.deadline === at);
  }

  /** Drains not yet reported idle. */
  *unreported(): IterableIterator<string> {
    for (const [nodeId, drain] of this.#drains) if (!drain.drained) yield nodeId;
  }

  markDrained(nodeId: string): void {
    const drain = this.#drains.get(nodeId);
    if (drain !== undefined) drain.drained = true;
  }

  /** Nodes reported idle: nothing runs on them, ready to remove. */
  drained(): string[] {
    return [...this.#drains].filter(([, drain]) => drain.drained).map(([nodeId]) => nodeId);
  }

  deadlineOf(nodeId: string): number | undefined {
    return this.#drains.get(nodeId)?.deadline;
  }

  snapshot(): DrainEntry[] {
    return [...this.#drains].map(([nodeId, d]) => [nodeId, d.deadline ?? null, d.end, d.drained] as const);
  }

  restore(entries: readonly DrainEntry[]): void {
    for (const [nodeId, deadline, end, drained] of entries) {
      this.start(nodeId, deadline ?? undefined, end);
      if (drained) this.markDrained(nodeId);
    }
  }
}
