import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ResourcePool, bestFit } from '../../src/index.js';
import { propertyRuns } from '../support.js';

const round = (x: number): number => Math.round(x * 1000) / 1000;

/**
 * Best-fit's search starts at the slack of the request itself (SlackIndex.select,
 * `denseSlackFloor`): no node below it can fit. The floor must be exact — a node left with exactly
 * the request's room has exactly that slack and is the best fit — and it must hold for amounts
 * that do not add up exactly in binary (0.1 + 0.2) and for weights other than 1.
 */
describe('best-fit from the slack of the request', () => {
  it('finds a node left with exactly the room asked for, among roomier ones', () => {
    const pool = new ResourcePool({
      placement: 'best-fit',
      nodes: [
        { id: 'roomy', capacity: { cpu: 8, memory: 32 }, labels: { name: 'roomy' } },
        { id: 'exact', capacity: { cpu: 8, memory: 32 }, labels: { name: 'exact' } },
      ],
    });
    // leave exactly { cpu 3, memory 5 } free on "exact"
    const taken = pool.allocate({ resources: { cpu: 5, memory: 27 }, nodeSelector: { name: 'exact' } });
    if (!taken.ok) throw new Error('expected the first request to fit');
    const result = pool.allocate({ resources: { cpu: 3, memory: 5 } });
    expect(result.ok && result.allocation.placements[0]?.nodeId).toBe('exact');
  });

  it('chooses what a scan of the scores chooses, with exact fits among the candidates', () => {
    const amount = fc.constantFrom(0.1, 0.2, 0.3, 0.7, 1, 1.5, 2, 3);
    fc.assert(
      fc.property(
        fc.array(fc.record({ cpu: amount, memory: amount }), { minLength: 1, maxLength: 12 }),
        fc.record({ cpu: amount, memory: amount }),
        fc.constantFrom(undefined, { cpu: 0.3, memory: 2 }, { cpu: 0, memory: 1 }),
        (taken, request, weights) => {
          const capacity = { cpu: 4, memory: 4 };
          const nodes = taken.map((_, i) => ({ id: `n${i}`, capacity, labels: { name: `n${i}` } }));
          const pool = new ResourcePool({ placement: weights === undefined ? 'best-fit' : bestFit({ weights }), nodes });
          // each node keeps capacity − taken: many of them exactly the request's room
          taken.forEach((t, i) => {
            const used = { cpu: round(Math.max(0, 4 - t.cpu - request.cpu)), memory: round(Math.max(0, 4 - t.memory - request.memory)) };
            if (used.cpu > 0 || used.memory > 0) pool.allocate({ resources: used, nodeSelector: { name: `n${i}` } });
          });
          // the strategy's own score over every node that fits, earliest node on ties (the contract)
          const { score: scoreOf } = bestFit(weights === undefined ? undefined : { weights });
          if (scoreOf === undefined) throw new Error('best-fit scores nodes');
          let best: { id: string; score: number } | undefined;
          for (const node of pool.nodes()) {
            const free = node.available;
            if ((free['cpu'] ?? 0) < request.cpu || (free['memory'] ?? 0) < request.memory) continue;
            const score = scoreOf(node, request);
            if (best === undefined || score > best.score) best = { id: node.id, score };
          }
          const result = pool.allocate({ resources: request });
          expect(result.ok ? result.allocation.placements[0]?.nodeId : undefined).toBe(best?.id);
        },
      ),
      { numRuns: propertyRuns(200) },
    );
  });
});
