import { isFairpackError } from '../errors.js';
import type { AllocateResult, ResourcePool } from '../pool/index.js';
import type { PoolOperation } from './arbitraries.js';
import { InvariantViolation, poolSnapshot } from './check-invariants.js';

export interface OperationOutcome {
  readonly operation: PoolOperation;
  /** The allocate result, for allocate operations. */
  readonly result?: AllocateResult;
  /** The FairpackError code, when the call was refused. */
  readonly refused?: string;
}

/**
 * Applies one operation. Picks (`pick`) index the current nodes/allocations modulo their count.
 * Refused calls must throw a FairpackError and leave the pool exactly as it was (invariant 6);
 * operations that must be refused (bad input, unknown ids, double release) throw
 * `InvariantViolation` if the pool accepted them.
 */
export function applyPoolOperation(pool: ResourcePool, operation: PoolOperation): OperationOutcome {
  const refusable = (call: () => void, mustRefuse: boolean): OperationOutcome => {
    const before = poolSnapshot(pool);
    try {
      call();
    } catch (error) {
      // a broken strategy is a bug to report, not an input the pool may refuse
      if (!isFairpackError(error) || error.code === 'STRATEGY_CONTRACT_VIOLATION') throw error;
      if (JSON.stringify(poolSnapshot(pool)) !== JSON.stringify(before)) {
        throw new InvariantViolation(`${operation.kind} was refused with ${error.code} but changed the pool`);
      }
      return { operation, refused: error.code };
    }
    if (mustRefuse) throw new InvariantViolation(`${operation.kind} should have been refused but was accepted`);
    return { operation };
  };
  const nodes = pool.nodes();
  const allocations = pool.allocations();
  switch (operation.kind) {
    case 'allocate': {
      let result: AllocateResult | undefined;
      const outcome = refusable(() => (result = pool.allocate(operation.request)), false);
      return result === undefined ? outcome : { operation, result };
    }
    case 'release': {
      const target = allocations[operation.pick % Math.max(1, allocations.length)];
      if (target === undefined) return { operation };
      const { freed } = pool.release(target.id);
      if (JSON.stringify(freed) !== JSON.stringify(target.resources)) throw new InvariantViolation(`release of ${target.id} freed a different amount than it held`);
      return { operation };
    }
    case 'release-unknown':
      return refusable(() => pool.release(`${operation.id}-${allocations.length}-unknown`), true);
    case 'release-twice': {
      const target = allocations[operation.pick % Math.max(1, allocations.length)];
      if (target === undefined) return { operation };
      pool.release(target.id);
      return refusable(() => pool.release(target.id), true);
    }
    case 'add-node':
      return refusable(() => pool.addNode(operation.node), nodes.some((n) => n.id === operation.node.id));
    case 'duplicate-node': {
      const node = nodes[operation.pick % Math.max(1, nodes.length)];
      if (node === undefined) return { operation };
      return refusable(() => pool.addNode({ id: node.id, capacity: { cpu: 1 } }), true);
    }
    case 'remove-node': {
      const node = nodes[operation.pick % Math.max(1, nodes.length)];
      if (node === undefined) return { operation };
      return refusable(() => pool.removeNode(node.id, { force: operation.force }), !operation.force && node.allocationCount > 0);
    }
    case 'set-status': {
      const node = nodes[operation.pick % Math.max(1, nodes.length)];
      if (node === undefined) return { operation };
      pool.setNodeStatus(node.id, operation.status);
      return { operation };
    }
    case 'update-node': {
      const node = nodes[operation.pick % Math.max(1, nodes.length)];
      if (node === undefined) return { operation };
      pool.updateNode(node.id, { ...(operation.labels === undefined ? {} : { labels: operation.labels }), ...(operation.taints === undefined ? {} : { taints: operation.taints }) });
      return { operation };
    }
    case 'bad-allocate':
      return refusable(() => pool.allocate(operation.request as never), true);
    case 'bad-node':
      return refusable(() => pool.addNode(operation.node as never), true);
  }
}
