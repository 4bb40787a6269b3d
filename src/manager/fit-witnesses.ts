import { isEligibleWhenReady } from '../pool/eligibility.js';
import type { PoolInternals } from '../pool/internals.js';
import type { NodeState } from '../pool/node-state.js';
import type { ParsedRequest } from '../pool/request.js';

/** Most shapes remembered; past it the memo starts again (shapes are client-controlled). */
const MAX_SHAPES = 4_096;

/**
 * "Could this request ever fit?" (`couldEverFit`: some node, were it empty and ready, holds it)
 * for every submit, without a walk over the nodes each time. The pool's answer walks the nodes in
 * order until one holds the request; for a one-replica request that node is a *witness*, kept per
 * request shape. The next request of the shape asks only whether its witness still proves it: the
 * same node is still in the pool, still eligible (selector, taints, spot) and still large enough
 * — exact whatever happened to the nodes in between (added, removed, relabelled, resized), since
 * a witness that no longer proves it sends the question back to the pool.
 *
 * Only positive one-replica answers are kept: a gang needs several nodes, and a request that
 * could never fit is rejected (rare, and the walk is the explanation's price anyway).
 */
export class FitWitnesses {
  readonly #byShape = new Map<string, NodeState>();

  constructor(private readonly books: PoolInternals) {}

  couldEverFit(shape: string, request: ParsedRequest): boolean {
    if (request.replicas !== 1 || request.unknown.length > 0) return this.books.couldEverFit(request);
    const witness = this.#byShape.get(shape);
    if (witness !== undefined && this.books.isMember(witness) && holds(witness, request)) return true;
    const found = this.#find(request);
    if (found === undefined) {
      this.#byShape.delete(shape);
      return this.books.couldEverFit(request);
    }
    if (witness === undefined && this.#byShape.size >= MAX_SHAPES) this.#byShape.clear();
    this.#byShape.set(shape, found);
    return true;
  }

  /** The first node in node order that would hold the request empty (the pool's own walk, for one replica). */
  #find(request: ParsedRequest): NodeState | undefined {
    for (const node of this.books.nodes.values()) if (holds(node, request)) return node;
    return undefined;
  }
}

/** Eligible whatever its status, and every dimension of its capacity at least the request's. */
function holds(node: NodeState, request: ParsedRequest): boolean {
  if (!isEligibleWhenReady(node, request)) return false;
  const { nonZero, amounts } = request.dense;
  for (let i = 0; i < nonZero.length; i++) {
    const d = nonZero[i] as number;
    if ((node.capacity[d] as number) < (amounts[d] as number)) return false;
  }
  return true;
}
