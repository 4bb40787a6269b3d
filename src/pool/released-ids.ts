/**
 * The ids of the last `limit` released allocations, with how each was released, so that a second
 * release says ALREADY_RELEASED rather than UNKNOWN_ALLOCATION. The oldest is forgotten first,
 * through a FIFO array: taking `keys().next()` of a Map with many deletions walks its tombstones.
 */
export class ReleasedIds {
  private readonly how = new Map<string, string>();
  private order: string[] = [];
  private start = 0;

  constructor(private readonly limit: number) {}

  get(id: string): string | undefined {
    return this.how.get(id);
  }

  add(id: string, how: string): void {
    if (!this.how.has(id)) this.order.push(id);
    this.how.set(id, how);
    while (this.how.size > this.limit && this.start < this.order.length) {
      const oldest = this.order[this.start++] as string;
      this.how.delete(oldest);
    }
    if (this.start > 1024 && this.start * 2 > this.order.length) {
      this.order = this.order.slice(this.start);
      this.start = 0;
    }
  }

  /** An id used again for a new allocation is no longer "released". */
  forget(id: string): void {
    // its slot in `order` stays; deleting a missing id later is harmless
    this.how.delete(id);
  }
}
