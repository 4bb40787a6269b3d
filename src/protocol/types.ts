import type { Resources } from '../resources/index.js';

/**
 * One message on the wire: `{ "src", "dest", "body" }`, as in Maelstrom and the seed documents.
 * `src` and `dest` are node names; the handler swaps them in its replies.
 */
export interface ProtocolEnvelope {
  readonly src?: string;
  readonly dest?: string;
  readonly body: ProtocolReplyBody;
}

/**
 * Error codes of the protocol's own (malformed input); errors raised by the manager keep their
 * `FairpackError` code (`INVALID_RESOURCES`, `UNKNOWN_ALLOCATION`, `ALREADY_RELEASED` …), and
 * refused submissions their result code (`QUEUE_FULL`, `QUOTA_EXCEEDED` …).
 */
export type ProtocolErrorCode = 'MESSAGE_TOO_LARGE' | 'MALFORMED_JSON' | 'INVALID_MESSAGE' | 'UNKNOWN_MESSAGE_TYPE' | 'HANDLER_CLOSED' | 'INTERNAL_ERROR' | 'TOO_MANY_CATEGORIES';

/** The request types the handler answers. */
export const PROTOCOL_REQUEST_TYPES = ['init', 'allocate', 'release', 'submit_job', 'cancel', 'capacity', 'allocations', 'queues', 'nodes', 'node_add', 'node_remove', 'node_status', 'heartbeat'] as const;
export type ProtocolRequestType = (typeof PROTOCOL_REQUEST_TYPES)[number];

/** Every body the handler sends carries `type` and its own increasing `msg_id`. */
interface ReplyBase<T extends string> {
  readonly type: T;
  readonly msg_id: number;
  /** The `msg_id` of the request answered (for an unsolicited `allocated`: of the original request). */
  readonly in_reply_to?: number;
}

export interface AllocatedBody extends ReplyBase<'allocated'> {
  readonly allocation_id: string;
  readonly resources: Resources;
}

export interface QueuedBody extends ReplyBase<'queued'> {
  readonly reason: string;
  /** The dimensions that fall short, with what is free of them. */
  readonly available: Resources;
  /** What is asked of them: a number when one dimension falls short, else an object. */
  readonly required: number | Resources;
  readonly job_id: string;
}

export interface ReleasedBody extends ReplyBase<'released'> {
  readonly allocation_id: string;
  readonly resources_freed: Resources;
}

export interface JobsSubmittedBody extends ReplyBase<'jobs_submitted'> {
  /** Jobs of this message that did not start now. */
  readonly queued: number;
  /** Jobs of the category running now. */
  readonly running: number;
  /** Jobs of the category waiting now (for the concurrency limit or for room). */
  readonly waiting: number;
  readonly job_ids: readonly string[];
  /** Allocations of the jobs of this message that started now. */
  readonly allocation_ids: readonly string[];
  /** Jobs of this message refused (`QUEUE_FULL`: the queue bounds); absent when none was. */
  readonly rejected?: number;
}

/** Unsolicited: a running job was chosen to make room for a higher-priority one. */
export interface PreemptedBody extends ReplyBase<'preempted'> {
  readonly job_id: string;
  readonly allocation_id: string;
  /** The allocation is taken back at this time (ms, the manager's clock) unless released before. */
  readonly grace_ends_at: number;
}

export interface CancelledBody extends ReplyBase<'cancelled'> {
  readonly job_id: string;
  /** `cancelled`, or the status it had already ended with. */
  readonly status: string;
}

export interface InitOkBody extends ReplyBase<'init_ok'> {}

export interface CapacityOkBody extends ReplyBase<'capacity_ok'> {
  readonly total: Resources;
  readonly allocated: Resources;
  readonly available: Resources;
}

export interface AllocationsOkBody extends ReplyBase<'allocations_ok'> {
  readonly allocations: readonly {
    readonly allocation_id: string;
    readonly job_id: string;
    readonly tenant: string;
    readonly priority: string;
    readonly resources: Resources;
    readonly placements: readonly { readonly node_id: string; readonly resources: Resources }[];
  }[];
}

export interface CategoryView {
  /** `null` when the category has no limit. */
  readonly limit: number | null;
  readonly running: number;
  readonly waiting: number;
}

export interface QueuesOkBody extends ReplyBase<'queues_ok'> {
  readonly queues: readonly { readonly tenant: string; readonly priority: string; readonly length: number; readonly head_job_id?: string }[];
  readonly categories: Readonly<Record<string, CategoryView>>;
  /** Requests no node could hold even empty, waiting for a larger node. */
  readonly parked: number;
}

/** A node as replies show it: in `nodes`, and in the answers to the node messages. */
export interface WireNode {
  readonly node_id: string;
  /** `ready`, `draining` or `offline`. */
  readonly status: string;
  readonly capacity: Resources;
  readonly allocated: Resources;
  readonly available: Resources;
  readonly labels: Readonly<Record<string, string>>;
}

export interface NodesOkBody extends ReplyBase<'nodes_ok'> {
  readonly nodes: readonly WireNode[];
}

/** `node_add` answered: the node once added (requests that started on it at once included). */
export interface NodeAddedBody extends ReplyBase<'node_added'> {
  readonly node: WireNode;
}

/** `node_remove` answered: the node as it was removed, and the jobs a forced removal put back in the queue. */
export interface NodeRemovedBody extends ReplyBase<'node_removed'> {
  readonly node: WireNode;
  /** Ids of the jobs that ran on it and wait again, first in line (empty unless `force` evicted some). */
  readonly requeued_jobs: readonly string[];
}

/** `node_status` answered: the node with its new status, and the jobs its going offline put back in the queue. */
export interface NodeStatusSetBody extends ReplyBase<'node_status_set'> {
  readonly node: WireNode;
  /** Ids of the jobs that ran on it and wait again, first in line (empty unless it went offline). */
  readonly requeued_jobs: readonly string[];
}

/** `heartbeat` answered: the node, back `ready` (or `draining`) if it had gone offline by silence. */
export interface HeartbeatOkBody extends ReplyBase<'heartbeat_ok'> {
  readonly node: WireNode;
}

export interface ErrorBody extends ReplyBase<'error'> {
  readonly code: string;
  readonly text: string;
  /** Set when a parked request was refused when a node that could hold it came. */
  readonly job_id?: string;
}

export type ProtocolReplyBody =
  | AllocatedBody
  | QueuedBody
  | ReleasedBody
  | JobsSubmittedBody
  | CancelledBody
  | PreemptedBody
  | InitOkBody
  | CapacityOkBody
  | AllocationsOkBody
  | QueuesOkBody
  | NodesOkBody
  | NodeAddedBody
  | NodeRemovedBody
  | NodeStatusSetBody
  | HeartbeatOkBody
  | ErrorBody;

/** What a body looks like before the handler stamps its `msg_id` (at the moment it is sent). */
export type UnstampedBody = Unstamped<ProtocolReplyBody>;
type Unstamped<B> = B extends unknown ? Omit<B, 'msg_id'> : never;

export interface ProtocolHandlerOptions {
  /**
   * Decimal places accepted in amounts. Give the manager's own `precision`: the handler checks
   * requirements itself before it changes anything (a `submit_job` creates many jobs at once).
   * @default 3
   */
  readonly precision?: number;
  /** The node's name, `src` of messages when a request had no `dest`; `init` sets it. @default undefined */
  readonly nodeId?: string;
  /** Longest line `handleLine` parses (characters); longer ones get `MESSAGE_TOO_LARGE`. @default 1_048_576 */
  readonly maxLineLength?: number;
  /** Most jobs one `submit_job` may create. @default 1000 */
  readonly maxJobsPerMessage?: number;
  /**
   * Most requests parked at once — those no node could hold even empty, kept until a larger node
   * comes; past it such a request is refused with `QUEUE_FULL`. @default 10_000
   */
  readonly maxParked?: number;
  /**
   * Most categories with a `concurrency_limit` at once (the manager's caps): a limit for one more is
   * refused with `TOO_MANY_CATEGORIES`, so a peer naming a new category per message cannot grow
   * them without end. @default 1_000
   */
  readonly maxCategories?: number;
  /**
   * Receives messages that arise outside `handle()` — a job that started because the embedding
   * application called the manager itself. Without it they are returned by the next `handle()`.
   */
  readonly send?: (message: ProtocolEnvelope) => void;
}
