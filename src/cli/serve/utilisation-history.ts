import type { AllocationManager, Resources } from '../../index.js';

/** One reading of the cluster's figures per dimension. */
export interface UtilisationSample {
  /** ms since the epoch (the server's clock). */
  readonly at: number;
  readonly total: Resources;
  readonly allocated: Resources;
  readonly reserved: Resources;
}

export interface UtilisationHistoryOptions {
  /** How often a sample is taken. @default 10000 (ten seconds) */
  readonly intervalMs?: number;
  /** Samples kept: the window is intervalMs × samples. @default 360 (an hour at the default interval) */
  readonly samples?: number;
  readonly now?: () => number;
}

/**
 * The cluster's utilisation over the last hour, for the dashboard: a ring of samples taken on an
 * unref'd timer (never keeping the process up) from `capacity()`. Bounded by `samples` whatever
 * the cluster does; a sample's size is the number of dimensions.
 */
export class UtilisationHistory {
  readonly #samples: UtilisationSample[] = [];
  readonly #max: number;
  readonly #now: () => number;
  readonly #manager: () => AllocationManager;
  readonly intervalMs: number;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(manager: () => AllocationManager, options: UtilisationHistoryOptions = {}) {
    this.#manager = manager;
    this.intervalMs = options.intervalMs ?? 10_000;
    this.#max = options.samples ?? 360;
    this.#now = options.now ?? Date.now;
  }

  start(): void {
    this.sample();
    this.#timer ??= setInterval(() => this.sample(), this.intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Takes a sample now. */
  sample(): UtilisationSample {
    const { total, allocated, reserved } = this.#manager().capacity();
    const sample = { at: this.#now(), total, allocated, reserved };
    this.#samples.push(sample);
    if (this.#samples.length > this.#max) this.#samples.shift();
    return sample;
  }

  /** Oldest first. */
  samples(): readonly UtilisationSample[] {
    return [...this.#samples];
  }
}
