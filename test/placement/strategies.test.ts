import { describe, expect, it } from 'vitest';
import { type NodeSpec, type PlacementStrategyName, ResourcePool, bestFit, dotProduct, isFairpackError, worstFit } from 'fairpack';
import { referencePlacement } from 'fairpack/testing';

// Three nodes of one shape { cpu: 8, memory: 16 }, partly used, plus one larger node.
//   a: free cpu 2, memory 4      b: free cpu 6, memory 4      c: free cpu 4, memory 12
//   big { cpu: 16, memory: 64 }: free cpu 16, memory 64
function cluster(placement: PlacementStrategyName | import('fairpack').PlacementStrategy): ResourcePool {
  const nodes: NodeSpec[] = [
    { id: 'a', capacity: { cpu: 8, memory: 16 } },
    { id: 'b', capacity: { cpu: 8, memory: 16 } },
    { id: 'c', capacity: { cpu: 8, memory: 16 } },
    { id: 'big', capacity: { cpu: 16, memory: 64 } },
  ];
  const target = new ResourcePool({ nodes, placement });
  const fill: Record<string, [number, number]> = { a: [6, 12], b: [2, 12], c: [4, 4] };
  for (const [id, [cpu, memory]] of Object.entries(fill)) {
    // pin the filler to one node by taking every other node offline for a moment
    for (const other of nodes) if (other.id !== id) target.setNodeStatus(other.id, 'offline');
    const r = target.allocate({ resources: { cpu, memory } });
    if (!r.ok) throw new Error(r.message);
    for (const other of nodes) target.setNodeStatus(other.id, 'ready');
  }
  return target;
}

const placedOn = (pool: ResourcePool, resources: Record<string, number>) => {
  const r = pool.allocate({ resources });
  return r.ok ? r.allocation.placements[0]?.nodeId : undefined;
};

describe('worked examples, request { cpu: 2, memory: 4 }', () => {
  it('first-fit: the first feasible node in node order → a', () => {
    // a has exactly 2 cpu / 4 memory free: feasible, and first
    expect(placedOn(cluster('first-fit'), { cpu: 2, memory: 4 })).toBe('a');
  });

  it('best-fit: least Σ (free − req)/cap → a', () => {
    // a: (2−2)/8 + (4−4)/16 = 0          b: (6−2)/8 + (4−4)/16 = 0.5
    // c: (4−2)/8 + (12−4)/16 = 0.75      big: (16−2)/16 + (64−4)/64 = 0.875 + 0.9375 = 1.8125
    expect(placedOn(cluster('best-fit'), { cpu: 2, memory: 4 })).toBe('a');
  });

  it('worst-fit: most Σ (free − req)/cap → big', () => {
    // big 1.8125 > c 0.75 > b 0.5 > a 0
    expect(placedOn(cluster('worst-fit'), { cpu: 2, memory: 4 })).toBe('big');
  });

  it('dot-product: most Σ (req/cap)·(free/cap) → c', () => {
    // a: (2/8)(2/8) + (4/16)(4/16) = 0.0625 + 0.0625 = 0.125
    // b: (2/8)(6/8) + (4/16)(4/16) = 0.1875 + 0.0625 = 0.25
    // c: (2/8)(4/8) + (4/16)(12/16) = 0.125 + 0.1875 = 0.3125
    // big: (2/16)(16/16) + (4/64)(64/64) = 0.125 + 0.0625 = 0.1875
    expect(placedOn(cluster('dot-product'), { cpu: 2, memory: 4 })).toBe('c');
  });
});

describe('weights', () => {
  it('best-fit with memory weighted 0 ranks by cpu alone', () => {
    // cpu only: a (2−1)/8 = 0.125, b (6−1)/8 = 0.625, c 0.375, big 0.9375 → a;
    // with weights { cpu: 0 } memory decides: a (4−1)/16 = 0.1875, b 0.1875, c 0.6875 → a (tie with b, node order)
    expect(placedOn(cluster(bestFit({ weights: { memory: 0 } })), { cpu: 1, memory: 1 })).toBe('a');
    expect(placedOn(cluster(bestFit({ weights: { cpu: 0 } })), { cpu: 1, memory: 1 })).toBe('a');
  });

  it('worst-fit with cpu weighted 0 prefers the most free memory', () => {
    // memory only: big (64−1)/64 ≈ 0.98 > c (12−1)/16 = 0.6875
    expect(placedOn(cluster(worstFit({ weights: { cpu: 0 } })), { cpu: 1, memory: 1 })).toBe('big');
  });

  it('dot-product with memory weighted 0 aligns on cpu only', () => {
    // cpu term only: a (2/8)(2/8)=0.0625, b (2/8)(6/8)=0.1875, c 0.125, big (2/16)(1)=0.125 → b
    expect(placedOn(cluster(dotProduct({ weights: { memory: 0 } })), { cpu: 2, memory: 4 })).toBe('b');
  });

  it('refuses invalid weights with INVALID_OPTION', () => {
    for (const weights of [{ cpu: -1 }, { cpu: Number.NaN }, 5]) {
      try {
        bestFit({ weights: weights as never });
        throw new Error('accepted');
      } catch (error) {
        expect(isFairpackError(error) && error.code).toBe('INVALID_OPTION');
      }
    }
  });
});

describe('ties go to node order', () => {
  it.each(['first-fit', 'best-fit', 'worst-fit', 'dot-product'] as const)('%s: identical empty nodes → the first', (placement) => {
    const pool = new ResourcePool({ placement, nodes: ['x', 'y', 'z'].map((id) => ({ id, capacity: { cpu: 4, memory: 4 } })) });
    expect(placedOn(pool, { cpu: 1 })).toBe('x');
  });
});

describe('rounding collisions are settled by node order, exactly as a brute-force scan', () => {
  // Capacity { cpu: 3, memory: 6, gpu: 9 }. Free (0, 3, 9) has slack 0/3 + 3/6 + 9/9 = 1.5, and
  // free (2, 3, 3) has slack 2/3 + 3/6 + 3/9, which the doubles give as 1.4999999999999998.
  // For a request { gpu: 2 } (demand 2/9) both leftovers round to the same double,
  // so the scores tie and the node that comes first must win — though the keys differ.
  const collide = (placement: 'best-fit' | 'worst-fit', firstFree: 'exact' | 'rounded') => {
    const capacity = { cpu: 3, memory: 6, gpu: 9 };
    const pool = new ResourcePool({ placement, nodes: [{ id: 'n0', capacity }, { id: 'n1', capacity }] });
    const used = { exact: { cpu: 3, memory: 3 }, rounded: { cpu: 1, memory: 3, gpu: 6 } };
    const other = firstFree === 'exact' ? 'rounded' : 'exact';
    for (const [id, resources] of [['n0', used[firstFree]], ['n1', used[other]]] as const) {
      pool.setNodeStatus(id === 'n0' ? 'n1' : 'n0', 'offline');
      const r = pool.allocate({ resources });
      if (!r.ok || r.allocation.placements[0]?.nodeId !== id) throw new Error('setup failed');
      pool.setNodeStatus(id === 'n0' ? 'n1' : 'n0', 'ready');
    }
    return pool;
  };

  it('the collision is real', () => {
    const slackA = 0 / 3 + 3 / 6 + 9 / 9;
    const slackB = 2 / 3 + 3 / 6 + 3 / 9;
    expect(slackA).not.toBe(slackB);
    expect(-(slackA - 2 / 9)).toBe(-(slackB - 2 / 9));
  });

  it.each([
    ['best-fit', 'exact'],
    ['best-fit', 'rounded'],
    ['worst-fit', 'exact'],
    ['worst-fit', 'rounded'],
  ] as const)('%s with the %s-slack node first → n0', (placement, first) => {
    const pool = collide(placement, first);
    const strategy = placement === 'best-fit' ? bestFit() : worstFit();
    expect(referencePlacement(pool, strategy, { resources: { gpu: 2 } })).toBe('n0');
    expect(placedOn(pool, { gpu: 2 })).toBe('n0');
  });
});
