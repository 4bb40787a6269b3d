import { describe, expect, it } from 'vitest';
import { AllocationManager } from 'fairpack';

/*
 * Reservations keep their order (src/manager/reservations.ts keeps them in an array beside the
 * map, walked by index every pass): one dropped from the middle leaves the others in their order,
 * and a new one comes last — as the map's order was.
 */
describe('the order of starvation reservations', () => {
  it('closes up when one in the middle goes, and puts a new one last', () => {
    let time = 0;
    const nodes = ['n1', 'n2', 'n3', 'n4'].map((id) => ({ id, capacity: { cpu: 8 } }));
    const manager = new AllocationManager({ nodes, placement: 'first-fit', now: () => time, timers: false, starvation: { afterMs: 100 } });
    // every node half full (first fit: a filler per node), then three heads of 8 cpu that starve
    for (let i = 0; i < 4; i++) manager.submit({ id: `f${i}`, tenant: 'fill', resources: { cpu: 5 } });
    for (const tenant of ['a', 'b', 'c']) manager.submit({ id: `big-${tenant}`, tenant, resources: { cpu: 8 } });
    time += 150;
    manager.tick();
    expect(manager.reservations().map((r) => r.jobId)).toEqual(['big-a', 'big-b', 'big-c']);
    manager.cancel('big-b');
    expect(manager.reservations().map((r) => r.jobId)).toEqual(['big-a', 'big-c']);
    manager.submit({ id: 'big-d', tenant: 'd', resources: { cpu: 8 } });
    time += 150;
    manager.tick();
    expect(manager.reservations().map((r) => r.jobId)).toEqual(['big-a', 'big-c', 'big-d']);
    // the nodes reserved stay distinct (each walk of the list sees every reservation once)
    expect(new Set(manager.reservations().map((r) => r.nodeId)).size).toBe(3);
  });
});
