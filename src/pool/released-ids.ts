/**
 * The last `limit` releases (id and how), so that releasing an id again says ALREADY_RELEASED
 * rather than UNKNOWN_ALLOCATION. A ring of two arrays: remembering costs two stores per release,
 * and only a release that fails — an id that is not live — searches it (newest first, so an id
 * released, allocated again and released again answers with its latest release). No map: a Map
 * with an insertion and a deletion on every release cost more than the rest of `release`'s books.
 */
export class ReleasedIds {
  private readonly ids: (string | undefined)[];
  private readonly hows: (string | undefined)[];
  private next = 0;

  constructor(private readonly limit: number) {
    this.ids = new Array<string | undefined>(limit).fill(undefined);
    this.hows = new Array<string | undefined>(limit).fill(undefined);
  }

  /** How `id` was released, if it is among the last `limit` releases. Ask only for an id that is not live. */
  get(id: string): string | undefined {
    for (let k = 1; k <= this.limit; k++) {
      const i = (this.next - k + this.limit) % this.limit;
      if (this.ids[i] === id) return this.hows[i];
    }
    return undefined;
  }

  /** The remembered releases, oldest first (for a snapshot). */
  list(): [string, string][] {
    const out: [string, string][] = [];
    for (let k = this.limit; k >= 1; k--) {
      const i = (this.next - k + this.limit) % this.limit;
      const id = this.ids[i];
      if (id !== undefined) out.push([id, this.hows[i] as string]);
    }
    return out;
  }

  add(id: string, how: string): void {
    this.ids[this.next] = id;
    this.hows[this.next] = how;
    this.next = (this.next + 1) % this.limit;
  }
}
