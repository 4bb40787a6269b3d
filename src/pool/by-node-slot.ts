import type { NodeState } from './node-state.js';

/**
 * Something the layers above the pool keep per node (a book, an index), found from the pool's
 * record of the node by its slot (`NodeState.slot`: dense, small) — where looking the node's id up
 * in a map as large as the cluster was a hashed probe at every start. A slot goes to a later node
 * once a node leaves the pool, so an entry is kept with the record it was made for and read only
 * for that record.
 */
export class ByNodeSlot<T> {
  private readonly records: (NodeState | undefined)[] = [];
  private readonly values: (T | undefined)[] = [];

  /** What was kept for this record (undefined: nothing yet, or its slot was another node's). */
  get(node: NodeState): T | undefined {
    const slot = node.slot;
    return this.records[slot] === node ? this.values[slot] : undefined;
  }

  set(node: NodeState, value: T): void {
    this.records[node.slot] = node;
    this.values[node.slot] = value;
  }

  /** Forgets what was kept for this record (nothing if its slot is another node's now). */
  delete(node: NodeState): void {
    const slot = node.slot;
    if (this.records[slot] !== node) return;
    this.records[slot] = undefined;
    this.values[slot] = undefined;
  }

  /** Forgets everything (the books it caches were replaced). */
  clear(): void {
    this.records.length = 0;
    this.values.length = 0;
  }
}
