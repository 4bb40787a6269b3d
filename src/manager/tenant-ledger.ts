import { FairpackError, describeValue } from '../errors.js';
import { checkKnownKeys, knownKeys } from '../known-keys.js';
import { type Resources, type Scale, fromScaled, isPlainRecord } from '../resources/index.js';
import { DEFAULT_QUOTA_BEHAVIOUR, type QuotaBehaviour, type QuotaCheck, type TenantQuota, checkQuota, limitsView, parseQuota, parseQuotaBehaviour } from './quotas.js';

/** What a tenant without promises reads (never written). */
const NO_PROMISES: ReadonlyMap<string, number> = new Map();

interface TenantAccount {
  weight: number;
  /** Scaled usage per dimension name. */
  readonly usage: Map<string, number>;
  running: number;
  quota: TenantQuota | undefined;
  /** What its quota does past the limits: set with or without limits (see setQuota). */
  behaviour: QuotaBehaviour;
  /** Scaled demand of the tenant's preemptors waiting for their victims: promised, not yet used. */
  readonly promised: Map<string, number>;
  /** Nothing running, promised or set: it reads like a tenant never seen, and goes at the next sweep. */
  idle: boolean;
  /**
   * The dominant share last worked out, and the cluster totals it was worked out against (undefined
   * once the usage changed): the scheduling cycle asks for it per open queue per pick, and the
   * usage changes only when one of the tenant's jobs starts or ends.
   */
  shareOf?: ReadonlyMap<string, number> | undefined;
  share?: number;
}

/** Idle accounts are forgotten together once there are more than this many, and more than busy ones. */
const SWEEP_AT_LEAST = 1_024;

/** A tenant's settings as the `tenants` option (and a snapshot) gives them. */
export interface TenantSettings {
  readonly weight: number;
  readonly quota?: Resources;
  readonly onExceed: 'reject' | 'queue';
  readonly burst: number;
  /** null: the default (`['low']`, whether or not the manager has such a class). */
  readonly burstClasses: readonly string[] | null;
}

const TENANT_KEYS = knownKeys('tenant option', ['weight', 'quota', 'onExceed', 'burst', 'burstClasses'], 'INVALID_OPTION', 'tenants');

const UNLIMITED: QuotaCheck = Object.freeze({ ok: true, burst: false });

/**
 * Per-tenant usage, exact (scaled integers), and the dominant share DRF ranks by:
 * max_d usage_d / total_d over the cluster's dimensions.
 */
export class TenantLedger {
  private readonly accounts = new Map<string, TenantAccount>();
  /** `dominantShare`'s running maximum, passed to `forEach` as its `this`. */
  private readonly widest: WidestShare = { total: NO_TOTALS, share: 0 };
  /** Accounts with `idle` set, not yet swept. */
  private idleCount = 0;

  constructor(
    private readonly scale: Scale,
    tenants: unknown,
    private readonly isClass: (name: string) => boolean,
  ) {
    if (tenants === undefined) return;
    if (!isPlainRecord(tenants)) {
      throw new FairpackError('INVALID_OPTION', `Expected \`tenants\` to be an object of tenant id → { weight?, quota?, onExceed?, burst?, burstClasses? }, got ${describeValue(tenants)}.`, { option: 'tenants' });
    }
    for (const [tenant, options] of Object.entries(tenants)) {
      if (!isPlainRecord(options)) {
        throw new FairpackError('INVALID_OPTION', `Expected \`tenants.${tenant}\` to be an object { weight?, quota?, onExceed?, burst?, burstClasses? }, got ${describeValue(options)}.`, { option: 'tenants' });
      }
      checkKnownKeys(options, TENANT_KEYS, `tenant "${tenant}"`);
      const { weight, quota, ...settings } = options;
      this.setWeight(tenant, weight ?? 1);
      this.setQuota(tenant, quota ?? null, settings);
    }
  }

  /**
   * Validates and sets (or with `null`, removes) a tenant's limits, and sets what the quota does
   * past them (`onExceed`, `burst`, `burstClasses`: replaced, defaults for those left out) — with
   * or without limits, so settings given first take effect once limits are set. Nothing changes
   * on bad input.
   */
  setQuota(tenant: string, quota: unknown, settings: Readonly<Record<string, unknown>>): void {
    const behaviour = parseQuotaBehaviour(tenant, settings, this.isClass);
    const parsed = quota === null ? undefined : parseQuota(tenant, { quota, ...settings }, this.scale, this.isClass);
    const account = this.account(tenant);
    account.quota = parsed;
    account.behaviour = behaviour;
    this.noteIdle(account);
  }

  quota(tenant: string): TenantQuota | undefined {
    return this.accounts.get(tenant)?.quota;
  }

  /** What the tenant's quota does past its limits (the defaults for a tenant never configured). */
  behaviour(tenant: string): QuotaBehaviour {
    return this.accounts.get(tenant)?.behaviour ?? DEFAULT_QUOTA_BEHAVIOUR;
  }

  /**
   * Whether `demand` (scaled, by dimension name) fits the tenant's quota now, counting what is
   * promised to its preemptors (except `own`, the demand of the job asking, if it is one of them):
   * a preemptor's victims must not be evicted for room its own tenant's quota then refuses it.
   */
  checkQuota(tenant: string, priority: string, demand: ReadonlyMap<string, number>, own?: ReadonlyMap<string, number>): QuotaCheck {
    const account = this.accounts.get(tenant);
    if (account?.quota === undefined) return UNLIMITED;
    let counted: ReadonlyMap<string, number> = account.usage;
    if (account.promised.size > 0) {
      const sum = new Map(account.usage);
      for (const [name, amount] of account.promised) sum.set(name, (sum.get(name) ?? 0) + amount - (own?.get(name) ?? 0));
      counted = sum;
    }
    return checkQuota(account.quota, tenant, priority, counted, demand, this.scale);
  }

  /** Promises (sign 1) or withdraws (−1) a preemptor's demand against its tenant's quota. */
  promise(tenant: string, demand: ReadonlyMap<string, number>, sign: 1 | -1): void {
    const account = this.account(tenant);
    for (const [name, amount] of demand) {
      const left = (account.promised.get(name) ?? 0) + sign * amount;
      if (left === 0) account.promised.delete(name);
      else account.promised.set(name, left);
    }
    this.noteIdle(account);
  }

  setWeight(tenant: string, weight: unknown): void {
    const valid = checkWeight(tenant, weight);
    const account = this.account(tenant);
    account.weight = valid;
    this.noteIdle(account);
  }

  weight(tenant: string): number {
    return this.accounts.get(tenant)?.weight ?? 1;
  }

  running(tenant: string): number {
    return this.accounts.get(tenant)?.running ?? 0;
  }

  /** Adds (sign 1) or removes (sign −1) an allocation's scaled amounts. */
  charge(tenant: string, demand: ReadonlyMap<string, number>, sign: 1 | -1): void {
    const account = this.account(tenant);
    account.running += sign;
    // a dimension whose use falls to 0 keeps its entry (at 0; every reader counts a missing one as
    // 0): a tenant whose only job starts and ends at every submit+release deleted and re-added the
    // same keys each time, and a Map keeps a deleted key's slot until it is rebuilt
    // (by key: destructuring the entries made an array per dimension per start and per end)
    const { usage } = account;
    for (const name of demand.keys()) usage.set(name, (usage.get(name) ?? 0) + sign * (demand.get(name) as number));
    account.shareOf = undefined;
    this.noteIdle(account);
  }

  usage(tenant: string): Resources {
    const out: Record<string, number> = {};
    for (const [name, amount] of this.accounts.get(tenant)?.usage ?? []) if (amount !== 0) out[name] = fromScaled(amount, this.scale);
    return Object.freeze(out);
  }

  /** max_d usage_d / total_d, with `total` the cluster's scaled capacity per dimension. */
  dominantShare(tenant: string, total: ReadonlyMap<string, number>): number {
    const account = this.accounts.get(tenant);
    if (account === undefined) return 0;
    // the totals are a new map whenever they change (the manager's #refreshTotals)
    if (account.shareOf === total) return account.share as number;
    // (forEach with a kept context: the entries of a for…of were an array each, per tenant per pick)
    const widest = this.widest;
    widest.total = total;
    widest.share = 0;
    account.usage.forEach(widenShare, widest);
    const share = widest.share;
    widest.total = NO_TOTALS;
    account.shareOf = total;
    account.share = share;
    return share;
  }

  /** The scaled demand promised to the tenant's waiting preemptors, by dimension name (for fairpack/testing's checks). */
  promisedOf(tenant: string): ReadonlyMap<string, number> {
    return this.accounts.get(tenant)?.promised ?? NO_PROMISES;
  }

  /** The tenants with something running, promised or set (an idle one reads like one never seen). */
  tenants(): string[] {
    const out: string[] = [];
    for (const [tenant, account] of this.accounts) if (!account.idle) out.push(tenant);
    return out;
  }

  /**
   * Each tenant's settings, in the ledger's order (for a snapshot). Usage, running counts and
   * promises are not kept: they follow from the running jobs and the waiting preemptors.
   */
  snapshot(): [string, TenantSettings][] {
    return [...this.accounts].map(([tenant, account]) => {
      const { onExceed, burst, burstClasses } = account.behaviour;
      const quota = account.quota === undefined ? {} : { quota: limitsView(account.quota, this.scale) };
      // the default (`low`) is written as null: it names a class the manager may not have, and a
      // restore would refuse it as a list of class names
      return [tenant, { weight: account.weight, ...quota, onExceed, burst, burstClasses: burstClasses === DEFAULT_QUOTA_BEHAVIOUR.burstClasses ? null : [...burstClasses] }];
    });
  }

  /** Restoring a snapshot: the tenants' settings, in order, before any job is charged. */
  restore(tenants: readonly (readonly [string, TenantSettings])[]): void {
    for (const [tenant, { weight, quota, burstClasses, ...rest }] of tenants) {
      const settings = { ...rest, ...(burstClasses === null ? {} : { burstClasses }) };
      const valid = checkWeight(tenant, weight);
      const account = this.account(tenant);
      account.weight = valid;
      account.quota = quota === undefined ? undefined : parseQuota(tenant, { quota, ...settings }, this.scale, this.isClass);
      account.behaviour = parseQuotaBehaviour(tenant, settings, this.isClass);
    }
  }

  /**
   * Marks an account idle (or busy again) after a change: a tenant with nothing running, nothing
   * promised, and no weight or quota of its own reads exactly like one never seen (weight 1, no
   * quota, no use), and is forgotten at the next sweep — so a client that makes up a new tenant
   * name per request cannot make the books grow without bound.
   */
  private noteIdle(account: TenantAccount): void {
    const idle = isIdle(account);
    if (idle === account.idle) return;
    account.idle = idle;
    this.idleCount += idle ? 1 : -1;
    if (idle && this.idleCount > SWEEP_AT_LEAST && this.idleCount > this.accounts.size - this.idleCount) this.sweep();
  }

  /**
   * Forgets every idle account at once. Not one by one as each goes idle: a Map keeps a deleted
   * entry in its bucket's chain until the map is rebuilt, so a tenant that goes idle and comes back
   * with every job (deleted and added again each time) made its own lookups walk thousands of dead
   * entries — 932 µs per submit+release beside 20,000 busy tenants, against 27 µs for a busy one.
   * In a sweep each idle tenant is deleted once; the sweeps cost O(1) per idle transition.
   */
  private sweep(): void {
    for (const [tenant, account] of this.accounts) if (account.idle) this.accounts.delete(tenant);
    this.idleCount = 0;
  }

  /** After a restore has charged the jobs and promises: which accounts are idle (as in the original). */
  settleIdle(): void {
    this.idleCount = 0;
    for (const account of this.accounts.values()) {
      account.idle = isIdle(account);
      if (account.idle) this.idleCount++;
    }
  }

  private account(tenant: string): TenantAccount {
    let account = this.accounts.get(tenant);
    if (account === undefined) {
      account = { weight: 1, usage: new Map(), running: 0, quota: undefined, behaviour: DEFAULT_QUOTA_BEHAVIOUR, promised: new Map(), idle: false };
      this.accounts.set(tenant, account);
    }
    return account;
  }
}

const NO_TOTALS: ReadonlyMap<string, number> = new Map();

interface WidestShare {
  total: ReadonlyMap<string, number>;
  share: number;
}

/** One dimension of `dominantShare`: usage ÷ the cluster's total, a use of a dimension it lacks is ∞. */
function widenShare(this: WidestShare, amount: number, name: string): void {
  if (amount <= 0) return;
  const cap = this.total.get(name) ?? 0;
  this.share = Math.max(this.share, cap > 0 ? amount / cap : Infinity);
}

function checkWeight(tenant: string, weight: unknown): number {
  if (typeof weight !== 'number' || !Number.isFinite(weight) || weight <= 0) {
    throw new FairpackError('INVALID_OPTION', `Expected the weight of tenant "${tenant}" to be a finite number > 0, got ${describeValue(weight)}.`, { tenant, value: weight });
  }
  return weight;
}

function isDefaultBehaviour(behaviour: QuotaBehaviour): boolean {
  // the default itself, as every account without a quota holds it: asked at every release (through
  // `isIdle`), where the comparison below built an array and a closure
  if (behaviour === DEFAULT_QUOTA_BEHAVIOUR) return true;
  const { onExceed, burst, burstClasses } = DEFAULT_QUOTA_BEHAVIOUR;
  if (behaviour.onExceed !== onExceed || behaviour.burst !== burst || behaviour.burstClasses.size !== burstClasses.size) return false;
  for (const c of burstClasses) if (!behaviour.burstClasses.has(c)) return false;
  return true;
}

function isIdle(account: TenantAccount): boolean {
  return account.running === 0 && allZero(account.usage) && account.promised.size === 0 && account.quota === undefined && account.weight === 1 && isDefaultBehaviour(account.behaviour);
}

function allZero(amounts: ReadonlyMap<string, number>): boolean {
  for (const amount of amounts.values()) if (amount !== 0) return false;
  return true;
}
