import { describe, expect, it } from 'vitest';
import { Reservations } from '../../src/manager/reservations.js';

/*
 * A pass keeps the first band's holds over its start only when no two of them share a node
 * (Reservations.releaseAll): few holds are compared in pairs, many (a preemption storm) through a
 * set — both ways must tell a shared node. Stand-in books: nodes of 4 free, a job of 4 on each
 * holds 4 (one hold call per nomination); the test counts the give-backs at a pass's start.
 */
type Books = ConstructorParameters<typeof Reservations>[0];
type Job = Parameters<Reservations['nominate']>[0];
type Node = Parameters<Reservations['nominate']>[1];

function nominees(count: number, nodeOf: (k: number) => number): number {
  const nodes = Array.from({ length: count }, (_, k) => ({ id: `n${k}`, status: 'ready', labels: {}, taints: [], spot: false, free: [4], reserved: [0] }));
  const calls = { giveBacks: 0 };
  const books = { nodes: new Map(nodes.map((n) => [n.id, n])), dimensionCount: 1, hold: (_node: unknown, _dims: unknown, _amounts: unknown, sign: number) => void (sign < 0 && calls.giveBacks++) };
  const held = new Reservations(books as unknown as Books, undefined, () => {});
  for (let k = 0; k < count; k++) {
    const job = { id: `j${k}`, band: 0, replicas: 1, nominatedNode: undefined, parsed: { dense: { nonZero: [0], amounts: [4] }, selectorKeys: [], nodeSelector: {}, tolerations: [], spot: 'allow' } };
    held.nominate(job as unknown as Job, nodes[nodeOf(k)] as unknown as Node, 0);
  }
  held.releaseAll(0);
  return calls.giveBacks;
}

describe('the first band keeps its holds over a pass start only on distinct nodes', () => {
  it('few holds (compared in pairs): kept on distinct nodes, all given back when two share one', () => {
    expect(nominees(3, (k) => k)).toBe(0);
    expect(nominees(3, (k) => Math.min(k, 1))).toBe(3);
  });

  it('many holds (through a set): the same answers', () => {
    expect(nominees(40, (k) => k)).toBe(0);
    // j38 and j39 share node n38
    expect(nominees(40, (k) => Math.min(k, 38))).toBe(40);
  });
});
