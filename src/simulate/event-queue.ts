/** What can happen at a point in simulated time, besides a job arriving. */
export type SimEvent =
  /** A job's run ends: release its allocation (if it is still that job's allocation). */
  | { readonly kind: 'complete'; readonly allocationId: string }
  /** A preemption victim stops: release its allocation as preempted (it is re-queued). */
  | { readonly kind: 'stop-victim'; readonly allocationId: string }
  | { readonly kind: 'node-down'; readonly node: number; readonly downForMs: number }
  | { readonly kind: 'node-up'; readonly node: number }
  /** The spot market reclaims a spot node (drawn when the event comes); the next reclaim is scheduled. */
  | { readonly kind: 'interrupt' }
  /** A reclaimed spot node is ready again. */
  | { readonly kind: 'spot-back'; readonly node: number }
  /** Something in the manager is due (a grace period or back-off ends): just tick. */
  | { readonly kind: 'wake' }
  /** The autoscaler looks at the cluster (and is told again a minute later while work remains). */
  | { readonly kind: 'autoscale' }
  /** A node the autoscaler launched joins: one of `nodeTypes[type]`. */
  | { readonly kind: 'node-join'; readonly type: number };

interface Entry {
  readonly at: number;
  readonly seq: number;
  readonly event: SimEvent;
}

/**
 * A binary min-heap of events by time; events at the same time come out in the order they were
 * scheduled (a sequence number breaks ties), which is what makes runs reproducible.
 */
export class EventQueue {
  private readonly heap: Entry[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  /** The time of the next event, or Infinity. */
  peekTime(): number {
    return this.heap[0]?.at ?? Infinity;
  }

  push(at: number, event: SimEvent): void {
    const heap = this.heap;
    const entry: Entry = { at, seq: this.seq++, event };
    let i = heap.length;
    heap.push(entry);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const above = heap[parent] as Entry;
      if (!before(entry, above)) break;
      heap[i] = above;
      i = parent;
    }
    heap[i] = entry;
  }

  pop(): SimEvent | undefined {
    const heap = this.heap;
    const top = heap[0];
    if (top === undefined) return undefined;
    const last = heap.pop() as Entry;
    if (heap.length > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= heap.length) break;
        const right = left + 1;
        const child = right < heap.length && before(heap[right] as Entry, heap[left] as Entry) ? right : left;
        if (!before(heap[child] as Entry, last)) break;
        heap[i] = heap[child] as Entry;
        i = child;
      }
      heap[i] = last;
    }
    return top.event;
  }
}

function before(a: Entry, b: Entry): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
