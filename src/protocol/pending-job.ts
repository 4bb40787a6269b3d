import type { JobRequest } from '../manager/index.js';

/** Where a job came from: its reply (and any later `allocated`) goes back there. */
export interface Origin {
  /** The requester (`src` of the request): `dest` of the messages about this job. */
  readonly client: string | undefined;
  /** The node it was addressed to (`dest` of the request): `src` of the messages about it. */
  readonly node: string | undefined;
  readonly msgId: number;
}

/**
 * A job submitted through the protocol, from its request until it ends. `announce` is false while
 * the request that created it is being answered — a job that starts then is reported in that reply
 * — and true afterwards, when a start is news the client hears as an unsolicited `allocated`.
 */
export interface ProtocolJob {
  readonly id: string;
  readonly request: JobRequest;
  readonly origin: Origin;
  /** Set for `submit_job` jobs: the category whose limit applies. */
  readonly category: string | undefined;
  announce: boolean;
  /** The allocation of its latest start. */
  allocationId: string | undefined;
  /** Whether the manager has it, or it waits here for a node large enough (parked). */
  place: 'manager' | 'parked';
}
