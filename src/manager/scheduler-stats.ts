import type { ManagerMetrics } from './types.js';

const LATENCY_WINDOW = 1000;

/** A ring of the last `capacity` samples; percentiles are read by sorting a copy (reads are rare). */
class SlidingWindow {
  private readonly samples: Float64Array;
  private next = 0;
  private filled = 0;
  count = 0;

  constructor(capacity: number) {
    this.samples = new Float64Array(capacity);
  }

  add(value: number): void {
    this.samples[this.next] = value;
    this.next = (this.next + 1) % this.samples.length;
    this.filled = Math.min(this.filled + 1, this.samples.length);
    this.count++;
  }

  /** The ring as it is (for a snapshot): its samples, where the next goes, how many it holds and has seen. */
  state(): WindowState {
    return { samples: Array.from(this.samples.subarray(0, this.filled)), next: this.next, count: this.count };
  }

  restore(state: WindowState): void {
    this.samples.set(state.samples.slice(0, this.samples.length));
    this.filled = Math.min(state.samples.length, this.samples.length);
    this.next = state.next % this.samples.length;
    this.count = state.count;
  }

  summary(): ManagerMetrics['schedulingLatency'][string] {
    const sorted = this.samples.slice(0, this.filled).sort();
    // nearest-rank percentiles: the smallest sample with at least p % of the samples at or below it
    const rank = (p: number) => (sorted.length === 0 ? 0 : (sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] as number));
    return Object.freeze({ count: this.count, window: this.filled, p50: rank(50), p99: rank(99) });
  }
}

export interface WindowState {
  readonly samples: readonly number[];
  readonly next: number;
  readonly count: number;
}

/** What a snapshot keeps of the counters, in their maps' order. */
export interface StatsState {
  readonly preemptions: readonly (readonly [string, readonly (readonly [string, number])[]])[];
  readonly quotaRejections: readonly (readonly [string, number])[];
  readonly latency: readonly (readonly [string, WindowState])[];
}

/** Counters the manager keeps for `metrics()`: preemptions, quota rejections, scheduling latency. */
export class SchedulerStats {
  private readonly preemptionsByClass = new Map<string, Map<string, number>>();
  private preemptionTotal = 0;
  private readonly quotaRejectionsByTenant = new Map<string, number>();
  private readonly latencyByClass = new Map<string, SlidingWindow>();

  preempted(preemptorClass: string, victimClass: string): void {
    let victims = this.preemptionsByClass.get(preemptorClass);
    if (victims === undefined) this.preemptionsByClass.set(preemptorClass, (victims = new Map()));
    victims.set(victimClass, (victims.get(victimClass) ?? 0) + 1);
    this.preemptionTotal++;
  }

  quotaRejected(tenant: string): void {
    this.quotaRejectionsByTenant.set(tenant, (this.quotaRejectionsByTenant.get(tenant) ?? 0) + 1);
  }

  /** A job of `priority` started `waitedMs` after it last entered its queue. */
  started(priority: string, waitedMs: number): void {
    let window = this.latencyByClass.get(priority);
    if (window === undefined) this.latencyByClass.set(priority, (window = new SlidingWindow(LATENCY_WINDOW)));
    window.add(waitedMs);
  }

  state(): StatsState {
    return {
      preemptions: [...this.preemptionsByClass].map(([preemptor, victims]) => [preemptor, [...victims]]),
      quotaRejections: [...this.quotaRejectionsByTenant],
      latency: [...this.latencyByClass].map(([priority, window]) => [priority, window.state()]),
    };
  }

  restore(state: StatsState): void {
    for (const [preemptor, victims] of state.preemptions) {
      this.preemptionsByClass.set(preemptor, new Map(victims));
      for (const [, count] of victims) this.preemptionTotal += count;
    }
    for (const [tenant, count] of state.quotaRejections) this.quotaRejectionsByTenant.set(tenant, count);
    for (const [priority, window] of state.latency) {
      const ring = new SlidingWindow(LATENCY_WINDOW);
      ring.restore(window);
      this.latencyByClass.set(priority, ring);
    }
  }

  preemptions(): ManagerMetrics['preemptions'] {
    // class names are the user's: built with fromEntries, so "__proto__" is an own key, never a prototype
    const byClass = Object.fromEntries([...this.preemptionsByClass].map(([preemptor, victims]) => [preemptor, Object.freeze(Object.fromEntries(victims))]));
    return Object.freeze({ total: this.preemptionTotal, byClass: Object.freeze(byClass) });
  }

  quotaRejections(): ManagerMetrics['quotaRejections'] {
    return Object.freeze(Object.fromEntries(this.quotaRejectionsByTenant));
  }

  schedulingLatency(): ManagerMetrics['schedulingLatency'] {
    return Object.freeze(Object.fromEntries([...this.latencyByClass].map(([priority, window]) => [priority, window.summary()])));
  }
}
