import { isFairpackError } from '../errors.js';
import { MessageError } from './fields.js';
import type { UnstampedBody } from './types.js';

/** A message before its `msg_id` is stamped: who it goes to, from which node name, and its body. */
export interface Outgoing {
  /** `dest`: the client the message is for. */
  readonly client: string | undefined;
  /** `src`: the node name the client addressed (else the handler's node id). */
  readonly node: string | undefined;
  readonly body: UnstampedBody;
}

export function errorTo(client: string | undefined, node: string | undefined, inReplyTo: number | undefined, code: string, text: string): Outgoing {
  return { client, node, body: { type: 'error', ...(inReplyTo === undefined ? {} : { in_reply_to: inReplyTo }), code, text } };
}

/** The code and text of an `error` reply for anything a request threw. */
export function describeError(error: unknown): [code: string, text: string] {
  if (error instanceof MessageError) return [error.code, error.message];
  if (isFairpackError(error)) return [error.code, error.message];
  return ['INTERNAL_ERROR', `Internal error: ${error instanceof Error ? error.message : String(error)}`];
}
