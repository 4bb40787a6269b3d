import { didYouMean, didYouMeanHint } from '../did-you-mean.js';
import { FairpackError, describeValue } from '../errors.js';
import { bestFit } from './best-fit.js';
import { dotProduct } from './dot-product.js';
import { firstFit } from './first-fit.js';
import type { PlacementStrategy } from './strategy.js';
import { worstFit } from './worst-fit.js';

/** Factories of the built-in strategies, by their stable names. */
export const placementStrategies = Object.freeze({
  'first-fit': firstFit,
  'best-fit': bestFit,
  'worst-fit': worstFit,
  'dot-product': dotProduct,
} as const);

export type PlacementStrategyName = keyof typeof placementStrategies;

export const placementStrategyNames = Object.freeze(Object.keys(placementStrategies) as PlacementStrategyName[]);

/** A built-in name or a strategy object; validates the object's shape. */
export function resolvePlacementStrategy(strategy: PlacementStrategyName | PlacementStrategy | undefined): PlacementStrategy {
  if (strategy === undefined) return bestFit();
  if (typeof strategy === 'string') {
    if (!Object.hasOwn(placementStrategies, strategy)) {
      const suggestion = didYouMean(strategy, placementStrategyNames);
      throw new FairpackError(
        'UNKNOWN_STRATEGY',
        `Expected \`placement\` to be one of ${placementStrategyNames.map((n) => `'${n}'`).join(', ')} or a PlacementStrategy object, got ${describeValue(strategy)}.${didYouMeanHint(suggestion)}`,
        { value: strategy, known: placementStrategyNames, suggestion },
      );
    }
    return placementStrategies[strategy as PlacementStrategyName]();
  }
  if (
    typeof strategy !== 'object' ||
    strategy === null ||
    typeof strategy.name !== 'string' ||
    strategy.name.length === 0 ||
    (typeof strategy.score !== 'function' && typeof strategy.select !== 'function') ||
    (strategy.createIndex !== undefined && typeof strategy.createIndex !== 'function')
  ) {
    throw new FairpackError(
      'INVALID_OPTION',
      `Expected \`placement\` to be a strategy name or an object with a non-empty \`name\` and a \`score\` or \`select\` function, got ${describeValue(strategy)}. See docs/custom-strategy.md.`,
      { option: 'placement' },
    );
  }
  return strategy;
}
