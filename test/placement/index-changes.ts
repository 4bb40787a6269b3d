import type { IndexedNode, PlacementIndex } from 'fairpack';

/** A random test's change to one node: it joins or leaves the index, or gets new free cpu and memory. */
export type NodeChange = { readonly kind: 'toggle' } | { readonly kind: 'set'; readonly cpu: number; readonly memory: number };

/**
 * Applies `change` to `node` (amounts in whole units, factor 1000) and tells the index as the
 * pool would: a member's new free room by `update`, a non-member's by nothing. `inIndex` is the
 * test's own record of the members.
 */
export function applyChange(index: PlacementIndex, inIndex: Set<IndexedNode>, node: IndexedNode, change: NodeChange): void {
  if (change.kind === 'toggle') {
    if (inIndex.delete(node)) index.remove(node);
    else {
      inIndex.add(node);
      index.add(node);
    }
    return;
  }
  node.free[0] = change.cpu * 1000;
  node.free[1] = change.memory * 1000;
  if (inIndex.has(node)) index.update(node);
}
