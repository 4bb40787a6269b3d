/** A binary min-heap of items by time. Callers skip stale entries when they pop them. */
export class TimeHeap<T> {
  private readonly items: { readonly at: number; readonly item: T }[] = [];

  get size(): number {
    return this.items.length;
  }

  push(at: number, item: T): void {
    const items = this.items;
    items.push({ at, item });
    for (let i = items.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      const p = items[parent] as { at: number; item: T };
      const c = items[i] as { at: number; item: T };
      if (p.at <= c.at) break;
      items[parent] = c;
      items[i] = p;
      i = parent;
    }
  }

  /**
   * Every entry, in the heap's own array order. Pushing them in this order into an empty heap
   * rebuilds the very same array (each is already no earlier than its parent), so a restored heap
   * pops equal times in the same order as the original would.
   */
  entries(): readonly { readonly at: number; readonly item: T }[] {
    return this.items;
  }

  /**
   * The earliest time of an entry `current` accepts, dropping the stale ones on top (a heap with
   * lazy deletion: an entry superseded by a later push is skipped when it comes to the top).
   */
  nextCurrent(current: (item: T, at: number) => boolean): number {
    for (let top = this.items[0]; top !== undefined; top = this.items[0]) {
      if (current(top.item, top.at)) return top.at;
      this.popDue(top.at);
    }
    return Infinity;
  }

  /** The earliest time, or Infinity when empty. */
  nextAt(): number {
    return this.items[0]?.at ?? Infinity;
  }

  /** Removes and returns the earliest item if it is due at `now`. */
  popDue(now: number): T | undefined {
    const top = this.items[0];
    if (top === undefined || top.at > now) return undefined;
    const items = this.items;
    const last = items.pop() as { at: number; item: T };
    if (items.length > 0) {
      items[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let smallest = i;
        if (l < items.length && (items[l] as { at: number }).at < (items[smallest] as { at: number }).at) smallest = l;
        if (r < items.length && (items[r] as { at: number }).at < (items[smallest] as { at: number }).at) smallest = r;
        if (smallest === i) break;
        const tmp = items[i] as { at: number; item: T };
        items[i] = items[smallest] as { at: number; item: T };
        items[smallest] = tmp;
        i = smallest;
      }
    }
    return top.item;
  }
}
