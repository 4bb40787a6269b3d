export { ProtocolHandler, DEFAULT_MAX_LINE_LENGTH } from './handler.js';
export type { ProtocolHandlerSnapshot, ProtocolHandlerSettings, ProtocolJobSnapshot, SnapshotOutgoing } from './handler-snapshot.js';
export {
  PROTOCOL_REQUEST_TYPES,
  type ProtocolEnvelope,
  type ProtocolErrorCode,
  type ProtocolHandlerOptions,
  type ProtocolReplyBody,
  type ProtocolRequestType,
  type AllocatedBody,
  type QueuedBody,
  type ReleasedBody,
  type JobsSubmittedBody,
  type CancelledBody,
  type PreemptedBody,
  type InitOkBody,
  type CapacityOkBody,
  type AllocationsOkBody,
  type QueuesOkBody,
  type NodesOkBody,
  type CategoryView,
  type ErrorBody,
} from './types.js';
