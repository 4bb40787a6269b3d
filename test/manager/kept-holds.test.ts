import { describe, expect, it } from 'vitest';
import { AllocationManager, ResourcePool } from 'fairpack';
import { checkInvariants } from 'fairpack/testing';
import { twoBandCluster } from './support/two-band-cluster.js';
import { poolInternals } from '../../src/pool/internals.js';

/*
 * A pass gives held room back and each reservation holds again what is free on its node, band by
 * band from the top (src/manager/reservations.ts). The first band served keeps its holds over that
 * step and holds again only where the amounts change: the room held must be what it was when it
 * moved back and forth, and a pass that changes nothing must not move it at all.
 *
 * Two nodes of 8 cpu, first fit, two fillers of 3 cpu on each: 2 cpu free per node. A job of 8 cpu
 * starves and reserves n1 (the first of the two equally short): it holds n1's 2 free cpu.
 */
function starvingOnN1(priorityOfBig?: string) {
  const { clock, pool, manager } = twoBandCluster();
  const fillers = ['f0', 'f1', 'f2', 'f3'].map((id) => {
    const result = manager.submit({ id, tenant: 'fill', resources: { cpu: 3 } });
    if (result.status !== 'allocated') throw new Error(`filler ${id} did not start`);
    return result.allocation;
  });
  manager.submit({ id: 'big', tenant: 'b', resources: { cpu: 8 }, ...(priorityOfBig === undefined ? {} : { priority: priorityOfBig }) });
  clock.time += 150;
  manager.tick();
  // the pool's hold calls from here on: each moves room between free and reserved on one node
  const books = poolInternals(pool) as { hold: (...args: Parameters<ReturnType<typeof poolInternals>['hold']>) => void };
  const hold = books.hold;
  const moves = { count: 0 };
  books.hold = (...args) => {
    moves.count++;
    hold(...args);
  };
  const advance = (ms: number) => (clock.time += ms);
  return { pool, manager, fillers, moves, advance };
}

const heldCpu = (manager: AllocationManager) => manager.reservations().map((r) => [r.jobId, r.nodeId, r.resources['cpu']]);
const freeCpu = (pool: ResourcePool, id: string) => pool.nodes().find((n) => n.id === id)?.available['cpu'];

describe('held room kept over the start of a pass', () => {
  it('holds what is free on its node, no more and no less, as room frees there', () => {
    const { pool, manager, fillers } = starvingOnN1();
    expect(heldCpu(manager)).toEqual([['big', 'n1', 2]]);
    expect(freeCpu(pool, 'n1')).toBe(0);
    // a filler on n1 ends: its 3 cpu are held for the big job too (2 + 3), n1 has nothing free
    manager.release((fillers[0] as { id: string }).id);
    expect(heldCpu(manager)).toEqual([['big', 'n1', 5]]);
    expect(freeCpu(pool, 'n1')).toBe(0);
    checkInvariants(pool);
    // a small job takes n2's free room, not the room held on n1
    expect(manager.submit({ id: 'small', tenant: 'c', resources: { cpu: 2 } })).toMatchObject({ status: 'allocated', allocation: { placements: [{ nodeId: 'n2' }] } });
    expect(heldCpu(manager)).toEqual([['big', 'n1', 5]]);
    // the other filler on n1 ends: 5 held + 3 freed = 8, the big job starts there
    manager.release((fillers[1] as { id: string }).id);
    expect(manager.job('big')).toMatchObject({ status: 'running' });
    expect(manager.allocations({ tenant: 'b' })[0]?.placements).toEqual([{ nodeId: 'n1', resources: { cpu: 8 } }]);
    expect(manager.reservations()).toEqual([]);
    checkInvariants(pool);
  });

  it('moves no room when a pass changes nothing on the node', () => {
    const { manager, moves, advance } = starvingOnN1();
    // a pass with nothing new: before, the hold went back to the pool and was taken again (2 moves)
    advance(10);
    manager.tick();
    expect(moves.count).toBe(0);
    // a job that waits behind it runs a pass of its own: still nothing moves
    manager.submit({ id: 'waits', tenant: 'c', resources: { cpu: 4 } });
    expect(moves.count).toBe(0);
    expect(heldCpu(manager)).toEqual([['big', 'n1', 2]]);
  });

  it('gives a lower band’s held room to a higher band’s job first', () => {
    // the big job of the default band holds n1's 2 cpu; a high job of 2 cpu queued behind a
    // filler-full n2 takes them (room held for a lower band is a higher band's to use)
    const { pool, manager, fillers } = starvingOnN1();
    manager.release((fillers[2] as { id: string }).id); // n2: 5 free
    expect(manager.submit({ id: 'n2-eater', tenant: 'c', resources: { cpu: 5 } })).toMatchObject({ status: 'allocated', allocation: { placements: [{ nodeId: 'n2' }] } });
    expect(freeCpu(pool, 'n2')).toBe(0);
    expect(manager.submit({ id: 'urgent', tenant: 'c', priority: 'high', resources: { cpu: 2 } })).toMatchObject({ status: 'allocated', allocation: { placements: [{ nodeId: 'n1' }] } });
    // the big job keeps n1, with nothing free there to hold for now
    expect(manager.reservations()).toMatchObject([{ jobId: 'big', nodeId: 'n1', resources: {} }]);
    checkInvariants(pool);
  });
});

/*
 * The same one level down, on Reservations with stand-in books (one dimension, free room as a
 * plain array): two nominees of one band on one node. B, nominated first, holds the node's 2
 * free cpu; A, nominated after, holds nothing; then A's victims leave (2 cpu). A is served first
 * (bound to its node) and must see B's held room as given back, as it was before holds were kept:
 * 2 + 2 = 4, what A needs. Keeping B's hold over the start of the pass would leave A waiting.
 */
describe('Reservations.releaseAll with two holds on one node', () => {
  it('gives both back, so the first served sees the other’s room free', async () => {
    const { Reservations } = await import('../../src/manager/reservations.js');
    const node = { id: 'n1', status: 'ready', labels: {}, taints: [], spot: false, free: [2], reserved: [0] };
    const books = {
      nodes: new Map([['n1', node]]),
      isMember: (on: typeof node) => on === node,
      hold(on: typeof node, dims: readonly number[], amounts: readonly number[], sign: 1 | -1) {
        dims.forEach((d, i) => {
          on.free[d] = (on.free[d] as number) - sign * (amounts[i] as number);
          on.reserved[d] = (on.reserved[d] as number) + sign * (amounts[i] as number);
        });
      },
      commitPlacement(parsed: { dense: { amounts: number[] } }, chosen: (typeof node)[]) {
        for (const on of chosen) on.free[0] = (on.free[0] as number) - (parsed.dense.amounts[0] as number);
        return { id: 'allocation' };
      },
    };
    const job = (id: string) => ({ id, band: 1, replicas: 1, nominatedNode: undefined, parsed: { dense: { nonZero: [0], amounts: [4] }, selectorKeys: [], nodeSelector: {}, tolerations: [], spot: 'allow' } });
    const a = job('a');
    const b = job('b');
    type Books = ConstructorParameters<typeof Reservations>[0];
    type Job = Parameters<InstanceType<typeof Reservations>['nominate']>[0];
    type Node = Parameters<InstanceType<typeof Reservations>['nominate']>[1];
    const held = new Reservations(books as unknown as Books, undefined, () => {});
    held.nominate(b as unknown as Job, node as unknown as Node, 0);
    held.nominate(a as unknown as Job, node as unknown as Node, 0);
    expect(node.free).toEqual([0]);
    expect(node.reserved).toEqual([2]);
    node.free[0] = 2; // A's victims left
    const started: string[] = [];
    held.releaseAll(1);
    held.serveBand(
      1,
      () => ({ createdAt: 0, expiresAt: undefined }),
      (j) => started.push(j.id),
      () => true,
      () => false,
      (j) => j === (a as unknown as Job),
    );
    expect(started).toEqual(['a']);
    expect(node.free).toEqual([0]);
    expect(node.reserved).toEqual([0]);
    expect(held.jobs().map((j) => j.id)).toEqual(['b']);
  });
});
