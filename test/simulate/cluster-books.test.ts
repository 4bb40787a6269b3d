import { describe, expect, it } from 'vitest';
import type { Placement } from '../../src/index.js';
import { ClusterBooks } from '../../src/simulate/cluster-books.js';
import type { NodeState } from '../../src/pool/node-state.js';

/*
 * The simulator's books find a start's node by the pool's record of it (its slot), not by its id,
 * once they have met the record. A slot goes to a later node once a node leaves the pool, so the
 * books must check the record, not trust the slot: a job on the new node is booked there.
 */

const record = (id: string, slot: number) => ({ id, slot }) as unknown as NodeState;
const on = (nodeId: string, cpu: number): Placement[] => [{ nodeId, resources: { cpu } }];
const fill = (books: ClusterBooks, id: string) => books.nodeFills().find((node) => node.id === id)?.used[0];

describe('ClusterBooks.start with the pool\'s node records', () => {
  it('books each start on its own node, also after a later node took a departed one\'s slot', () => {
    const books = new ClusterBooks([{ id: 'a', capacity: { cpu: 4 } }, { id: 'b', capacity: { cpu: 4 } }], Float64Array.of(1), 4);
    const a = record('a', 0);
    const b = record('b', 1);
    books.start('x0', 0, 0, on('a', 1), 0, [a]);
    books.start('x1', 1, 0, on('b', 2), 0, [b]);
    // a: 1 of 4 cpu; b: 2 of 4
    expect(fill(books, 'a')).toBe(0.25);
    expect(fill(books, 'b')).toBe(0.5);
    // "a" empties and leaves; "c" joins and the pool gives it a's slot, 0
    books.stop('x0', 0, 0);
    books.removeNode('a');
    books.addNode({ id: 'c', capacity: { cpu: 2 } });
    const c = record('c', 0);
    books.start('x2', 2, 0, on('c', 1), 5, [c]);
    // c: 1 of 2 cpu (not booked on a, whose index slot 0 once found)
    expect(fill(books, 'c')).toBe(0.5);
    expect(fill(books, 'b')).toBe(0.5);
    expect(books.nodeFills().map((node) => node.id)).toEqual(['b', 'c']);
    // a start without records is booked by the placement's node id, as before
    books.start('x3', 3, 0, on('b', 1), 6);
    expect(fill(books, 'b')).toBe(0.75);
    expect(books.stop('x2', 2, 0)).toBe(5);
    expect(fill(books, 'c')).toBe(0);
  });
});
