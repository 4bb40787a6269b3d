import { describe, expect, it } from 'vitest';
import { AllocationManager, type NodeSpec } from 'fairpack';

/*
 * Which node a starving head reserves: an eligible node large enough for it when empty, not
 * reserved already for its band or a higher one, with the least relative shortfall now
 * (Σ over its dimensions of max(0, need − free) / need), the first in node order on a tie.
 */
function cluster(nodes: NodeSpec[]) {
  let time = 0;
  const manager = new AllocationManager({ nodes, placement: 'first-fit', now: () => time, timers: false, starvation: { afterMs: 100 } });
  return { manager, later: (ms: number) => (time += ms) };
}

const reservedNodes = (manager: AllocationManager): Record<string, string> => Object.fromEntries(manager.reservations().map((r) => [r.jobId, r.nodeId]));

describe('the node a starving head reserves', () => {
  it('is the one closest to fitting it; the next head of the band takes the next closest', () => {
    // n1: 6 of 8 cpu used, free 2; n2: 4 used, free 4; small: too small for 8 cpu ever
    const { manager, later } = cluster([
      { id: 'small', capacity: { cpu: 2 } },
      { id: 'n1', capacity: { cpu: 8 } },
      { id: 'n2', capacity: { cpu: 8 } },
    ]);
    manager.submit({ id: 'a', tenant: 'x', resources: { cpu: 6 } }); // first fit: n1
    manager.submit({ id: 'b', tenant: 'x', resources: { cpu: 4 } }); // n1 has 2 left: n2
    manager.submit({ id: 'big1', tenant: 'y', resources: { cpu: 8 } });
    manager.submit({ id: 'big2', tenant: 'z', resources: { cpu: 8 } });
    later(150);
    manager.tick();
    // shortfall for 8 cpu: n1 (8 − 2) / 8 = 0.75, n2 (8 − 4) / 8 = 0.5 → n2 for the first head;
    // n2 is then reserved for the band, so the second head takes n1
    expect(reservedNodes(manager)).toEqual({ big1: 'n2', big2: 'n1' });
  });

  it('sums the shortfall over the job\'s dimensions; a tie goes to the first node in order', () => {
    // each node labelled with its id, so that the fillers land where the comments say
    const nodes = ['n1', 'n2', 'n3'].map((id) => ({ id, capacity: { cpu: 4, memory: 4 }, labels: { at: id } }));
    const { manager, later } = cluster(nodes);
    manager.submit({ id: 'f1', tenant: 'x', resources: { cpu: 2 }, nodeSelector: { at: 'n1' } }); // n1 free {cpu 2, memory 4}
    manager.submit({ id: 'f2', tenant: 'x', resources: { cpu: 1, memory: 3 }, nodeSelector: { at: 'n2' } }); // n2 free {cpu 3, memory 1}
    manager.submit({ id: 'f3', tenant: 'x', resources: { cpu: 3, memory: 1 }, nodeSelector: { at: 'n3' } }); // n3 free {cpu 1, memory 3}
    manager.submit({ id: 'head', tenant: 'y', resources: { cpu: 4, memory: 4 } });
    later(150);
    manager.tick();
    // need {cpu 4, memory 4}: n1 (4−2)/4 + 0 = 0.5; n2 1/4 + 3/4 = 1; n3 3/4 + 1/4 = 1 → n1
    expect(reservedNodes(manager)).toEqual({ head: 'n1' });
    manager.release(manager.job('f1')?.allocationId as string);
    // n1 is now free for the head, which starts there; its reservation is gone
    expect(manager.job('head')?.status).toBe('running');
    expect(manager.allocations().find((a) => a.jobId === 'head')?.placements[0]?.nodeId).toBe('n1');
    expect(manager.reservations()).toEqual([]);
    // a second head: n2 and n3 tie at 1 → the first in order, n2
    manager.submit({ id: 'head2', tenant: 'z', resources: { cpu: 4, memory: 4 } });
    later(150);
    manager.tick();
    expect(reservedNodes(manager)).toEqual({ head2: 'n2' });
  });

  it('passes over a node with the least shortfall that may not take the head: too small, or not eligible', () => {
    // the walk looks at a node's shortfall first and asks whether it may take the head only when
    // it would win: these nodes would win on shortfall and must still be passed over
    const { manager, later } = cluster([
      { id: 'small', capacity: { cpu: 6 } }, // empty: shortfall (8 − 6) / 8 = 0.25, but never 8 cpu
      { id: 'tainted', capacity: { cpu: 8 }, taints: [{ key: 'gpu', value: 'only', effect: 'NoSchedule' }] }, // empty: shortfall 0, not eligible
      { id: 'n1', capacity: { cpu: 8 } },
      { id: 'n2', capacity: { cpu: 8 } },
    ]);
    manager.submit({ id: 'a', tenant: 'x', resources: { cpu: 6 } }); // first fit: small (6 of 6)
    manager.submit({ id: 'b', tenant: 'x', resources: { cpu: 5 } }); // n1: free 3
    manager.submit({ id: 'c', tenant: 'x', resources: { cpu: 4 } }); // n1 has 3: n2, free 4
    manager.release(manager.job('a')?.allocationId as string); // small is empty again
    manager.submit({ id: 'big', tenant: 'y', resources: { cpu: 8 } });
    later(150);
    manager.tick();
    // shortfall for 8 cpu: small 0.25 (too small), tainted 0 (not eligible), n1 5/8, n2 4/8 → n2
    expect(reservedNodes(manager)).toEqual({ big: 'n2' });
  });

  it('takes a node with the least shortfall once it may, even after nodes that may not', () => {
    // the same cluster, n1 the closest of the nodes that may take the head: it is not passed over
    // for a later node with the same shortfall
    const { manager, later } = cluster([
      { id: 'small', capacity: { cpu: 6 } },
      { id: 'tainted', capacity: { cpu: 8 }, taints: [{ key: 'gpu', value: 'only', effect: 'NoSchedule' }] },
      { id: 'n1', capacity: { cpu: 8 } },
      { id: 'n2', capacity: { cpu: 8 } },
    ]);
    manager.submit({ id: 'a', tenant: 'x', resources: { cpu: 6 } }); // small
    manager.submit({ id: 'b', tenant: 'x', resources: { cpu: 4 } }); // n1: free 4
    manager.submit({ id: 'c', tenant: 'x', resources: { cpu: 4 } }); // n1: free 0
    manager.submit({ id: 'd', tenant: 'x', resources: { cpu: 4 } }); // n2: free 4
    manager.release(manager.job('c')?.allocationId as string); // n1: free 4 again
    manager.submit({ id: 'big', tenant: 'y', resources: { cpu: 8 } });
    later(150);
    manager.tick();
    // shortfall: small 0.25 (too small), tainted 0 (not eligible), n1 4/8, n2 4/8 → n1 (first)
    expect(reservedNodes(manager)).toEqual({ big: 'n1' });
  });

  it('counts a node added after a head of the same shape was given one, and never a node removed', () => {
    // the nodes large enough for a shape are kept between reservations: a new node must join them
    // and a removed one leave them
    const { manager, later } = cluster([
      { id: 'n1', capacity: { cpu: 8 } },
      { id: 'n2', capacity: { cpu: 8 } },
    ]);
    manager.submit({ id: 'a', tenant: 'x', resources: { cpu: 6 } }); // n1: free 2
    manager.submit({ id: 'b', tenant: 'x', resources: { cpu: 7 } }); // n2: free 1
    manager.submit({ id: 'big1', tenant: 'y', resources: { cpu: 8 } });
    later(150);
    manager.tick();
    // shortfall for 8 cpu: n1 6/8, n2 7/8 → n1
    expect(reservedNodes(manager)).toEqual({ big1: 'n1' });
    manager.addNode({ id: 'n3', capacity: { cpu: 8 } }); // big1 starts there at once
    expect(manager.job('big1')?.status).toBe('running');
    manager.addNode({ id: 'n4', capacity: { cpu: 8 }, labels: { at: 'n4' } });
    manager.submit({ id: 'c', tenant: 'x', resources: { cpu: 4 }, nodeSelector: { at: 'n4' } }); // n4: free 4
    manager.submit({ id: 'big2', tenant: 'z', resources: { cpu: 8 } });
    later(150);
    manager.tick();
    // big2: n1 6/8, n2 7/8, n3 8/8, n4 4/8 → n4, a node added after the shape's first choice
    expect(reservedNodes(manager)).toEqual({ big2: 'n4' });
    // n4 leaves (c waits again, for a node that is gone): big2's reservation goes with it, and the
    // next choice is among the nodes left → n1
    manager.removeNode('n4', { force: true });
    later(150);
    manager.tick();
    expect(reservedNodes(manager)).toEqual({ big2: 'n1' });
  });
});
