import { didYouMean, didYouMeanHint } from '../did-you-mean.js';
import { FairpackError, describeValue } from '../errors.js';
import { drf } from './drf.js';
import { fifo } from './fifo.js';
import type { FairnessPolicy } from './policy.js';
import { priority } from './priority.js';
import { roundRobin } from './round-robin.js';

/** Factories of the built-in fairness policies, by their stable names. */
export const fairnessPolicies = Object.freeze({
  fifo,
  priority,
  'round-robin': roundRobin,
  drf,
} as const);

export type FairnessPolicyName = keyof typeof fairnessPolicies;

export const fairnessPolicyNames = Object.freeze(Object.keys(fairnessPolicies) as FairnessPolicyName[]);

/** A built-in name or a policy object; validates the object's shape. */
export function resolveFairnessPolicy(policy: FairnessPolicyName | FairnessPolicy | undefined): FairnessPolicy {
  if (policy === undefined) return drf();
  if (typeof policy === 'string') {
    if (!Object.hasOwn(fairnessPolicies, policy)) {
      const suggestion = didYouMean(policy, fairnessPolicyNames);
      throw new FairpackError(
        'UNKNOWN_POLICY',
        `Expected \`fairness\` to be one of ${fairnessPolicyNames.map((n) => `'${n}'`).join(', ')} or a FairnessPolicy object, got ${describeValue(policy)}.${didYouMeanHint(suggestion)}`,
        { value: policy, known: fairnessPolicyNames, suggestion },
      );
    }
    return fairnessPolicies[policy as FairnessPolicyName]();
  }
  if (typeof policy !== 'object' || policy === null || typeof policy.name !== 'string' || policy.name.length === 0 || typeof policy.pick !== 'function') {
    throw new FairpackError(
      'INVALID_OPTION',
      `Expected \`fairness\` to be a policy name or an object with a non-empty \`name\` and a \`pick\` function, got ${describeValue(policy)}. See docs/custom-policy.md.`,
      { option: 'fairness' },
    );
  }
  return policy;
}
