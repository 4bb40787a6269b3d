/*
 * What an answer to one line must look like: a request gets exactly one reply, first, of the
 * type its request type calls for or `error`; a reply gets nothing; unsolicited news follows.
 */

const REPLY_TYPES: Readonly<Record<string, readonly string[]>> = {
  init: ['init_ok'],
  allocate: ['allocated', 'queued'],
  release: ['released'],
  submit_job: ['jobs_submitted'],
  cancel: ['cancelled'],
  capacity: ['capacity_ok'],
  allocations: ['allocations_ok'],
  queues: ['queues_ok'],
  nodes: ['nodes_ok'],
};
const UNSOLICITED = new Set(['allocated', 'preempted', 'error']);

export interface Envelope {
  readonly src?: string;
  readonly dest?: string;
  readonly body: { readonly type: string; readonly msg_id: number; readonly in_reply_to?: number; readonly code?: string; readonly [key: string]: unknown };
}

export interface Asked {
  /** A body with `in_reply_to`: never answered. */
  readonly reply: boolean;
  /** A line too long to read: one MESSAGE_TOO_LARGE error. */
  readonly tooLarge: boolean;
  /** Reading it threw (a getter, a Proxy): one INVALID_MESSAGE error. */
  readonly unreadable: boolean;
  readonly msgId: number | undefined;
  readonly type: string | undefined;
}

const NOTHING: Asked = { reply: false, tooLarge: false, unreadable: false, msgId: undefined, type: undefined };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Depth at which the handler refuses a message object (see src/protocol/plain-message.ts). */
const MAX_DEPTH = 32;

/**
 * Whether `handle()` can read the object as data: no getter, no throwing Proxy, nesting below
 * MAX_DEPTH, in its plain objects and arrays (an independent walk, the oracle for the handler's).
 */
function readable(value: unknown, depth = 0): boolean {
  if (typeof value !== 'object' || value === null) return true;
  const proto = Object.getPrototypeOf(value) as unknown;
  const plain = Array.isArray(value) ? proto === Array.prototype : proto === Object.prototype || proto === null;
  if (!plain) return true;
  if (depth >= MAX_DEPTH) return false;
  for (const key of Array.isArray(value) ? value.keys() : Object.keys(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    if (descriptor !== undefined && !('value' in descriptor)) return false;
    if (descriptor !== undefined && !readable(descriptor.value, depth + 1)) return false;
  }
  return true;
}

/** What a message object asks, as the handler reads it. */
export function readMessage(message: unknown): Asked {
  try {
    if (!readable(message)) return { ...NOTHING, unreadable: true };
    const body = isRecord(message) ? message['body'] : undefined;
    if (!isRecord(body)) return NOTHING;
    const msgId = body['msg_id'];
    const type = body['type'];
    return { ...NOTHING, reply: Object.hasOwn(body, 'in_reply_to'), msgId: Number.isSafeInteger(msgId) && (msgId as number) >= 0 ? (msgId as number) : undefined, type: typeof type === 'string' ? type : undefined };
  } catch {
    return { ...NOTHING, unreadable: true };
  }
}

/** What a line of text asks (`maxLineLength`: the handler's limit). */
export function readLine(text: string, maxLineLength = 1 << 20): Asked {
  if (text.length > maxLineLength) return { ...NOTHING, tooLarge: true };
  try {
    return readMessage(JSON.parse(text));
  } catch {
    return NOTHING;
  }
}

/** Problems with the answer `out` to a line read as `line` (empty when it is right). */
export function answerProblems(line: Asked, out: readonly Envelope[]): string[] {
  const problems: string[] = [];
  for (const message of out) {
    if (typeof message.body?.type !== 'string' || !Number.isSafeInteger(message.body.msg_id)) problems.push(`malformed envelope ${JSON.stringify(message).slice(0, 200)}`);
  }
  if (line.reply) {
    if (out.length > 0) problems.push(`a reply was answered: ${JSON.stringify(out).slice(0, 200)}`);
    return problems;
  }
  const [reply, ...news] = out;
  if (reply === undefined) return [...problems, 'a request got no reply'];
  if (line.tooLarge || line.unreadable) {
    const code = line.tooLarge ? 'MESSAGE_TOO_LARGE' : 'INVALID_MESSAGE';
    if (out.length !== 1 || reply.body.code !== code) problems.push(`expected one ${code} error, got ${JSON.stringify(out).slice(0, 200)}`);
    return problems;
  }
  const allowed = line.type !== undefined && Object.hasOwn(REPLY_TYPES, line.type) ? (REPLY_TYPES[line.type] as readonly string[]) : [];
  if (reply.body.type !== 'error' && !allowed.includes(reply.body.type)) problems.push(`a ${line.type ?? 'malformed'} request got a ${reply.body.type} reply`);
  if (line.msgId !== undefined && reply.body.in_reply_to !== line.msgId) problems.push(`the ${reply.body.type} reply answers ${reply.body.in_reply_to}, not ${line.msgId} (${JSON.stringify(reply.body).slice(0, 200)})`);
  for (const message of news) if (!UNSOLICITED.has(message.body.type) || message.body.in_reply_to === undefined) problems.push(`unexpected follow-up ${JSON.stringify(message).slice(0, 200)}`);
  return problems;
}
