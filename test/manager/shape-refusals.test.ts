import { describe, expect, it } from 'vitest';
import { AllocationManager, ResourcePool } from 'fairpack';
import { checkInvariants } from 'fairpack/testing';
import { managerInternals } from '../../src/manager/internals.js';
import { poolInternals } from '../../src/pool/internals.js';
import { twoBandCluster } from './support/two-band-cluster.js';

/*
 * A shape the pool refused is not asked of it again while only logged releases happened and none
 * of the nodes they grew has room for it (src/manager/room-growth.ts, `refusesStill`) — whichever
 * queue its next job is in. The skipped asks must be exactly those the pool would refuse.
 */

/** Counts the pool's placement attempts for the manager's cycle (`allocateParsed`). */
function countAsks(pool: ResourcePool): { count: number } {
  const books = poolInternals(pool) as { allocateParsed: ReturnType<typeof poolInternals>['allocateParsed'] };
  const allocate = books.allocateParsed;
  const asks = { count: 0 };
  books.allocateParsed = (...args) => {
    asks.count++;
    return allocate(...args);
  };
  return asks;
}

describe("a shape's refusal, across queues and passes", () => {
  it('is not asked again of the pool by a new job of the shape until room grows where it fits', () => {
    let time = 0;
    const pool = new ResourcePool({ nodes: ['n1', 'n2'].map((id) => ({ id, capacity: { cpu: 8 } })), placement: 'first-fit', now: () => time });
    const manager = new AllocationManager({ pool, now: () => time, timers: false });
    const fillers = ['f1', 'f2', 'f3', 'f4'].map((id) => manager.submit({ id, tenant: 'fill', resources: { cpu: 4 } }));
    expect(fillers.map((r) => r.status)).toEqual(['allocated', 'allocated', 'allocated', 'allocated']);
    expect(manager.submit({ id: 'a1', tenant: 'a', resources: { cpu: 4 } }).status).toBe('queued');
    const asks = countAsks(pool);
    // tenant b's new queue: its job's shape was refused (a1) and nothing freed since — no ask
    expect(manager.submit({ id: 'b1', tenant: 'b', resources: { cpu: 4 } }).status).toBe('queued');
    expect(asks.count).toBe(0);
    // 2 cpu of another shape cannot fit either, but that shape was never refused: asked once
    expect(manager.submit({ id: 'c1', tenant: 'c', resources: { cpu: 2 } }).status).toBe('queued');
    expect(asks.count).toBe(1);
    // a filler on n1 ends: room grew there, where 4 cpu fit — the pool is asked, a1 starts
    const f1 = fillers[0] as { status: 'allocated'; allocation: { id: string } };
    manager.release(f1.allocation.id);
    expect(manager.job('a1')?.status).toBe('running');
    expect(manager.job('b1')?.status).toBe('queued');
    checkInvariants(pool);
  });

  it('ends when room grows while nothing waits (such a release is not logged)', () => {
    let time = 0;
    const pool = new ResourcePool({ nodes: [{ id: 'n1', capacity: { cpu: 4 } }], now: () => time });
    const manager = new AllocationManager({ pool, now: () => time, timers: false });
    // every submit goes through the cycle, as under a custom policy
    managerInternals(manager).withoutDirectStarts();
    const first = manager.submit({ id: 'j1', tenant: 't', resources: { cpu: 4 } });
    if (first.status !== 'allocated') throw new Error('j1 did not start');
    expect(manager.submit({ id: 'j2', tenant: 't', resources: { cpu: 4 } }).status).toBe('queued');
    manager.cancel('j2');
    // nothing waits: the release logs no node, and the shape's refusal must not outlive it
    manager.release(first.allocation.id);
    expect(manager.submit({ id: 'j3', tenant: 'u', resources: { cpu: 4 } }).status).toBe('allocated');
  });

  it('made while a lower band was served does not hold for a higher band (its held room was given back)', () => {
    const { clock, pool, manager } = twoBandCluster();
    // 6 cpu used on each node; a job of 8 starves and holds n1's 2 free cpu for the default band
    for (const id of ['f1', 'f2']) manager.submit({ id, tenant: 'fill', resources: { cpu: 6 } });
    manager.submit({ id: 'big', tenant: 'b', resources: { cpu: 8 } });
    clock.time += 150;
    manager.tick();
    expect(manager.reservations()).toMatchObject([{ jobId: 'big', nodeId: 'n1', resources: { cpu: 2 } }]);
    expect(manager.submit({ id: 'x', tenant: 'c', resources: { cpu: 2 } })).toMatchObject({ status: 'allocated', allocation: { placements: [{ nodeId: 'n2' }] } });
    // 2 cpu refused while the default band is served (n1's 2 are held for big)
    expect(manager.submit({ id: 'y', tenant: 'c', resources: { cpu: 2 } }).status).toBe('queued');
    // the high band is served before the default band's room is held: 2 cpu fit on n1
    expect(manager.submit({ id: 'z', tenant: 'd', priority: 'high', resources: { cpu: 2 } })).toMatchObject({ status: 'allocated', allocation: { placements: [{ nodeId: 'n1' }] } });
    expect(manager.job('y')?.status).toBe('queued');
    checkInvariants(pool);
  });
});
