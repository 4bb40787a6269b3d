import { AllocationManager, type FairnessPolicy, type TenantCandidate } from 'fairpack';
import { describe, expect, it } from 'vitest';

/*
 * The policy's candidates are made once per queue and refreshed in place before each pick: every
 * pick must still see the figures of that moment (running jobs, dominant share, head), not those
 * of the first pick of the pass.
 */

/** Fewest running jobs first, then the earliest head: alternates between tenants only if `running` is fresh. */
function fewestRunning(seen: string[][]): FairnessPolicy {
  return {
    name: 'fewest-running',
    pick(candidates: readonly TenantCandidate[]): TenantCandidate {
      seen.push(candidates.map((c) => `${c.tenant}:${c.running}:${c.dominantShare}:${c.headSequence}`));
      return [...candidates].sort((x, y) => x.running - y.running || x.headSequence - y.headSequence)[0] as TenantCandidate;
    },
  };
}

describe('the fairness candidates of one pass', () => {
  it('show each pick the figures of that moment', () => {
    const seen: string[][] = [];
    let time = 0;
    const mgr = new AllocationManager({ capacity: { cpu: 6 }, fairness: fewestRunning(seen), now: () => time, timers: false });
    const filler = mgr.submit({ tenant: 'filler', resources: { cpu: 6 } });
    if (filler.status !== 'allocated') throw new Error('the filler did not fit');
    // a1 a2 a3 then b1 b2 b3 (sequences 1…6), 1 cpu each, all waiting behind the filler
    for (const tenant of ['a', 'b']) for (let i = 0; i < 3; i++) mgr.submit({ tenant, resources: { cpu: 1 } });
    const started: string[] = [];
    mgr.on('allocated', (_allocation, view) => started.push(view.tenant));
    seen.length = 0;
    time++;
    mgr.release(filler.allocation.id);
    // fewest running first: a (0) before b (0) by head, then b (0 < 1), then a (1 = 1, head 2 < 5)…
    expect(started).toEqual(['a', 'b', 'a', 'b', 'a', 'b']);
    // the picks of the pass: running and dominant share (1 cpu of 6 per job) and heads move
    // between picks, and a tenant whose queue emptied is no longer offered
    expect(seen).toEqual([
      ['a:0:0:1', 'b:0:0:4'],
      ['a:1:0.16666666666666666:2', 'b:0:0:4'],
      ['a:1:0.16666666666666666:2', 'b:1:0.16666666666666666:5'],
      ['a:2:0.3333333333333333:3', 'b:1:0.16666666666666666:5'],
      ['a:2:0.3333333333333333:3', 'b:2:0.3333333333333333:6'],
      ['b:2:0.3333333333333333:6'],
    ]);
  });

  it('are the open queues of each pass only, though the lists are reused from pass to pass', () => {
    // the pass's lists (open queues, candidates) are refilled by index: a pass with fewer
    // tenants than the one before must not see the earlier pass's leftovers
    const seen: string[][] = [];
    const earliest: FairnessPolicy = {
      name: 'earliest-head',
      pick(candidates: readonly TenantCandidate[]): TenantCandidate {
        seen.push(candidates.map((c) => c.tenant));
        return [...candidates].sort((x, y) => x.headSequence - y.headSequence)[0] as TenantCandidate;
      },
    };
    const mgr = new AllocationManager({ capacity: { cpu: 4 }, fairness: earliest, timers: false });
    const first = mgr.submit({ tenant: 'a', resources: { cpu: 4 } });
    if (first.status !== 'allocated') throw new Error('the first job did not fit');
    // b, c and d wait, one whole-node job each
    const ids = new Map<string, string>();
    mgr.on('allocated', (allocation, view) => ids.set(view.tenant, allocation.id));
    for (const tenant of ['b', 'c', 'd']) mgr.submit({ tenant, resources: { cpu: 4 } });
    seen.length = 0;
    mgr.release(first.allocation.id); // three tenants wait: b starts, then c and d are asked again (no room)
    mgr.release(ids.get('b') as string); // two: c starts, then d is asked again
    mgr.release(ids.get('c') as string); // one: d starts
    expect(seen).toEqual([['b', 'c', 'd'], ['c', 'd'], ['c', 'd'], ['d'], ['d']]);
    expect([...ids.keys()]).toEqual(['b', 'c', 'd']);
  });

  it('give a policy the usage of the moment and nothing of the books behind it', () => {
    const usages: unknown[] = [];
    const keys: string[][] = [];
    const policy: FairnessPolicy = {
      name: 'reads-usage',
      pick(candidates: readonly TenantCandidate[]): TenantCandidate {
        for (const c of candidates) {
          usages.push(c.usage);
          keys.push(Object.keys(c));
        }
        return candidates[0] as TenantCandidate;
      },
    };
    const mgr = new AllocationManager({ capacity: { cpu: 4, memory: 8 }, fairness: policy, timers: false });
    // a's first job (cpu 1, memory 2) is picked with nothing running; its second with the first running
    mgr.submit({ tenant: 'a', resources: { cpu: 1, memory: 2 } });
    mgr.submit({ tenant: 'a', resources: { cpu: 1, memory: 2 } });
    expect(usages).toEqual([{}, { cpu: 1, memory: 2 }]);
    // the candidate's own fields (usage is a getter, built when read); no ledger or other state
    expect(keys[0]?.sort()).toEqual(['dominantShare', 'headSequence', 'running', 'tenant', 'weight']);
  });
});
