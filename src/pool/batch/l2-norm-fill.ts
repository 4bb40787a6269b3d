import { fillBinByBin } from './bin-fill.js';
import type { PackingAlgorithm } from './packing-algorithm.js';

/**
 * L2-norm (bin-centric, Panigrahy et al. 2011): fill the open node with the request that leaves
 * the shortest normalised residual free vector,
 *
 *   residual = Σ_d ((free_d − req_d) / cap_d)²      (the square of the L2 norm; same order),
 *
 * least first. It favours requests that use up the node's most plentiful dimensions, evening the
 * node out so that the next request still finds room in every dimension.
 *
 * Example, node { cpu: 8, memory: 16 } with { cpu: 4, memory: 14 } free, requests B { cpu: 1,
 * memory: 8 } and C { cpu: 3, memory: 2 }: B leaves ((4−1)/8)² + ((14−8)/16)² = 0.140625 +
 * 0.140625 = 0.28125, C leaves (1/8)² + (12/16)² = 0.015625 + 0.5625 = 0.578125: B goes first.
 */
export function l2NormFill(): PackingAlgorithm {
  return {
    algorithm: 'l2-norm',
    pack: (context) =>
      fillBinByBin(context, (item, node, free) => {
        let residual = 0;
        for (const d of node.group.dims) {
          const left = ((free[d] as number) - (item.amounts[d] as number)) / (node.capacity[d] as number);
          residual += left * left;
        }
        return -residual;
      }),
  } satisfies PackingAlgorithm;
}
