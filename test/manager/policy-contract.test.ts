import { describe, expect, it } from 'vitest';
import { AllocationManager, type FairnessPolicy, fairnessPolicies, fairnessPolicyNames, isFairpackError } from 'fairpack';
import { fairnessPolicyContract } from 'fairpack/testing';
import { propertyRuns } from '../support.js';

describe.each(fairnessPolicyNames)('built-in policy %s', (name) => {
  for (const check of fairnessPolicyContract(fairnessPolicies[name], { numRuns: propertyRuns(50) })) it(check.name, check.run);
});

describe('custom policies', () => {
  it('a policy that favours the tenant with fewest running jobs passes the contract', () => {
    const fewestRunning = (): FairnessPolicy => ({
      name: 'fewest-running',
      pick: (candidates) => [...candidates].sort((a, b) => a.running - b.running || a.headSequence - b.headSequence)[0] as (typeof candidates)[number],
    });
    for (const check of fairnessPolicyContract(fewestRunning, { numRuns: 30 })) check.run();
  });

  it('a policy that returns a non-candidate is refused at run time with POLICY_CONTRACT_VIOLATION', () => {
    const broken: FairnessPolicy = { name: 'broken', pick: (candidates) => ({ ...(candidates[0] as (typeof candidates)[number]) }) };
    const manager = new AllocationManager({ capacity: { cpu: 1 }, fairness: broken, now: () => 0 });
    try {
      manager.submit({ resources: { cpu: 1 } });
      throw new Error('accepted');
    } catch (error) {
      expect(isFairpackError(error) && error.code).toBe('POLICY_CONTRACT_VIOLATION');
    }
  });

  it('setTenant changes a weight at run time', () => {
    const manager = new AllocationManager({ capacity: { cpu: 2 }, now: () => 0 });
    manager.setTenant('a', { weight: 3 });
    expect(manager.metrics().tenants['a']?.weight).toBe(3);
    expect(() => manager.setTenant('a', { weight: -1 })).toThrow(/finite number > 0/);
  });
});
