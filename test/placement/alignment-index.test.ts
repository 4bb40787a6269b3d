import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CapacityGroup, DenseRequest, IndexedNode } from 'fairpack';
import { AlignmentIndex } from '../../src/placement/index/alignment-index.js';
import { searchVisits } from './search-visits.js';

// Dot-product's branch and bound settles ties exactly: a subtree whose best member can only tie
// the best score found is dropped when all of it comes later in node order (it loses the tie),
// and searched when it comes earlier (it wins it). Under congestion hundreds of nodes hold the
// same free amounts, and the search used to walk down to every one of them.

const space = { dimensions: ['cpu', 'memory', 'gpu'], factor: 1000 };
// {cpu 8, memory 32}, and a group with the same cpu and memory plus one gpu: a request without
// gpu scores the same double on both (its gpu term is 0 · …, added last)
const small: CapacityGroup = { id: 0, dims: [0, 1], capacity: [8, 32], capacityDense: Float64Array.from([8000, 32_000, 0]) };
const withGpu: CapacityGroup = { id: 1, dims: [0, 1, 2], capacity: [8, 32, 1], capacityDense: Float64Array.from([8000, 32_000, 1000]) };

const node = (order: number, group: CapacityGroup, cpu: number, memory: number): IndexedNode => ({
  id: `n${order}`,
  order,
  slot: order,
  group,
  free: Float64Array.from([cpu * 1000, memory * 1000, group === withGpu ? 1000 : 0]),
});
// request 2 cpu + 4 GiB on a node with 4 cpu and 16 GiB free:
// (2/8)·(4/8) + (4/32)·(16/32) = 0.125 + 0.0625 = 0.1875
const request: DenseRequest = { amounts: [2000, 4000, 0], unscaled: [2, 4, 0], nonZero: [0, 1] };


// (0 best nodes cached: these count the visits of one search for the best node, which a cache
// holding the best few would replace by a wider search and then none)
afterEach(() => vi.restoreAllMocks());

describe('AlignmentIndex ties', () => {
  it('drops later subtrees that can only tie: 64 equal nodes cost one root-to-leaf path', () => {
    const index = new AlignmentIndex(space, {}, 0);
    const nodes = Array.from({ length: 64 }, (_, i) => node(i, small, 4, 16));
    for (const n of nodes) index.add(n);
    let chosen: IndexedNode | undefined;
    const visited = searchVisits(() => (chosen = index.select(request, undefined)));
    // every node scores 0.1875; the first in node order wins
    expect(chosen).toBe(nodes[0]);
    // 64 members in 64 positions: the root, 5 levels and the leaf of node 0 = 7 visits; each right
    // sibling on the way has an exact bound of 0.1875 and lies after node 0. (All 127 before.)
    expect(visited).toBe(7);
  });

  it('searches an earlier subtree that ties the best found so far, and finds the earlier node', () => {
    const index = new AlignmentIndex(space, {}, 0);
    // nodes 3 and 40 both score 0.1875; node 50 (8 cpu, 3 GiB: short of memory, does not fit)
    // scores (2/8)·(8/8) + (4/32)·(3/32) = 0.26172, so the right half's bound is the higher and
    // the search meets node 40 first; the left half's exact bound is 0.1875 — a tie, at
    // positions before 40, so it must still be searched
    const nodes = Array.from({ length: 64 }, (_, i) => node(i, small, 0, 0));
    nodes[3] = node(3, small, 4, 16);
    nodes[40] = node(40, small, 4, 16);
    nodes[50] = node(50, small, 8, 3);
    for (const n of nodes) index.add(n);
    const met: string[] = [];
    const chosen = index.select(request, (candidate) => {
      met.push(candidate.id);
      return true;
    });
    expect(met).toEqual(['n40', 'n3']);
    expect(chosen).toBe(nodes[3]);
  });

  it("skips a whole group that can only tie another group's best at later nodes", () => {
    const index = new AlignmentIndex(space, {}, 0);
    // orders 0–31 without gpu, 32–63 with one: all score 0.1875 (+ 0 · 1/1 for gpu)
    const first = Array.from({ length: 32 }, (_, i) => node(i, small, 4, 16));
    const later = Array.from({ length: 32 }, (_, i) => node(32 + i, withGpu, 4, 16));
    for (const n of [...first, ...later]) index.add(n);
    let chosen: IndexedNode | undefined;
    const visited = searchVisits(() => (chosen = index.select(request, undefined)));
    expect(chosen).toBe(first[0]);
    // 32 members in 32 positions: 6 visits down to node 0, none in the gpu group
    expect(visited).toBe(6);
  });

  it("searches a group that ties another group's best at earlier nodes", () => {
    const index = new AlignmentIndex(space, {}, 0);
    // the gpu group joins first (searched first) but holds the later nodes, 32–63; the other
    // group holds 0–31: its tie wins on node order, so it is searched although it cannot score more
    const later = Array.from({ length: 32 }, (_, i) => node(32 + i, withGpu, 4, 16));
    const first = Array.from({ length: 32 }, (_, i) => node(i, small, 4, 16));
    for (const n of [...later, ...first]) index.add(n);
    let chosen: IndexedNode | undefined;
    const visited = searchVisits(() => (chosen = index.select(request, undefined)));
    expect(chosen).toBe(first[0]);
    expect(visited).toBe(12);
  });
});
