import type { DenseRequest, IndexedNode } from '../strategy.js';

/** How many request shapes are remembered; the oldest gives way (a bound on the per-update work). */
const CAPACITY = 16;

/**
 * Request shapes that no indexed node fits, kept exact as the nodes change.
 *
 * Under congestion a scheduler asks for the same large shapes again and again while nothing
 * fits them, and each time a search has to prove it by visiting every subtree whose maxima pass
 * (they often do: one member has the cpu, another the memory). The answer can only change when a
 * node's free amounts change or a node joins, and then only if that node fits the shape: the
 * index calls `changed` for exactly those events, which forgets every shape the node now fits.
 * A node leaving, or a node's room shrinking, cannot make a shape fit. So a remembered shape
 * truly fits nowhere, and answering "none" for it is what the search would have found.
 */
export class UnplaceableRequests {
  /** Scaled amounts per dense dimension of each remembered shape (copies; requests are not ours). */
  private readonly shapes: Float64Array[] = [];
  /** Dense dimensions each shape asks for. */
  private readonly nonZero: Int32Array[] = [];
  private next = 0;

  /** No indexed node fits a request of this shape. */
  has(request: DenseRequest): boolean {
    const amounts = request.amounts;
    outer: for (let s = 0; s < this.shapes.length; s++) {
      const shape = this.shapes[s] as Float64Array;
      if (shape.length !== amounts.length) continue;
      for (let d = 0; d < shape.length; d++) if (shape[d] !== amounts[d]) continue outer;
      return true;
    }
    return false;
  }

  /** Remembers that no indexed node fits this request (the caller has just proved it). */
  add(request: DenseRequest): void {
    if (this.has(request)) return;
    const shape = Float64Array.from(request.amounts);
    const nonZero = Int32Array.from(request.nonZero);
    if (this.shapes.length < CAPACITY) {
      this.shapes.push(shape);
      this.nonZero.push(nonZero);
      return;
    }
    this.shapes[this.next] = shape;
    this.nonZero[this.next] = nonZero;
    this.next = (this.next + 1) % CAPACITY;
  }

  /** A node joined the index or its free amounts changed: forgets every shape it now fits. */
  changed(node: IndexedNode): void {
    for (let s = this.shapes.length - 1; s >= 0; s--) if (this.fits(node, s)) this.forget(s);
  }

  /** Self-check for tests: the first remembered shape one of `nodes` fits, described, or undefined. */
  check(nodes: Iterable<IndexedNode>): string | undefined {
    for (const node of nodes) {
      for (let s = 0; s < this.shapes.length; s++) {
        if (this.fits(node, s)) return `node ${node.id} fits a request the index remembers as fitting nowhere (${(this.shapes[s] as Float64Array).join(', ')})`;
      }
    }
    return undefined;
  }

  private fits(node: IndexedNode, s: number): boolean {
    const free = node.free;
    const shape = this.shapes[s] as Float64Array;
    const dims = this.nonZero[s] as Int32Array;
    for (let k = 0; k < dims.length; k++) {
      const d = dims[k] as number;
      if ((free[d] ?? 0) < (shape[d] as number)) return false;
    }
    return true;
  }

  get size(): number {
    return this.shapes.length;
  }

  private forget(s: number): void {
    // swap-remove keeps the arrays dense; replacement then starts over at the front
    const last = this.shapes.length - 1;
    this.shapes[s] = this.shapes[last] as Float64Array;
    this.nonZero[s] = this.nonZero[last] as Int32Array;
    this.shapes.pop();
    this.nonZero.pop();
    this.next = 0;
  }
}
