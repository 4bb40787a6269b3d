import fc from 'fast-check';
import type { FairnessPolicy, TenantCandidate } from '../fairness/index.js';
import { AllocationManager } from '../manager/index.js';
import { ResourcePool } from '../pool/index.js';
import { InvariantViolation, checkInvariants } from './check-invariants.js';
import type { ContractCheck, ContractOptions } from './placement-contract.js';

function candidateArbitrary(): fc.Arbitrary<TenantCandidate[]> {
  const candidate = fc.record({
    weight: fc.constantFrom(0.5, 1, 2, 3),
    cpu: fc.integer({ min: 0, max: 16 }),
    memory: fc.integer({ min: 0, max: 64 }),
    running: fc.nat({ max: 20 }),
  });
  return fc.uniqueArray(fc.tuple(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), fc.nat({ max: 1000 }), candidate), { minLength: 1, maxLength: 6, selector: ([t]) => t }).map((rows) => {
    const headSequences = new Set<number>();
    return rows.map(([tenant, sequence, c]) => {
      let headSequence = sequence;
      while (headSequences.has(headSequence)) headSequence++;
      headSequences.add(headSequence);
      return Object.freeze({ tenant, weight: c.weight, usage: Object.freeze({ cpu: c.cpu, memory: c.memory }), dominantShare: Math.max(c.cpu / 16, c.memory / 64), running: c.running, headSequence });
    });
  });
}

/**
 * The checks every fairness policy must pass, built-in or yours:
 *
 * ```ts
 * for (const check of fairnessPolicyContract(() => myPolicy())) it(check.name, check.run);
 * ```
 *
 * `policy` is a factory: each run starts from a fresh policy (policies may keep state).
 */
export function fairnessPolicyContract(policy: () => FairnessPolicy, options: ContractOptions = {}): ContractCheck[] {
  const params = { numRuns: options.numRuns ?? 100, ...(options.seed === undefined ? {} : { seed: options.seed }) };
  const name = policy().name;
  return [
    {
      name: `${name}: picks one of the candidates and does not mutate them`,
      run: () =>
        fc.assert(
          fc.property(candidateArbitrary(), (candidates) => {
            const before = JSON.stringify(candidates);
            const picked = policy().pick(candidates);
            if (!candidates.includes(picked)) throw new InvariantViolation(`pick() returned ${JSON.stringify(picked)}, not one of the candidates`);
            if (JSON.stringify(candidates) !== before) throw new InvariantViolation('pick() mutated its candidates');
          }),
          params,
        ),
    },
    {
      name: `${name}: is deterministic and ignores the order candidates come in`,
      run: () =>
        fc.assert(
          fc.property(candidateArbitrary().chain((c) => fc.tuple(fc.constant(c), fc.shuffledSubarray(c, { minLength: c.length }))), ([candidates, shuffled]) => {
            const a = policy().pick(candidates).tenant;
            const b = policy().pick(shuffled).tenant;
            if (a !== b) throw new InvariantViolation(`picked ${a} from one order and ${b} from another`);
          }),
          params,
        ),
    },
    {
      name: `${name}: in a manager, keeps the books straight and never leaves a fitting job queued`,
      run: () =>
        fc.assert(
          fc.property(
            fc.array(fc.oneof(fc.record({ tenant: fc.constantFrom('a', 'b', 'c'), cpu: fc.integer({ min: 1, max: 4 }), priority: fc.constantFrom('high', 'default') }), fc.nat().map((pick) => ({ pick }))), { maxLength: 40 }),
            (steps) => {
              const pool = new ResourcePool({ nodes: [{ id: 'n1', capacity: { cpu: 6 } }, { id: 'n2', capacity: { cpu: 4 } }] });
              const manager = new AllocationManager({ pool, fairness: policy(), now: () => 0, timers: false });
              for (const step of steps) {
                if ('pick' in step) {
                  const running = manager.allocations();
                  const target = running[step.pick % Math.max(1, running.length)];
                  if (target !== undefined) manager.release(target.id);
                } else {
                  manager.submit({ tenant: step.tenant, priority: step.priority, resources: { cpu: step.cpu } });
                }
                checkInvariants(pool);
                for (const job of manager.jobs({ status: 'queued' })) {
                  // a preempted job waits out its back-off first, whatever the room; a preemptor
                  // whose victims have begun to leave waits for its own node (it takes that room)
                  if (job.backoffUntil !== undefined || job.nominatedNode !== undefined) continue;
                  if (pool.planBatch([{ resources: job.resources }], { dryRun: true, algorithm: 'ffd' }).placed.length > 0) {
                    throw new InvariantViolation(`job ${job.id} is queued although it fits now`);
                  }
                }
              }
            },
          ),
          params,
        ),
    },
  ];
}
