import { nanoid } from 'nanoid';

/**
 * Generated job ids: a random prefix drawn once per manager (12 characters of nanoid's URL-safe
 * alphabet, 72 random bits) and a base-36 counter, e.g. `QzIOy0qgi0BX000000001`. Unique within the
 * manager, unlikely to meet another manager's, and — unlike a fresh nanoid per job — a function of
 * the manager's state: a manager restored from a snapshot, or rebuilt from its journal, generates
 * the same ids for the same further submissions.
 */
export class JobIds {
  private prefix = nanoid(12);
  private count = 0;

  /**
   * Ids for one submission, drawn on a copy of the counter: `commit` keeps them once the whole
   * submission is valid, so a refused one changes nothing, not even the counter. An id `taken`
   * holds (a caller chose one of ours) is skipped.
   */
  draft(taken: (id: string) => boolean): { next(): string; commit(): void } {
    let count = this.count;
    return {
      next: () => {
        let id: string;
        do id = this.prefix + (count++).toString(36).padStart(9, '0');
        while (taken(id));
        return id;
      },
      commit: () => {
        this.count = count;
      },
    };
  }

  /** The counter after the id `drawOne` drew (the counter itself until `commitOne`). */
  private pending = 0;

  /**
   * `draft` for a submission of one request, with no draft object: `beginOne`, then `drawOne`
   * (only if the request has no id of its own), then `commitOne` once the request is valid.
   */
  beginOne(): void {
    this.pending = this.count;
  }

  drawOne(taken: (id: string) => boolean): string {
    let id: string;
    do id = this.prefix + (this.pending++).toString(36).padStart(9, '0');
    while (taken(id));
    return id;
  }

  commitOne(): void {
    this.count = this.pending;
  }

  state(): { readonly prefix: string; readonly count: number } {
    return { prefix: this.prefix, count: this.count };
  }

  restore(state: { readonly prefix: string; readonly count: number }): void {
    this.prefix = state.prefix;
    this.count = state.count;
  }
}
