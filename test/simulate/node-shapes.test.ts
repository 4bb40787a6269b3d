import { describe, expect, it } from 'vitest';
import { nodeShapes } from '../../src/simulate/scenario.js';

describe('nodeShapes (the description\'s node groups)', () => {
  it('groups nodes by capacity whether they share the capacity object or not, in first-seen order', () => {
    const shared = { cpu: 64, memory: 256 };
    const gpu = { cpu: 96, memory: 1024, gpu: 8 };
    const groups = nodeShapes([
      { id: 'a', capacity: shared },
      { id: 'b', capacity: gpu },
      { id: 'c', capacity: shared },
      // the same capacity in another object, its keys in another order
      { id: 'd', capacity: { memory: 256, cpu: 64 } },
      { id: 'e', capacity: { cpu: 64, memory: 512 } },
    ]);
    expect(groups).toEqual([
      { capacity: shared, count: 3 },
      { capacity: gpu, count: 1 },
      { capacity: { cpu: 64, memory: 512 }, count: 1 },
    ]);
  });
});
