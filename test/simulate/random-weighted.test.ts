import { describe, expect, it } from 'vitest';
import { Random } from '../../src/simulate/random.js';

/** The definition: the first item whose cumulative weight passes a uniform point in [0, Σ weights). */
function reference<T>(random: Random, items: readonly (readonly [T, number])[]): T {
  let total = 0;
  for (const [, weight] of items) total += weight;
  let point = random.next() * total;
  for (const [item, weight] of items) {
    point -= weight;
    if (point < 0) return item;
  }
  return (items[items.length - 1] as readonly [T, number])[0];
}

describe('Random.weighted (by index: the same draws as the definition)', () => {
  it('picks what the definition picks, draw for draw, with fractional weights (sums in the same order)', () => {
    const items = [
      ['a', 0.05],
      ['b', 0.35],
      ['c', 0.4],
      ['d', 0.2],
    ] as const;
    const fast = new Random(42, 'weighted');
    const slow = new Random(42, 'weighted');
    const picks = new Map<string, number>();
    for (let i = 0; i < 20_000; i++) {
      const pick = fast.weighted(items);
      expect(pick).toBe(reference(slow, items));
      picks.set(pick, (picks.get(pick) ?? 0) + 1);
    }
    // every item is reachable, the first one included
    expect([...picks.keys()].sort()).toEqual(['a', 'b', 'c', 'd']);
  });
});
