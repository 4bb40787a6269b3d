import fc from 'fast-check';
import { isFairpackError } from '../errors.js';
import type { PlacementStrategy } from '../placement/index.js';
import { ResourcePool } from '../pool/index.js';
import { type NodesArbitraryOptions, nodesArbitrary, poolOperationsArbitrary } from './arbitraries.js';
import { InvariantViolation, checkInvariants, checkReleaseAllRestoresCapacity } from './check-invariants.js';
import { applyPoolOperation } from './operations.js';
import { referencePlacement } from './reference-placement.js';

export interface ContractOptions {
  /** Runs per property. @default 100 */
  readonly numRuns?: number;
  /** Pin the fast-check seed to replay a failure. */
  readonly seed?: number;
  readonly nodes?: NodesArbitraryOptions;
}

export interface ContractCheck {
  readonly name: string;
  /** Throws (with fast-check's seed and counterexample) if the strategy breaks the contract. */
  readonly run: () => void;
}

/**
 * The checks every placement strategy must pass, built-in or yours. Use them in any test runner:
 *
 * ```ts
 * for (const check of placementStrategyContract(() => myStrategy())) it(check.name, check.run);
 * ```
 *
 * `strategy` is a factory so that every run starts from a fresh strategy (strategies may keep
 * state in their index).
 */
export function placementStrategyContract(strategy: () => PlacementStrategy, options: ContractOptions = {}): ContractCheck[] {
  const params = { numRuns: options.numRuns ?? 100, ...(options.seed === undefined ? {} : { seed: options.seed }) };
  const name = strategy().name;
  const scenario = fc.tuple(nodesArbitrary(options.nodes), poolOperationsArbitrary());
  const checks: ContractCheck[] = [
    {
      name: `${name}: chooses only feasible nodes, keeps the books straight after every step`,
      run: () =>
        fc.assert(
          fc.property(scenario, ([nodes, operations]) => {
            const pool = new ResourcePool({ nodes, placement: strategy() });
            for (const operation of operations) {
              applyPoolOperation(pool, operation);
              checkInvariants(pool);
            }
            checkReleaseAllRestoresCapacity(pool);
          }),
          params,
        ),
    },
    {
      name: `${name}: is deterministic (same inputs, same placements)`,
      run: () =>
        fc.assert(
          fc.property(scenario, ([nodes, operations]) => {
            const a = new ResourcePool({ nodes, placement: strategy() });
            const b = new ResourcePool({ nodes, placement: strategy() });
            for (const operation of operations) {
              const ra = placements(() => applyPoolOperation(a, operation).result);
              const rb = placements(() => applyPoolOperation(b, operation).result);
              if (ra !== rb) throw new InvariantViolation(`two identical pools placed the same request differently: ${ra} vs ${rb}`);
            }
          }),
          params,
        ),
    },
    {
      name: `${name}: never mutates the views and requests it is given`,
      run: () =>
        fc.assert(
          fc.property(scenario, ([nodes, operations]) => {
            // without its index, the pool hands score()/select() views; the guard compares them before and after
            const pool = new ResourcePool({ nodes, placement: guardedWithoutIndex(strategy()) });
            for (const operation of operations) applyPoolOperation(pool, operation);
          }),
          params,
        ),
    },
  ];
  if (strategy().score !== undefined) {
    checks.push({
      name: `${name}: picks the node its own score ranks first (ties to node order)`,
      run: () =>
        fc.assert(
          fc.property(scenario, ([nodes, operations]) => {
            const instance = strategy();
            const pool = new ResourcePool({ nodes, placement: instance });
            for (const operation of operations) {
              if (operation.kind === 'allocate' && (operation.request.replicas ?? 1) === 1) {
                let expected: string | undefined;
                try {
                  expected = referencePlacement(pool, instance, operation.request);
                } catch (error) {
                  if (isFairpackError(error)) continue;
                  throw error;
                }
                const outcome = applyPoolOperation(pool, operation);
                if (outcome.refused !== undefined) continue;
                const got = outcome.result?.ok === true ? outcome.result.allocation.placements[0]?.nodeId : undefined;
                if (got !== expected) {
                  throw new InvariantViolation(`request ${JSON.stringify(operation.request)}: placed on ${String(got)}, a brute-force scan by score picks ${String(expected)}`);
                }
              } else {
                applyPoolOperation(pool, operation);
              }
            }
          }),
          params,
        ),
    });
  }
  return checks;
}

function placements(run: () => import('../pool/index.js').AllocateResult | undefined): string {
  const result = run();
  if (result === undefined) return '-';
  return result.ok ? result.allocation.placements.map((p) => p.nodeId).join(',') : `none:${result.reason}`;
}

function guardedWithoutIndex(inner: PlacementStrategy): PlacementStrategy {
  const unchanged = <T>(args: unknown[], call: () => T): T => {
    const before = JSON.stringify(args);
    const value = call();
    if (JSON.stringify(args) !== before) throw new InvariantViolation(`strategy "${inner.name}" mutated the views or request it was given`);
    return value;
  };
  const score = inner.score;
  const select = inner.select;
  return {
    name: inner.name,
    ...(score === undefined ? {} : { score: (node, request) => unchanged([node, request], () => score.call(inner, node, request)) }),
    ...(select === undefined ? {} : { select: (candidates, request) => unchanged([candidates, request], () => select.call(inner, candidates, request)) }),
  };
}
