import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AllocationManager, type ManagerSnapshot, type PriorityClassSpec, ProtocolHandler, type ProtocolHandlerSnapshot, isFairpackError } from 'fairpack';
import { propertyRuns } from '../support.js';

/*
 * A protocol handler restored from its snapshot (over a manager restored from the manager's,
 * taken at the same moment) answers every further message exactly as the original does: the same
 * lines, byte for byte — msg_ids, job ids, allocation ids, unsolicited `allocated` and
 * `preempted` messages, parked requests tried again when a node comes, jobs re-queued by a node
 * removed or gone offline and announced again when they restart. `fairpack node --data`
 * relies on it: it restores both and replays the lines after them.
 */

const CLASSES: PriorityClassSpec[] = [
  { name: 'high', value: 100, canPreempt: true, preemptionGraceMs: 10 },
  { name: 'default', value: 0, preemptionGraceMs: 5 },
];

type Step = { readonly kind: 'line'; readonly line: string } | { readonly kind: 'advance'; readonly ms: number } | { readonly kind: 'node'; readonly cpu: number };

/** Messages of every type, with ids the handler gave out picked by index (`@a3`: the 4th allocation id seen). */
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ cpu: fc.integer({ min: 1, max: 12 }), high: fc.boolean(), client: fc.constantFrom('c1', 'c2', '__proto__') }).map(({ cpu, high, client }) => line(client, { type: 'allocate', requirements: [{ type: 'cpu', amount: cpu }], ...(high ? { priority: 'high' } : {}) })) },
  { weight: 2, arbitrary: fc.record({ jobs: fc.integer({ min: 1, max: 4 }), limit: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }), category: fc.constantFrom('etl', 'ml') }).map(({ jobs, limit, category }) => line('c2', { type: 'submit_job', category, jobs, requirements: [{ type: 'cpu', amount: 2 }], ...(limit === undefined ? {} : { concurrency_limit: limit }) })) },
  { weight: 4, arbitrary: fc.record({ pick: fc.nat(), status: fc.constantFrom('completed', 'failed', 'preempted') }).map(({ pick, status }) => line('c1', { type: 'release', allocation_id: `@a${pick}`, job_status: status })) },
  { weight: 2, arbitrary: fc.nat().map((pick) => line('c1', { type: 'cancel', job_id: `@j${pick}` })) },
  { weight: 1, arbitrary: fc.constantFrom('capacity', 'queues', 'allocations', 'nodes').map((type) => line('c1', { type })) },
  { weight: 1, arbitrary: fc.constantFrom('{"src":"c1","dest":"n1","body":{"type":"init","msg_id":0,"node_id":"n9"}}', 'not json', '{"body":{"type":"nope","msg_id":1}}').map((text) => ({ kind: 'line' as const, line: text })) },
  // node messages: nodes come and go, fail and come back; their jobs are re-queued and restart elsewhere
  { weight: 2, arbitrary: fc.record({ id: fc.constantFrom('small', 'w1', 'w2', '__proto__'), op: fc.constantFrom('add', 'remove', 'force', 'ready', 'draining', 'offline', 'heartbeat'), cpu: fc.integer({ min: 1, max: 16 }) }).map(({ id, op, cpu }) => line('admin', nodeMessage(id, op, cpu))) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 12 }).map((ms) => ({ kind: 'advance' as const, ms })) },
  { weight: 1, arbitrary: fc.integer({ min: 4, max: 32 }).map((cpu) => ({ kind: 'node' as const, cpu })) },
);

/** A node message's body: `add` a node of `cpu`, `remove` it (`force`: with its jobs), set its status, or a heartbeat. */
function nodeMessage(id: string, op: string, cpu: number): Record<string, unknown> {
  switch (op) {
    case 'add':
      return { type: 'node_add', node: { id, capacity: [{ type: 'cpu', amount: cpu }] } };
    case 'remove':
    case 'force':
      return { type: 'node_remove', node_id: id, ...(op === 'force' ? { force: true } : {}) };
    case 'heartbeat':
      return { type: 'heartbeat', node_id: id }; // heartbeats are off here: HEARTBEATS_OFF on both sides
    default:
      return { type: 'node_status', node_id: id, status: op };
  }
}

let msgIds = 1;
function line(client: string, body: Record<string, unknown>): Step {
  return { kind: 'line', line: JSON.stringify({ src: client, dest: 'n1', body: { ...body, msg_id: msgIds++ } }) };
}

/** One side: a manager and its handler on an injected clock, and every line they sent. */
interface Side {
  manager: AllocationManager;
  handler: ProtocolHandler;
  readonly out: string[];
}

function fresh(clock: { now: number }): Side {
  const manager = new AllocationManager({ nodes: [{ id: 'small', capacity: { cpu: 8 } }], priorityClasses: CLASSES, preemption: { backoffMs: 5 }, now: () => clock.now, timers: false });
  const out: string[] = [];
  return { manager, handler: new ProtocolHandler(manager, { maxParked: 3, send: (message) => out.push(JSON.stringify(message)) }), out };
}

/** Replaces `@aN` / `@jN` with the N-th allocation / job id the side has sent (mod their count). */
function resolve(text: string, out: readonly string[]): string {
  const seen = (key: string) => [...new Set(out.flatMap((sent) => [...sent.matchAll(new RegExp(`"${key}":"([^"]+)"`, 'g'))].map((match) => match[1] as string)))];
  return text.replace(/@([aj])(\d+)/g, (_, kind: string, n: string) => {
    const ids = seen(kind === 'a' ? 'allocation_id' : 'job_id');
    return ids.length === 0 ? 'none' : (ids[Number(n) % ids.length] as string);
  });
}

/** Applies a step to one side; the shared clock (and node count) moved before, once for both. */
function apply(side: Side, s: Step, nodes: { count: number }): void {
  if (s.kind === 'advance') side.manager.tick();
  else if (s.kind === 'node') {
    side.manager.addNode({ id: `n${nodes.count}`, capacity: { cpu: s.cpu } });
  } else {
    side.out.push(...side.handler.handleLine(resolve(s.line, side.out)));
  }
}

function restoreSide(side: Side, clock: { now: number }): Side {
  const managerSnapshot = JSON.parse(JSON.stringify(side.manager.snapshot())) as ManagerSnapshot;
  const handlerSnapshot = JSON.parse(JSON.stringify(side.handler.snapshot())) as ProtocolHandlerSnapshot;
  const manager = AllocationManager.restore(managerSnapshot, { now: () => clock.now, timers: false });
  const out = [...side.out];
  return { manager, handler: ProtocolHandler.restore(manager, handlerSnapshot, { send: (message) => out.push(JSON.stringify(message)) }), out };
}

describe('ProtocolHandler.snapshot / restore', () => {
  it('a restored handler answers every further message as the original does, byte for byte', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), fc.array(step, { maxLength: 40 }), (before, after) => {
        const clock = { now: 0 };
        const nodes = { count: 0 };
        const original = fresh(clock);
        for (const s of before) {
          if (s.kind === 'advance') clock.now += s.ms;
          apply(original, s, nodes);
          if (s.kind === 'node') nodes.count++;
        }
        const restored = restoreSide(original, clock);
        expect(restored.handler.snapshot()).toEqual(original.handler.snapshot());
        for (const s of after) {
          const from = original.out.length;
          if (s.kind === 'advance') clock.now += s.ms;
          apply(original, s, nodes);
          apply(restored, s, nodes);
          if (s.kind === 'node') nodes.count++;
          expect(restored.out.slice(from)).toEqual(original.out.slice(from));
        }
        expect(restored.handler.snapshot()).toEqual(original.handler.snapshot());
        expect(restored.manager.snapshot()).toEqual(original.manager.snapshot());
      }),
      { numRuns: propertyRuns(150) },
    );
  });

  it('keeps a parked request, its origin and its place in line', () => {
    const clock = { now: 0 };
    const side = fresh(clock);
    // 8 cpu in all: a request for 20 cannot be held by any node, so it is parked, answered `queued`
    const [reply] = side.handler.handleLine('{"src":"c1","dest":"n1","body":{"type":"allocate","msg_id":7,"requirements":[{"type":"cpu","amount":20}]}}');
    expect(JSON.parse(reply as string).body).toMatchObject({ type: 'queued', in_reply_to: 7 });
    const restored = restoreSide(side, clock);
    expect(restored.handler.snapshot().parked).toHaveLength(1);
    // a node of 32 cpu comes: the parked request starts and its client hears `allocated` in reply to msg 7
    restored.manager.addNode({ id: 'big', capacity: { cpu: 32 } });
    const sent = restored.out.map((text) => JSON.parse(text) as { dest: string; body: { type: string; in_reply_to: number } });
    expect(sent.at(-1)).toMatchObject({ dest: 'c1', body: { type: 'allocated', in_reply_to: 7 } });
  });

  it('refuses a snapshot whose jobs are not where the manager says, and a tampered one', () => {
    const clock = { now: 0 };
    const side = fresh(clock);
    side.handler.handleLine('{"src":"c1","dest":"n1","body":{"type":"allocate","msg_id":1,"requirements":[{"type":"cpu","amount":2}]}}');
    const snapshot = side.handler.snapshot();
    // an empty manager: the handler's running job is not in it
    const empty = new AllocationManager({ capacity: { cpu: 8 }, now: () => clock.now, timers: false });
    expect(() => ProtocolHandler.restore(empty, snapshot)).toThrow(/INVALID_SNAPSHOT|is manager here but unknown in the manager/);
    const codes = [
      { ...snapshot, format: 'other' },
      { ...snapshot, nextMsgId: -1 },
      { ...snapshot, parked: ['nobody'] },
      { ...snapshot, jobs: [...snapshot.jobs, ...snapshot.jobs] },
      { ...snapshot, settings: { ...snapshot.settings, maxLineLength: 0 } },
      { ...snapshot, extra: 1 },
    ].map((bad) => {
      try {
        ProtocolHandler.restore(side.manager, bad);
        return 'built';
      } catch (error) {
        return isFairpackError(error) ? error.code : 'other';
      }
    });
    expect(codes).toEqual(Array(6).fill('INVALID_SNAPSHOT'));
  });
});
