import { grow } from '../typed-arrays.js';

/** What can happen at a point in simulated time, besides a job arriving. */
export type SimEvent =
  /**
   * A job's run ends: release its allocation, if the job still runs that run. `job`: its index;
   * `run`: which of its runs (see `pushComplete`: no object is made for it in the queue).
   */
  | { readonly kind: 'complete'; readonly job: number; readonly run: number }
  /** A preemption victim stops: release its allocation as preempted (it is re-queued). `job`: its index. */
  | { readonly kind: 'stop-victim'; readonly allocationId: string; readonly job: number }
  | { readonly kind: 'node-down'; readonly node: number; readonly downForMs: number }
  | { readonly kind: 'node-up'; readonly node: number }
  /** The spot market reclaims a spot node (drawn when the event comes); the next reclaim is scheduled. */
  | { readonly kind: 'interrupt' }
  /** A reclaimed spot node is ready again. */
  | { readonly kind: 'spot-back'; readonly node: number }
  /** Something in the manager is due (a grace period or back-off ends): just tick. */
  | { readonly kind: 'wake' }
  /** The autoscaler looks at the cluster (and is told again a minute later while work remains). */
  | { readonly kind: 'autoscale' }
  /** A node the autoscaler launched joins: one of `nodeTypes[type]`. */
  | { readonly kind: 'node-join'; readonly type: number };

/**
 * A binary min-heap of events by time; events at the same time come out in the order they were
 * scheduled (a sequence number breaks ties), which is what makes runs reproducible.
 *
 * Kept as parallel arrays (times and sequence numbers in typed arrays, the events beside them)
 * rather than one entry object per event: a congested million-job run pushes and pops millions of
 * events through a heap of tens of thousands, and every step of a sift compared two entries behind
 * two pointers — the pop was a few per cent of the run, the entries garbage for the collector.
 * A completion, one per start, is no object either: its job and run are one number beside it
 * (`payloads`), and `pop` hands it out in one reused object (`popped`).
 */
export class EventQueue {
  private times = new Float64Array(1024);
  private seqs = new Float64Array(1024);
  /** A completion's job + run × 2^32 (0 for any other event). */
  private payloads = new Float64Array(1024);
  private events: SimEvent[] = [];
  /** The completion `pop` returns: overwritten by the next pop of one, so read it before then. */
  private readonly popped: { kind: 'complete'; job: number; run: number } = { kind: 'complete', job: 0, run: 0 };
  private length = 0;
  private seq = 0;

  get size(): number {
    return this.length;
  }

  /** The time of the next event, or Infinity. */
  peekTime(): number {
    return this.length > 0 ? (this.times[0] as number) : Infinity;
  }

  push(at: number, event: SimEvent): void {
    if (event.kind === 'complete') this.pushComplete(at, event.job, event.run);
    else this.insert(at, event, 0);
  }

  /** A completion of run `run` of job `job` (indices below 2^32 and 2^21), without an event object. */
  pushComplete(at: number, job: number, run: number): void {
    // (a run count past 2^21 would need two million restarts of one job; the jobs are fewer than 2^32)
    if (!(job >= 0 && job < JOB_SPAN && run >= 0 && run < MAX_RUNS)) throw new Error(`fairpack simulate internal error: a completion of job ${job}, run ${run}, does not fit the event queue`);
    this.insert(at, COMPLETE, job + run * JOB_SPAN);
  }

  private insert(at: number, event: SimEvent, payload: number): void {
    if (this.length === this.times.length) this.grow();
    const { times, seqs, payloads, events } = this;
    const seq = this.seq++;
    let i = this.length++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const t = times[parent] as number;
      if (!(at < t || (at === t && seq < (seqs[parent] as number)))) break;
      times[i] = t;
      seqs[i] = seqs[parent] as number;
      payloads[i] = payloads[parent] as number;
      events[i] = events[parent] as SimEvent;
      i = parent;
    }
    times[i] = at;
    seqs[i] = seq;
    payloads[i] = payload;
    events[i] = event;
  }

  pop(): SimEvent | undefined {
    if (this.length === 0) return undefined;
    const { times, seqs, payloads, events } = this;
    let top = events[0] as SimEvent;
    if (top === COMPLETE) {
      const payload = payloads[0] as number;
      const run = Math.floor(payload / JOB_SPAN);
      this.popped.run = run;
      this.popped.job = payload - run * JOB_SPAN;
      top = this.popped;
    }
    const n = --this.length;
    // the last entry sifts down from the root
    const at = times[n] as number;
    const seq = seqs[n] as number;
    const payload = payloads[n] as number;
    const event = events[n] as SimEvent;
    events[n] = UNUSED;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= n) break;
        const right = left + 1;
        let child = left;
        if (right < n) {
          const tr = times[right] as number;
          const tl = times[left] as number;
          if (tr < tl || (tr === tl && (seqs[right] as number) < (seqs[left] as number))) child = right;
        }
        const tc = times[child] as number;
        if (!(tc < at || (tc === at && (seqs[child] as number) < seq))) break;
        times[i] = tc;
        seqs[i] = seqs[child] as number;
        payloads[i] = payloads[child] as number;
        events[i] = events[child] as SimEvent;
        i = child;
      }
      times[i] = at;
      seqs[i] = seq;
      payloads[i] = payload;
      events[i] = event;
    }
    return top;
  }

  private grow(): void {
    this.times = grow(this.times, this.times.length * 2);
    this.seqs = grow(this.seqs, this.seqs.length * 2);
    this.payloads = grow(this.payloads, this.payloads.length * 2);
  }
}

/** A completion's payload is job + run × JOB_SPAN: exact below 2^53 for jobs < 2^32 and runs < 2^21. */
const JOB_SPAN = 2 ** 32;
const MAX_RUNS = 2 ** 21;

/** What the heap holds for a completion (its job and run are in `payloads`). */
const COMPLETE: SimEvent = Object.freeze({ kind: 'complete', job: -1, run: -1 });

/** What a freed slot holds, so that the heap keeps no popped event alive. */
const UNUSED: SimEvent = Object.freeze({ kind: 'wake' });
