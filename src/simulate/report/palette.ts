import type { Combination } from '../results.js';

/**
 * Colours and dash patterns for the charts. A combination is drawn in its strategy's colour and
 * its policy's dash pattern, so a chart with eight lines still reads as "four colours × two
 * styles"; runs without preemption are drawn thinner and lighter.
 */
const STRATEGY_COLOURS: Readonly<Record<string, string>> = {
  'first-fit': '#2563eb',
  'best-fit': '#059669',
  'worst-fit': '#ea580c',
  'dot-product': '#9333ea',
};
const FALLBACK_COLOURS = ['#0891b2', '#be123c', '#4d7c0f', '#a16207'];

const POLICY_DASHES: Readonly<Record<string, string>> = {
  fifo: '',
  drf: '7 4',
  priority: '2 3',
  'round-robin': '9 3 2 3',
};

/** Per dimension (utilisation charts). */
const DIMENSION_COLOURS: Readonly<Record<string, string>> = { cpu: '#2563eb', memory: '#059669', gpu: '#dc2626' };
const MORE_COLOURS = ['#9333ea', '#ea580c', '#0891b2', '#a16207', '#be123c'];

/** Per tenant (share charts): Tableau 10, colour-blind friendlier than most. */
const TENANT_COLOURS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#9c755f'];
const OTHERS_COLOUR = '#9ca3af';

export function strategyColour(strategy: string, index: number): string {
  return STRATEGY_COLOURS[strategy] ?? (FALLBACK_COLOURS[index % FALLBACK_COLOURS.length] as string);
}

export function policyDash(policy: string): string {
  return POLICY_DASHES[policy] ?? '4 2';
}

/** Per autoscaling mode, when the runs compare modes under one strategy. */
const AUTOSCALE_COLOURS: Readonly<Record<string, string>> = { fairpack: '#059669', threshold: '#ea580c', off: '#6b7280' };

export function combinationStyle(combination: Combination, strategies: readonly string[]): { colour: string; dash: string; opacity: number } {
  // one strategy and several autoscaling modes: the colour tells the modes apart
  if (combination.autoscale !== undefined && strategies.length === 1) return { colour: AUTOSCALE_COLOURS[combination.autoscale] as string, dash: policyDash(combination.policy), opacity: combination.preemption ? 1 : 0.55 };
  return { colour: strategyColour(combination.strategy, strategies.indexOf(combination.strategy)), dash: policyDash(combination.policy), opacity: combination.preemption ? 1 : 0.55 };
}

export function dimensionColour(dimension: string, index: number): string {
  return DIMENSION_COLOURS[dimension] ?? (MORE_COLOURS[index % MORE_COLOURS.length] as string);
}

export function tenantColour(tenant: string, index: number): string {
  return tenant === 'others' ? OTHERS_COLOUR : (TENANT_COLOURS[index % TENANT_COLOURS.length] as string);
}
