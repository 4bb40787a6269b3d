import fc from 'fast-check';
import { ref } from './calls.js';
import { EVERYTHING, type Hostility, hostileValue, mutated } from './hostile.js';

/*
 * Protocol input: valid request messages (pointing at live allocations and jobs through Refs),
 * mutated ones, any JSON, and lines of text that are not JSON at all.
 */

const requirement = fc.record({ type: fc.constantFrom('cpu', 'memory', 'gpu', 'tpu', 'nvidia.com/gpu'), amount: fc.oneof(fc.integer({ min: 0, max: 6 }), fc.constantFrom(0.5, 0.125)) });
const requirements = fc.uniqueArray(requirement, { maxLength: 3, selector: (r) => r.type });
const tenant = fc.constantFrom('a', 'b', 'c1', '__proto__', 'constructor');

const bodies: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ type: fc.constant('allocate'), requirements, tenant, priority: fc.constantFrom('low', 'default', 'high', 'real-time') }, { requiredKeys: ['type', 'requirements'] }) },
  { weight: 4, arbitrary: fc.record({ type: fc.constant('release'), allocation_id: ref('allocation'), job_status: fc.constantFrom('completed', 'failed', 'preempted') }, { requiredKeys: ['type', 'allocation_id'] }) },
  { weight: 3, arbitrary: fc.record({ type: fc.constant('submit_job'), category: fc.constantFrom('heavy', 'light', '__proto__'), jobs: fc.integer({ min: 1, max: 4 }), concurrency_limit: fc.integer({ min: 0, max: 3 }), requirements, tenant }, { requiredKeys: ['type', 'category'] }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('cancel'), job_id: ref('job') }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('init'), node_id: fc.constantFrom('n1', 'n2'), node_ids: fc.constant(['n1', 'n2']) }, { requiredKeys: ['type'] }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constantFrom('capacity', 'queues', 'nodes') }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('allocations'), tenant }, { requiredKeys: ['type'] }) },
  // a reply: never answered
  { weight: 1, arbitrary: fc.record({ type: fc.constantFrom('allocated', 'error'), in_reply_to: fc.nat(50) }) },
);

/** A well-formed message with a fresh `msg_id`. */
export const validMessage: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(bodies, fc.nat(1_000_000), fc.constantFrom('c1', 'c2', '__proto__'), fc.constantFrom('n1', 'n2'), fc.boolean())
  .map(([body, msgId, src, dest, id]) => ({ src, dest, body: { ...body, msg_id: msgId }, ...(id ? { id: msgId } : {}) }));

/** A message object: valid, mutated in one place, or anything at all. */
export function messageObject(hostility: Hostility = EVERYTHING): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 3, arbitrary: validMessage }, { weight: 6, arbitrary: mutated(validMessage, hostility) }, { weight: 1, arbitrary: hostileValue(hostility) });
}

/** Text edits that break a line's JSON in the ways a bad client or a cut connection would. */
type TextEdit = 'truncate' | 'insert' | 'delete' | 'duplicate-key' | 'wrap-deep' | 'pad';

function edit(line: string, how: TextEdit, at: number, char: string): string {
  const i = at % (line.length + 1);
  switch (how) {
    case 'truncate':
      return line.slice(0, i);
    case 'insert':
      return line.slice(0, i) + char + line.slice(i);
    case 'delete':
      return line.slice(0, i) + line.slice(i + 1);
    case 'duplicate-key':
      // the last `body` wins in JSON.parse: a second one that is not an object
      return line.endsWith('}') ? `${line.slice(0, -1)},"body":${JSON.stringify(char)}}` : line;
    case 'wrap-deep':
      return `${'['.repeat(100_000)}${line}${']'.repeat(100_000)}`;
    case 'pad':
      // valid JSON, but past the handler's line limit (1 MiB by default)
      return line + ' '.repeat((1 << 20) + 1);
  }
}

/**
 * One line of input as text: the JSON of a message (valid, mutated, any JSON), that JSON edited
 * (cut, a character in or out, a duplicate key, nested 100,000 deep, padded past the line
 * limit), or random text and bytes.
 * Never contains a newline (a line is a line). `line` is a function of the message and the ids
 * live now, so that Refs point at live allocations and jobs.
 */
export type LineSource = { readonly kind: 'json'; readonly message: unknown; readonly edit?: readonly [TextEdit, number, string] } | { readonly kind: 'text'; readonly text: string };

export const lineSource: fc.Arbitrary<LineSource> = fc.oneof(
  { weight: 8, arbitrary: messageObject({ traps: false, arrayConstructorKey: true, sparseArrays: true }).map((message) => ({ kind: 'json' as const, message })) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(validMessage, fc.constantFrom<TextEdit>('truncate', 'truncate', 'insert', 'delete', 'duplicate-key', 'wrap-deep', 'pad'), fc.nat(), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }))
      .map(([message, how, at, char]) => ({ kind: 'json' as const, message, edit: [how, at, char] as const })),
  },
  { weight: 2, arbitrary: fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString('latin1')), fc.json()).map((text) => ({ kind: 'text' as const, text })) },
);

/** The text of a line: JSON.stringify of its (resolved) message, edited; one line, no newline. */
export function lineText(source: LineSource, resolve: (message: unknown) => unknown): string {
  let text: string;
  if (source.kind === 'text') text = source.text;
  else {
    let json: string | undefined;
    try {
      json = JSON.stringify(resolve(source.message));
    } catch {
      json = undefined; // a BigInt, say: the client could not have sent it
    }
    text = json ?? 'undefined';
    if (source.edit !== undefined) text = edit(text, ...source.edit);
  }
  return text.replace(/[\r\n]/g, ' ');
}
