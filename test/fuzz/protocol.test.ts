import fc from 'fast-check';
import { AllocationManager, ProtocolHandler, ResourcePool } from 'fairpack';
import { checkInvariants } from 'fairpack/testing';
import { describe, expect, it } from 'vitest';
import { fuzzParameters, fuzzTimeout } from './support/budget.js';
import { type Ids, attempt, describeUntyped, prototypes, resolveArguments, samePrototypes } from './support/calls.js';
import { argument } from './support/hostile.js';
import { fuzzConstructor } from './support/check-call.js';
import { managerView } from './support/manager-view.js';
import { type LineSource, lineSource, lineText, messageObject } from './support/protocol-messages.js';
import { type Envelope, answerProblems, readLine, readMessage } from './support/protocol-replies.js';
import { type Tally, bug, errorSignature, tallies } from './support/tally.js';

/*
 * Layer 2, the wire protocol in-process: lines of text (random bytes, broken and mutated JSON,
 * valid requests) fed to `ProtocolHandler.handleLine`, and message objects — getters and Proxies
 * that throw included — to `handle`. Every request gets exactly one reply (its own type or
 * `error`), replies get none, nothing throws, an `error` reply changed nothing, no prototype
 * changed, the books balance.
 */

/** A node as `fairpack node` builds it, with small bounds so that the fuzz reaches them. */
function node() {
  const pool = new ResourcePool({ capacity: { cpu: 8, memory: 16, gpu: 2 } });
  const manager = new AllocationManager({ pool, now: () => 0, maxQueued: 30, maxQueuedPerTenant: 12, tenants: { b: { quota: { cpu: 4 } } } });
  const handler = new ProtocolHandler(manager, { maxParked: 5 });
  return { pool, manager, handler };
}

function ids(manager: AllocationManager): Ids {
  return { allocation: manager.allocations().map((a) => a.id), job: manager.jobs().map((j) => j.id), node: [], tenant: [] };
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

const [lineTally, objectTally, constructorTally] = tallies('protocol (in-process)', 'protocol: handleLine (text lines)', 'protocol: handle (message objects)', 'protocol: new ProtocolHandler');

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
  for (const problem of answerProblems(asked, out)) bug(`${where} | ${problem.replace(/\d+/g, 'N').slice(0, 80)}`, `${where}: ${problem}\n  input: ${'line' in input ? input.line.slice(0, 300) : safeText(input.message)}`);
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
