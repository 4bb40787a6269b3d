/**
 * Writing a custom fairness policy — the runnable companion of docs/custom-policy.md.
 * Run it with `npx tsx examples/custom-policy.ts`.
 *
 * The contract (the `FairnessPolicy` interface):
 *
 *   - `name`: a non-empty string, used in errors and reports.
 *   - `pick(candidates)`: return one of the candidates — the very object, not a copy. Each
 *     candidate is one tenant whose queue in the current priority band has work and is not
 *     blocked: `{ tenant, weight, usage, dominantShare, running, headSequence }`. The list is
 *     never empty. The manager tries the picked tenant's queue, then asks again; a tenant whose
 *     queue has nothing that fits is left out of the next call.
 *   - `placed?(tenant)`: told after each placement (for policies with a memory, like round-robin).
 *   - `ignoresPriority?`: `true` puts every job in one band (plain FIFO does this).
 *   - Be deterministic: same candidates, same answer. Break ties by `headSequence`, then tenant id.
 *   - Anything that is not one of the candidates throws POLICY_CONTRACT_VIOLATION naming the policy.
 */
import { AllocationManager, type FairnessPolicy, type TenantCandidate, isFairpackError } from 'fairpack';
import { fairnessPolicyContract } from 'fairpack/testing';

/** The tie rule of every built-in: the tenant whose head job arrived first, then tenant id. */
function byArrival(a: TenantCandidate, b: TenantCandidate): number {
  return a.headSequence - b.headSequence || (a.tenant < b.tenant ? -1 : a.tenant > b.tenant ? 1 : 0);
}

/** Least running jobs first: every tenant gets the same number of jobs, whatever their size. */
function leastRunning(): FairnessPolicy {
  return {
    name: 'least-running',
    pick: (candidates) => candidates.reduce((best, c) => (c.running - best.running || byArrival(c, best)) < 0 ? c : best),
  } satisfies FairnessPolicy;
}

/**
 * Turns of `n`: serve one tenant up to `n` placements in a row, then the next tenant id (cyclic).
 * A policy with a memory: `placed` counts, and a factory gives each manager its own counter.
 */
function inTurns(n: number): FairnessPolicy {
  let current: string | undefined;
  let served = 0;
  return {
    name: `turns-of-${n}`,
    pick(candidates) {
      const sorted = [...candidates].sort((a, b) => (a.tenant < b.tenant ? -1 : 1));
      const mine = sorted.find((c) => c.tenant === current);
      if (mine !== undefined && served < n) return mine;
      return sorted.find((c) => current === undefined || c.tenant > current) ?? (sorted[0] as TenantCandidate);
    },
    placed(tenant) {
      served = tenant === current ? served + 1 : 1;
      current = tenant;
    },
  } satisfies FairnessPolicy;
}

// 16 cpu. etl runs big jobs ⟨4 cpu⟩ (1/4 of the cluster each), web small ones ⟨1 cpu⟩ (1/16).
// Every job queues behind a filler that holds the cluster; releasing it runs one cycle.
function run(fairness: FairnessPolicy | 'drf' | 'round-robin') {
  const mgr = new AllocationManager({ capacity: { cpu: 16, memory: 64 }, fairness, now: () => 0 });
  const started: string[] = [];
  mgr.on('allocated', (_allocation, job) => started.push(job.tenant === 'etl' ? 'E' : 'w'));
  const filler = mgr.submit({ tenant: 'filler', resources: { cpu: 16 } });
  mgr.submitMany([
    ...Array.from({ length: 4 }, () => ({ tenant: 'etl', resources: { cpu: 4, memory: 8 } })),
    ...Array.from({ length: 8 }, () => ({ tenant: 'web', resources: { cpu: 1, memory: 2 } })),
  ]);
  started.length = 0;
  if (filler.status === 'allocated') mgr.release(filler.allocation.id);
  const running = (tenant: string) => mgr.metrics().tenants[tenant]?.running ?? 0;
  const name = typeof fairness === 'string' ? fairness : fairness.name;
  console.log(`${name.padEnd(14)} ${started.join(' ').padEnd(22)} etl ${running('etl')}  web ${running('web')}`);
}

// DRF weighs size: etl's first job makes its share 4/16 = 1/4, so web starts four 1/16 jobs before
// etl's second (ties go to the earlier head). Counting jobs instead (least-running) alternates, and
// etl's big jobs take 12 of the 16 cpu. (round-robin starts with web: the tenant it served last was
// `filler`, and `web` is the next id after it.)
console.log(`${'policy'.padEnd(14)} ${'start order'.padEnd(22)} running`);
for (const policy of ['drf', 'round-robin', leastRunning(), inTurns(2)] as const) run(policy);

// A broken policy: it returns a copy, not one of the candidates. The manager names it and stops.
const broken: FairnessPolicy = { name: 'copies', pick: (candidates) => ({ ...(candidates[0] as TenantCandidate) }) };
const mgr = new AllocationManager({ capacity: { cpu: 4 }, fairness: broken, now: () => 0 });
try {
  mgr.submit({ resources: { cpu: 1 } });
} catch (error) {
  if (!isFairpackError(error)) throw error;
  console.log(`\n${error.code} (policy "${String(error.details['policy'])}"):\n  ${error.message}`);
}

// The contract suite every built-in passes (fairpack/testing, needs fast-check). Each check throws
// with a seed and a shrunk counterexample if the policy breaks it.
console.log('\nfairnessPolicyContract');
for (const factory of [leastRunning, () => inTurns(2)]) {
  for (const check of fairnessPolicyContract(factory, { numRuns: 50, seed: 2026 })) {
    check.run();
    console.log(`  ✓ ${check.name}`);
  }
}
