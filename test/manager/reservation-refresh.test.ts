import { describe, expect, it } from 'vitest';
import { Reservations } from '../../src/manager/reservations.js';

/*
 * A pass refreshes the reserved jobs' parses before their room is served (a re-parse is needed
 * only once the pool has learnt a new dimension): asked once per band served, it refreshes only
 * when the pool's dimension count moved or a reservation was added since its last refresh.
 * Stand-in books: one node, the dimension count a field the test moves.
 */
describe('Reservations.refreshParses', () => {
  it('refreshes every reserved job once per new dimension count, and a reservation added since', () => {
    const node = { id: 'n1', status: 'ready', labels: {}, taints: [], spot: false, free: [0], reserved: [0] };
    const books = { nodes: new Map([['n1', node]]), dimensionCount: 1, hold() {} };
    const job = (id: string) => ({ id, band: 0, replicas: 1, nominatedNode: undefined, parsed: { dense: { nonZero: [0], amounts: [4] }, selectorKeys: [], nodeSelector: {}, tolerations: [], spot: 'allow' } });
    type Books = ConstructorParameters<typeof Reservations>[0];
    type Job = Parameters<Reservations['nominate']>[0];
    type Node = Parameters<Reservations['nominate']>[1];
    const held = new Reservations(books as unknown as Books, undefined, () => {});
    const refreshed: string[] = [];
    const refresh = (j: { id: string }) => void refreshed.push(j.id);
    held.nominate(job('a') as unknown as Job, node as unknown as Node, 0);
    held.refreshParses(refresh);
    held.refreshParses(refresh);
    expect(refreshed).toEqual(['a']);
    // a new reservation: its job may have been parsed before the last refresh
    held.nominate(job('b') as unknown as Job, node as unknown as Node, 0);
    held.refreshParses(refresh);
    held.refreshParses(refresh);
    expect(refreshed).toEqual(['a', 'a', 'b']);
    // the pool learnt a dimension: every reserved job is parsed again
    books.dimensionCount = 2;
    held.refreshParses(refresh);
    held.refreshParses(refresh);
    expect(refreshed).toEqual(['a', 'a', 'b', 'a', 'b']);
  });
});
