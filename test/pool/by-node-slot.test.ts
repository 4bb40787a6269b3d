import { describe, expect, it } from 'vitest';
import { ByNodeSlot } from '../../src/pool/by-node-slot.js';
import type { NodeState } from '../../src/pool/node-state.js';

/* What the layers above the pool keep per node record, by its slot: only ever read for that record. */

const record = (id: string, slot: number) => ({ id, slot }) as unknown as NodeState;

describe('ByNodeSlot', () => {
  it('reads an entry only for the record it was kept for, also once another node took its slot', () => {
    const kept = new ByNodeSlot<string>();
    const a = record('a', 3);
    kept.set(a, 'book of a');
    expect(kept.get(a)).toBe('book of a');
    // "b" took slot 3 after "a" left: a's entry is not b's
    const b = record('b', 3);
    expect(kept.get(b)).toBeUndefined();
    // deleting for b leaves a's entry; deleting for a removes it
    kept.delete(b);
    expect(kept.get(a)).toBe('book of a');
    kept.set(b, 'book of b');
    expect(kept.get(a)).toBeUndefined();
    expect(kept.get(b)).toBe('book of b');
    kept.delete(b);
    expect(kept.get(b)).toBeUndefined();
    kept.set(a, 'again');
    kept.clear();
    expect(kept.get(a)).toBeUndefined();
    expect(kept.get(record('c', 0))).toBeUndefined();
  });
});
