import fc from 'fast-check';
import { AllocationManager, ProtocolHandler, ResourcePool } from 'fairpack';
import { checkInvariants } from 'fairpack/testing';
import { describe, expect, it } from 'vitest';
import { fuzzParameters, fuzzTimeout } from './support/budget.js';
import { type Ids, attempt, describeUntyped, prototypes, ref, resolveArguments, samePrototypes } from './support/calls.js';
import { argument, mutated } from './support/hostile.js';
import { fuzzConstructor } from './support/check-call.js';
import { managerView } from './support/manager-view.js';
import { type LineSource, lineSource, lineText, messageObject, validMessage } from './support/protocol-messages.js';
import { type Asked, type Envelope, answerProblems, readLine, readMessage } from './support/protocol-replies.js';
import { type Tally, bug, errorSignature, tallies } from './support/tally.js';

/*
 * Layer 2, the wire protocol in-process: lines of text (random bytes, broken and mutated JSON,
 * valid requests) fed to `ProtocolHandler.handleLine`, and message objects — getters and Proxies
 * that throw included — to `handle`. Every request gets exactly one reply (its own type or
 * `error`), replies get none, nothing throws, an `error` reply changed nothing, no prototype
 * changed, the books balance.
 */

/** A node as `fairpack node` builds it, with small bounds so that the fuzz reaches them; `heartbeats`: liveness watched. */
function node(heartbeats = false) {
  const pool = new ResourcePool({ capacity: { cpu: 8, memory: 16, gpu: 2 } });
  const liveness = heartbeats ? { heartbeat: { timeoutMs: 1000 }, timers: false } : {};
  const manager = new AllocationManager({ pool, now: () => 0, maxQueued: 30, maxQueuedPerTenant: 12, tenants: { b: { quota: { cpu: 4 } } }, ...liveness });
  const handler = new ProtocolHandler(manager, { maxParked: 5 });
  return { pool, manager, handler };
}

function ids(manager: AllocationManager): Ids {
  return { allocation: manager.allocations().map((a) => a.id), job: manager.jobs().map((j) => j.id), node: manager.nodes().map((n) => n.id), tenant: [] };
}

/** Everything an error reply must leave alone: the manager's views and the handler's own books. */
function books({ manager, handler }: ReturnType<typeof node>): string {
  const queues = handler.handle({ body: { type: 'queues', msg_id: 0 } })[0]?.body as unknown as Record<string, unknown>;
  return managerView(manager) + JSON.stringify([queues['categories'], queues['parked']]);
}

/** A message object as text for a failure message (it may not serialise: a getter, a BigInt). */
function safeText(message: unknown): string {
  try {
    return String(JSON.stringify(message)).slice(0, 300);
  } catch (error) {
    return `(not serialisable: ${error instanceof Error ? error.message : typeof error})`;
  }
}

/** Refusals the manager records (the job ends `rejected`): an error reply that is a change. */
const RECORDED_REFUSALS = new Set(['QUEUE_FULL', 'QUOTA_EXCEEDED']);

const [lineTally, objectTally, constructorTally, nodeTally] = tallies('protocol (in-process)', 'protocol: handleLine (text lines)', 'protocol: handle (message objects)', 'protocol: new ProtocolHandler', 'protocol: node messages');

/*
 * The node messages: nodes added (ids new, taken, or named like Object.prototype members; labels
 * with such keys), removed with and without force, set ready, draining or offline, heartbeats —
 * among the other requests, so that nodes with running work are removed and set offline, and the
 * jobs they held are re-queued and restart (announced) elsewhere.
 */
const nodeId = fc.oneof({ weight: 4, arbitrary: ref('node') }, { weight: 1, arbitrary: fc.constantFrom('nope', '__proto__', 'constructor', 'w1') });
const nodeCapacity = fc.uniqueArray(fc.record({ type: fc.constantFrom('cpu', 'memory', 'gpu', 'tpu'), amount: fc.oneof(fc.integer({ min: 0, max: 16 }), fc.constantFrom(0.5, 0.125)) }), { maxLength: 3, selector: (r) => r.type });
// parsed, so that `__proto__` is an own key as it is off the wire
const nodeLabels = fc.constantFrom({}, { zone: 'a' }, JSON.parse('{"__proto__":"x","constructor":"y"}') as object);
const nodeTaints = fc.constantFrom([], [{ key: 'gpu', effect: 'NoSchedule' }], [{ key: 'spot', value: 'yes', effect: 'PreferNoSchedule' }]);
const nodeBodies: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      type: fc.constant('node_add'),
      node: fc.record(
        { id: fc.constantFrom('w1', 'w2', 'w3', '__proto__', 'constructor', 'default'), capacity: nodeCapacity, labels: nodeLabels, taints: nodeTaints, status: fc.constantFrom('ready', 'draining', 'offline'), cost_per_hour: fc.constantFrom(0, 1.5) },
        { requiredKeys: ['id', 'capacity'] },
      ),
    }),
  },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('node_remove'), node_id: nodeId, force: fc.boolean() }, { requiredKeys: ['type', 'node_id'] }) },
  { weight: 3, arbitrary: fc.record({ type: fc.constant('node_status'), node_id: nodeId, status: fc.constantFrom('ready', 'draining', 'offline') }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('heartbeat'), node_id: nodeId }) },
);
const validNodeMessage: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(nodeBodies, fc.nat(1_000_000), fc.constantFrom('c1', 'admin', '__proto__'))
  .map(([body, msgId, src]) => ({ src, dest: 'n1', body: { ...body, msg_id: msgId } }));
/** Node messages (valid and mutated) among the other requests. */
const withNodeMessages = fc.oneof({ weight: 3, arbitrary: validNodeMessage }, { weight: 3, arbitrary: mutated(validNodeMessage) }, { weight: 4, arbitrary: validMessage }, { weight: 1, arbitrary: messageObject() });

/** The node messages' reply types, which the shared oracle (support/protocol-replies.ts) does not list. */
const NODE_REPLIES: Readonly<Record<string, string>> = { node_add: 'node_added', node_remove: 'node_removed', node_status: 'node_status_set', heartbeat: 'heartbeat_ok' };

/**
 * The oracle's problems with an answer, node messages included: a node message answered with its
 * own reply type is checked as the oracle checks any other (in_reply_to, the news after it).
 */
function replyProblems(asked: Asked, out: readonly Envelope[]): string[] {
  const expected = asked.type !== undefined && Object.hasOwn(NODE_REPLIES, asked.type) ? NODE_REPLIES[asked.type] : undefined;
  const [reply, ...news] = out;
  if (expected === undefined || reply === undefined || reply.body.type !== expected) return answerProblems(asked, out);
  return answerProblems({ ...asked, type: 'nodes' }, [{ ...reply, body: { ...reply.body, type: 'nodes_ok' } }, ...news]);
}

/** Answers one input and checks the answer; `text` is the line the input stands for (or its JSON). */
function answerOne(target: ReturnType<typeof node>, input: { readonly line: string } | { readonly message: unknown }, baseline: unknown[], tally: Tally): void {
  const before = books(target);
  const where = 'line' in input ? 'handleLine' : 'handle';
  tally.inputs++;
  const outcome = attempt(() => ('line' in input ? target.handler.handleLine(input.line).map((text) => JSON.parse(text) as Envelope) : (target.handler.handle(input.message) as unknown as Envelope[])));
  if (outcome.kind !== 'ok') {
    tally.crashes++;
    bug(errorSignature(where, outcome.kind === 'refused' ? outcome.error : outcome.error), describeUntyped(`${where} (which never throws)`, outcome.kind === 'refused' ? outcome.error : outcome.error));
    return;
  }
  const out = outcome.value as Envelope[];
  const asked = 'line' in input ? readLine(input.line) : readMessage(input.message);
  for (const problem of replyProblems(asked, out)) bug(`${where} | ${problem.replace(/\d+/g, 'N').slice(0, 80)}`, `${where}: ${problem}\n  input: ${'line' in input ? input.line.slice(0, 300) : safeText(input.message)}`);
  const reply = out[0];
  if (reply?.body.type === 'error') {
    tally.refusals++;
    if (reply.body.code === 'INTERNAL_ERROR') bug(`${where} | INTERNAL_ERROR ${String(reply.body['text']).replace(/\d+/g, 'N').slice(0, 80)}`, `${where} answered INTERNAL_ERROR: ${String(reply.body['text'])}`);
    if (!RECORDED_REFUSALS.has(reply.body.code ?? '') && books(target) !== before) bug(`${where} | error ${reply.body.code} after a change`, `${where}: an error reply (${reply.body.code}) but the state changed`);
  } else tally.accepted++;
  if (!samePrototypes(prototypes(), baseline)) throw new Error(`${where} changed a prototype`);
  checkInvariants(target.pool);
}

describe('fuzz: ProtocolHandler', () => {
  it('handleLine: random bytes, broken and mutated JSON, valid requests — one reply per request, errors change nothing', () => {
    const baseline = prototypes();
    fc.assert(
      fc.property(fc.array(lineSource, { minLength: 5, maxLength: 40 }), (sources: LineSource[]) => {
        const target = node();
        for (const source of sources) answerOne(target, { line: lineText(source, (m) => resolveArguments(m, ids(target.manager))) }, baseline, lineTally);
      }),
      fuzzParameters(80),
    );
  }, fuzzTimeout(60_000));

  it('handle: message objects with hostile values, getters and Proxies that throw — never throws, one reply per request', () => {
    const baseline = prototypes();
    fc.assert(
      fc.property(fc.array(messageObject(), { minLength: 5, maxLength: 40 }), (messages) => {
        const target = node();
        for (const message of messages) answerOne(target, { message: resolveArguments(message, ids(target.manager)) }, baseline, objectTally);
      }),
      fuzzParameters(80),
    );
  }, fuzzTimeout(60_000));

  it('node messages among the others, with heartbeats on or off — one reply per request, errors change nothing', () => {
    const baseline = prototypes();
    fc.assert(
      fc.property(fc.boolean(), fc.array(withNodeMessages, { minLength: 5, maxLength: 40 }), (heartbeats, messages) => {
        const target = node(heartbeats);
        // a second node like the first: jobs displaced from one can restart on the other
        const spare = { src: 'admin', body: { type: 'node_add', msg_id: 0, node: { id: 'spare', capacity: [{ type: 'cpu', amount: 8 }, { type: 'memory', amount: 16 }, { type: 'gpu', amount: 2 }] } } };
        for (const message of [spare, ...messages]) answerOne(target, { message: resolveArguments(message, ids(target.manager)) }, baseline, nodeTally);
      }),
      fuzzParameters(80),
    );
  }, fuzzTimeout(60_000));

  it('new ProtocolHandler(hostile manager, hostile options): a handler or a typed refusal', () => {
    const options = fc.record({ precision: fc.integer({ min: 0, max: 9 }), nodeId: fc.constant('n1'), maxLineLength: fc.integer({ min: 1, max: 1 << 20 }), maxJobsPerMessage: fc.integer({ min: 1, max: 1000 }), maxParked: fc.integer({ min: 0, max: 100 }), send: fc.constant(() => undefined) }, { requiredKeys: [] });
    // a real manager with hostile options, or hostile options in the manager's place too
    const construct = (drawn: unknown): ProtocolHandler => {
      const [realManager, given] = drawn as [boolean, unknown];
      return new ProtocolHandler((realManager ? new AllocationManager({ capacity: { cpu: 1 }, now: () => 0 }) : given) as never, given as never);
    };
    const check = (handler: ProtocolHandler): void => {
      expect(handler.handleLine('{"body":{"type":"capacity","msg_id":1}}').length).toBe(1);
      handler.close();
    };
    fuzzConstructor('ProtocolHandler', fc.tuple(fc.boolean(), argument(options)), construct, check, constructorTally, 200);
  }, fuzzTimeout(60_000));
});
