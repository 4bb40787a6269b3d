import type { NodeState } from '../../pool/node-state.js';
import { isAvoided, isEligible } from '../../pool/eligibility.js';
import type { ParsedRequest } from '../../pool/request.js';

/** One `take` of the room model, for undoing it. */
interface Taken {
  readonly node: NodeState;
  readonly request: ParsedRequest;
  readonly sign: 1 | -1;
}

/**
 * A what-if copy of the nodes' free room (scaled, dense; held room is not free), for planning
 * moves and placements without touching the pool: scaling advice and defragmentation plans are
 * reads. One replica at a time; a node's room only goes where a real placement could go (ready,
 * eligible, and not a node the request would only take as a last resort).
 */
export class RoomModel {
  readonly #free = new Map<NodeState, Float64Array>();
  /** Every `take` since the model was made, so that `rollBack` undoes to a mark without copying the room. */
  readonly #log: Taken[] = [];

  constructor(readonly nodes: readonly NodeState[]) {}

  free(node: NodeState): Float64Array {
    let free = this.#free.get(node);
    if (free === undefined) this.#free.set(node, (free = Float64Array.from(node.free)));
    return free;
  }

  /** Could one replica of `request` go on `node` now (room, readiness, selector, taints, spot)? */
  accepts(node: NodeState, request: ParsedRequest): boolean {
    if (!isEligible(node, request) || isAvoided(node, request)) return false;
    const free = this.free(node);
    for (const d of request.dense.nonZero) if ((request.dense.amounts[d] as number) > ((free[d] as number) ?? 0)) return false;
    return true;
  }

  /** Takes (sign 1) or gives back (−1) one replica's room on `node`. */
  take(node: NodeState, request: ParsedRequest, sign: 1 | -1 = 1): void {
    this.#apply(node, request, sign);
    this.#log.push({ node, request, sign });
  }

  #apply(node: NodeState, request: ParsedRequest, sign: 1 | -1): void {
    const free = this.free(node);
    for (const d of request.dense.nonZero) free[d] = (free[d] as number) - sign * (request.dense.amounts[d] as number);
  }

  /**
   * The accepting node among `candidates` the replica fits most tightly (least Σ_d of the
   * normalised room left, best-fit), ties to node order; undefined if none accepts it.
   */
  bestFit(request: ParsedRequest, candidates: Iterable<NodeState>): NodeState | undefined {
    let best: NodeState | undefined;
    let bestLeft = Infinity;
    for (const node of candidates) {
      if (!this.accepts(node, request)) continue;
      const free = this.free(node);
      let left = 0;
      for (const d of node.group.dims) {
        const cap = node.capacity[d] as number;
        if (cap > 0) left += ((free[d] as number) - (request.dense.amounts[d] ?? 0)) / cap;
      }
      if (left < bestLeft || (left === bestLeft && best !== undefined && node.order < best.order)) {
        best = node;
        bestLeft = left;
      }
    }
    return best;
  }

  /** Places every replica of a job (best fit; distinct nodes for a spread gang), or none (the model as it was). */
  placeGang(request: ParsedRequest, candidates: readonly NodeState[]): NodeState[] | undefined {
    const mark = this.mark();
    const chosen: NodeState[] = [];
    for (let r = 0; r < request.replicas; r++) {
      const node = this.bestFit(request, request.spread ? candidates.filter((n) => !chosen.includes(n)) : candidates);
      if (node === undefined) {
        this.rollBack(mark);
        return undefined;
      }
      this.take(node, request);
      chosen.push(node);
    }
    return chosen;
  }

  /** A point to come back to with `rollBack` (the what-ifs made after it are undone). */
  mark(): number {
    return this.#log.length;
  }

  rollBack(mark: number): void {
    while (this.#log.length > mark) {
      const { node, request, sign } = this.#log.pop() as Taken;
      this.#apply(node, request, sign === 1 ? -1 : 1);
    }
  }
}

/** The largest share of a node's capacity a replica takes (its size for decreasing orders). */
export function shareOf(request: ParsedRequest, reference: readonly number[]): number {
  let share = 0;
  for (const d of request.dense.nonZero) share = Math.max(share, (request.dense.amounts[d] as number) / Math.max(1, reference[d] ?? 1));
  return share;
}
