import type { JobRecord } from './job-record.js';

/** A binary min-heap of running jobs by `expiresAt` (stale entries are skipped by the caller). */
export class ExpiryHeap {
  private readonly items: { readonly at: number; readonly job: JobRecord; readonly allocationId: string }[] = [];

  push(job: JobRecord, at: number, allocationId: string): void {
    const items = this.items;
    items.push({ at, job, allocationId });
    for (let i = items.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if ((items[parent] as { at: number }).at <= (items[i] as { at: number }).at) break;
      [items[parent], items[i]] = [items[i] as (typeof items)[number], items[parent] as (typeof items)[number]];
      i = parent;
    }
  }

  peek(): { readonly at: number; readonly job: JobRecord; readonly allocationId: string } | undefined {
    return this.items[0];
  }

  pop(): void {
    const items = this.items;
    const last = items.pop();
    if (last === undefined || items.length === 0) return;
    items[0] = last;
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let smallest = i;
      if (l < items.length && (items[l] as { at: number }).at < (items[smallest] as { at: number }).at) smallest = l;
      if (r < items.length && (items[r] as { at: number }).at < (items[smallest] as { at: number }).at) smallest = r;
      if (smallest === i) return;
      [items[smallest], items[i]] = [items[i] as (typeof items)[number], items[smallest] as (typeof items)[number]];
      i = smallest;
    }
  }
}
