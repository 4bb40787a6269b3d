import { fillBinByBin } from './bin-fill.js';
import type { PackingAlgorithm } from './packing-algorithm.js';

/**
 * Dot-product (bin-centric, Panigrahy et al. 2011): fill the open node with the request whose
 * normalised demand points most the same way as the node's normalised free vector,
 *
 *   alignment = Σ_d (req_d / cap_d) · (free_d / cap_d),
 *
 * largest first. Big requests and requests heavy where the node has room score high, so
 * complementary requests (cpu-heavy with memory-heavy) end up sharing a node.
 *
 * Example, node { cpu: 8, memory: 16 } all free, requests A { cpu: 4, memory: 2 } and
 * B { cpu: 1, memory: 8 }: A scores (4/8)(8/8) + (2/16)(16/16) = 0.625, B scores 0.125 + 0.5 =
 * 0.625 too, so A goes first (input order). Then free is { cpu: 4, memory: 14 } and B scores
 * (1/8)(4/8) + (8/16)(14/16) = 0.0625 + 0.4375 = 0.5: it fits, so both share the node.
 */
export function dotProductFill(): PackingAlgorithm {
  return {
    algorithm: 'dot-product',
    pack: (context) =>
      fillBinByBin(context, (item, node, free) => {
        let alignment = 0;
        // only dimensions the request uses contribute; the node has each of them, or it would not fit
        for (const d of item.dims) {
          const cap = node.capacity[d] as number;
          alignment += ((item.amounts[d] as number) / cap) * ((free[d] as number) / cap);
        }
        return alignment;
      }),
  } satisfies PackingAlgorithm;
}
