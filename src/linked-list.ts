/** What an entry of a `LinkedList` carries: its neighbours (both undefined while it is out). */
export interface Linked<T> {
  prev: T | undefined;
  next: T | undefined;
}

/**
 * A doubly linked list whose entries carry their own links: appending, moving and taking out an
 * entry allocate nothing and cost O(1) — for books that keep things in an order that changes at
 * every call (the cost books' open replicas, a tenant's last fold).
 */
export class LinkedList<T extends Linked<T>> {
  first: T | undefined = undefined;
  last: T | undefined = undefined;

  /** Puts `entry` (out of any list) last. */
  append(entry: T): void {
    entry.prev = this.last;
    entry.next = undefined;
    if (this.last === undefined) this.first = entry;
    else this.last.next = entry;
    this.last = entry;
  }

  /**
   * Takes `entry` out; whether it was in. Its links are cleared, so an entry taken out keeps
   * nothing after it alive.
   */
  unlink(entry: T): boolean {
    const { prev, next } = entry;
    if (prev === undefined && this.first !== entry) return false;
    if (prev === undefined) this.first = next;
    else prev.next = next;
    if (next === undefined) this.last = prev;
    else next.prev = prev;
    entry.prev = undefined;
    entry.next = undefined;
    return true;
  }

  /** Empties the list (the entries keep their links: only for entries dropped with it). */
  clear(): void {
    this.first = undefined;
    this.last = undefined;
  }
}
