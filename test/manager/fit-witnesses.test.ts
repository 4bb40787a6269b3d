import fc from 'fast-check';
import { ResourcePool } from 'fairpack';
import { describe, expect, it } from 'vitest';
import { FitWitnesses } from '../../src/manager/fit-witnesses.js';
import { poolInternals } from '../../src/pool/internals.js';
import { propertyRuns } from '../support.js';

/*
 * "Could this request ever fit?" by a witness node kept per shape must answer exactly what the
 * pool's walk over every node answers, whatever happens to the nodes between two questions: nodes
 * added, removed (the witness among them), relabelled, tainted, taken offline, and new dimensions
 * learnt. One FitWitnesses lives through the whole sequence, as in a manager.
 */

const requestArb = fc.record({
  resources: fc.record({ cpu: fc.integer({ min: 1, max: 80 }), gpu: fc.constantFrom(0, 0, 1, 8), fpga: fc.constantFrom(0, 0, 0, 1) }),
  replicas: fc.constantFrom(1, 1, 1, 2, 3),
  spread: fc.boolean(),
  nodeSelector: fc.option(fc.record({ zone: fc.constantFrom('a', 'b') }), { nil: undefined }),
  tolerations: fc.option(fc.constant([{ key: 'dedicated', operator: 'Exists' as const }]), { nil: undefined }),
});

const nodeArb = fc.record({
  cpu: fc.constantFrom(16, 32, 64),
  gpu: fc.constantFrom(0, 0, 2, 8),
  zone: fc.constantFrom('a', 'b'),
  tainted: fc.boolean(),
});

const opArb = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), node: nodeArb, fpga: fc.boolean() }),
  fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('relabel' as const), pick: fc.nat(), zone: fc.constantFrom('a', 'b'), tainted: fc.boolean() }),
  fc.record({ kind: fc.constant('status' as const), pick: fc.nat(), status: fc.constantFrom('ready' as const, 'draining' as const, 'offline' as const) }),
  fc.record({ kind: fc.constant('ask' as const), request: requestArb }),
);

const taints = (tainted: boolean) => (tainted ? [{ key: 'dedicated', effect: 'NoSchedule' as const }] : []);

describe('FitWitnesses', () => {
  it('answers as the pool does, through node changes, for every request shape (property)', () => {
    fc.assert(
      fc.property(fc.array(nodeArb, { minLength: 1, maxLength: 6 }), fc.array(opArb, { maxLength: 60 }), (initial, ops) => {
        let made = 0;
        const spec = (n: { cpu: number; gpu: number; zone: string; tainted: boolean }, fpga = false) => ({
          id: `n${made++}`,
          capacity: { cpu: n.cpu, memory: 64, ...(n.gpu > 0 ? { gpu: n.gpu } : {}), ...(fpga ? { fpga: 1 } : {}) },
          labels: { zone: n.zone },
          taints: taints(n.tainted),
        });
        const pool = new ResourcePool({ nodes: initial.map((n) => spec(n)) });
        const books = poolInternals(pool);
        const witnesses = new FitWitnesses(books);
        const ids = () => pool.nodes().map((n) => n.id);
        for (const op of ops) {
          if (op.kind === 'add') pool.addNode(spec(op.node, op.fpga));
          else if (op.kind === 'remove' && ids().length > 1) pool.removeNode(ids()[op.pick % ids().length] as string);
          else if (op.kind === 'relabel') pool.updateNode(ids()[op.pick % ids().length] as string, { labels: { zone: op.zone }, taints: taints(op.tainted) });
          else if (op.kind === 'status') pool.setNodeStatus(ids()[op.pick % ids().length] as string, op.status);
          else if (op.kind === 'ask') {
            const { request } = op;
            const input = {
              resources: request.resources,
              replicas: request.replicas,
              spread: request.spread,
              ...(request.nodeSelector === undefined ? {} : { nodeSelector: request.nodeSelector }),
              ...(request.tolerations === undefined ? {} : { tolerations: request.tolerations }),
            };
            const parsed = books.parseRequest(input);
            // the manager's shape key: placement-relevant fields (here the whole request)
            expect(witnesses.couldEverFit(JSON.stringify(input), parsed)).toBe(books.couldEverFit(parsed));
          }
        }
      }),
      { numRuns: propertyRuns(200) },
    );
  });

  it('a witness that was removed or shrank out of eligibility sends the question back to the nodes', () => {
    // 8 gpus fit only n1; n1 goes, n2 (8 gpus) comes: still true; n2 is tainted: false
    const pool = new ResourcePool({ nodes: [{ id: 'n0', capacity: { cpu: 64, gpu: 1 } }, { id: 'n1', capacity: { cpu: 64, gpu: 8 } }] });
    const books = poolInternals(pool);
    const witnesses = new FitWitnesses(books);
    const request = books.parseRequest({ resources: { cpu: 4, gpu: 8 } });
    expect(witnesses.couldEverFit('gpu8', request)).toBe(true);
    pool.removeNode('n1');
    expect(witnesses.couldEverFit('gpu8', request)).toBe(false);
    pool.addNode({ id: 'n2', capacity: { cpu: 64, gpu: 8 } });
    expect(witnesses.couldEverFit('gpu8', request)).toBe(true);
    pool.updateNode('n2', { taints: [{ key: 'dedicated', effect: 'NoSchedule' }] });
    expect(witnesses.couldEverFit('gpu8', request)).toBe(false);
  });
});
