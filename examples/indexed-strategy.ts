/**
 * A custom strategy with the optional `createIndex` capability, checked by the contract suite
 * from fairpack/testing. Run it with `npx tsx examples/indexed-strategy.ts` (needs fast-check,
 * a dev dependency of this repository and an optional peer dependency of fairpack).
 *
 * Without an index the pool asks `score` about every candidate node for every decision. With one,
 * it keeps the index up to date (add / remove / update) and asks `index.select` instead. The index
 * must pick exactly the node that `score` with ties to node order would pick; the contract suite
 * checks that against a brute-force scan.
 */
import {
  type AcceptNode,
  type DenseRequest,
  type IndexedNode,
  type PlacementIndex,
  type PlacementStrategy,
  ResourcePool,
} from 'fairpack';
import { placementStrategyContract } from 'fairpack/testing';

/** Cheapest node first. `costOf` must be a pure function of the node id (indexes see no views). */
export function cheapestNode(costOf: (nodeId: string) => number): PlacementStrategy {
  return {
    name: 'cheapest-node',
    score: (node) => -costOf(node.id),
    createIndex: () => new CostIndex(costOf),
  } satisfies PlacementStrategy;
}

/**
 * Ready nodes sorted by (cost, node order): the first one with room and accepted is the highest
 * score, ties to node order — what a scan by `score` returns. The key does not depend on free
 * amounts, so `update` has nothing to do.
 */
class CostIndex implements PlacementIndex {
  private readonly sorted: IndexedNode[] = [];

  constructor(private readonly costOf: (nodeId: string) => number) {}

  add(node: IndexedNode): void {
    this.sorted.splice(this.positionOf(node), 0, node);
  }

  remove(node: IndexedNode): void {
    const at = this.sorted.indexOf(node);
    if (at >= 0) this.sorted.splice(at, 1);
  }

  update(): void {}

  select(request: DenseRequest, accept: AcceptNode | undefined): IndexedNode | undefined {
    return this.sorted.find((node) => fits(node, request) && (accept === undefined || accept(node)));
  }

  /** Optional self-check, run by checkInvariants: exactly the ready nodes, in key order. */
  check(expected: ReadonlySet<IndexedNode>): string | undefined {
    if (this.sorted.length !== expected.size || this.sorted.some((node) => !expected.has(node))) return 'members are not the ready nodes';
    for (let i = 1; i < this.sorted.length; i++) {
      if (this.before(this.sorted[i] as IndexedNode, this.sorted[i - 1] as IndexedNode)) return 'out of order';
    }
    return undefined;
  }

  private before(a: IndexedNode, b: IndexedNode): boolean {
    const ca = this.costOf(a.id);
    const cb = this.costOf(b.id);
    return ca < cb || (ca === cb && a.order < b.order);
  }

  /** Binary search for the first member that `node` comes before. */
  private positionOf(node: IndexedNode): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.before(this.sorted[mid] as IndexedNode, node)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** `free` and `amounts` are scaled integers, dense by dimension; only `nonZero` dimensions matter. */
function fits(node: IndexedNode, request: DenseRequest): boolean {
  return request.nonZero.every((d) => (node.free[d] as number) >= (request.amounts[d] as number));
}

// ---- use it ---------------------------------------------------------------------------------------

const prices: Record<string, number> = { 'on-demand-1': 0.68, 'spot-1': 0.21, 'spot-2': 0.21 };
const costOf = (nodeId: string) => prices[nodeId] ?? 1;
const pool = new ResourcePool({
  nodes: [
    { id: 'on-demand-1', capacity: { cpu: 8, memory: 32 } },
    { id: 'spot-1', capacity: { cpu: 4, memory: 16 } },
    { id: 'spot-2', capacity: { cpu: 8, memory: 32 } },
  ],
  placement: cheapestNode(costOf),
});
const placed = [4, 2, 4, 2].map((cpu) => {
  const result = pool.allocate({ resources: { cpu, memory: cpu * 2 } });
  return `${cpu} cpu → ${result.ok ? result.allocation.placements[0]?.nodeId : result.reason}`;
});
console.log(placed.join(', '));

// ---- check it: the same contract every built-in passes ----------------------------------------------

// node ids in the contract's random clusters are n0, n1, …: give them a few distinct prices
const contractCost = (nodeId: string) => Number(nodeId.slice(1)) % 3;
for (const check of placementStrategyContract(() => cheapestNode(contractCost), { numRuns: 30 })) {
  check.run(); // throws, with fast-check's seed and counterexample, if the strategy breaks the contract
  console.log(`✓ ${check.name}`);
}
