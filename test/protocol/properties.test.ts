import fc from 'fast-check';
import { AllocationManager, ProtocolHandler, type ProtocolEnvelope, ResourcePool } from 'fairpack';
import { checkInvariants } from 'fairpack/testing';
import { describe, expect, it } from 'vitest';
import { propertyRuns } from '../support.js';

/*
 * The handler never throws, whatever arrives; every answer is a well-formed envelope; and a
 * message answered with an error leaves the manager (and the handler's own books) exactly as
 * they were.
 */

function freshNode() {
  const pool = new ResourcePool({ capacity: { cpu: 8, memory: 16, gpu: 2 } });
  const manager = new AllocationManager({ pool, now: () => 0 });
  return { pool, manager, handler: new ProtocolHandler(manager) };
}

/** Everything a rejected message must leave alone, as text. Reading it changes nothing. */
function snapshot({ manager, handler }: ReturnType<typeof freshNode>): string {
  const queues = handler.handle({ body: { type: 'queues', msg_id: 0 } })[0]?.body;
  const { msg_id: _ignored, ...books } = queues as unknown as Record<string, unknown>;
  const jobs = manager.jobs().map((job) => [job.id, job.status, job.allocationId]);
  return JSON.stringify([manager.capacity(), manager.allocations(), manager.queues(), jobs, manager.metrics().jobs, books]);
}

function expectWellFormed(out: readonly ProtocolEnvelope[]): void {
  for (const message of out) {
    expect(JSON.parse(JSON.stringify(message))).toEqual(message); // plain JSON, nothing lost
    expect(typeof message.body.type).toBe('string');
    expect(Number.isSafeInteger(message.body.msg_id)).toBe(true);
  }
  const ids = out.map((m) => m.body.msg_id);
  expect(ids).toEqual([...ids].sort((a, b) => a - b)); // increasing in output order
}

/** Usually `good`, sometimes any JSON value: most messages get deep into the handler, some fail anywhere. */
function mostly<T>(good: fc.Arbitrary<T>): fc.Arbitrary<T | fc.JsonValue> {
  return fc.oneof({ arbitrary: good, weight: 20 }, { arbitrary: fc.jsonValue(), weight: 1 });
}

const names = fc.constantFrom('cpu', 'memory', 'gpu', 'tpu', '', '__proto__', 'constructor');
const amount = fc.oneof({ arbitrary: fc.integer({ min: 0, max: 6 }), weight: 6 }, fc.integer({ min: -2, max: 10 }), fc.double({ noNaN: false }), fc.constantFrom(0.5, 0.0001, 1e300, '2', null, Infinity), fc.jsonValue());
const requirement = mostly(fc.record({ type: mostly(names), amount }, { requiredKeys: [] }));
const liveId = fc.constantFrom('LIVE_ALLOCATION', 'LIVE_JOB');

const msgId = mostly(fc.nat(1000));
const requirements = mostly(fc.array(requirement, { maxLength: 3 }));
const optional = { requiredKeys: ['type', 'msg_id'] as ('type' | 'msg_id')[] };

/** Bodies that look like requests — right type, fields right or wrong — so they reach deep into the handler. */
const requestBody = fc.oneof(
  { arbitrary: fc.record({ type: fc.constant('allocate'), msg_id: msgId, requirements, tenant: mostly(fc.constantFrom('a', 'b')), priority: mostly(fc.constantFrom('low', 'high', 'urgent')) }, { requiredKeys: ['type', 'msg_id', 'requirements'] }), weight: 6 },
  { arbitrary: fc.record({ type: fc.constant('release'), msg_id: msgId, allocation_id: mostly(liveId), job_status: mostly(fc.constantFrom('completed', 'failed', 'preempted', 'done')) }, { requiredKeys: ['type', 'msg_id', 'allocation_id'] }), weight: 4 },
  {
    arbitrary: fc.record(
      { type: fc.constant('submit_job'), msg_id: msgId, category: mostly(fc.constantFrom('heavy', 'light', '')), jobs: mostly(fc.integer({ min: -1, max: 5 })), concurrency_limit: mostly(fc.integer({ min: -1, max: 3 })), requirements },
      { requiredKeys: ['type', 'msg_id', 'category'] },
    ),
    weight: 3,
  },
  { arbitrary: fc.record({ type: fc.constant('cancel'), msg_id: msgId, job_id: mostly(liveId) }, optional), weight: 2 },
  { arbitrary: fc.record({ type: fc.constantFrom('init', 'capacity', 'allocations', 'queues', 'nodes', 'bogus', 'error'), msg_id: msgId, node_id: mostly(fc.constant('n1')), tenant: fc.constantFrom('a', 'c1') }, optional), weight: 2 },
  { arbitrary: fc.record({ type: fc.jsonValue(), msg_id: msgId, in_reply_to: fc.nat() }, { requiredKeys: [] }), weight: 1 },
);

const messageShaped = mostly(fc.record({ src: mostly(fc.constantFrom('c1', 'c2', '')), dest: mostly(fc.constant('n1')), body: mostly(requestBody) }, { requiredKeys: ['src', 'dest', 'body'] }));

/** Puts ids of live allocations/jobs where the generator left placeholders, so releases and cancels can succeed. */
function withLiveIds(message: unknown, manager: AllocationManager): unknown {
  if (typeof message !== 'object' || message === null || !('body' in message)) return message;
  const body = (message as { body: unknown }).body;
  if (typeof body !== 'object' || body === null) return message;
  const next = { ...(body as Record<string, unknown>) };
  const allocation = manager.allocations()[0];
  const job = manager.jobs()[0];
  if (next['allocation_id'] === 'LIVE_ALLOCATION') next['allocation_id'] = allocation?.id ?? 'none';
  if (next['job_id'] === 'LIVE_JOB') next['job_id'] = job?.id ?? 'none';
  return { ...(message as object), body: next };
}

describe('the protocol handler under arbitrary input', () => {
  it('never throws on any JSON value, and an error reply changes nothing', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (message) => {
        const node = freshNode();
        const before = snapshot(node);
        const out = node.handler.handle(message);
        expectWellFormed(out);
        if (out.some((m) => m.body.type === 'error')) expect(snapshot(node)).toBe(before);
      }),
      { numRuns: propertyRuns(300) },
    );
  });

  it('never throws on any line of text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.string({ unit: 'binary' })), (line) => {
        const out = freshNode().handler.handleLine(line);
        for (const text of out) expect(typeof (JSON.parse(text) as ProtocolEnvelope).body.type).toBe('string');
      }),
      { numRuns: propertyRuns(300) },
    );
  });

  it('a category never runs more than its limit, and its held jobs all start as running ones end', () => {
    const step = fc.oneof(
      fc.record({ op: fc.constant('submit' as const), category: fc.constantFrom('x', 'y'), jobs: fc.integer({ min: 1, max: 4 }), cpu: fc.constantFrom(0, 1, 3) }),
      fc.record({ op: fc.constantFrom('release' as const, 'cancel' as const), pick: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.record({ x: fc.integer({ min: 1, max: 3 }), y: fc.integer({ min: 1, max: 3 }) }), fc.array(step, { maxLength: 30 }), (limits, steps) => {
        const node = freshNode();
        let msgId = 0;
        const ask = (body: Record<string, unknown>) => node.handler.handle({ src: 'c', dest: 'n', body: { ...body, msg_id: ++msgId } });
        const categories = () => (ask({ type: 'queues' })[0]?.body as unknown as { categories: Record<string, { running: number; waiting: number }> }).categories;
        const running = (category: string) => node.manager.jobs({ status: 'running' }).filter((job) => job.category === category).length;
        for (const s of steps) {
          if (s.op === 'submit') ask({ type: 'submit_job', category: s.category, concurrency_limit: limits[s.category], jobs: s.jobs, requirements: [{ type: 'cpu', amount: s.cpu }] });
          else {
            const live = node.manager.jobs({ status: 'running' });
            const job = live[s.pick % Math.max(live.length, 1)];
            if (job !== undefined) ask(s.op === 'release' ? { type: 'release', allocation_id: job.allocationId } : { type: 'cancel', job_id: job.id });
          }
          for (const category of ['x', 'y'] as const) {
            expect(running(category)).toBeLessThanOrEqual(limits[category]);
            expect(categories()[category]?.running ?? 0).toBe(running(category));
          }
        }
        // end every running job, again and again: every held job gets its turn
        for (let round = 0; round < 200 && node.manager.jobs({ status: 'running' }).length > 0; round++) {
          for (const job of node.manager.jobs({ status: 'running' })) ask({ type: 'release', allocation_id: job.allocationId });
        }
        expect(Object.values(categories()).map((view) => view.waiting + view.running)).toEqual(Object.keys(categories()).map(() => 0));
      }),
      { numRuns: propertyRuns(150) },
    );
  });

  it('over sequences of message-shaped garbage: no throw, errors change nothing, the books stay exact', () => {
    fc.assert(
      fc.property(fc.array(messageShaped, { minLength: 1, maxLength: 25 }), (messages) => {
        const node = freshNode();
        for (const raw of messages) {
          const message = withLiveIds(raw, node.manager);
          const before = snapshot(node);
          const out = node.handler.handle(message);
          expectWellFormed(out);
          // nothing happens outside handle() here, so the reply (if any) comes first
          const reply = out[0];
          if (reply?.body.type === 'error') expect(snapshot(node), JSON.stringify(message)).toBe(before);
          checkInvariants(node.pool);
        }
      }),
      { numRuns: propertyRuns(150) },
    );
  });
});
