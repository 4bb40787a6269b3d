import { describe, expect, it } from 'vitest';
import { AllocationManager, ResourcePool, isFairpackError } from 'fairpack';

/*
 * Changing a node's labels and taints (issue 15 §3, PATCH /nodes/:id): new placements follow the
 * new ones, allocations already there stay (Kubernetes' IgnoredDuringExecution).
 */

describe('updateNode', () => {
  it('new placements follow the new labels and taints; what runs there stays', () => {
    const pool = new ResourcePool({ nodes: [{ id: 'a', capacity: { cpu: 4 }, labels: { zone: 'x' } }, { id: 'b', capacity: { cpu: 4 } }], placement: 'first-fit' });
    const first = pool.allocate({ resources: { cpu: 1 }, nodeSelector: { zone: 'x' } });
    expect(first.ok && first.allocation.placements[0]?.nodeId).toBe('a');
    const view = pool.updateNode('a', { labels: { zone: 'y' }, taints: [{ key: 'maintenance', effect: 'NoSchedule' }] });
    expect([view.labels, view.taints, view.allocated]).toEqual([{ zone: 'y' }, [{ key: 'maintenance', effect: 'NoSchedule' }], { cpu: 1 }]);
    // zone x is gone: nothing matches; a plain request skips the tainted node
    expect(pool.allocate({ resources: { cpu: 1 }, nodeSelector: { zone: 'x' } }).ok).toBe(false);
    const plain = pool.allocate({ resources: { cpu: 1 } });
    expect(plain.ok && plain.allocation.placements[0]?.nodeId).toBe('b');
    // taints removed: a is first in node order again
    pool.updateNode('a', { taints: [] });
    const again = pool.allocate({ resources: { cpu: 1 } });
    expect(again.ok && again.allocation.placements[0]?.nodeId).toBe('a');
    expect(pool.node('a')?.labels).toEqual({ zone: 'y' }); // labels left out: kept
    const restored = ResourcePool.restore(JSON.parse(JSON.stringify(pool.snapshot())));
    expect(restored.nodes()).toEqual(pool.nodes());
  });

  it('refuses a bad update with a typed error and changes nothing', () => {
    const pool = new ResourcePool({ nodes: [{ id: 'a', capacity: { cpu: 4 }, labels: { zone: 'x' } }] });
    const before = JSON.stringify(pool.nodes());
    for (const [id, update, code] of [['a', { label: {} }, 'INVALID_NODE'], ['a', { taints: [{ key: 'k', effect: 'Never' }] }, 'INVALID_NODE'], ['a', { labels: { zone: 7 } }, 'INVALID_NODE'], ['a', 'x', 'INVALID_NODE'], ['nope', {}, 'UNKNOWN_NODE']] as const) {
      let got: string | undefined;
      try {
        pool.updateNode(id, update as never);
      } catch (error) {
        got = isFairpackError(error) ? error.code : 'other';
      }
      expect(got, JSON.stringify(update)).toBe(code);
    }
    expect(JSON.stringify(pool.nodes())).toBe(before);
  });

  it('in the manager: a waiting job whose selector a node now matches starts, and the change is journaled', () => {
    const entries: unknown[] = [];
    // b has the label and is full; a has room but not the label
    const manager = new AllocationManager({ nodes: [{ id: 'a', capacity: { cpu: 4 } }, { id: 'b', capacity: { cpu: 1 }, labels: { gpu: 'a100' } }], now: () => 0, journal: (entry) => entries.push(entry) });
    const updated: string[] = [];
    manager.on('node:updated', (node) => updated.push(`${node.id} ${JSON.stringify(node.labels)}`));
    manager.submit({ id: 'full', resources: { cpu: 1 }, nodeSelector: { gpu: 'a100' } });
    expect(manager.submit({ id: 'j', resources: { cpu: 1 }, nodeSelector: { gpu: 'a100' } }).status).toBe('queued');
    manager.updateNode('a', { labels: { gpu: 'a100' } });
    expect(manager.job('j')?.status).toBe('running');
    expect(updated).toEqual(['a {"gpu":"a100"}']);
    expect(entries.at(-1)).toMatchObject({ type: 'updateNode', id: 'a', update: { labels: { gpu: 'a100' } } });
  });
});
