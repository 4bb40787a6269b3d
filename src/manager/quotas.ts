import { plainArray } from '../user-input.js';
import { FairpackError, describeValue } from '../errors.js';
import { type Scale, fromScaled, isPlainRecord, parseResources, toResources } from '../resources/index.js';
import type { QuotaExceedAction, QuotaShortfall } from './types.js';

/** A tenant's quota with exact (scaled) limits. Dimensions without a limit are unlimited. */
export interface TenantQuota extends QuotaBehaviour {
  readonly limits: ReadonlyMap<string, number>;
}

export type QuotaCheck = { readonly ok: true; readonly burst: boolean } | { readonly ok: false; readonly shortfall: QuotaShortfall };

const WITHIN: QuotaCheck = Object.freeze({ ok: true, burst: false });
const BURST: QuotaCheck = Object.freeze({ ok: true, burst: true });

export interface QuotaInput {
  readonly quota: unknown;
  readonly onExceed?: unknown;
  readonly burst?: unknown;
  readonly burstClasses?: unknown;
}

/** What a quota does past its limits: kept for a tenant even while it has no limits. */
export interface QuotaBehaviour {
  readonly onExceed: QuotaExceedAction;
  readonly burst: number;
  readonly burstClasses: ReadonlySet<string>;
}

export const DEFAULT_QUOTA_BEHAVIOUR: QuotaBehaviour = Object.freeze({ onExceed: 'reject', burst: 1, burstClasses: new Set(['low']) });

/** Validates a quota completely (limits, action, burst, burst classes), or throws INVALID_OPTION. */
export function parseQuota(tenant: string, input: QuotaInput, scale: Scale, isClass: (name: string) => boolean): TenantQuota {
  const where = `the quota of tenant "${tenant}"`;
  if (!isPlainRecord(input.quota)) throw new FairpackError('INVALID_OPTION', `Expected ${where} to be an object of dimension → limit, e.g. { cpu: 8, gpu: 2 }, got ${describeValue(input.quota)}.`, { tenant });
  const entries = parseResourcesKeepingZeros(input.quota, scale, where);
  return Object.freeze({ limits: entries, ...parseQuotaBehaviour(tenant, input, isClass) });
}

/** Validates `onExceed`, `burst` and `burstClasses` (defaults for those left out), or throws INVALID_OPTION. */
export function parseQuotaBehaviour(tenant: string, input: Omit<QuotaInput, 'quota'>, isClass: (name: string) => boolean): QuotaBehaviour {
  const onExceed = input.onExceed ?? 'reject';
  if (onExceed !== 'reject' && onExceed !== 'queue') throw new FairpackError('INVALID_OPTION', `Expected \`onExceed\` of tenant "${tenant}" to be 'reject' or 'queue', got ${describeValue(onExceed)}.`, { tenant });
  const burst = input.burst ?? 1;
  if (typeof burst !== 'number' || !Number.isFinite(burst) || burst < 1) {
    throw new FairpackError('INVALID_OPTION', `Expected \`burst\` of tenant "${tenant}" to be a number >= 1 (1.5 lets burst classes use 150 % of the limit), got ${describeValue(burst)}.`, { tenant });
  }
  // the default names `low` whether or not the classes have one (with none, nothing bursts)
  if (input.burstClasses === undefined) return Object.freeze({ onExceed, burst, burstClasses: DEFAULT_QUOTA_BEHAVIOUR.burstClasses });
  const classes = Array.isArray(input.burstClasses) ? plainArray(input.burstClasses) : input.burstClasses;
  if (!Array.isArray(classes) || classes.some((c) => typeof c !== 'string' || !isClass(c))) {
    throw new FairpackError('INVALID_OPTION', `Expected \`burstClasses\` of tenant "${tenant}" to be an array of priority class names, got ${describeValue(classes)}.`, { tenant });
  }
  return Object.freeze({ onExceed, burst, burstClasses: new Set(classes as string[]) });
}

/**
 * Whether a demand fits the quota on top of `usage` (both scaled, by dimension name): within the
 * hard limits; or, for a burst class, within floor(limit × burst) — marked `burst`. Exact integer
 * comparisons, so the sum of live allocations never passes a limit.
 */
export function checkQuota(quota: TenantQuota, tenant: string, priority: string, usage: ReadonlyMap<string, number>, demand: ReadonlyMap<string, number>, scale: Scale): QuotaCheck {
  const hard = firstOver(quota, usage, demand, 1);
  if (hard === undefined) return WITHIN;
  const bursts = quota.burst > 1 && quota.burstClasses.has(priority);
  const over = bursts ? firstOver(quota, usage, demand, quota.burst) : hard;
  if (over === undefined) return BURST;
  // a burst class is told the limit that applies to it: the burst limit
  const [dimension, used, limit] = over;
  return {
    ok: false,
    shortfall: Object.freeze({ tenant, dimension, used: fromScaled(used, scale), limit: fromScaled(limit, scale), requested: fromScaled(demand.get(dimension) ?? 0, scale) }),
  };
}

export function limitsView(quota: TenantQuota, scale: Scale): Readonly<Record<string, number>> {
  return toResources([...quota.limits.keys()], [...quota.limits.values()], scale);
}

function firstOver(quota: TenantQuota, usage: ReadonlyMap<string, number>, demand: ReadonlyMap<string, number>, factor: number): [string, number, number] | undefined {
  for (const [dimension, asked] of demand) {
    const hard = quota.limits.get(dimension);
    if (hard === undefined || asked === 0) continue;
    const limit = factor === 1 ? hard : Math.floor(hard * factor);
    const used = usage.get(dimension) ?? 0;
    if (used + asked > limit) return [dimension, used, limit];
  }
  return undefined;
}

/** Like parseResources, but a limit of 0 is kept: `{ gpu: 0 }` means "no gpu", not "unlimited". */
function parseResourcesKeepingZeros(input: Record<string, unknown>, scale: Scale, where: string): Map<string, number> {
  const { names, amounts } = parseResources(input, scale, where);
  const limits = new Map<string, number>();
  for (const name of Object.keys(input)) limits.set(name, 0);
  names.forEach((name, i) => limits.set(name, amounts[i] as number));
  return limits;
}
