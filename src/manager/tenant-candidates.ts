import type { TenantCandidate } from '../fairness/index.js';
import type { JobRecord } from './job-record.js';
import type { JobQueue } from './job-queue.js';
import { keepFirst } from './pass-marks.js';
import type { TenantLedger } from './tenant-ledger.js';

/** A queue's candidate, refreshed in place before each pick. */
type CandidateSlot = { -readonly [K in Exclude<keyof TenantCandidate, 'usage'>]: TenantCandidate[K] } & { readonly usage: TenantCandidate['usage'] };

/**
 * The fairness policy's candidates, one per open queue of a band, for the picks of one
 * `serveBand`. The scheduling cycle asks the policy after every placement; building a candidate
 * (with its lazy `usage` getter, a closure) per queue per pick was a few per cent of a congested
 * simulation. Each queue now has one candidate object, made the first time it is offered and
 * refreshed in place (weight, dominant share, running jobs, head) before each pick; the array
 * handed to the policy is made once per band served, kept beside the open queues and shrinks with
 * them (the caller splices both).
 */
export class TenantCandidates {

  constructor(
    private readonly ledger: TenantLedger,
    private readonly totals: () => ReadonlyMap<string, number>,
  ) {}

  /** The candidates of a band's open queues, in their order (what `pick` receives), written into `into` (by index: see BandLists). */
  offer(open: readonly JobQueue[], into: TenantCandidate[]): TenantCandidate[] {
    // (a loop: a map with an arrow made a closure per band served)
    for (let i = 0; i < open.length; i++) into[i] = this.#slotOf(open[i] as JobQueue);
    keepFirst(into, open.length);
    return into;
  }

  /** Refreshes the candidates of `open` (`list`, as `offer` made it) from the books, before each pick. */
  refresh(open: readonly JobQueue[], list: readonly TenantCandidate[]): void {
    const totals = this.totals();
    const { ledger } = this;
    for (let i = 0; i < open.length; i++) {
      const queue = open[i] as JobQueue;
      const slot = list[i] as CandidateSlot;
      slot.weight = ledger.weight(queue.tenant);
      slot.dominantShare = ledger.dominantShare(queue.tenant, totals);
      slot.running = ledger.running(queue.tenant);
      slot.headSequence = (queue.head() as JobRecord).sequence;
    }
  }

  #slotOf(queue: JobQueue): CandidateSlot {
    let slot = queue.candidate as CandidateSlot | undefined;
    if (slot === undefined) queue.candidate = slot = new Candidate(queue.tenant, this.ledger);
    return slot;
  }
}

/**
 * A queue's candidate. A class rather than an object literal with a `usage` getter: V8 builds a
 * literal with an accessor through a slow runtime path, and a queue gets its candidate each time
 * it is made again (a tenant whose queue empties at every start and refills at its next submit:
 * ≈ 5 % of a submit+release). `usage` is built only for policies that read it (the getter, on the
 * prototype); the ledger is a private field, so a policy sees the candidate's fields and nothing else.
 */
class Candidate implements CandidateSlot {
  weight = 1;
  dominantShare = 0;
  running = 0;
  headSequence = 0;
  readonly #ledger: TenantLedger;

  constructor(
    readonly tenant: string,
    ledger: TenantLedger,
  ) {
    this.#ledger = ledger;
  }

  get usage(): TenantCandidate['usage'] {
    return this.#ledger.usage(this.tenant);
  }
}
