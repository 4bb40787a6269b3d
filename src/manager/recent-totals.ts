import { type Linked, LinkedList } from '../linked-list.js';

/** One key's running total, linked in the order keys were last added to. */
interface Entry extends Linked<Entry> {
  readonly key: string;
  amount: number;
}

/**
 * Running totals by key (a tenant name: any string, `__proto__` included — a `Map`), iterated in
 * the order each key was last added to, oldest first. Adding to a key moves it to the end by
 * relinking its entry: a `Map` kept in that order by `delete` and `set` left a deleted entry at
 * every addition and rebuilt its table every few additions — the cost books fold an ended
 * replica's cost into its tenant's total at every release (≈ 7 % of a manager's submit+release).
 */
export class RecentTotals {
  readonly #byKey = new Map<string, Entry>();
  readonly #order = new LinkedList<Entry>();

  get size(): number {
    return this.#byKey.size;
  }

  /** Adds `amount` to `key`'s total (0 for a new key) and makes it the most recent. */
  add(key: string, amount: number): void {
    const entry = this.#byKey.get(key);
    if (entry === undefined) {
      this.#insert(key, amount);
      return;
    }
    entry.amount += amount;
    if (entry === this.#order.last) return;
    this.#order.unlink(entry);
    this.#order.append(entry);
  }

  /**
   * Sets `key`'s total as `Map.set` would: a new key goes last, a known one keeps its place (for a
   * restore, which lists the totals in their order).
   */
  set(key: string, amount: number): void {
    const entry = this.#byKey.get(key);
    if (entry === undefined) this.#insert(key, amount);
    else entry.amount = amount;
  }

  /** Takes out the least recent key; its key and total, or undefined when there is none. */
  shift(): readonly [string, number] | undefined {
    const entry = this.#order.first;
    if (entry === undefined) return undefined;
    this.#order.unlink(entry);
    this.#byKey.delete(entry.key);
    return [entry.key, entry.amount];
  }

  /** The totals, least recent first. */
  *[Symbol.iterator](): IterableIterator<[string, number]> {
    for (let entry = this.#order.first; entry !== undefined; entry = entry.next) yield [entry.key, entry.amount];
  }

  #insert(key: string, amount: number): void {
    const entry: Entry = { key, amount, prev: undefined, next: undefined };
    this.#byKey.set(key, entry);
    this.#order.append(entry);
  }
}
