import type { ProtocolJob } from './pending-job.js';
import type { CategoryView } from './types.js';

/**
 * The concurrency limit of one `submit_job` category. The manager's own caps are fixed when it is
 * built, and `concurrency_limit` arrives on the wire, so the handler keeps the limit itself: it
 * hands a category's jobs to the manager only while fewer than `limit` of them are there (running,
 * or queued for room), and holds the rest here, in arrival order, until one ends.
 *
 * Counting jobs queued in the manager against the limit is deliberately conservative: the limit
 * is never exceeded, whatever the manager does with them, at the price of a held job waiting
 * while an admitted one waits for room.
 */
export class CategoryGate {
  /** `undefined`: no limit. */
  limit: number | undefined = undefined;
  /** Jobs handed to the manager that have not ended. */
  admitted = 0;
  /** Ids of the category's jobs running now. */
  readonly running = new Set<string>();
  /** The category's jobs that have not ended, wherever they wait. */
  live = 0;
  // held jobs are held[head…]; taking from the front moves `head` (O(1)), the array is compacted
  // when more than half of it is taken
  private held: ProtocolJob[] = [];
  private head = 0;

  /** Holds a job back, keeping the list in arrival order (a job back from parking keeps its place). */
  hold(job: ProtocolJob): void {
    job.place = 'held';
    let i = this.held.length;
    while (i > this.head && (this.held[i - 1] as ProtocolJob).sequence > job.sequence) i--;
    this.held.splice(i, 0, job);
  }

  /** True when one more job may be handed to the manager. */
  hasRoom(): boolean {
    return this.limit === undefined || this.admitted < this.limit;
  }

  /** The next held job if the limit lets it go, taken off the list. */
  takeNext(): ProtocolJob | undefined {
    if (!this.hasRoom() || this.head >= this.held.length) return undefined;
    const job = this.held[this.head++] as ProtocolJob;
    if (this.head * 2 > this.held.length) {
      this.held = this.held.slice(this.head);
      this.head = 0;
    }
    return job;
  }

  /** Takes a held job off the list (cancel); false when it is not held here. */
  remove(id: string): boolean {
    const i = this.held.findIndex((job, k) => k >= this.head && job.id === id);
    if (i < 0) return false;
    this.held.splice(i, 1);
    return true;
  }

  view(): CategoryView {
    return { limit: this.limit ?? null, running: this.running.size, waiting: this.live - this.running.size };
  }
}
